//! Text helpers of the Markdown report: one-line cells, times, fences, units, and evidence in one
//! line.

use crate::checklist::{Checklist, Field, FieldKind};
use crate::condition::Evidence;
use crate::journal::BaselineValue;
use chrono::{DateTime, Utc};
use serde_json::Value;
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

/// Evidence in one line: `api.status = 200 (01:41:55); db.rows = 0 (01:41:50)`.
pub(super) fn evidence_text(evidence: &[Evidence]) -> String {
    evidence
        .iter()
        .map(|e| {
            let value = e
                .value
                .as_ref()
                .map_or("null".to_owned(), |v| scalar(&json(v)));
            let at = e.at.map(|t| format!(" ({})", hms(t))).unwrap_or_default();
            format!("{}.{} = {value}{at}", e.probe, e.path)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A baseline's values in one line: `probe={…the sample as JSON…}, …`.
pub(super) fn baseline_text(values: &BTreeMap<String, BaselineValue>) -> String {
    values
        .iter()
        .map(|(probe, v)| format!("{probe}={}", scalar(&json(v))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// As the journal stores it (a number that is not finite is `null` there too).
fn json(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_owned(),
        // whole numbers without a `.0`; fractions at full precision (evidence must not round)
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
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
