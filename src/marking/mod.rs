//! Auto-marking: turns probe samples and the journal into the events a person would otherwise
//! write — automatic ticks with evidence, pending, regressions and recoveries, trigger fire and
//! clear, baselines, phase start and finish. Pure: no I/O, and time comes from samples and callers.
//!
//! The marker only *asks* for events; the session (the journal's fold) stays the truth. Whatever it
//! asked for and has not yet seen come back is in flight and never asked twice.

mod baselines;
mod gates;
mod in_flight;
mod items;
mod phases;
mod triggers;
mod watch;

pub use crate::condition::SESSION_SCOPE;
pub use gates::{DECISIONS, GateBlock, decision_of, gate_before};
pub use phases::{BudgetLevel, BudgetStatus, budget_status};

use crate::checklist::{Checklist, Field, FieldKind};
use crate::condition::{self, ConditionError, HoldStatus, SampleLookup, TargetCheck};
use crate::probes::{ProbeState, Sample};
use crate::session::{ItemState, SessionState};
use crate::store::NewEvent;
use baselines::BaselineWatch;
use chrono::{DateTime, Utc};
use in_flight::InFlight;
use items::{AutoItem, Step};
use phases::PhaseWatch;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use triggers::TriggerWatch;
use watch::Watch;

/// The actor of every event the engine writes.
pub const ACTOR: &str = "flightdeck";

/// Which condition did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkSubject {
    /// An item's `auto`, by item id.
    Item(String),
    /// A `[[trigger]]`'s `when`, by trigger name.
    Trigger(String),
}

/// A condition of the checklist that does not parse; the loader maps it to file:line:column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkError {
    pub subject: MarkSubject,
    pub error: ConditionError,
}

impl fmt::Display for MarkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.subject {
            MarkSubject::Item(id) => write!(f, "item `{id}`: auto, {}", self.error),
            MarkSubject::Trigger(name) => write!(f, "trigger `{name}`: when, {}", self.error),
        }
    }
}

impl std::error::Error for MarkError {}

/// Live state of one auto-bound item, computed from probes for the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum AutoStatus {
    /// The condition holds; it must keep holding this much longer (of `hold_ms` in all).
    Pending {
        since: DateTime<Utc>,
        remaining_ms: u64,
        hold_ms: u64,
    },
    /// Not holding, and why.
    Waiting { why: WaitWhy },
}

/// Why an auto item is not counting down, as the detail pane says it.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitWhy {
    /// Its phase has not started (and the phases before it are not done).
    Phase(String),
    /// No sample of its probes yet.
    NoSample,
    /// The condition is false; what it read (`queue.value = 57`).
    NotHolding(String),
    /// It held at the last sample, but that sample is too old to count (a gap of more than 1.5
    /// intervals starts the `for` over).
    Gap,
    /// The condition cannot be decided (a probe UNKNOWN or STALE, an output missing).
    Unknown(String),
}

impl std::fmt::Display for WaitWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitWhy::Phase(name) => write!(f, "waits for phase {name} to start"),
            WaitWhy::NoSample => f.write_str("waits for a first sample"),
            WaitWhy::NotHolding(read) if read.is_empty() => f.write_str("not holding"),
            WaitWhy::NotHolding(read) => write!(f, "not holding: {read}"),
            WaitWhy::Unknown(why) => write!(f, "cannot tell: {why}"),
            WaitWhy::Gap => f.write_str("waits for a fresh sample (the last one is too old)"),
        }
    }
}

/// The auto-marking engine for one session of one checklist.
#[derive(Debug, Clone)]
pub struct Marker {
    items: Vec<AutoItem>,
    triggers: Vec<TriggerWatch>,
    phases: PhaseWatch,
    intervals: HashMap<String, Duration>,
    /// The latest sample of each probe: the same allocations the panels show.
    latest: HashMap<String, Arc<Sample>>,
    baselines: BaselineWatch,
    in_flight: InFlight,
}

