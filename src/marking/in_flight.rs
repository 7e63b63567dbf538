//! Events the marker has asked the journal for and not yet seen come back: never ask twice.

use crate::session::{ItemState, SessionState};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// How long a mark waits for the journal before the marker may ask again (a write that failed).
/// Generous: a healthy journal answers in milliseconds, a slow one in seconds.
const TIMEOUT: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// One event in flight, by what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Mark {
    Tick(String),
    Regressed(String),
    Recovered(String),
    Fired(String),
    Cleared(String),
    /// A baseline by scope (`session` or a phase id) and probe.
    Baseline(String, String),
    PhaseStarted(String),
    /// A probe's change of state, by probe and the state it changed to.
    ProbeChanged(String, crate::model::ProbeState),
}

#[derive(Debug, Clone, Default)]
pub(super) struct InFlight {
    marks: HashMap<Mark, DateTime<Utc>>,
}

impl InFlight {
    pub fn contains(&self, mark: &Mark) -> bool {
        self.marks.contains_key(mark)
    }

    pub fn insert(&mut self, mark: Mark, now: DateTime<Utc>) {
        self.marks.insert(mark, now);
    }

    /// Forgets the marks whose effect the session now shows, and those that waited too long.
    pub fn settle(&mut self, session: &SessionState, now: DateTime<Utc>) {
        self.marks
            .retain(|mark, asked| !landed(mark, session) && now - *asked <= TIMEOUT);
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.marks.len()
    }
}

fn landed(mark: &Mark, session: &SessionState) -> bool {
    let regressed = |item: &str| session.item(item).is_some_and(|s| s.regressed);
    let active = |name: &str| session.triggers.get(name).is_some_and(|t| t.active);
    match mark {
        Mark::Tick(item) => session.item_state(item) != ItemState::Todo,
        Mark::Regressed(item) => regressed(item) || session.item_state(item) != ItemState::Done,
        Mark::Recovered(item) => !regressed(item),
        Mark::Fired(name) => active(name),
        Mark::Cleared(name) => !active(name),
        Mark::Baseline(scope, probe) => session.has_baseline(scope, probe),
        Mark::PhaseStarted(phase) => session
            .phases
            .get(phase)
            .is_some_and(|p| p.started_at.is_some()),
        Mark::ProbeChanged(probe, to) => session.probe_states.get(probe) == Some(to),
    }
}
