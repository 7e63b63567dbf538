//! The Markdown report: the checklist with its boxes ticked, values filled in, then the timeline.
//!
//! Written for a change ticket: times in UTC (one zone for everyone reading the ticket), who and
//! when on every ticked line, commands kept in fences, nothing that needs flightdeck to read.

use super::{phase_elapsed, summarize, target_check};
use crate::checklist::{Checklist, Field, FieldKind, Item};
use crate::redact::redact_text;
use crate::session::{ItemState, ItemStatus, SessionState};
use crate::store::{Event, EventKind};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::fmt::Write as _;

/// The Markdown report, redacted.
pub fn markdown(checklist: &Checklist, state: &SessionState) -> String {
    let mut out = String::new();
    header(&mut out, checklist, state);
    for (index, phase) in checklist.phases.iter().enumerate() {
        let _ = writeln!(out, "\n## {}\n", phase.name);
        phase_line(&mut out, state, index, checklist);
        for note in &phase.notes {
            let _ = writeln!(out, "{}\n", note.trim_end());
        }
        for command in &phase.commands {
            fence(&mut out, "", command);
            out.push('\n');
        }
        let mut group: Option<&str> = None;
        for item in &phase.items {
            if item.group.is_some() && item.group.as_deref() != group {
                group = item.group.as_deref();
                blank_line(&mut out);
                let _ = writeln!(out, "### {}\n", group.unwrap_or_default());
            }
            item_lines(&mut out, state, item, 0);
        }
    }
    triggers(&mut out, checklist, state);
    decisions(&mut out, checklist, state);
    timeline(&mut out, checklist, state);
    redact_text(&out)
}

fn header(out: &mut String, checklist: &Checklist, state: &SessionState) {
    let _ = match &checklist.version {
        Some(v) => writeln!(out, "# {} ({v})\n", checklist.title),
        None => writeln!(out, "# {}\n", checklist.title),
    };
    let s = summarize(checklist, state);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Session | `{}` |", cell(&state.name));
    if let Some(at) = state.started_at {
        let by = state.started_by.as_deref().unwrap_or("?");
        let _ = writeln!(out, "| Started | {} UTC by {} |", full(at), cell(by));
    }
    if let Some(last) = state.events.last() {
        let _ = writeln!(
            out,
            "| Last event | {} UTC (seq {}) |",
            full(last.at),
            last.seq
        );
    }
    let mut progress = format!(
        "{} of {} done, {} skipped, {} to do",
        s.done, s.items, s.skipped, s.todo
    );
    if s.regressed > 0 {
        let _ = write!(progress, ", **{} regressed**", s.regressed);
    }
    if s.awaiting_cosign > 0 {
        let _ = write!(progress, ", {} awaiting co-sign", s.awaiting_cosign);
    }
    let _ = writeln!(out, "| Progress | {progress} |");
    if !state.actors.is_empty() {
        let _ = writeln!(out, "| People | {} |", cell(&state.actors.join(", ")));
    }
    for note in &checklist.notes {
        let _ = writeln!(out, "\n{}", note.trim_end());
    }
    for note in &state.notes {
        let _ = writeln!(
            out,
            "\n> **Note** ({} {}): {}",
            note.actor,
            hm(note.at),
            one_line(&note.text)
        );
    }
}

fn phase_line(out: &mut String, state: &SessionState, index: usize, checklist: &Checklist) {
    let Some(phase) = checklist.phases.get(index) else {
        return;
    };
    let status = state
        .phases
        .get(&phase.id)
        .or_else(|| state.phases.get(&phase.name));
    let started = status.and_then(|s| s.started_at);
    let finished = status.and_then(|s| s.finished_at);
    let mut parts = Vec::new();
    if let Some(at) = started {
        parts.push(format!("started {}", hms(at)));
    }
    if let Some(at) = finished {
        parts.push(format!("finished {}", hms(at)));
    }
    let elapsed = phase_elapsed(state, started, finished);
    match (elapsed, phase.budget) {
        (Some(e), Some(b)) => {
            let e = std::time::Duration::from_secs(u64::try_from(e).unwrap_or(0));
            let over = if e > b { " — **over budget**" } else { "" };
            parts.push(format!(
                "{} of {} budget{over}",
                crate::units::format_duration(e),
                crate::units::format_duration(b)
            ));
        }
        (Some(e), None) => parts.push(format!(
            "{} elapsed",
            crate::units::format_duration(std::time::Duration::from_secs(
                u64::try_from(e).unwrap_or(0)
            ))
        )),
        (None, Some(b)) => parts.push(format!("budget {}", crate::units::format_duration(b))),
        (None, None) => {}
    }
    if phase.gate {
        parts.push("go/no-go gate".to_owned());
    }
    if !parts.is_empty() {
        let _ = writeln!(out, "_{}_\n", parts.join(" · "));
    }
}

