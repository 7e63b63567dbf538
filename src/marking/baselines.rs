//! Baselines: each probe's first good sample of the session, and at each phase's start the latest
//! good sample of every probe a condition reads in that phase's scope — captured once each, and used
//! before the journal hands them back.

use super::ACTOR;
use super::in_flight::{InFlight, Mark};
use crate::condition::{Baselines, Condition, Lookup, RefKind, SESSION_SCOPE, SampleLookup};
use crate::journal::{Baseline, BaselineValue, EventBody, NewEvent};
use crate::probes::{ProbeState, Sample};
use crate::session::SessionState;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub(super) struct BaselineWatch {
    /// Phase id → the probes whose baseline some condition reads in that phase's scope. Only
    /// these are captured at the phase's start: the journal keeps what a condition can use.
    phases: BTreeMap<String, BTreeSet<String>>,
    /// The journal's baselines with our captures filled in, and the session seq they were read at.
    merged: (i64, Baselines),
    /// Captures asked for and not yet journaled, by scope: used meanwhile, so the first
    /// comparisons can run.
    captured: Baselines,
}

impl BaselineWatch {
    pub fn new<'a>(conditions: impl IntoIterator<Item = &'a Condition>) -> BaselineWatch {
        let mut phases: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for cond in conditions {
            for r in cond.reference_slice() {
                if let (RefKind::Baseline, Some(phase)) = (r.kind, &r.scope) {
                    phases
                        .entry(phase.clone())
                        .or_default()
                        .insert(r.probe.clone());
                }
            }
        }
        BaselineWatch {
            phases,
            merged: (-1, Baselines::new()),
            captured: Baselines::new(),
        }
    }

    /// A new sample: the session's first good one of its probe, and the first good one after the
    /// start of a phase that had none of this probe when it started.
    pub fn on_sample(
        &mut self,
        sample: &Sample,
        session: &SessionState,
        in_flight: &mut InFlight,
    ) -> Vec<NewEvent> {
        if !good(sample.state) {
            return Vec::new();
        }
        let phases: Vec<String> = self
            .phases
            .iter()
            .filter(|(phase, probes)| probes.contains(&sample.probe) && started(session, phase))
            .map(|(phase, _)| phase.clone())
            .collect();
        std::iter::once(SESSION_SCOPE.to_owned())
            .chain(phases)
            .filter_map(|scope| self.capture(&scope, [sample], session, in_flight, sample.at))
            .collect()
    }

    /// The journal moved: a phase that has started gets the latest good sample of each probe it
    /// reads (one event per phase; probes with no good sample yet wait for their first).
    pub fn on_journal(
        &mut self,
        session: &SessionState,
        latest: &HashMap<String, Arc<Sample>>,
        intervals: &HashMap<String, Duration>,
        now: DateTime<Utc>,
        in_flight: &mut InFlight,
    ) -> Vec<NewEvent> {
        let fresh = SampleLookup::shared(latest).stale_after(now, intervals);
        let started: Vec<(String, Vec<&Sample>)> = self
            .phases
            .iter()
            .filter(|(phase, _)| started(session, phase))
            .map(|(phase, probes)| {
                let samples = probes
                    .iter()
                    .filter(|p| fresh.state(p).is_some_and(good))
                    .filter_map(|p| latest.get(p).map(Arc::as_ref))
                    .collect();
                (phase.clone(), samples)
            })
            .collect();
        started
            .into_iter()
            .filter_map(|(phase, samples)| self.capture(&phase, samples, session, in_flight, now))
            .collect()
    }

    /// The baselines by scope for a lookup: the journal's, and our captures until theirs land
    /// (the journal's, when both exist: the first capture wins).
    pub fn current(&mut self, session: &SessionState) -> &Baselines {
        if self.merged.0 != session.last_seq || !self.captured.is_empty() {
            let mut merged = Baselines::new();
            for scope in
                std::iter::once(SESSION_SCOPE).chain(self.phases.keys().map(String::as_str))
            {
                let journaled = session.baseline_samples(scope);
                if !journaled.is_empty() {
                    merged.insert(scope.to_owned(), journaled);
                }
            }
            for (scope, samples) in &mut self.captured {
                let into = merged.entry(scope.clone()).or_default();
                samples.retain(|probe, _| !into.contains_key(probe));
                for (probe, sample) in samples.iter() {
                    into.insert(probe.clone(), sample.clone());
                }
            }
            self.captured.retain(|_, samples| !samples.is_empty());
            self.merged = (session.last_seq, merged);
        }
        &self.merged.1
    }

    /// One `baseline` event for `scope` with those of `samples` it has no baseline of yet, and
    /// none already asked for.
    fn capture<'s>(
        &mut self,
        scope: &str,
        samples: impl IntoIterator<Item = &'s Sample>,
        session: &SessionState,
        in_flight: &mut InFlight,
        now: DateTime<Utc>,
    ) -> Option<NewEvent> {
        let mut values = BTreeMap::new();
        for sample in samples {
            let mark = Mark::Baseline(scope.to_owned(), sample.probe.clone());
            if session.has_baseline(scope, &sample.probe) || in_flight.contains(&mark) {
                continue;
            }
            in_flight.insert(mark, now);
            self.captured
                .entry(scope.to_owned())
                .or_default()
                .insert(sample.probe.clone(), sample.clone());
            values.insert(sample.probe.clone(), BaselineValue::Sample(sample.clone()));
        }
        (!values.is_empty()).then(|| {
            let scope = scope.to_owned();
            NewEvent::new(ACTOR, EventBody::Baseline(Baseline { scope, values }))
        })
    }
}

/// A baseline taken while the probe was failing or silent is no baseline at all.
fn good(state: ProbeState) -> bool {
    !matches!(state, ProbeState::Unknown | ProbeState::Stale)
}

fn started(session: &SessionState, phase: &str) -> bool {
    session
        .phases
        .get(phase)
        .is_some_and(|s| s.started_at.is_some())
}
