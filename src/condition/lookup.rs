//! Ready-made [`Lookup`]s: over the app's latest samples (with baselines and staleness), and over one
//! poll's outputs for a probe judging its own `ok`/`warn`/`crit`.

use super::Value;
use super::eval::Lookup;
use crate::model::{ProbeState, Sample};
use chrono::{DateTime, Utc};
use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// The baseline scope captured from the first good sample of each probe in a session; a phase's
/// scope is its id.
pub const SESSION_SCOPE: &str = "session";

/// Captured baselines by scope ([`SESSION_SCOPE`] or a phase id), then by probe name.
pub type Baselines = HashMap<String, HashMap<String, Sample>>;

/// Reads the latest sample of each probe, keyed by probe name: owned samples, or the shared
/// `Arc<Sample>`s the app and the marker keep.
#[derive(Debug)]
pub struct SampleLookup<'a, S = Sample> {
    samples: &'a HashMap<String, S>,
    baselines: Option<&'a Baselines>,
    staleness: Option<(DateTime<Utc>, &'a HashMap<String, Duration>)>,
}

impl<S> Clone for SampleLookup<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for SampleLookup<'_, S> {}

impl<'a> SampleLookup<'a> {
    pub fn new(samples: &'a HashMap<String, Sample>) -> Self {
        SampleLookup::over(samples)
    }
}

impl<'a> SampleLookup<'a, Arc<Sample>> {
    /// Over the samples the app shares between its panels and the marker.
    pub fn shared(samples: &'a HashMap<String, Arc<Sample>>) -> Self {
        SampleLookup::over(samples)
    }
}

impl<'a, S: Borrow<Sample>> SampleLookup<'a, S> {
    fn over(samples: &'a HashMap<String, S>) -> Self {
        SampleLookup {
            samples,
            baselines: None,
            staleness: None,
        }
    }

    /// The samples captured when the session and the phases started, for `baseline(…)`.
    pub fn with_baselines(mut self, baselines: &'a Baselines) -> Self {
        self.baselines = Some(baselines);
        self
    }

    /// At `now`, a probe whose latest sample is older than twice its interval reads as STALE.
    pub fn stale_after(
        mut self,
        now: DateTime<Utc>,
        intervals: &'a HashMap<String, Duration>,
    ) -> Self {
        self.staleness = Some((now, intervals));
        self
    }
}

impl<S: Borrow<Sample>> Lookup for SampleLookup<'_, S> {
    fn output(&self, probe: &str, path: &str) -> Option<Value> {
        self.sample(probe)?.output(path)
    }

    fn state(&self, probe: &str) -> Option<ProbeState> {
        let sample = self.sample(probe)?;
        if let Some((now, intervals)) = self.staleness
            && let Some(interval) = intervals.get(probe)
        {
            let age = now
                .signed_duration_since(sample.at)
                .to_std()
                .unwrap_or_default();
            if age > *interval * 2 {
                return Some(ProbeState::Stale);
            }
        }
        Some(sample.state)
    }

    fn baseline(&self, probe: &str, path: &str, scope: Option<&str>) -> Option<Value> {
        let sample = self.baseline_sample(probe, scope)?;
        // A baseline taken while the probe was failing is no baseline at all.
        match sample.state {
            ProbeState::Unknown | ProbeState::Stale => None,
            _ => sample.output(path),
        }
    }

    fn sampled_at(&self, probe: &str) -> Option<DateTime<Utc>> {
        self.sample(probe).map(|s| s.at)
    }

    fn baseline_at(&self, probe: &str, scope: Option<&str>) -> Option<DateTime<Utc>> {
        self.baseline_sample(probe, scope).map(|s| s.at)
    }
}

impl<S: Borrow<Sample>> SampleLookup<'_, S> {
    fn sample(&self, probe: &str) -> Option<&Sample> {
        self.samples.get(probe).map(Borrow::borrow)
    }

    fn baseline_sample(&self, probe: &str, scope: Option<&str>) -> Option<&Sample> {
        self.baselines?
            .get(scope.unwrap_or(SESSION_SCOPE))?
            .get(probe)
    }
}

/// One poll's outputs, for the probe's own conditions (parsed with [`parse_local`](super::parse_local)).
/// The state is not known yet (these conditions decide it), so `state` answers `None`.
#[derive(Debug, Clone, Copy)]
pub struct OutputsLookup<'a> {
    pub probe: &'a str,
    pub outputs: &'a BTreeMap<String, Value>,
}

impl Lookup for OutputsLookup<'_> {
    fn output(&self, probe: &str, path: &str) -> Option<Value> {
        if probe != self.probe {
            return None;
        }
        crate::model::output_at(self.outputs, path)
    }

    fn state(&self, _probe: &str) -> Option<ProbeState> {
        None
    }

    fn baseline(&self, _probe: &str, _path: &str, _scope: Option<&str>) -> Option<Value> {
        None
    }
}