fn item_lines(out: &mut String, state: &SessionState, item: &Item, depth: usize) {
    let indent = "  ".repeat(depth);
    let sub = "  ".repeat(depth + 1);
    let default = ItemStatus::default();
    let status = state.item(&item.id).unwrap_or(&default);
    let text = one_line(&item.text);
    let line = match status.state {
        ItemState::Done => {
            let mut l = format!("- [x] {text}{}", who(status));
            if status.by.as_deref() == Some("flightdeck") && item.auto.is_some() {
                l.push_str(" (auto)");
            }
            if status.overridden {
                match &status.override_reason {
                    Some(r) => {
                        let _ = write!(l, " (override: {})", one_line(r));
                    }
                    None => l.push_str(" (override)"),
                }
            }
            if let Some(c) = &status.cosigned_by {
                let _ = write!(l, ", co-signed by {c}");
            }
            l
        }
        ItemState::AwaitingCosign => format!(
            "- [ ] {text} — ticked by {}{}, **awaiting co-sign**",
            status.by.as_deref().unwrap_or("?"),
            status.at.map(|a| format!(" {}", hm(a))).unwrap_or_default()
        ),
        ItemState::Skipped => format!(
            "- [~] ~~{text}~~ (skipped: {}){}",
            status
                .skip_reason
                .as_deref()
                .map_or("no reason given".to_owned(), one_line),
            who(status)
        ),
        ItemState::Todo => format!("- [ ] {text}"),
    };
    let _ = write!(out, "{indent}{line}");
    if status.regressed {
        out.push_str(" — **⚠ REGRESSED**");
    } else if status.regressions > 0 {
        let _ = write!(out, " (regressed {}×, recovered)", status.regressions);
    }
    out.push('\n');
    if let Some(auto) = &item.auto {
        let _ = writeln!(out, "{sub}- Auto: `{}`", auto.replace('`', "'"));
    }
    if let Some(evidence) = &status.evidence {
        let _ = writeln!(out, "{sub}- Evidence: {}", evidence_text(evidence));
    }
    for e in state.events.iter().filter(|e| {
        e.item.as_deref() == Some(item.id.as_str())
            && matches!(e.kind, EventKind::Regressed | EventKind::Recovered)
    }) {
        let what = if e.kind == EventKind::Regressed {
            "**Regressed**"
        } else {
            "Recovered"
        };
        let evidence = e.payload.get("evidence").map(evidence_text);
        let _ = match evidence.filter(|t| !t.is_empty()) {
            Some(t) => writeln!(out, "{sub}- {what} {}: {t}", hm(e.at)),
            None => writeln!(out, "{sub}- {what} {}", hm(e.at)),
        };
    }
    for field in &item.fields {
        let value = status.fields.get(&field.id);
        let mut l = match value {
            Some(v) => {
                let shown = with_unit(field, &v.value);
                format!(
                    "{sub}- {}: **{}** ({} {})",
                    field.label,
                    one_line(&shown),
                    v.by,
                    hm(v.at)
                )
            }
            None => format!("{sub}- {}: ___", field.label),
        };
        if let Some(target) = &field.target {
            let _ = write!(l, " — target {target}");
            if let Some(v) = value
                && let (Some(false), why) = target_check(field, &v.value)
            {
                match why {
                    Some(why) => {
                        let _ = write!(l, " **✖ missed** ({})", one_line(&why));
                    }
                    None => l.push_str(" **✖ missed**"),
                }
            }
        }
        let _ = writeln!(out, "{l}");
    }
    for (id, v) in &status.fields {
        if !item.fields.iter().any(|f| &f.id == id) {
            let _ = writeln!(
                out,
                "{sub}- {id}: **{}** ({} {})",
                one_line(&v.value),
                v.by,
                hm(v.at)
            );
        }
    }
    for note in &status.notes {
        let _ = writeln!(
            out,
            "{sub}- Note ({} {}): {}",
            note.actor,
            hm(note.at),
            one_line(&note.text)
        );
    }
    for note in &item.notes {
        for line in note.lines() {
            let _ = writeln!(out, "{sub}{line}");
        }
    }
    for command in &item.commands {
        fence(out, &sub, command);
    }
    for child in &item.children {
        item_lines(out, state, child, depth + 1);
    }
}

