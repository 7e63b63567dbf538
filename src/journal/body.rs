//! `EventBody`: one variant per event kind with its typed payload, stored as `kind` + `payload`;
//! what this binary cannot read stays raw, exactly as it was stored.

use super::EventKind;
use super::payload::{
    AutoCheck, Baseline, Cosign, FieldEntry, GoNoGo, Joined, Left, Note, PhaseRef, ProbeChanged,
    RegressionAcked, SessionStarted, Skip, Tick, TriggerCleared, TriggerFired, TriggerRef, Untick,
    Wheel,
};
use crate::condition::Evidence;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What happened, with what it says. Serialises as `{"kind": …, "payload": {…}}`, the journal's
/// two columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    tag = "kind",
    content = "payload",
    rename_all = "snake_case"
)]
pub enum EventBody {
    /// The session was created.
    SessionStarted(SessionStarted),
    /// A cockpit opened the session.
    Joined(Joined),
    /// A cockpit closed, or went silent.
    Left(Left),
    /// Who drives from now on.
    Wheel(Wheel),
    Tick(Tick),
    Untick(Untick),
    Skip(Skip),
    Note(Note),
    Field(FieldEntry),
    Cosign(Cosign),
    Pending(AutoCheck),
    Regressed(AutoCheck),
    Recovered(AutoCheck),
    PhaseStarted(PhaseRef),
    PhaseFinished(PhaseRef),
    Decision(GoNoGo),
    TriggerFired(TriggerFired),
    TriggerAcked(TriggerRef),
    TriggerCleared(TriggerCleared),
    Baseline(Baseline),
    RegressionAcked(RegressionAcked),
    ProbeChanged(ProbeChanged),
    /// A kind this binary does not know (a newer one wrote it), or a payload it cannot read.
    #[serde(skip)]
    Raw(RawBody),
}

/// An event body kept as stored: its kind and payload, untouched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawBody {
    kind: String,
    payload: serde_json::Value,
}

impl RawBody {
    pub fn kind(&self) -> &str {
        &self.kind
    }

    pub fn payload(&self) -> &serde_json::Value {
        &self.payload
    }
}

/// Matches the kinds about one item, binding their `item_text` field: one list for the getter
/// and the setter.
macro_rules! about_item {
    ($body:expr, $text:ident => $then:expr, else $other:expr) => {
        match $body {
            EventBody::Tick(Tick {
                item_text: $text, ..
            })
            | EventBody::Untick(Untick {
                item_text: $text, ..
            })
            | EventBody::Skip(Skip {
                item_text: $text, ..
            })
            | EventBody::Note(Note {
                item_text: $text, ..
            })
            | EventBody::Field(FieldEntry {
                item_text: $text, ..
            })
            | EventBody::Cosign(Cosign {
                item_text: $text, ..
            })
            | EventBody::RegressionAcked(RegressionAcked { item_text: $text })
            | EventBody::Pending(AutoCheck {
                item_text: $text, ..
            })
            | EventBody::Regressed(AutoCheck {
                item_text: $text, ..
            })
            | EventBody::Recovered(AutoCheck {
                item_text: $text, ..
            }) => $then,
            _ => $other,
        }
    };
}

impl Serialize for EventBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EventBody::Raw(raw) => raw.serialize(s),
            typed => EventBody::serialize(typed, s),
        }
    }
}

impl<'de> Deserialize<'de> for EventBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let RawBody { kind, payload } = RawBody::deserialize(d)?;
        Ok(EventBody::from_stored(&kind, payload))
    }
}

impl EventBody {
    /// The body of a stored row; a kind or payload this binary cannot read becomes `Raw`.
    pub fn from_stored(kind: &str, payload: serde_json::Value) -> EventBody {
        let mut tagged = serde_json::Map::new();
        tagged.insert("kind".to_owned(), kind.into());
        tagged.insert("payload".to_owned(), payload);
        let tagged = serde_json::Value::Object(tagged);
        match EventBody::deserialize(&tagged) {
            Ok(body) => body,
            Err(_) => {
                let payload = match tagged {
                    serde_json::Value::Object(mut map) => map.remove("payload"),
                    _ => None,
                };
                EventBody::Raw(RawBody {
                    kind: kind.to_owned(),
                    payload: payload.unwrap_or_default(),
                })
            }
        }
    }

    /// The `kind` and `payload` columns to store. `Raw` bodies are refused: what this binary
    /// cannot read, it does not write.
    pub fn to_stored(&self) -> Result<(&'static str, serde_json::Value), String> {
        if let EventBody::Raw(raw) = self {
            return Err(format!(
                "a `{}` event this flightdeck cannot read is never written back",
                raw.kind
            ));
        }
        Ok((self.kind().as_str(), self.typed_payload()?))
    }

    /// The payload as stored (for a raw body, as it was read), for reports.
    pub fn payload_json(&self) -> serde_json::Value {
        match self {
            EventBody::Raw(raw) => raw.payload.clone(),
            // Every payload is strings, numbers and string-keyed maps: it always serialises.
            typed => typed.typed_payload().unwrap_or_default(),
        }
    }

