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
    AutoCheck, Baseline, BaselineValue, Cosign, FieldEntry, GoNoGo, JoinMode, Joined, Note,
    PhaseRef, ProbeChanged, RegressionAcked, SessionStarted, Skip, Tick, TriggerCleared,
    TriggerFired, TriggerRef, Untick,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An event about to be appended: the store gives it its `seq` and `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub actor: String,
    pub item: Option<String>,
    #[serde(flatten)]
    pub body: EventBody,
}

impl NewEvent {
    /// An event about the session as a whole (phases, triggers, decisions, baselines, notes).
    pub fn new(actor: impl Into<String>, body: EventBody) -> Self {
        NewEvent {
            actor: actor.into(),
            item: None,
            body,
        }
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
}

impl Event {
    pub fn kind(&self) -> EventKind {
        self.body.kind()
    }
}