/// Ends the text with exactly one empty line.
fn blank_line(out: &mut String) {
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.is_empty() {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

fn who(status: &ItemStatus) -> String {
    match (&status.by, status.at) {
        (Some(by), Some(at)) => format!(" — {by} {}", hm(at)),
        (Some(by), None) => format!(" — {by}"),
        _ => String::new(),
    }
}

fn triggers(out: &mut String, checklist: &Checklist, state: &SessionState) {
    let mut names: Vec<&String> = state.triggers.keys().collect();
    names.sort_by_key(|n| {
        checklist
            .triggers
            .iter()
            .position(|t| &t.name == *n)
            .unwrap_or(usize::MAX)
    });
    if names.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Triggers\n");
    for name in names {
        let Some(t) = state.triggers.get(name) else {
            continue;
        };
        let mut l = format!("- **{name}**");
        if let Some(m) = &t.message {
            let _ = write!(l, ": {}", one_line(m));
        }
        let _ = write!(l, " — fired {}×", t.fired_count);
        if let Some(at) = t.fired_at {
            let _ = write!(l, ", last at {}", hms(at));
        }
        match (&t.acked_by, t.acked_at) {
            (Some(by), Some(at)) => {
                let _ = write!(l, "; acknowledged by {by} at {}", hms(at));
            }
            _ if t.fired_count > 0 => l.push_str("; **not acknowledged**"),
            _ => {}
        }
        if let Some(at) = t.cleared_at {
            let _ = write!(l, "; cleared at {}", hms(at));
        } else if t.active {
            l.push_str("; **still active**");
        }
        let _ = writeln!(out, "{l}");
    }
}

fn decisions(out: &mut String, checklist: &Checklist, state: &SessionState) {
    if state.decisions.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## Decisions\n");
    for d in &state.decisions {
        let mut l = format!(
            "- {}: **{}** by {} at {}",
            phase_name(checklist, &d.phase),
            d.decision,
            d.by,
            hms(d.at)
        );
        if let Some(n) = &d.note {
            let _ = write!(l, " — {}", one_line(n));
        }
        let _ = writeln!(out, "{l}");
    }
}

fn timeline(out: &mut String, checklist: &Checklist, state: &SessionState) {
    if state.events.is_empty() {
        return;
    }
    let one_day = state
        .events
        .first()
        .zip(state.events.last())
        .is_some_and(|(a, b)| a.at.date_naive() == b.at.date_naive());
    let _ = writeln!(
        out,
        "\n## Timeline\n\n| Time (UTC) | Actor | Event | Item | Detail |\n|---|---|---|---|---|"
    );
    for e in &state.events {
        let time = if one_day {
            hms(e.at)
        } else {
            e.at.format("%m-%d %H:%M:%S").to_string()
        };
        let item = e
            .item
            .as_deref()
            .map(|id| {
                checklist
                    .item(id)
                    .map_or(id.to_owned(), |r| short(&r.item.text, 60))
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {time} | {} | {} | {} | {} |",
            cell(&e.actor),
            event_name(e.kind),
            cell(&item),
            cell(&detail(checklist, e))
        );
    }
}

fn event_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::SessionStarted => "session started",
        EventKind::Joined => "joined",
        EventKind::Tick => "ticked",
        EventKind::Untick => "unticked",
        EventKind::Skip => "skipped",
        EventKind::Note => "note",
        EventKind::Field => "value",
        EventKind::Cosign => "co-signed",
        EventKind::Pending => "auto pending",
        EventKind::Regressed => "**REGRESSED**",
        EventKind::Recovered => "recovered",
        EventKind::PhaseStarted => "phase started",
        EventKind::PhaseFinished => "phase finished",
        EventKind::Decision => "decision",
        EventKind::TriggerFired => "**TRIGGER FIRED**",
        EventKind::TriggerAcked => "trigger acknowledged",
        EventKind::TriggerCleared => "trigger cleared",
        EventKind::Baseline => "baseline",
        EventKind::Unknown => "other",
    }
}

fn detail(checklist: &Checklist, e: &Event) -> String {
    let s = |key: &str| e.str(key).map(one_line).unwrap_or_default();
    let evidence = || {
        e.payload
            .get("evidence")
            .map(evidence_text)
            .unwrap_or_default()
    };
    let join = |parts: Vec<String>| {
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" — ")
    };
    match e.kind {
        EventKind::SessionStarted => s("checklist_title"),
        EventKind::Joined => s("mode"),
        EventKind::Cosign => String::new(),
        EventKind::Tick => {
            let over = if e.payload.get("override").and_then(Value::as_bool) == Some(true) {
                match e.str("reason") {
                    Some(r) => format!("override: {}", one_line(r)),
                    None => "override".to_owned(),
                }
            } else {
                String::new()
            };
            join(vec![over, s("note"), evidence()])
        }
        EventKind::Untick | EventKind::Skip => s("reason"),
        EventKind::Note => s("text"),
        EventKind::Field => {
            let field = e.str("field").unwrap_or_default();
            let def = e
                .item
                .as_deref()
                .and_then(|id| checklist.item(id))
                .and_then(|r| r.item.fields.iter().find(|f| f.id == field));
            match def {
                Some(f) => format!("{} = {}", f.label, with_unit(f, &s("value"))),
                None => format!("{field} = {}", s("value")),
            }
        }
        EventKind::Pending | EventKind::Regressed | EventKind::Recovered => evidence(),
        EventKind::PhaseStarted | EventKind::PhaseFinished => phase_name(checklist, &s("phase")),
        EventKind::Decision => join(vec![
            format!("{}: {}", phase_name(checklist, &s("phase")), s("decision")),
            s("note"),
        ]),
        EventKind::TriggerFired => join(vec![s("trigger"), s("message"), evidence()]),
        EventKind::TriggerAcked => s("trigger"),
        EventKind::TriggerCleared => join(vec![s("trigger"), evidence()]),
        EventKind::Baseline => join(vec![
            s("scope"),
            e.payload
                .get("values")
                .map(evidence_text)
                .unwrap_or_default(),
        ]),
        EventKind::Unknown => e.payload.to_string(),
    }
}

