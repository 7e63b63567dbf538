//! Journal events: one append-only record per action, the single source of truth of a session.
//!
//! A session's state is a fold of its events (`crate::session`). Kinds are stored as text so an
//! older binary reading a newer journal sees `Unknown` instead of failing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What happened. Payload keys per kind are listed on each variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The session was created. payload: `{checklist_title, checklist_path}`.
    SessionStarted,
    /// Someone opened the session (a `run` or `watch` started). payload: `{mode: "drive"|"watch"}`.
    Joined,
    /// Item done. payload: `{note?, override?: bool, reason?, evidence?: [...]}`.
    Tick,
    /// Item back to todo. payload: `{reason?}`.
    Untick,
    /// Item not applicable. payload: `{reason}`.
    Skip,
    /// A note on an item (or the session when item is null). payload: `{text}`.
    Note,
    /// A field value recorded. payload: `{field, value}`.
    Field,
    /// Second person confirms a cosign item. payload: `{}`.
    Cosign,
    /// An auto item's condition started holding. payload: `{evidence}`.
    Pending,
    /// A ticked item's probe went bad. payload: `{evidence}`.
    Regressed,
    /// A regressed item's probe is good again. payload: `{evidence}`.
    Recovered,
    /// payload: `{phase}`.
    PhaseStarted,
    /// payload: `{phase}`.
    PhaseFinished,
    /// A go/no-go decision. payload: `{phase, decision, note?}`.
    Decision,
    /// payload: `{trigger, severity, message, evidence}`.
    TriggerFired,
    /// payload: `{trigger}`.
    TriggerAcked,
    /// payload: `{trigger, evidence}`.
    TriggerCleared,
    /// Values captured at session or phase start for `baseline(...)`. payload: `{scope, values}`.
    Baseline,
    #[serde(other)]
    Unknown,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SessionStarted => "session_started",
            EventKind::Joined => "joined",
            EventKind::Tick => "tick",
            EventKind::Untick => "untick",
            EventKind::Skip => "skip",
            EventKind::Note => "note",
            EventKind::Field => "field",
            EventKind::Cosign => "cosign",
            EventKind::Pending => "pending",
            EventKind::Regressed => "regressed",
            EventKind::Recovered => "recovered",
            EventKind::PhaseStarted => "phase_started",
            EventKind::PhaseFinished => "phase_finished",
            EventKind::Decision => "decision",
            EventKind::TriggerFired => "trigger_fired",
            EventKind::TriggerAcked => "trigger_acked",
            EventKind::TriggerCleared => "trigger_cleared",
            EventKind::Baseline => "baseline",
            EventKind::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> EventKind {
        serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .unwrap_or(EventKind::Unknown)
    }
}

/// An event about to be appended: the store gives it its `seq` and `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub actor: String,
    pub kind: EventKind,
    pub item: Option<String>,
    pub payload: serde_json::Value,
}

impl NewEvent {
    pub fn new(actor: impl Into<String>, kind: EventKind, item: Option<&str>) -> Self {
        NewEvent {
            actor: actor.into(),
            kind,
            item: item.map(str::to_owned),
            payload: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// The event as the store committed it, with the seq and time the store gave it.
    pub fn committed(&self, session: &str, seq: i64, at: DateTime<Utc>) -> Event {
        Event {
            seq,
            session: session.to_owned(),
            at,
            actor: self.actor.clone(),
            kind: self.kind,
            item: self.item.clone(),
            payload: self.payload.clone(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if let serde_json::Value::Object(map) = &mut self.payload {
            map.insert(key.to_owned(), value.into());
        }
        self
    }
}

/// An event as committed to the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Increases with every append to the store; unique per store.
    pub seq: i64,
    pub session: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
    pub item: Option<String>,
    pub payload: serde_json::Value,
}

impl Event {
    pub fn str(&self, key: &str) -> Option<&str> {
        self.payload.get(key).and_then(serde_json::Value::as_str)
    }
}