    fn typed_payload(&self) -> Result<serde_json::Value, String> {
        let tagged =
            EventBody::serialize(self, serde_json::value::Serializer).map_err(|e| e.to_string())?;
        match tagged {
            serde_json::Value::Object(mut map) => Ok(map.remove("payload").unwrap_or_default()),
            other => Err(format!(
                "an event body serialised as {other}, not an object"
            )),
        }
    }

    pub fn kind(&self) -> EventKind {
        match self {
            EventBody::SessionStarted(_) => EventKind::SessionStarted,
            EventBody::Joined(_) => EventKind::Joined,
            EventBody::Left(_) => EventKind::Left,
            EventBody::Wheel(_) => EventKind::Wheel,
            EventBody::Tick(_) => EventKind::Tick,
            EventBody::Untick(_) => EventKind::Untick,
            EventBody::Skip(_) => EventKind::Skip,
            EventBody::Note(_) => EventKind::Note,
            EventBody::Field(_) => EventKind::Field,
            EventBody::Cosign(_) => EventKind::Cosign,
            EventBody::Pending(_) => EventKind::Pending,
            EventBody::Regressed(_) => EventKind::Regressed,
            EventBody::Recovered(_) => EventKind::Recovered,
            EventBody::PhaseStarted(_) => EventKind::PhaseStarted,
            EventBody::PhaseFinished(_) => EventKind::PhaseFinished,
            EventBody::Decision(_) => EventKind::Decision,
            EventBody::TriggerFired(_) => EventKind::TriggerFired,
            EventBody::TriggerAcked(_) => EventKind::TriggerAcked,
            EventBody::TriggerCleared(_) => EventKind::TriggerCleared,
            EventBody::Baseline(_) => EventKind::Baseline,
            EventBody::RegressionAcked(_) => EventKind::RegressionAcked,
            EventBody::ProbeChanged(_) => EventKind::ProbeChanged,
            EventBody::Raw(_) => EventKind::Unknown,
        }
    }

    /// The kind as stored: for a raw body, the text the journal holds.
    pub fn kind_name(&self) -> &str {
        match self {
            EventBody::Raw(raw) => &raw.kind,
            typed => typed.kind().as_str(),
        }
    }

    /// What the condition read, for the kinds the engine writes with evidence.
    pub fn evidence(&self) -> Option<&[Evidence]> {
        match self {
            EventBody::Tick(t) => t.evidence.as_deref(),
            EventBody::Pending(c) | EventBody::Regressed(c) | EventBody::Recovered(c) => {
                Some(&c.evidence)
            }
            EventBody::TriggerFired(t) => Some(&t.evidence),
            EventBody::TriggerCleared(t) => Some(&t.evidence),
            _ => None,
        }
    }

    /// The trigger a `trigger_*` event is about.
    pub fn trigger(&self) -> Option<&str> {
        match self {
            EventBody::TriggerFired(t) => Some(&t.trigger),
            EventBody::TriggerAcked(t) => Some(&t.trigger),
            EventBody::TriggerCleared(t) => Some(&t.trigger),
            _ => None,
        }
    }

    /// The item's text as it read when the event was written (events about an item only).
    pub fn item_text(&self) -> Option<&str> {
        about_item!(self, text => text.as_deref(), else None)
    }

    /// Sets `item_text` on a body about an item; other kinds have no such key.
    pub(super) fn set_item_text(&mut self, item_text: Option<String>) {
        about_item!(self, text => *text = item_text, else ())
    }

    /// A tick by hand.
    pub fn tick() -> EventBody {
        EventBody::Tick(Tick::default())
    }

    /// An untick, without a reason.
    pub fn untick() -> EventBody {
        EventBody::Untick(Untick::default())
    }

    pub fn skip(reason: impl Into<String>) -> EventBody {
        EventBody::Skip(Skip {
            reason: Some(reason.into()),
            item_text: None,
        })
    }

    pub fn note(text: impl Into<String>) -> EventBody {
        EventBody::Note(Note {
            text: text.into(),
            phase: None,
            item_text: None,
        })
    }

    pub fn field(field: impl Into<String>, value: impl Into<String>) -> EventBody {
        EventBody::Field(FieldEntry {
            field: field.into(),
            value: value.into(),
            phase: None,
            item_text: None,
        })
    }

    pub fn cosign() -> EventBody {
        EventBody::Cosign(Cosign::default())
    }

    pub fn phase_started(phase: impl Into<String>) -> EventBody {
        EventBody::PhaseStarted(PhaseRef {
            phase: phase.into(),
        })
    }

    pub fn phase_finished(phase: impl Into<String>) -> EventBody {
        EventBody::PhaseFinished(PhaseRef {
            phase: phase.into(),
        })
    }

    pub fn trigger_acked(trigger: impl Into<String>) -> EventBody {
        EventBody::TriggerAcked(TriggerRef {
            trigger: trigger.into(),
        })
    }
}
