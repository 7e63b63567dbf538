//! The payload of each event kind as the journal stores it: the keys named here are the on-disk
//! format (journals written by older builds must keep loading). Optional keys are left out when
//! absent; `item_text` is on every event about an item (absent in journals written before it).

use crate::checklist::Severity;
use crate::condition::Evidence;
use crate::model::ProbeState;
use crate::probes::Sample;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn is_false(b: &bool) -> bool {
    !*b
}

/// `session_started`: `{checklist_title, checklist_path}` — written by the store when it creates
/// the session; `checklist_path` is `null` when the checklist came from no file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionStarted {
    pub checklist_title: String,
    pub checklist_path: Option<String>,
}

/// `joined`: `{mode, screen?, os_user?, host?, client?}` — a cockpit opened the session. `screen`
/// names the cockpit (one process) in `left`, `wheel` and the presence table; `os_user` and `host`
/// are who runs it (co-signing needs another OS user or host); `client` is the ssh client address
/// (`SSH_CONNECTION`) when there is one. Journals written before pair-watching have `mode` only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Joined {
    pub mode: JoinMode,
    /// The checklist file this screen opened the session with, and a fingerprint of its content
    /// (so the record says which checklist, in which version, each screen ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
}

/// `left`: `{screen, silent}` — a cockpit closed (`silent: false`, written by itself) or was not
/// heard from for 15 s (`silent: true`, written once by another screen that noticed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Left {
    pub screen: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub silent: bool,
}

/// `wheel`: `{screen, to, from, how}` — the cockpit `screen` (run by actor `to`) drives from now
/// on. `from` is the screen the writer saw driving (`null`: nobody); the fold accepts the event
/// only when that is still true, so of two screens grabbing the wheel at once the first in the
/// journal wins. `how`: `first` (a cockpit found nobody driving), `handed` (the driver handed it
/// over), `taken` (the driver had been silent for 15 s, or was the same person on another screen).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Wheel {
    pub screen: String,
    pub to: String,
    pub from: Option<String>,
    pub how: WheelHow,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WheelHow {
    #[default]
    First,
    Handed,
    Taken,
}

impl WheelHow {
    pub fn as_str(self) -> &'static str {
        match self {
            WheelHow::First => "first",
            WheelHow::Handed => "handed",
            WheelHow::Taken => "taken",
        }
    }
}

/// How a cockpit joined: `flightdeck run` writes `drive`; a read-only screen writes nothing, and
/// `watch` is read for journals that have it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinMode {
    #[default]
    Drive,
    Watch,
}

impl JoinMode {
    pub fn as_str(self) -> &'static str {
        match self {
            JoinMode::Drive => "drive",
            JoinMode::Watch => "watch",
        }
    }
}

/// `tick`: the item is done. By hand `{}`; by hand over an `auto` condition that had not held
/// `{override: true, reason?}`; by the engine `{evidence, auto}`. `note?` is read (and written by
/// tools), no key of the cockpit writes it. On a `cosign` item the cockpit adds `os_user` and
/// `host`, so the co-sign can be checked against them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    #[serde(rename = "override", default, skip_serializing_if = "is_false")]
    pub overridden: bool,
    /// Why it was overridden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the condition read when the engine ticked it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<Evidence>>,
    /// The condition the engine ticked it by (its source text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto: Option<String>,
    /// Ticked past this gate phase (its id) while it had no GO: `reason` says why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past_gate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// `untick`: the item is back to do. `{reason?}` (no key of the cockpit asks for one today).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Untick {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
}

/// `skip`: not applicable. `{reason}` — the cockpit writes `N/A` when none was typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Skip {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
}

/// `note`: `{text, phase?}` — on an item; on a phase when `phase` names it; else on the whole
/// session (a timeline entry).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
}

/// `field`: a value typed into one of the item's fields. `{field, value}` (`field` is its id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldEntry {
    pub field: String,
    pub value: String,
    /// A value the phase records as a whole (no item): the phase's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
}

/// `cosign`: a second, different person confirms a `cosign` item. `{os_user?, host?}`: who runs
/// the co-signing cockpit. The fold accepts it only from another actor, and — when both the tick
/// and the co-sign say where they come from — another OS user or another host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cosign {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// `regression_acked`: someone saw a regressed item's alarm (the banner quiets down; the item
/// stays REGRESSED until it recovers or is unticked). `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegressionAcked {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
}

/// `probe_changed`: a probe's state changed during the window (a probe that starts OK says
/// nothing; one that starts bad, and every change after, is journaled). `{probe, from?, to,
/// reason?, value?}` — `value` is the panel's headline as it read (`503`, `6.2 %`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeChanged {
    pub probe: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ProbeState>,
    pub to: ProbeState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `pending` (the `auto` condition started holding), `regressed` (a ticked item's condition went
/// bad) and `recovered` (it held again), all written by the engine: `{evidence, auto, reason?}`.
/// `reason` is on `regressed` only, when the condition could not be read (a probe UNKNOWN).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoCheck {
    pub evidence: Vec<Evidence>,
    /// The item's condition (its source text).
    pub auto: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_text: Option<String>,
}

/// `phase_started`, `phase_finished`: `{phase}` (the phase's id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseRef {
    pub phase: String,
}

/// `decision`: a go/no-go at a gate. `{phase, decision, note?}` — `decision` is the first word
/// typed, upper-cased (`GO`, `NO-GO`), `note` the rest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GoNoGo {
    pub phase: String,
    pub decision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `trigger_fired`: `{trigger, severity, message, evidence, when}` — `message` is the checklist's,
/// or the condition when it has none; `when` is the condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerFired {
    pub trigger: String,
    pub severity: Severity,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub when: String,
}

/// `trigger_acked`: a person acknowledged the alarm. `{trigger}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TriggerRef {
    pub trigger: String,
}

/// `trigger_cleared`: the condition is plainly false again. `{trigger, evidence, when}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TriggerCleared {
    pub trigger: String,
    pub evidence: Vec<Evidence>,
    pub when: String,
}

/// `baseline`: values captured for `baseline(...)`. `{scope, values}` — `scope` is `session` or a
/// phase id; `values` maps a probe name to its sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub scope: String,
    pub values: BTreeMap<String, BaselineValue>,
}

/// One captured value: a probe sample, or whatever else a journal holds there (kept as it is, and
/// not used as a baseline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BaselineValue {
    Sample(Sample),
    Other(serde_json::Value),
}

impl BaselineValue {
    pub fn sample(&self) -> Option<&Sample> {
        match self {
            BaselineValue::Sample(s) => Some(s),
            BaselineValue::Other(_) => None,
        }
    }
}
