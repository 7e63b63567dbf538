//! Per-probe history for sparklines: a bounded ring of `(time, primary value, state)` covering at
//! least the last hour at the probe's interval (capped, so a 100 ms probe cannot grow without
//! bound), read back as closed time buckets — one sparkline cell per bucket.

use super::state::primary_value;
use crate::config::ProbeSpec;
use crate::model::{ProbeState, Sample};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::time::Duration;

/// Points kept at most per probe, whatever the interval.
pub const MAX_POINTS: usize = 7200;
/// How far back the history reaches.
pub const WINDOW: Duration = Duration::from_secs(3600);

/// Bucket sizes a sparkline cell may cover, in seconds: round numbers a person reads at a glance.
const LADDER: [u64; 13] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/// One poll: when, its primary value (NaN when the poll got none), its state.
#[derive(Debug, Clone, Copy)]
struct Point {
    at_ms: i64,
    value: f64,
    state: ProbeState,
}

/// What one closed bucket saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub min: f64,
    pub max: f64,
    pub last: f64,
    /// The worst state of the polls in the bucket.
    pub worst: ProbeState,
    /// The value of the first poll in that worst state (NaN when it got no value: a timeout).
    pub worst_value: f64,
}

impl Bucket {
    /// The value its cell draws — min, max or last by the probe's state: a bucket that went bad
    /// shows the reading that made it bad (the peak of a spike, the dip of a drop), a good one its
    /// last value. NaN when the bad polls got no value at all.
    pub fn shown(&self) -> f64 {
        if self.worst == ProbeState::Ok {
            self.last
        } else {
            self.worst_value
        }
    }
}

/// How bad a state is, for a bucket's worst.
fn badness(s: ProbeState) -> u8 {
    match s {
        ProbeState::Ok => 0,
        ProbeState::Warn => 1,
        ProbeState::Stale => 2,
        ProbeState::Unknown => 3,
        ProbeState::Crit => 4,
    }
}

/// One probe's recent values.
#[derive(Debug, Clone)]
pub struct History {
    points: VecDeque<Point>,
    capacity: usize,
}

