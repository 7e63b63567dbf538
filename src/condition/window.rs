//! `for DURATION`: whether a condition has held continuously long enough, over samples, with time
//! passed in (no clock is read here).
//!
//! The rules, as a Prometheus alert's `for:` made stricter for auto-ticks: the condition must be true
//! on every sample for at least the duration *and* on at least two samples; a False, an Unknown, or a
//! gap between samples longer than 1.5× the expected interval starts the count again. Without a
//! `for`, one true sample holds.

use super::ast::Condition;
use super::eval::Truth;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Where a condition stands against its `for`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldStatus {
    /// Not true now (or never seen true).
    Idle,
    /// True since `since`, not yet for long enough: `remaining` is the countdown to show.
    Pending {
        since: DateTime<Utc>,
        remaining: Duration,
    },
    /// True continuously since `since`, for at least the duration.
    Held { since: DateTime<Utc> },
}

impl HoldStatus {
    pub fn is_held(&self) -> bool {
        matches!(self, HoldStatus::Held { .. })
    }
}

/// An unbroken run of true samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    since: DateTime<Utc>,
    last: DateTime<Utc>,
    samples: u32,
    held: bool,
}

/// Tracks one condition over its samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldWindow {
    hold: Duration,
    max_gap: Option<Duration>,
    run: Option<Run>,
}

impl HoldWindow {
    /// `hold` is the condition's `for` (none: one true sample holds); `interval` is how often its
    /// samples are expected (for a condition over several probes, the longest of their intervals).
    /// A zero interval turns the gap rule off.
    pub fn new(hold: Option<Duration>, interval: Duration) -> Self {
        HoldWindow {
            hold: hold.unwrap_or_default(),
            max_gap: (!interval.is_zero()).then(|| interval.mul_f64(1.5)),
            run: None,
        }
    }

    pub fn for_condition(cond: &Condition, interval: Duration) -> Self {
        HoldWindow::new(cond.hold_for(), interval)
    }

    /// The duration the condition must hold (zero without a `for`).
    pub fn hold(&self) -> Duration {
        self.hold
    }

    /// Feeds one evaluation: `truth` of the condition over the sample taken at `sample_at`, seen at
    /// `now`. Seeing the same sample again adds nothing, but a False or Unknown always resets.
    pub fn observe(
        &mut self,
        now: DateTime<Utc>,
        truth: &Truth,
        sample_at: DateTime<Utc>,
    ) -> HoldStatus {
        if !truth.is_true() {
            self.run = None;
            return HoldStatus::Idle;
        }
        let fresh = Run {
            since: sample_at,
            last: sample_at,
            samples: 1,
            held: false,
        };
        let run = match self.run {
            None => fresh,
            Some(run) if sample_at <= run.last => run,
            Some(run) if self.gap_too_long(run.last, sample_at) => fresh,
            Some(run) => Run {
                last: sample_at,
                samples: run.samples.saturating_add(1),
                ..run
            },
        };
        let long_enough = span(run.since, run.last) >= self.hold && run.samples >= 2;
        self.run = Some(Run {
            held: run.held || self.hold.is_zero() || long_enough,
            ..run
        });
        self.status(now)
    }

    /// The status at `now`, for the countdown between samples. A pending run whose samples stopped
    /// coming (a gap past 1.5× the interval) shows as idle: its countdown can no longer be trusted.
    pub fn status(&self, now: DateTime<Utc>) -> HoldStatus {
        match self.run {
            None => HoldStatus::Idle,
            Some(run) if run.held => HoldStatus::Held { since: run.since },
            Some(run) if self.gap_too_long(run.last, now) => HoldStatus::Idle,
            Some(run) => HoldStatus::Pending {
                since: run.since,
                remaining: self.hold.saturating_sub(span(run.since, now)),
            },
        }
    }

    /// Forgets the run (a phase restarts, an item is unticked by hand).
    pub fn reset(&mut self) {
        self.run = None;
    }

    fn gap_too_long(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.max_gap.is_some_and(|max| span(from, to) > max)
    }
}

/// `to - from`, zero when time runs backwards.
fn span(from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    to.signed_duration_since(from).to_std().unwrap_or_default()
}
