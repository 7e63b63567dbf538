//! The Markdown report: the checklist with its boxes ticked, values filled in, then the timeline.
//!
//! Written for a change ticket: times in UTC (one zone for everyone reading the ticket), who and
//! when on every ticked line, commands kept in fences, nothing that needs flightdeck to read.

mod items;
mod notifications;
mod text;
mod timeline;

pub use notifications::notifications;

use super::{phase_elapsed, phase_times, summarize};
use crate::checklist::Checklist;
use crate::redact::redact_text;
use crate::session::SessionState;
use std::fmt::Write as _;
use text::{blank_line, cell, fence, full, hm, hms, one_line};

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
        if !phase.fields.is_empty() {
            let none = std::collections::BTreeMap::new();
            let values = state.phases.get(&phase.id).map_or(&none, |s| &s.fields);
            items::field_lines(&mut out, &phase.fields, values, "");
            blank_line(&mut out);
        }
        procedures(&mut out, phase, None);
        let mut group: Option<&str> = None;
        for item in &phase.items {
            if item.group.is_some() && item.group.as_deref() != group {
                group = item.group.as_deref();
                blank_line(&mut out);
                let _ = writeln!(out, "### {}\n", group.unwrap_or_default());
            }
            items::item_lines(&mut out, state, item, 0);
            procedures(&mut out, phase, Some(&item.id));
        }
    }
    timeline::triggers(&mut out, checklist, state);
    timeline::decisions(&mut out, checklist, state);
    timeline::timeline(&mut out, checklist, state);
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
    people(out, state);
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

/// The phase's labelled procedures that follow item `after` (`None`: before the first item).
fn procedures(out: &mut String, phase: &crate::checklist::Phase, after: Option<&str>) {
    for p in phase
        .procedures
        .iter()
        .filter(|p| p.after.as_deref() == after)
    {
        blank_line(out);
        let _ = writeln!(out, "**{}**\n", one_line(&p.label));
        for note in &p.notes {
            let _ = writeln!(out, "{}\n", note.trim_end());
        }
        for command in &p.commands {
            fence(out, "", command);
            out.push('\n');
        }
    }
}

/// Who was on the window, when the journal says who drove: roles, time at the wheel (each spell),
/// screens, and what each did.
fn people(out: &mut String, state: &SessionState) {
    if !super::people::known(state) {
        return;
    }
    let _ = writeln!(out, "\n**People**\n");
    for p in super::people::people(state) {
        let mut line = format!("- **{}**", cell(&p.actor));
        if !p.roles.is_empty() {
            let _ = write!(line, " — {}", p.roles.join(", "));
        }
        if p.driving_s > 0 || !p.spells.is_empty() {
            let spells: Vec<String> = p
                .spells
                .iter()
                .map(|(from, to, how)| {
                    let to = to.map_or_else(|| "end".to_owned(), hms);
                    format!("{}–{to} ({})", hms(*from), how.as_str())
                })
                .collect();
            let _ = write!(
                line,
                "; drove {} ({})",
                crate::units::format_duration(std::time::Duration::from_secs(
                    u64::try_from(p.driving_s).unwrap_or(0)
                )),
                spells.join(", ")
            );
        }
        if !p.did.is_empty() {
            let did: Vec<String> = p.did.iter().map(|(k, n)| format!("{n} {k}")).collect();
            let _ = write!(line, "; did: {}", did.join(", "));
        }
        if !p.screens.is_empty() {
            let _ = write!(line, "; screens: {}", cell(&p.screens.join(", ")));
        }
        let _ = writeln!(out, "{line}");
    }
}

fn phase_line(out: &mut String, state: &SessionState, index: usize, checklist: &Checklist) {
    let Some(phase) = checklist.phases.get(index) else {
        return;
    };
    let (started, finished) = phase_times(state, phase);
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
    if let Some(offset) = phase.offset {
        parts.push(format!(
            "starts at T+{}",
            crate::units::format_duration(offset)
        ));
    }
    if !parts.is_empty() {
        let _ = writeln!(out, "_{}_\n", parts.join(" · "));
    }
}