impl History {
    /// A ring holding an hour of points at `interval` (at least 2, at most [`MAX_POINTS`]).
    pub fn new(interval: Duration) -> History {
        let per_hour = WINDOW.as_secs_f64() / interval.as_secs_f64().max(0.001);
        let capacity = (per_hour.ceil() as usize).clamp(2, MAX_POINTS);
        History {
            points: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Keeps one poll; `value` is `None` for a poll that got no usable answer.
    pub fn push(&mut self, at: DateTime<Utc>, value: Option<f64>, state: ProbeState) {
        if self.points.len() == self.capacity {
            self.points.pop_front();
        }
        self.points.push_back(Point {
            at_ms: at.timestamp_millis(),
            value: value.unwrap_or(f64::NAN),
            state,
        });
    }

    /// Records a sample: its primary value (none for a failed poll — the cell shows the failure,
    /// not a false zero) and its state.
    pub fn record(&mut self, spec: &ProbeSpec, sample: &Sample) {
        self.push(sample.at, primary_value(spec, sample), sample.state);
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// When the oldest kept poll was.
    pub fn oldest(&self) -> Option<DateTime<Utc>> {
        self.points
            .front()
            .and_then(|p| DateTime::from_timestamp_millis(p.at_ms))
    }

    /// The last `cells` closed buckets of `size`, oldest first, aligned to the wall clock (a bucket
    /// starts at a multiple of `size` since the epoch) and ending at the last boundary at or
    /// before `now`: the bucket still filling is left out, so a cell changes only when its bucket
    /// closes. `None` for a bucket no poll fell in.
    pub fn buckets(&self, size: Duration, cells: usize, now: DateTime<Utc>) -> Vec<Option<Bucket>> {
        let size_ms = (size.as_millis() as i64).max(1);
        let end = now.timestamp_millis().div_euclid(size_ms) * size_ms;
        let start = end - size_ms * cells as i64;
        let mut out: Vec<Option<Bucket>> = vec![None; cells];
        // only the tail is read: points are in time order
        let first = self.points.partition_point(|p| p.at_ms < start);
        for p in self.points.range(first..) {
            if p.at_ms >= end {
                break;
            }
            let Some(cell) = out.get_mut(((p.at_ms - start) / size_ms) as usize) else {
                continue;
            };
            let b = cell.get_or_insert(Bucket {
                min: f64::NAN,
                max: f64::NAN,
                last: f64::NAN,
                worst: p.state,
                worst_value: p.value,
            });
            if !p.value.is_nan() {
                b.min = b.min.min(p.value);
                b.max = b.max.max(p.value);
                b.last = p.value;
            }
            if badness(p.state) > badness(b.worst) {
                b.worst = p.state;
                b.worst_value = p.value;
            }
        }
        out
    }
}

/// The bucket size for a sparkline `cells` wide that should cover `wanted` (the whole phase): the
/// smallest step of a round ladder that is at least the probe interval and fits `wanted` in the
/// cells, so the span grows by whole steps (not every second). Past the kept hour, the step that
/// fits the hour: the last N minutes.
pub fn bucket_size(wanted: Duration, cells: usize, interval: Duration) -> Duration {
    let cells = cells.max(1) as u64;
    let floor = interval.as_secs().max(1);
    let secs = if wanted <= WINDOW {
        let need = wanted.as_secs().div_ceil(cells).max(floor);
        LADDER.iter().copied().find(|s| *s >= need)
    } else {
        let cap = (WINDOW.as_secs() / cells).max(floor);
        LADDER
            .iter()
            .copied()
            .rev()
            .find(|s| *s <= cap && *s >= floor)
    };
    Duration::from_secs(secs.unwrap_or(floor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn capacity_covers_an_hour_and_is_capped() {
        assert_eq!(History::new(Duration::from_secs(5)).capacity(), 720);
        assert_eq!(History::new(Duration::from_secs(1)).capacity(), 3600);
        assert_eq!(
            History::new(Duration::from_millis(100)).capacity(),
            MAX_POINTS
        );
        assert_eq!(History::new(Duration::from_secs(7200)).capacity(), 2);
    }

    #[test]
    fn ring_drops_the_oldest() {
        let mut h = History::new(Duration::from_secs(1800));
        for i in 0..5 {
            h.push(t(i), Some(f64::from(i as i32)), ProbeState::Ok);
        }
        assert_eq!(h.len(), 2);
        assert_eq!(h.oldest(), Some(t(3)));
    }

    #[test]
    fn a_cell_changes_only_when_its_bucket_closes() {
        let mut h = History::new(Duration::from_secs(1));
        // 1_800_000_000 is a multiple of 10: buckets of 10 s start at t(0), t(10), …
        for s in 0..25 {
            h.push(t(s), Some(s as f64), ProbeState::Ok);
        }
        let size = Duration::from_secs(10);
        let at_25 = h.buckets(size, 3, t(25));
        // [t(-10), t(0)) is empty; [t(0), t(10)) and [t(10), t(20)) closed; t(20).. still open
        assert_eq!(at_25[0], None);
        assert_eq!(at_25[1].map(|b| b.shown()), Some(9.0));
        assert_eq!(
            at_25[2].map(|b| (b.min, b.max, b.last)),
            Some((10.0, 19.0, 19.0))
        );
        // until t(30) the cells stay as they are, whatever arrives
        h.push(t(26), Some(1000.0), ProbeState::Ok);
        assert_eq!(h.buckets(size, 3, t(29)), at_25);
        assert_ne!(h.buckets(size, 3, t(30)), at_25);
    }

    #[test]
    fn a_bucket_that_went_bad_shows_the_bad_reading() {
        let mut h = History::new(Duration::from_secs(1));
        h.push(t(0), Some(1.0), ProbeState::Ok);
        h.push(t(1), Some(90.0), ProbeState::Crit);
        h.push(t(2), Some(2.0), ProbeState::Ok);
        h.push(t(5), None, ProbeState::Crit);
        h.push(t(6), Some(3.0), ProbeState::Ok);
        let b = h.buckets(Duration::from_secs(5), 2, t(10));
        let spike = b[0].unwrap();
        assert_eq!(
            (spike.worst, spike.shown(), spike.last),
            (ProbeState::Crit, 90.0, 2.0)
        );
        // a timeout has no value: the cell says the bucket failed, not a false zero
        let timeout = b[1].unwrap();
        assert_eq!(timeout.worst, ProbeState::Crit);
        assert!(timeout.shown().is_nan());
        assert_eq!(timeout.last, 3.0);
    }

    #[test]
    fn bucket_size_fits_the_phase_in_round_steps() {
        let s = |secs: u64| Duration::from_secs(secs);
        // a fresh phase: one poll per cell
        assert_eq!(bucket_size(s(10), 24, s(1)), s(1));
        // 4 minutes in 24 cells: 10 s a cell
        assert_eq!(bucket_size(s(240), 24, s(1)), s(10));
        assert_eq!(bucket_size(s(241), 24, s(1)), s(15));
        // never finer than the probe's interval
        assert_eq!(bucket_size(s(10), 24, s(30)), s(30));
        // never reaching past the kept hour: 24 cells of 2 min cover 48 min
        assert_eq!(bucket_size(s(5 * 3600), 24, s(1)), s(120));
    }
}