impl Marker {
    /// Parses every `auto` and trigger `when`; `intervals` are the probes' poll intervals, for the
    /// `for` windows' gap rule. Every error is returned, not only the first.
    pub fn new(
        checklist: &Checklist,
        intervals: &HashMap<String, Duration>,
    ) -> Result<Marker, Vec<MarkError>> {
        let mut errors = Vec::new();
        let mut items = Vec::new();
        for r in checklist.walk() {
            let Some(src) = &r.item.auto else { continue };
            match condition::parse(src) {
                Ok(cond) => items.push(AutoItem::new(
                    r.item.id.clone(),
                    r.item.text.clone(),
                    (
                        r.phase,
                        checklist
                            .phases
                            .get(r.phase)
                            .map_or_else(String::new, |p| p.name.clone()),
                    ),
                    Watch::new(cond, intervals),
                )),
                Err(error) => errors.push(MarkError {
                    subject: MarkSubject::Item(r.item.id.clone()),
                    error,
                }),
            }
        }
        let mut triggers = Vec::new();
        for t in &checklist.triggers {
            match condition::parse(&t.when) {
                Ok(cond) => triggers.push(TriggerWatch::new(t, Watch::new(cond, intervals))),
                Err(error) => errors.push(MarkError {
                    subject: MarkSubject::Trigger(t.name.clone()),
                    error,
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let conditions = items
            .iter()
            .map(|i| &i.watch.cond)
            .chain(triggers.iter().map(|t| &t.watch.cond));
        Ok(Marker {
            baselines: BaselineWatch::new(conditions),
            items,
            triggers,
            phases: PhaseWatch::new(checklist),
            intervals: intervals.clone(),
            latest: HashMap::new(),
            in_flight: InFlight::default(),
        })
    }

    /// The latest sample of each probe, as the marker judged them.
    pub fn latest(&self) -> &HashMap<String, Arc<Sample>> {
        &self.latest
    }

    /// One probe sample: what it changes, as events to append (time is the sample's).
    pub fn on_sample(&mut self, sample: &Arc<Sample>, session: &SessionState) -> Vec<NewEvent> {
        let at = sample.at;
        self.sync(session, at);
        let mut out = Vec::new();
        out.extend(probe_change(sample, session, &mut self.in_flight));
        self.latest.insert(sample.probe.clone(), Arc::clone(sample));
        out.extend(
            self.baselines
                .on_sample(sample, session, &mut self.in_flight),
        );
        let current = self.phases.current(session);
        let Marker {
            items,
            triggers,
            phases,
            intervals,
            latest,
            baselines,
            in_flight,
            ..
        } = self;
        let lookup = SampleLookup::shared(latest)
            .with_baselines(baselines.current(session))
            .stale_after(at, intervals);
        for item in items.iter_mut().filter(|i| i.watch.reads(&sample.probe)) {
            let step = Step {
                lookup: &lookup,
                at,
                session,
                armed: phases.open(item.phase, current, session),
                moved_past: phases.moved_past(item.phase, session),
            };
            out.extend(item.on_sample(&step, in_flight));
        }
        for t in triggers.iter_mut().filter(|t| t.watch.reads(&sample.probe)) {
            out.extend(t.on_sample(&lookup, at, session, in_flight));
        }
        out
    }

    /// The journal moved on (ours or another instance's events): phases start and finish, a
    /// started phase gets its baselines, and what was in flight and has landed is forgotten.
    pub fn on_journal(&mut self, session: &SessionState, now: DateTime<Utc>) -> Vec<NewEvent> {
        self.sync(session, now);
        let mut out = self.phases.on_journal(session, now, &mut self.in_flight);
        out.extend(self.baselines.on_journal(
            session,
            &self.latest,
            &self.intervals,
            now,
            &mut self.in_flight,
        ));
        out
    }

    /// Each auto item still to do, with its countdown at `now`, for the screen.
    pub fn auto_status(&self, now: DateTime<Utc>) -> HashMap<String, AutoStatus> {
        self.items
            .iter()
            .filter(|i| i.state == ItemState::Todo)
            .map(|i| {
                let hold_ms = millis(i.watch.window.hold());
                let status = match i.watch.window.status(now) {
                    HoldStatus::Pending { since, remaining } => AutoStatus::Pending {
                        since,
                        remaining_ms: millis(remaining),
                        hold_ms,
                    },
                    // held, and its tick on its way to the journal
                    HoldStatus::Held { since } => AutoStatus::Pending {
                        since,
                        remaining_ms: 0,
                        hold_ms,
                    },
                    HoldStatus::Idle => AutoStatus::Waiting {
                        why: i.waiting.clone(),
                    },
                };
                (i.id.clone(), status)
            })
            .collect()
    }

    fn sync(&mut self, session: &SessionState, now: DateTime<Utc>) {
        self.in_flight.settle(session, now);
        for item in &mut self.items {
            item.sync(session);
        }
    }
}

/// A probe whose state differs from the one last journaled: the change, journaled once. A probe
/// that starts OK says nothing (the baseline has its first values); one that starts bad does.
fn probe_change(
    sample: &Sample,
    session: &SessionState,
    in_flight: &mut InFlight,
) -> Option<NewEvent> {
    let from = session.probe_states.get(&sample.probe).copied();
    if from == Some(sample.state) || (from.is_none() && sample.state == ProbeState::Ok) {
        return None;
    }
    let mark = in_flight::Mark::ProbeChanged(sample.probe.clone(), sample.state);
    if in_flight.contains(&mark) {
        return None;
    }
    in_flight.insert(mark, sample.at);
    let value = ["value", "status", "len", "used_memory_ratio"]
        .iter()
        .find_map(|name| sample.outputs.get(*name))
        .map(|v| match v {
            crate::model::Value::Number(n) => crate::model::human(*n),
            other => other.to_string(),
        });
    let change = crate::journal::ProbeChanged {
        probe: sample.probe.clone(),
        from,
        to: sample.state,
        reason: sample.reason.clone(),
        value,
    };
    Some(NewEvent::new(
        ACTOR,
        crate::journal::EventBody::ProbeChanged(change),
    ))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Answers that say a check failed, when a choice offers them: a smoke test `FAIL`, `NO-GO`.
const NEGATIVE_ANSWERS: &[&str] = &[
    "fail",
    "failed",
    "failure",
    "no",
    "no-go",
    "nogo",
    "declined",
    "rejected",
    "invalid",
    "error",
    "down",
    "rolled back",
    "broken",
];

/// Whether a recorded value says the step did not come out as it should: it misses the field's
/// target, or it is the failing answer of a pass/fail-like choice (`FAIL` of `PASS / FAIL`).
pub fn value_missed(field: &Field, value: &str) -> bool {
    if matches!(field_check(field, value), TargetCheck::Missed { .. }) {
        return true;
    }
    field.kind == FieldKind::Choice
        && field.options.len() >= 2
        && NEGATIVE_ANSWERS
            .iter()
            .any(|n| value.trim().eq_ignore_ascii_case(n))
}

/// A typed field value against the field's target (`< 500ms`, `> 99%`, or one of a choice's
/// options, such as `GO`). No target: `NotComparable`.
pub fn field_check(field: &Field, value: &str) -> TargetCheck {
    let Some(target) = field.target.as_deref() else {
        return TargetCheck::NotComparable;
    };
    let check = condition::target::check(target, value, field.unit.as_deref());
    if check != TargetCheck::NotComparable || field.kind != FieldKind::Choice {
        return check;
    }
    let wanted = target
        .trim()
        .trim_start_matches("target:")
        .trim()
        .trim_start_matches('=')
        .trim();
    let Some(option) = field
        .options
        .iter()
        .find(|o| o.trim().eq_ignore_ascii_case(wanted))
    else {
        return TargetCheck::NotComparable;
    };
    if value.trim().eq_ignore_ascii_case(option.trim()) {
        TargetCheck::Met
    } else {
        TargetCheck::Missed {
            why: format!("{} is not {}", value.trim(), option.trim()),
        }
    }
}

#[cfg(test)]
mod tests;
