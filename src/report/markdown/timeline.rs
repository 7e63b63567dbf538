//! The session part of the Markdown report: triggers, go/no-go decisions, and the timeline of
//! every event with one line of detail each.

use super::text::{
    baseline_text, cell, evidence_text, hms, one_line, phase_name, short, with_unit,
};
use crate::checklist::Checklist;
use crate::journal::{Event, EventBody, Tick};
use crate::session::SessionState;
use std::fmt::Write as _;

pub(super) fn triggers(out: &mut String, checklist: &Checklist, state: &SessionState) {
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

pub(super) fn decisions(out: &mut String, checklist: &Checklist, state: &SessionState) {
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

pub(super) fn timeline(out: &mut String, checklist: &Checklist, state: &SessionState) {
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
            event_name(&e.body),
            cell(&item),
            cell(&detail(checklist, e))
        );
    }
}

fn event_name(body: &EventBody) -> &'static str {
    match body {
        EventBody::SessionStarted(_) => "session started",
        EventBody::Joined(_) => "joined",
        EventBody::Left(_) => "left",
        EventBody::Wheel(_) => "wheel",
        EventBody::Tick(_) => "ticked",
        EventBody::Untick(_) => "unticked",
        EventBody::Skip(_) => "skipped",
        EventBody::Note(_) => "note",
        EventBody::Field(_) => "value",
        EventBody::Cosign(_) => "co-signed",
        EventBody::Pending(_) => "auto pending",
        EventBody::Regressed(_) => "**REGRESSED**",
        EventBody::Recovered(_) => "recovered",
        EventBody::PhaseStarted(_) => "phase started",
        EventBody::PhaseFinished(_) => "phase finished",
        EventBody::Decision(_) => "decision",
        EventBody::TriggerFired(_) => "**TRIGGER FIRED**",
        EventBody::TriggerAcked(_) => "trigger acknowledged",
        EventBody::TriggerCleared(_) => "trigger cleared",
        EventBody::Baseline(_) => "baseline",
        EventBody::RegressionAcked(_) => "regression acknowledged",
        EventBody::ProbeChanged(_) => "probe changed",
        EventBody::Raw(_) => "other",
    }
}

/// The Detail cell of the timeline.
fn detail(checklist: &Checklist, e: &Event) -> String {
    let text = |t: Option<&String>| t.map(|t| one_line(t)).unwrap_or_default();
    match &e.body {
        EventBody::SessionStarted(s) => one_line(&s.checklist_title),
        EventBody::Joined(j) => {
            let mut parts = vec![j.mode.as_str().to_owned()];
            if let (Some(user), Some(host)) = (&j.os_user, &j.host) {
                parts.push(format!("{user}@{host}"));
            }
            if let Some(client) = &j.client {
                parts.push(format!("from {client}"));
            }
            parts.join(" ")
        }
        EventBody::Left(l) if l.silent => "not heard from for 15 s".to_owned(),
        EventBody::Left(_) => String::new(),
        EventBody::Wheel(w) => match w.how {
            crate::journal::WheelHow::First => format!("{} drives", one_line(&w.to)),
            crate::journal::WheelHow::Handed => format!("handed to {}", one_line(&w.to)),
            crate::journal::WheelHow::Taken => format!("taken by {}", one_line(&w.to)),
        },
        EventBody::Cosign(_) | EventBody::RegressionAcked(_) => String::new(),
        EventBody::ProbeChanged(p) => {
            let from = p.from.map_or("—", |s| s.as_str());
            let mut text = format!("{} {from} → {}", one_line(&p.probe), p.to.as_str());
            if let Some(v) = &p.value {
                text.push_str(&format!(" ({})", one_line(v)));
            }
            if let Some(r) = &p.reason {
                text.push_str(&format!(": {}", short(r, 80)));
            }
            text
        }
        EventBody::Tick(tick) => tick_detail(tick),
        EventBody::Untick(u) => text(u.reason.as_ref()),
        EventBody::Skip(s) => text(s.reason.as_ref()),
        EventBody::Note(n) => one_line(&n.text),
        EventBody::Field(f) => {
            let value = one_line(&f.value);
            let def = e
                .item
                .as_deref()
                .and_then(|id| checklist.item(id))
                .and_then(|r| r.item.fields.iter().find(|d| d.id == f.field));
            match def {
                Some(d) => format!("{} = {}", d.label, with_unit(d, &value)),
                None => format!("{} = {value}", f.field),
            }
        }
        EventBody::Pending(c) | EventBody::Regressed(c) | EventBody::Recovered(c) => {
            evidence_text(&c.evidence)
        }
        EventBody::PhaseStarted(p) | EventBody::PhaseFinished(p) => {
            phase_name(checklist, &one_line(&p.phase))
        }
        EventBody::Decision(d) => join(vec![
            format!(
                "{}: {}",
                phase_name(checklist, &one_line(&d.phase)),
                one_line(&d.decision)
            ),
            text(d.note.as_ref()),
        ]),
        EventBody::TriggerFired(t) => join(vec![
            one_line(&t.trigger),
            one_line(&t.message),
            evidence_text(&t.evidence),
        ]),
        EventBody::TriggerAcked(t) => one_line(&t.trigger),
        EventBody::TriggerCleared(t) => {
            join(vec![one_line(&t.trigger), evidence_text(&t.evidence)])
        }
        EventBody::Baseline(b) => join(vec![one_line(&b.scope), baseline_text(&b.values)]),
        EventBody::Raw(raw) => raw.payload().to_string(),
    }
}

/// `override: why — note — evidence`, whichever of them the tick has.
fn tick_detail(tick: &Tick) -> String {
    let over = match (tick.overridden, &tick.reason) {
        (false, _) => String::new(),
        (true, Some(r)) => format!("override: {}", one_line(r)),
        (true, None) => "override".to_owned(),
    };
    join(vec![
        over,
        tick.note.as_deref().map(one_line).unwrap_or_default(),
        tick.evidence
            .as_deref()
            .map(evidence_text)
            .unwrap_or_default(),
    ])
}

fn join(parts: Vec<String>) -> String {
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" — ")
}
