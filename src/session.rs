//! The session state as a fold of journal events: what every screen, report and rule reads.
//!
//! `apply` is pure and idempotent by `seq`: events must be applied in increasing seq order, and
//! an event already seen is ignored, so re-reading the journal after a reconnect is harmless.

use crate::checklist::Checklist;
use crate::probes::Sample;
use crate::store::{Event, EventKind};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Todo,
    Done,
    Skipped,
    /// Ticked once; a `cosign` item waits for a second, different person.
    AwaitingCosign,
}

impl ItemState {
    /// The state as the JSON report names it (`todo`, `done`, `skipped`).
    pub fn report_name(self) -> &'static str {
        match self {
            ItemState::Todo | ItemState::AwaitingCosign => "todo",
            ItemState::Done => "done",
            ItemState::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteEntry {
    pub actor: String,
    pub at: DateTime<Utc>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldValue {
    pub value: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Everything the journal says about one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStatus {
    pub state: ItemState,
    /// Who ticked or skipped it, and when.
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
    pub skip_reason: Option<String>,
    pub notes: Vec<NoteEntry>,
    pub fields: BTreeMap<String, FieldValue>,
    /// Seqs of every event about this item, oldest first.
    pub history: Vec<i64>,
    /// Ticked, then its bound probe went bad (still ticked, shown loudly).
    pub regressed: bool,
    pub regressions: u32,
    /// Ticked by hand while its `auto` condition had not held yet.
    pub overridden: bool,
    pub override_reason: Option<String>,
    /// Probe values that justified an automatic tick.
    pub evidence: Option<serde_json::Value>,
    /// The auto condition started holding at this time (journaled `pending`).
    pub pending_since: Option<DateTime<Utc>>,
    pub cosigned_by: Option<String>,
}

impl Default for ItemStatus {
    fn default() -> Self {
        ItemStatus {
            state: ItemState::Todo,
            by: None,
            at: None,
            skip_reason: None,
            notes: Vec::new(),
            fields: BTreeMap::new(),
            history: Vec::new(),
            regressed: false,
            regressions: 0,
            overridden: false,
            override_reason: None,
            evidence: None,
            pending_since: None,
            cosigned_by: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PhaseStatus {
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub seq: i64,
    pub phase: String,
    pub decision: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TriggerStatus {
    /// Fired and not yet cleared.
    pub active: bool,
    /// Fired and not yet acknowledged: the banner stays up.
    pub unacknowledged: bool,
    pub fired_at: Option<DateTime<Utc>>,
    pub acked_by: Option<String>,
    pub acked_at: Option<DateTime<Utc>>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub fired_count: u32,
    pub message: Option<String>,
    pub severity: Option<String>,
}

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
    /// Captured values for `baseline(...)`, by scope (`session` or a phase id).
    pub baselines: HashMap<String, serde_json::Value>,
    /// Everyone who has joined, in order of first appearance.
    pub actors: Vec<String>,
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

    pub fn item_state(&self, id: &str) -> ItemState {
        self.items.get(id).map_or(ItemState::Todo, |s| s.state)
    }

    /// Whether `probe` has a baseline captured in `scope` (`session`).
    pub fn has_baseline(&self, scope: &str, probe: &str) -> bool {
        self.baselines
            .get(scope)
            .is_some_and(|values| values.get(probe).is_some())
    }

    /// The baselines of `scope` (`session`) as samples, for `SampleLookup::with_baselines`. A
    /// value that is not a sample (written by a newer binary, say) is left out.
    pub fn baseline_samples(&self, scope: &str) -> HashMap<String, Sample> {
        let Some(serde_json::Value::Object(values)) = self.baselines.get(scope) else {
            return HashMap::new();
        };
        values
            .iter()
            .filter_map(|(probe, value)| {
                let mut sample: Sample = serde_json::from_value(value.clone()).ok()?;
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
        let text = |key: &str| e.str(key).map(str::to_owned);
        if let Some(item_id) = &e.item {
            let cosign = self.cosign_items.contains(item_id);
            let status = self.items.entry(item_id.clone()).or_default();
            status.history.push(e.seq);
            match e.kind {
                EventKind::Tick => {
                    let first_signer = status.by.clone();
                    if cosign {
                        match status.state {
                            ItemState::AwaitingCosign
                                if first_signer.as_deref() != Some(&e.actor) =>
                            {
                                status.state = ItemState::Done;
                                status.cosigned_by = Some(e.actor.clone());
                            }
                            ItemState::AwaitingCosign | ItemState::Done => {}
                            _ => {
                                status.state = ItemState::AwaitingCosign;
                                status.by = Some(e.actor.clone());
                                status.at = Some(e.at);
                            }
                        }
                    } else {
                        status.state = ItemState::Done;
                        status.by = Some(e.actor.clone());
                        status.at = Some(e.at);
                    }
                    status.skip_reason = None;
                    status.pending_since = None;
                    if e.payload.get("override").and_then(|v| v.as_bool()) == Some(true) {
                        status.overridden = true;
                        status.override_reason = text("reason");
                    }
                    if let Some(ev) = e.payload.get("evidence") {
                        status.evidence = Some(ev.clone());
                    }
                    if let Some(note) = text("note") {
                        status.notes.push(NoteEntry {
                            actor: e.actor.clone(),
                            at: e.at,
                            text: note,
                        });
                    }
                }
                EventKind::Cosign
                    if status.state == ItemState::AwaitingCosign
                        && status.by.as_deref() != Some(&e.actor) =>
                {
                    status.state = ItemState::Done;
                    status.cosigned_by = Some(e.actor.clone());
                }
                EventKind::Untick => {
                    status.state = ItemState::Todo;
                    status.by = None;
                    status.at = None;
                    status.regressed = false;
                    status.overridden = false;
                    status.override_reason = None;
                    status.evidence = None;
                    status.cosigned_by = None;
                }
                EventKind::Skip => {
                    status.state = ItemState::Skipped;
                    status.by = Some(e.actor.clone());
                    status.at = Some(e.at);
                    status.skip_reason = text("reason");
                    status.pending_since = None;
                }
                EventKind::Note => {
                    if let Some(t) = text("text") {
                        status.notes.push(NoteEntry {
                            actor: e.actor.clone(),
                            at: e.at,
                            text: t,
                        });
                    }
                }
                EventKind::Field => {
                    if let (Some(field), Some(value)) = (text("field"), text("value")) {
                        status.fields.insert(
                            field,
                            FieldValue {
                                value,
                                by: e.actor.clone(),
                                at: e.at,
                            },
                        );
                    }
                }
                EventKind::Pending => {
                    status.pending_since = Some(e.at);
                }
                EventKind::Regressed if status.state == ItemState::Done && !status.regressed => {
                    status.regressed = true;
                    status.regressions += 1;
                }
                EventKind::Recovered => status.regressed = false,
                _ => {}
            }
            return true;
        }
        match e.kind {
            EventKind::SessionStarted => {
                self.started_at.get_or_insert(e.at);
                self.started_by.get_or_insert_with(|| e.actor.clone());
            }
            EventKind::Note => {
                if let Some(t) = text("text") {
                    self.notes.push(NoteEntry {
                        actor: e.actor.clone(),
                        at: e.at,
                        text: t,
                    });
                }
            }
            EventKind::PhaseStarted => {
                if let Some(p) = text("phase") {
                    self.phases
                        .entry(p)
                        .or_default()
                        .started_at
                        .get_or_insert(e.at);
                }
            }
            EventKind::PhaseFinished => {
                if let Some(p) = text("phase") {
                    self.phases.entry(p).or_default().finished_at = Some(e.at);
                }
            }
            EventKind::Decision => {
                if let (Some(phase), Some(decision)) = (text("phase"), text("decision")) {
                    self.decisions.push(Decision {
                        seq: e.seq,
                        phase,
                        decision,
                        by: e.actor.clone(),
                        at: e.at,
                        note: text("note"),
                    });
                }
            }
            EventKind::TriggerFired => {
                if let Some(name) = text("trigger") {
                    let t = self.triggers.entry(name).or_default();
                    t.active = true;
                    t.unacknowledged = true;
                    t.fired_at = Some(e.at);
                    t.cleared_at = None;
                    t.acked_by = None;
                    t.acked_at = None;
                    t.fired_count += 1;
                    t.message = text("message");
                    t.severity = text("severity");
                }
            }
            EventKind::TriggerAcked => {
                if let Some(name) = text("trigger") {
                    let t = self.triggers.entry(name).or_default();
                    t.unacknowledged = false;
                    t.acked_by = Some(e.actor.clone());
                    t.acked_at = Some(e.at);
                }
            }
            EventKind::TriggerCleared => {
                if let Some(name) = text("trigger") {
                    let t = self.triggers.entry(name).or_default();
                    t.active = false;
                    t.cleared_at = Some(e.at);
                }
            }
            EventKind::Baseline => {
                if let Some(scope) = text("scope") {
                    // Probes are captured one by one as their first good sample arrives: merge, and
                    // the first capture of a probe wins (a replayed or racing capture changes nothing).
                    let captured = self
                        .baselines
                        .entry(scope)
                        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                    if let (Some(captured), Some(serde_json::Value::Object(values))) =
                        (captured.as_object_mut(), e.payload.get("values"))
                    {
                        for (probe, value) in values {
                            captured
                                .entry(probe.clone())
                                .or_insert_with(|| value.clone());
                        }
                    }
                }
            }
            _ => {}
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{Item, Phase};

    fn checklist() -> Checklist {
        Checklist {
            title: "t".into(),
            phases: vec![Phase {
                id: "p".into(),
                name: "P".into(),
                items: vec![
                    Item {
                        id: "a".into(),
                        text: "A".into(),
                        ..Item::default()
                    },
                    Item {
                        id: "b".into(),
                        text: "B".into(),
                        cosign: true,
                        ..Item::default()
                    },
                ],
                ..Phase::default()
            }],
            ..Checklist::default()
        }
    }

    fn ev(
        seq: i64,
        actor: &str,
        kind: EventKind,
        item: Option<&str>,
        payload: serde_json::Value,
    ) -> Event {
        Event {
            seq,
            session: "s".into(),
            at: DateTime::from_timestamp(1_700_000_000 + seq, 0).unwrap_or_default(),
            actor: actor.into(),
            kind,
            item: item.map(str::to_owned),
            payload,
        }
    }

    #[test]
    fn tick_untick_skip_note_field() {
        let c = checklist();
        let mut s = SessionState::new("s", &c);
        use serde_json::json as j;
        assert!(s.apply(&ev(1, "alice", EventKind::Tick, Some("a"), j!({}))));
        assert_eq!(s.item_state("a"), ItemState::Done);
        assert_eq!(
            s.item("a").and_then(|i| i.by.clone()).as_deref(),
            Some("alice")
        );
        s.apply(&ev(2, "alice", EventKind::Untick, Some("a"), j!({})));
        assert_eq!(s.item_state("a"), ItemState::Todo);
        s.apply(&ev(
            3,
            "bob",
            EventKind::Skip,
            Some("a"),
            j!({"reason": "n/a here"}),
        ));
        assert_eq!(s.item_state("a"), ItemState::Skipped);
        s.apply(&ev(
            4,
            "bob",
            EventKind::Note,
            Some("a"),
            j!({"text": "why"}),
        ));
        s.apply(&ev(
            5,
            "bob",
            EventKind::Field,
            Some("a"),
            j!({"field": "size", "value": "12"}),
        ));
        let a = s.item("a").cloned().unwrap_or_default();
        assert_eq!(a.skip_reason.as_deref(), Some("n/a here"));
        assert_eq!(a.notes.len(), 1);
        assert_eq!(a.fields.get("size").map(|f| f.value.as_str()), Some("12"));
        assert_eq!(a.history, vec![1, 2, 3, 4, 5]);
        assert_eq!(s.actors, vec!["alice".to_string(), "bob".to_string()]);
    }

    #[test]
    fn replayed_events_are_ignored() {
        let c = checklist();
        let mut s = SessionState::new("s", &c);
        let e = ev(
            7,
            "alice",
            EventKind::Tick,
            Some("a"),
            serde_json::json!({}),
        );
        assert!(s.apply(&e));
        assert!(!s.apply(&e));
        assert_eq!(s.events.len(), 1);
    }

    #[test]
    fn cosign_needs_a_second_person() {
        let c = checklist();
        let mut s = SessionState::new("s", &c);
        let j = serde_json::json!({});
        s.apply(&ev(1, "alice", EventKind::Tick, Some("b"), j.clone()));
        assert_eq!(s.item_state("b"), ItemState::AwaitingCosign);
        s.apply(&ev(2, "alice", EventKind::Cosign, Some("b"), j.clone()));
        assert_eq!(s.item_state("b"), ItemState::AwaitingCosign);
        s.apply(&ev(3, "bob", EventKind::Cosign, Some("b"), j));
        assert_eq!(s.item_state("b"), ItemState::Done);
        assert_eq!(
            s.item("b").and_then(|i| i.cosigned_by.clone()).as_deref(),
            Some("bob")
        );
    }

    #[test]
    fn regression_keeps_the_tick() {
        let c = checklist();
        let mut s = SessionState::new("s", &c);
        let j = serde_json::json!({});
        s.apply(&ev(1, "flightdeck", EventKind::Tick, Some("a"), j.clone()));
        s.apply(&ev(
            2,
            "flightdeck",
            EventKind::Regressed,
            Some("a"),
            j.clone(),
        ));
        let a = s.item("a").cloned().unwrap_or_default();
        assert_eq!(a.state, ItemState::Done);
        assert!(a.regressed);
        s.apply(&ev(3, "flightdeck", EventKind::Recovered, Some("a"), j));
        assert!(!s.item("a").is_some_and(|i| i.regressed));
        assert_eq!(s.item("a").map(|i| i.regressions), Some(1));
    }

    #[test]
    fn baselines_merge_by_probe_and_the_first_capture_wins() {
        let c = checklist();
        let mut s = SessionState::new("s", &c);
        let sample = |probe: &str, secs: i64, v: f64| {
            serde_json::json!({
                "probe": probe,
                "at": DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap_or_default(),
                "latency_ms": 1.0,
                "outputs": {"value": v},
                "state": "OK",
                "reason": null,
            })
        };
        let baseline = |seq, values| {
            ev(
                seq,
                "flightdeck",
                EventKind::Baseline,
                None,
                serde_json::json!({"scope": "session", "values": values}),
            )
        };
        s.apply(&baseline(
            1,
            serde_json::json!({"api": sample("api", 1, 1.0)}),
        ));
        s.apply(&baseline(
            2,
            serde_json::json!({"db": sample("db", 2, 2.0)}),
        ));
        s.apply(&baseline(
            3,
            serde_json::json!({"api": sample("api", 3, 9.0), "bad": 1}),
        ));
        assert!(s.has_baseline("session", "api") && s.has_baseline("session", "db"));
        let samples = s.baseline_samples("session");
        assert_eq!(samples.len(), 2, "a value that is not a sample is left out");
        assert_eq!(
            samples["api"].output("value").and_then(|v| v.as_f64()),
            Some(1.0)
        );
        assert_eq!(samples["db"].probe, "db");
        assert!(s.baseline_samples("phase-x").is_empty());
    }
}