/// `12` in a number field with unit `GB` reads `12 GB`; a value that already says its unit stays.
fn with_unit(field: &Field, value: &str) -> String {
    let value = value.trim();
    match (&field.kind, &field.unit) {
        (FieldKind::Number, Some(unit)) if !value.ends_with(unit.as_str()) => {
            format!("{value} {unit}")
        }
        _ => value.to_owned(),
    }
}

fn phase_name(checklist: &Checklist, id: &str) -> String {
    checklist
        .phases
        .iter()
        .find(|p| p.id == id || p.name == id)
        .map_or(id.to_owned(), |p| p.name.clone())
}

/// Evidence in one line, whatever its shape: `api.status = 200 (01:41:55)`, `k=v, …`, `a; b`.
pub(crate) fn evidence_text(v: &Value) -> String {
    match v {
        Value::Array(items) => items
            .iter()
            .map(evidence_text)
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(map) => {
            let name = match (
                map.get("probe").and_then(Value::as_str),
                map.get("path")
                    .or_else(|| map.get("output"))
                    .and_then(Value::as_str),
            ) {
                (Some(p), Some(o)) => Some(format!("{p}.{o}")),
                (Some(p), None) => Some(p.to_owned()),
                _ => map.get("name").and_then(Value::as_str).map(str::to_owned),
            };
            if let (Some(name), Some(value)) = (name, map.get("value")) {
                let at = map
                    .get("at")
                    .and_then(Value::as_str)
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| format!(" ({})", hms(t.with_timezone(&Utc))))
                    .unwrap_or_default();
                return format!("{name} = {}{at}", scalar(value));
            }
            map.iter()
                .map(|(k, v)| format!("{k}={}", scalar(v)))
                .collect::<Vec<_>>()
                .join(", ")
        }
        other => scalar(other),
    }
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
fn fence(out: &mut String, indent: &str, body: &str) {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{indent}{ticks}");
    for line in body.trim_end().lines() {
        let _ = writeln!(out, "{indent}{line}");
    }
    let _ = writeln!(out, "{indent}{ticks}");
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

fn short(text: &str, max: usize) -> String {
    let text = one_line(text);
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

fn hm(at: DateTime<Utc>) -> String {
    at.format("%H:%M").to_string()
}

fn hms(at: DateTime<Utc>) -> String {
    at.format("%H:%M:%S").to_string()
}

fn full(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}
