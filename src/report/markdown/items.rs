//! The checklist part of the Markdown report: each item's box, who and when, its evidence,
//! regressions, field values, notes and commands.

use super::text::{evidence_text, fence, hm, one_line, with_unit};
use crate::checklist::Item;
use crate::journal::EventBody;
use crate::report::target_check;
use crate::session::{ItemState, ItemStatus, SessionState};
use std::fmt::Write as _;

pub(super) fn item_lines(out: &mut String, state: &SessionState, item: &Item, depth: usize) {
    let indent = "  ".repeat(depth);
    let sub = "  ".repeat(depth + 1);
    let default = ItemStatus::default();
    let status = state.item(&item.id).unwrap_or(&default);
    // a warning written just above the step stays just above it
    for note in &item.before {
        for line in note.lines() {
            let _ = writeln!(out, "{indent}> {line}");
        }
    }
    let _ = write!(out, "{indent}{}", item_line(status, item));
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
    regressions(out, state, item, &sub);
    fields(out, status, item, &sub);
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

/// `- [x] text — who when`, with what else the box says (auto, override, co-sign, skip reason).
fn item_line(status: &ItemStatus, item: &Item) -> String {
    let text = one_line(&item.text);
    match status.state {
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
    }
}

/// Each regression and recovery of the item, with what the condition read.
fn regressions(out: &mut String, state: &SessionState, item: &Item, sub: &str) {
    for e in state
        .events
        .iter()
        .filter(|e| e.item.as_deref() == Some(item.id.as_str()))
    {
        let (what, check) = match &e.body {
            EventBody::Regressed(check) => ("**Regressed**", check),
            EventBody::Recovered(check) => ("Recovered", check),
            _ => continue,
        };
        let evidence = evidence_text(&check.evidence);
        let _ = if evidence.is_empty() {
            writeln!(out, "{sub}- {what} {}", hm(e.at))
        } else {
            writeln!(out, "{sub}- {what} {}: {evidence}", hm(e.at))
        };
    }
}

/// The item's fields with their values and targets, then values of fields it no longer has.
fn fields(out: &mut String, status: &ItemStatus, item: &Item, sub: &str) {
    field_lines(out, &item.fields, &status.fields, sub);
}

/// One line per field: its value (who, when), target and verdict, note; `___` when unfilled.
pub(super) fn field_lines(
    out: &mut String,
    defs: &[crate::checklist::Field],
    values: &std::collections::BTreeMap<String, crate::session::FieldValue>,
    sub: &str,
) {
    for field in defs {
        let value = values.get(&field.id);
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
        if let Some(note) = &field.note {
            let _ = write!(l, " ({})", one_line(note));
        }
        let _ = writeln!(out, "{l}");
    }
    // values of fields the checklist no longer has (it changed under the session)
    for (id, v) in values {
        if !defs.iter().any(|f| &f.id == id) {
            let _ = writeln!(
                out,
                "{sub}- {id}: **{}** ({} {})",
                one_line(&v.value),
                v.by,
                hm(v.at)
            );
        }
    }
}

fn who(status: &ItemStatus) -> String {
    match (&status.by, status.at) {
        (Some(by), Some(at)) => format!(" — {by} {}", hm(at)),
        (Some(by), None) => format!(" — {by}"),
        _ => String::new(),
    }
}
