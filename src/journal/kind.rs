//! `EventKind`: which kind an event is, without its payload — for filters, tests and the
//! stored `kind` column.

use serde::{Deserialize, Serialize};

/// What happened. The payload of each kind is documented on its type in `journal::payload`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    SessionStarted,
    Joined,
    Left,
    Wheel,
    Tick,
    Untick,
    Skip,
    Note,
    Field,
    Cosign,
    Pending,
    Regressed,
    Recovered,
    PhaseStarted,
    PhaseFinished,
    Decision,
    TriggerFired,
    TriggerAcked,
    TriggerCleared,
    Baseline,
    RegressionAcked,
    ProbeChanged,
    /// A kind this binary does not know, or a payload it cannot read (`EventBody::Raw`).
    #[serde(other)]
    Unknown,
}

impl EventKind {
    /// The name stored in the journal's `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SessionStarted => "session_started",
            EventKind::Joined => "joined",
            EventKind::Left => "left",
            EventKind::Wheel => "wheel",
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
            EventKind::RegressionAcked => "regression_acked",
            EventKind::ProbeChanged => "probe_changed",
            EventKind::Unknown => "unknown",
        }
    }
}
