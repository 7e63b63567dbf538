//! Text helpers of the Markdown report: one-line cells, times, fences, units, and evidence in one
//! line.

use crate::checklist::{Checklist, Field, FieldKind};
use crate::condition::Evidence;
use crate::journal::BaselineValue;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Ends the text with exactly one empty line.
pub(super) fn blank_line(out: &mut String) {
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.is_empty() {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

/// `12` in a number field with unit `GB` reads `12 GB`; a value that already says its unit stays.
pub(super) fn with_unit(field: &Field, value: &str) -> String {
    let value = value.trim();
    match (&field.kind, &field.unit) {
        (FieldKind::Number, Some(unit)) if !value.ends_with(unit.as_str()) => {
            format!("{value} {unit}")
        }
        _ => value.to_owned(),
    }
}

pub(super) fn phase_name(checklist: &Checklist, id: &str) -> String {
    checklist
        .phases
        .iter()
        .find(|p| p.id == id || p.name == id)
        .map_or(id.to_owned(), |p| p.name.clone())
}

/// Evidence in one line, numbers rounded for people (the JSON report keeps full precision):
/// `api.status = 200 (01:41:55); errors.value = 0.124 (01:41:50)`.
pub(super) fn evidence_text(evidence: &[Evidence]) -> String {
    evidence
        .iter()
        .map(|e| {
            let value = e.value.as_ref().map_or("—".to_owned(), human_value);
            let at = e.at.map(|t| format!(" ({})", hms(t))).unwrap_or_default();
            format!("{}.{} = {value}{at}", e.probe, e.path)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A value as a person reads it: numbers to three significant digits, text in one line.
pub(super) fn human_value(v: &crate::model::Value) -> String {
    match v {
        crate::model::Value::Number(n) => crate::model::human(*n),
        other => short(&other.to_string(), 60),
    }
}

/// A baseline's values in one readable line: `api 200 in 21 ms, queue 0`.
pub(super) fn baseline_text(values: &BTreeMap<String, BaselineValue>) -> String {
    values
        .iter()
        .map(|(probe, v)| match v {
            BaselineValue::Sample(sample) => sample_text(probe, sample),
            // written by a newer flightdeck or a tool: shown as it is, a number rounded
            BaselineValue::Other(json) => match json.as_f64() {
                Some(n) => format!("{probe} {}", crate::model::human(n)),
                None => format!("{probe} {}", short(&json.to_string(), 60)),
            },
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One sample as a person says it: its main value, how long it took, its state if not OK.
fn sample_text(probe: &str, sample: &crate::model::Sample) -> String {
    let main = ["value", "status", "len", "used_memory_ratio", "connected"]
        .iter()
        .find_map(|name| sample.outputs.get(*name).map(human_value));
    let mut text = probe.to_owned();
    if let Some(main) = main {
        text.push_str(&format!(" {main}"));
    }
    if let Some(ms) = sample.latency_ms {
        text.push_str(&format!(" in {} ms", crate::model::human(ms)));
    }
    if sample.state != crate::model::ProbeState::Ok {
        text.push_str(&format!(" ({})", sample.state.as_str()));
    }
    text
}

/// A fenced block that survives backticks inside the command.
pub(super) fn fence(out: &mut String, indent: &str, body: &str) {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{indent}{ticks}");
    for line in body.trim_end().lines() {
        let _ = writeln!(out, "{indent}{line}");
    }
    let _ = writeln!(out, "{indent}{ticks}");
}

pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

pub(super) fn short(text: &str, max: usize) -> String {
    let text = one_line(text);
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

pub(super) fn hm(at: DateTime<Utc>) -> String {
    at.format("%H:%M").to_string()
}

pub(super) fn hms(at: DateTime<Utc>) -> String {
    at.format("%H:%M:%S").to_string()
}

pub(super) fn full(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}
