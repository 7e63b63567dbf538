//! One poll's result, sent by a probe worker to the app as an owned message.

use super::Value;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every poll ends in one of these; `Stale` is derived from the sample's age, never sent by a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ProbeState {
    Ok,
    Warn,
    Crit,
    Unknown,
    Stale,
}

impl ProbeState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeState::Ok => "OK",
            ProbeState::Warn => "WARN",
            ProbeState::Crit => "CRIT",
            ProbeState::Unknown => "UNKNOWN",
            ProbeState::Stale => "STALE",
        }
    }
}

/// The result of one poll of one probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The probe's name from the config.
    pub probe: String,
    /// When the poll finished.
    pub at: DateTime<Utc>,
    /// How long the poll took, in milliseconds (absent when it never got an answer).
    pub latency_ms: Option<f64>,
    /// Named outputs (`status`, `latency`, `body`, `header.x`, `value`, `rows`, `len`, …).
    pub outputs: BTreeMap<String, Value>,
    pub state: ProbeState,
    /// Why the state is not OK (error text, already redacted; or the condition that failed).
    pub reason: Option<String>,
}

impl Sample {
    /// Looks up an output by name, reaching into JSON bodies for dotted paths (`body.queue.size`).
    pub fn output(&self, path: &str) -> Option<Value> {
        output_at(&self.outputs, path)
    }
}

/// An output by name, or the longest output name that prefixes `path` followed by a JSON path
/// into it (`body.queue.size` → output `body`, path `queue.size`).
pub fn output_at(outputs: &BTreeMap<String, Value>, path: &str) -> Option<Value> {
    if let Some(v) = outputs.get(path) {
        return Some(v.clone());
    }
    let mut split = path.len();
    while let Some(dot) = path[..split].rfind('.') {
        if let Some(v) = outputs.get(&path[..dot]) {
            return v.get_path(&path[dot + 1..]);
        }
        split = dot;
    }
    None
}
