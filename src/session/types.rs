//! What the fold says about each item, phase, trigger and decision.

use crate::condition::Evidence;
use crate::journal::{JoinMode, WheelHow};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// When the current regression was journaled.
    pub regressed_at: Option<DateTime<Utc>>,
    /// Who acknowledged the current regression's alarm, and when.
    pub regression_acked: Option<(String, DateTime<Utc>)>,
    /// Ticked by hand while its `auto` condition had not held yet.
    pub overridden: bool,
    pub override_reason: Option<String>,
    /// Probe values that justified an automatic tick.
    pub evidence: Option<Vec<Evidence>>,
    /// The auto condition started holding at this time (journaled `pending`).
    pub pending_since: Option<DateTime<Utc>>,
    pub cosigned_by: Option<String>,
    /// The OS user and host the (first) tick came from, when it said: a co-sign must come from
    /// another of either.
    #[serde(skip)]
    pub ticked_from: Option<(String, String)>,
    /// How many ticks, unticks, skips, co-signs, regressions and recoveries the item has had: the
    /// generation an automatic event's key names, the same on every screen at the same point.
    #[serde(skip)]
    pub changes: u32,
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
            regressed_at: None,
            regression_acked: None,
            overridden: false,
            override_reason: None,
            evidence: None,
            pending_since: None,
            cosigned_by: None,
            ticked_from: None,
            changes: 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PhaseStatus {
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Notes written on the phase itself.
    pub notes: Vec<NoteEntry>,
    /// Values the phase records as a whole, by field id.
    pub fields: BTreeMap<String, FieldValue>,
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
    /// `info`, `warning` or `critical`, as the trigger fired.
    pub severity: Option<String>,
    /// Fires and clears so far: the generation an automatic event's key names.
    #[serde(skip)]
    pub changes: u32,
}

/// A cockpit that joined the session (journals written before pair-watching have none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenInfo {
    pub screen: String,
    pub actor: String,
    pub mode: JoinMode,
    pub os_user: Option<String>,
    pub host: Option<String>,
    /// The ssh client's address, when it had one.
    pub client: Option<String>,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

/// Who holds the wheel now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Driver {
    pub screen: String,
    pub actor: String,
    pub since: DateTime<Utc>,
}

/// One spell at the wheel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spell {
    pub actor: String,
    pub screen: String,
    pub from: DateTime<Utc>,
    /// `None` while it lasts.
    pub to: Option<DateTime<Utc>>,
    pub how: WheelHow,
    /// The `wheel` event that started it.
    pub seq: i64,
}
