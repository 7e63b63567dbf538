//! Per-probe history for sparklines: a bounded ring of `(time, primary value)` covering at least
//! the last hour at the probe's interval (capped, so a 100 ms probe cannot grow without bound).

use super::state::primary_value;
use crate::config::ProbeSpec;
use crate::model::Sample;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::time::Duration;

/// Points kept at most per probe, whatever the interval.
pub const MAX_POINTS: usize = 7200;
const WINDOW: Duration = Duration::from_secs(3600);

/// One probe's recent values.
#[derive(Debug, Clone)]
pub struct History {
    points: VecDeque<(DateTime<Utc>, f64)>,
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

    pub fn push(&mut self, at: DateTime<Utc>, value: f64) {
        if self.points.len() == self.capacity {
            self.points.pop_front();
        }
        self.points.push_back((at, value));
    }

    /// Records the primary value of a sample (none for a failed poll: the sparkline shows a gap
    /// in time, not a false zero).
    pub fn record(&mut self, spec: &ProbeSpec, sample: &Sample) {
        if let Some(v) = primary_value(spec, sample) {
            self.push(sample.at, v);
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Oldest first.
    pub fn points(&self) -> impl DoubleEndedIterator<Item = (DateTime<Utc>, f64)> + '_ {
        self.points.iter().copied()
    }

    /// The last `n` values, oldest first (what a sparkline `n` cells wide draws).
    pub fn last_values(&self, n: usize) -> Vec<f64> {
        let skip = self.points.len().saturating_sub(n);
        self.points.iter().skip(skip).map(|(_, v)| *v).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let t = Utc::now();
        for i in 0..5 {
            h.push(t, f64::from(i));
        }
        assert_eq!(h.len(), 2);
        assert_eq!(h.last_values(10), vec![3.0, 4.0]);
        assert_eq!(h.last_values(1), vec![4.0]);
    }
}
