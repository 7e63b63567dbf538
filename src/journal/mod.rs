//! The journal's vocabulary: events as committed, events about to be appended, and their typed
//! bodies — what the store persists and the session folds (this module imports neither).
//!
//! A session's state is a fold of its events (the `session` module). On disk an event is a `kind`
//! text and a `payload` JSON object (`EventBody::to_stored` / `from_stored`); the keys of each
//! kind are documented on its payload type in [`payload`]. A kind this binary does not know, or a
//! payload it cannot read, is kept as [`RawBody`]: shown, never folded, never written back.

mod body;
mod kind;
pub mod payload;
#[cfg(test)]
mod tests;

pub use body::{EventBody, RawBody};
pub use kind::EventKind;
pub use payload::{
    AutoCheck, Baseline, BaselineValue, Cosign, FieldEntry, GoNoGo, JoinMode, Joined, Left, Note,
    PhaseRef, ProbeChanged, RegressionAcked, SessionStarted, Skip, Tick, TriggerCleared,
    TriggerFired, TriggerRef, Untick, Wheel, WheelHow,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An event about to be appended: the store gives it its `seq` and `at`.
///
/// `key` makes the append idempotent: the store keeps one event per key and session, and a second
/// append with the same key is answered with the event already there. A person's action gets a
/// unique key when it is spooled (so a replay after an outage lands once); an automatic event
/// gets a key naming the logical event (`tick:ITEM:GENERATION`), so of several screens
/// evaluating the same probes, the first to reach the store writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub actor: String,
    pub item: Option<String>,
    #[serde(flatten)]
    pub body: EventBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// When it happened, for an event that waited (in the spool, during an outage): the store
    /// keeps this time instead of its own clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

impl NewEvent {
    /// An event about the session as a whole (phases, triggers, decisions, baselines, notes).
    pub fn new(actor: impl Into<String>, body: EventBody) -> Self {
        NewEvent {
            actor: actor.into(),
            item: None,
            body,
            key: None,
            at: None,
        }
    }

    /// The same event with idempotency key `key`.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// An event about one item, stamped with the item's text as it read when it was acted on
    /// (`None` when the item is not in the checklist at hand).
    pub fn on_item(
        actor: impl Into<String>,
        item: &str,
        item_text: Option<&str>,
        mut body: EventBody,
    ) -> Self {
        body.set_item_text(item_text.map(str::to_owned));
        NewEvent {
            actor: actor.into(),
            item: Some(item.to_owned()),
            body,
            key: None,
            at: None,
        }
    }

    pub fn kind(&self) -> EventKind {
        self.body.kind()
    }

    /// The event as the store committed it, with the seq and time the store gave it.
    pub fn committed(&self, session: &str, seq: i64, at: DateTime<Utc>) -> Event {
        Event {
            seq,
            session: session.to_owned(),
            at,
            actor: self.actor.clone(),
            item: self.item.clone(),
            body: self.body.clone(),
            key: self.key.clone(),
        }
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
    pub item: Option<String>,
    #[serde(flatten)]
    pub body: EventBody,
    /// The idempotency key it was appended with (none in journals written before keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Event {
    pub fn kind(&self) -> EventKind {
        self.body.kind()
    }
}
