//! The session state as a fold of journal events: what every screen, report and rule reads.
//!
//! `apply` is pure and idempotent by `seq`: events must be applied in increasing seq order, and
//! an event already seen is ignored, so re-reading the journal after a reconnect is harmless.
//! Events about an item fold in `items`, the others in `events`; raw bodies (kinds this binary
//! cannot read) are kept in `events` and change nothing else.

mod events;
mod items;
mod pair;
#[cfg(test)]
mod pair_tests;
#[cfg(test)]
mod tests;
mod types;

pub use items::cosign_refusal;
pub use types::{
    Decision, Driver, FieldValue, ItemState, ItemStatus, NoteEntry, PhaseStatus, ScreenInfo, Spell,
    TriggerStatus,
};

use crate::checklist::Checklist;
use crate::journal::{BaselineValue, Event};
use crate::probes::Sample;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The fold of one session's journal.
#[derive(Debug, Clone, Default)]
pub struct SessionState {
    pub name: String,
    pub started_at: Option<DateTime<Utc>>,
    pub started_by: Option<String>,
    pub last_seq: i64,
    pub items: HashMap<String, ItemStatus>,
    /// Notes not bound to an item.
    pub notes: Vec<NoteEntry>,
    pub phases: HashMap<String, PhaseStatus>,
    pub triggers: HashMap<String, TriggerStatus>,
    pub decisions: Vec<Decision>,
    /// Captured values for `baseline(...)`, by scope (`session` or a phase id), then by probe.
    pub baselines: HashMap<String, BTreeMap<String, BaselineValue>>,
    /// Everyone who has joined, in order of first appearance.
    pub actors: Vec<String>,
    /// Each probe's state as last journaled (`probe_changed`), and how many changes it had.
    pub probe_states: HashMap<String, crate::model::ProbeState>,
    pub probe_changes: HashMap<String, u32>,
    /// Every cockpit that joined, in order (journals before pair-watching have none).
    pub screens: Vec<ScreenInfo>,
    /// The screen that holds the wheel; `None` when nobody does (or the journal predates it).
    pub driver: Option<Driver>,
    /// Every spell at the wheel, oldest first.
    pub spells: Vec<Spell>,
    pub events: Vec<Event>,
    cosign_items: HashSet<String>,
}

impl SessionState {
    pub fn new(name: &str, checklist: &Checklist) -> Self {
        let cosign_items = checklist
            .walk()
            .iter()
            .filter(|r| r.item.cosign)
            .map(|r| r.item.id.clone())
            .collect();
        SessionState {
            name: name.to_owned(),
            cosign_items,
            ..SessionState::default()
        }
    }

    /// Folds a whole journal.
    pub fn from_events(name: &str, checklist: &Checklist, events: &[Event]) -> Self {
        let mut state = SessionState::new(name, checklist);
        for e in events {
            state.apply(e);
        }
        state
    }

    pub fn item(&self, id: &str) -> Option<&ItemStatus> {
        self.items.get(id)
    }

    /// The cockpit `screen`, as it joined.
    pub fn screen(&self, screen: &str) -> Option<&ScreenInfo> {
        self.screens.iter().find(|s| s.screen == screen)
    }

    pub fn item_state(&self, id: &str) -> ItemState {
        self.items.get(id).map_or(ItemState::Todo, |s| s.state)
    }

    /// Whether `probe` has a baseline captured in `scope` (`session`).
    pub fn has_baseline(&self, scope: &str, probe: &str) -> bool {
        self.baselines
            .get(scope)
            .is_some_and(|values| values.contains_key(probe))
    }

    /// The baselines of `scope` (`session`) as samples, for `SampleLookup::with_baselines`. A
    /// value that is not a sample (written by a newer binary, say) is left out.
    pub fn baseline_samples(&self, scope: &str) -> HashMap<String, Sample> {
        let Some(values) = self.baselines.get(scope) else {
            return HashMap::new();
        };
        values
            .iter()
            .filter_map(|(probe, value)| {
                let mut sample = value.sample()?.clone();
                sample.probe.clone_from(probe);
                Some((probe.clone(), sample))
            })
            .collect()
    }

    /// Applies one event; returns false when it was already applied (seq not newer).
    pub fn apply(&mut self, e: &Event) -> bool {
        if e.seq <= self.last_seq {
            return false;
        }
        self.last_seq = e.seq;
        self.events.push(e.clone());
        if !self.actors.iter().any(|a| a == &e.actor) && e.actor != "flightdeck" {
            self.actors.push(e.actor.clone());
        }
        match &e.item {
            Some(item_id) => {
                let cosign = self.cosign_items.contains(item_id);
                let status = self.items.entry(item_id.clone()).or_default();
                items::apply(status, cosign, e);
            }
            None => events::apply(self, e),
        }
        true
    }
}
