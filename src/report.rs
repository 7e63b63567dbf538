//! The window's record from the journal: a JSON document for tools, Markdown for the change ticket.
//!
//! Both are pure functions of the stored checklist and the session fold (and of the session's
//! notifications, listed after it), and both pass every string through `redact_text`: a URL
//! with a password typed into a note never leaves the box.

mod markdown;
pub mod people;

pub use markdown::{markdown, notifications as notifications_markdown};

use crate::checklist::{Checklist, Field, Item, ItemRef};
use crate::journal::{Event, EventKind};
use crate::redact::redact_text;
use crate::session::{ItemState, ItemStatus, SessionState};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// The JSON report. Top level: `session`, `checklist`, `version`, `started_at`, `started_by`,
/// `last_seq`, `actors`, `summary`, `notes`, `items`, `phases`, `triggers`, `decisions`,
/// `baselines`, `events`; and `people` (see `people::json`) when the journal says who drove.
/// See `item_json`, `phase_json`, `trigger_json` for their shapes.
pub fn json(checklist: &Checklist, state: &SessionState) -> Value {
    let walk = checklist.walk();
    let items: Vec<Value> = walk
        .iter()
        .map(|r| item_json(checklist, state, r))
        .collect();
    let phases: Vec<Value> = checklist
        .phases
        .iter()
        .enumerate()
        .map(|(i, _)| phase_json(checklist, state, &walk, i))
        .collect();
    let mut report = json!({
        "session": state.name,
        "checklist": checklist.title,
        "version": checklist.version,
        "started_at": state.started_at,
        "started_by": state.started_by,
        "last_seq": state.last_seq,
        "actors": state.actors,
        "summary": summary_json(summarize(checklist, state)),
        "notes": state.notes.iter().map(|n| json!({"by": n.actor, "at": n.at, "text": n.text})).collect::<Vec<_>>(),
        "items": items,
        "phases": phases,
        "triggers": triggers_json(checklist, state),
        "decisions": state.decisions.iter().map(|d| json!({
            "seq": d.seq, "phase": d.phase, "decision": d.decision, "by": d.by, "at": d.at, "note": d.note,
        })).collect::<Vec<_>>(),
        "baselines": state.baselines,
        "events": state.events.iter().map(event_json).collect::<Vec<_>>(),
    });
    if people::known(state)
        && let Value::Object(map) = &mut report
    {
        map.insert("people".to_owned(), people::json(state));
    }
    redact_value(&mut report);
    report
}

/// The report's `notifications`: one object per notification and target — `at` (when the event
/// happened), `target`, `kind`, `seq`, `status` (`delivered`, `pending`, `failed`, `expired`),
/// `attempts`, `delivered_at`, `last_error` — redacted.
pub fn notifications_json(list: &[crate::store::Notification]) -> Value {
    let mut v = Value::Array(
        list.iter()
            .map(|n| {
                json!({
                    "at": n.happened_at, "target": n.target, "kind": n.kind, "seq": n.seq,
                    "status": n.status.as_str(), "attempts": n.attempts,
                    "delivered_at": n.delivered_at, "last_error": n.last_error,
                })
            })
            .collect(),
    );
    redact_value(&mut v);
    v
}

/// Counts by state, as `flightdeck report` and the header show them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub items: usize,
    pub done: usize,
    pub skipped: usize,
    pub todo: usize,
    pub regressed: usize,
    pub awaiting_cosign: usize,
}

pub fn summarize(checklist: &Checklist, state: &SessionState) -> Summary {
    let mut s = Summary::default();
    for r in checklist.walk() {
        s.items += 1;
        let status = state.item(&r.item.id);
        match status.map_or(ItemState::Todo, |st| st.state) {
            ItemState::Done => s.done += 1,
            ItemState::Skipped => s.skipped += 1,
            ItemState::Todo => s.todo += 1,
            ItemState::AwaitingCosign => {
                s.todo += 1;
                s.awaiting_cosign += 1;
            }
        }
        if status.is_some_and(|st| st.regressed) {
            s.regressed += 1;
        }
    }
    s
}

fn summary_json(s: Summary) -> Value {
    json!({
        "items": s.items, "done": s.done, "skipped": s.skipped, "todo": s.todo,
        "regressed": s.regressed, "awaiting_cosign": s.awaiting_cosign,
    })
}

/// Whether a field's value meets its target: `None` when there is no target or the two cannot
/// be compared (`n/a` typed into a `< 500ms` field); the reason when missed.
pub fn target_check(field: &Field, value: &str) -> (Option<bool>, Option<String>) {
    use crate::condition::target::TargetCheck;
    // The same verdict the cockpit shows (choice targets such as `GO` included).
    match crate::marking::field_check(field, value) {
        TargetCheck::Met => (Some(true), None),
        TargetCheck::Missed { why } => (Some(false), Some(why)),
        TargetCheck::NotComparable => (None, None),
    }
}

pub fn target_met(field: &Field, value: &str) -> Option<bool> {
    target_check(field, value).0
}

fn item_json(checklist: &Checklist, state: &SessionState, r: &ItemRef<'_>) -> Value {
    let item = r.item;
    let default = ItemStatus::default();
    let status = state.item(&item.id).unwrap_or(&default);
    let phase = checklist.phases.get(r.phase);
    let note = if status.notes.is_empty() {
        Value::Null
    } else {
        Value::String(
            status
                .notes
                .iter()
                .map(|n| n.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    json!({
        "id": item.id,
        "text": item.text,
        "phase": phase.map(|p| p.name.as_str()),
        "phase_id": phase.map(|p| p.id.as_str()),
        "group": item.group,
        "depth": r.depth,
        "required": item.required,
        "state": status.state.report_name(),
        "by": status.by,
        "at": status.at,
        "note": note,
        "notes": status.notes.iter().map(|n| json!({"by": n.actor, "at": n.at, "text": n.text})).collect::<Vec<_>>(),
        "fields": fields_json(item, status),
        "skip_reason": status.skip_reason,
        "auto": item.auto,
        "pending_since": status.pending_since,
        "evidence": status.evidence,
        "regressions": status.regressions,
        "regressed": status.regressed,
        "regression_history": item_history(state, &item.id, &[EventKind::Regressed, EventKind::Recovered]),
        "override": if status.overridden { json!({"reason": status.override_reason}) } else { Value::Null },
        "cosign": {
            "required": item.cosign,
            "by": status.cosigned_by,
            "awaiting": status.state == ItemState::AwaitingCosign,
        },
        "commands": item.commands,
        "history": status.history,
    })
}

fn fields_json(item: &Item, status: &ItemStatus) -> Value {
    let mut out = Map::new();
    for field in &item.fields {
        let value = status.fields.get(&field.id);
        let checked = value.map_or((None, None), |v| target_check(field, &v.value));
        out.insert(
            field.id.clone(),
            json!({
                "label": field.label,
                "kind": field.kind,
                "unit": field.unit,
                "value": value.map(|v| v.value.as_str()),
                "by": value.map(|v| v.by.as_str()),
                "at": value.map(|v| v.at),
                "target": field.target,
                "target_met": checked.0,
                "target_missed_why": checked.1,
            }),
        );
    }
    // Values journaled for fields the checklist no longer has are kept, not dropped.
    for (id, value) in &status.fields {
        if !out.contains_key(id) {
            out.insert(
                id.clone(),
                json!({
                    "label": id, "kind": null, "unit": null, "value": value.value,
                    "by": value.by, "at": value.at, "target": null, "target_met": null,
                    "target_missed_why": null,
                }),
            );
        }
    }
    Value::Object(out)
}

fn item_history(state: &SessionState, item: &str, kinds: &[EventKind]) -> Vec<Value> {
    state
        .events
        .iter()
        .filter(|e| e.item.as_deref() == Some(item) && kinds.contains(&e.kind()))
        .map(|e| {
            json!({
                "seq": e.seq, "kind": e.body.kind_name(), "at": e.at, "by": e.actor,
                "evidence": e.body.evidence(),
            })
        })
        .collect()
}

/// When the phase started and finished, as journaled (by id; by name in older journals).
pub(crate) fn phase_times(
    state: &SessionState,
    phase: &crate::checklist::Phase,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let status = state
        .phases
        .get(&phase.id)
        .or_else(|| state.phases.get(&phase.name));
    (
        status.and_then(|s| s.started_at),
        status.and_then(|s| s.finished_at),
    )
}

/// When the phase's clock stops for the report: its finish, else the last journaled event.
pub(crate) fn phase_elapsed(
    state: &SessionState,
    started: Option<DateTime<Utc>>,
    finished: Option<DateTime<Utc>>,
) -> Option<i64> {
    let start = started?;
    let end = finished.or_else(|| state.events.last().map(|e| e.at))?;
    Some((end - start).num_seconds().max(0))
}

fn phase_json(
    checklist: &Checklist,
    state: &SessionState,
    walk: &[ItemRef<'_>],
    index: usize,
) -> Value {
    let Some(phase) = checklist.phases.get(index) else {
        return Value::Null;
    };
    let (started, finished) = phase_times(state, phase);
    let elapsed = phase_elapsed(state, started, finished);
    let budget_s = phase.budget.map(|b| b.as_secs());
    let in_phase = walk.iter().filter(|r| r.phase == index);
    let (mut total, mut done) = (0, 0);
    for r in in_phase {
        total += 1;
        if matches!(
            state.item_state(&r.item.id),
            ItemState::Done | ItemState::Skipped
        ) {
            done += 1;
        }
    }
    json!({
        "id": phase.id,
        "name": phase.name,
        "started": started,
        "finished": finished,
        "budget": phase.budget.map(crate::units::format_duration),
        "budget_s": budget_s,
        "elapsed_s": elapsed,
        "over_budget": match (elapsed, budget_s) {
            (Some(e), Some(b)) => Value::Bool(e > i64::try_from(b).unwrap_or(i64::MAX)),
            _ => Value::Null,
        },
        "gate": phase.gate,
        "items": total,
        "completed": done,
    })
}

fn triggers_json(checklist: &Checklist, state: &SessionState) -> Vec<Value> {
    let mut names: Vec<&str> = checklist.triggers.iter().map(|t| t.name.as_str()).collect();
    let mut extra: Vec<&str> = state
        .triggers
        .keys()
        .map(String::as_str)
        .filter(|n| !names.contains(n))
        .collect();
    extra.sort_unstable();
    names.extend(extra);
    names
        .into_iter()
        .map(|name| {
            let def = checklist.triggers.iter().find(|t| t.name == name);
            let st = state.triggers.get(name).cloned().unwrap_or_default();
            let history: Vec<Value> = state
                .events
                .iter()
                .filter(|e| e.body.trigger() == Some(name))
                .map(|e| json!({"seq": e.seq, "kind": e.body.kind_name(), "at": e.at, "by": e.actor, "evidence": e.body.evidence()}))
                .collect();
            json!({
                "name": name,
                "when": def.map(|t| t.when.as_str()),
                "severity": st.severity.clone().or_else(|| def.map(|t| t.severity.as_str().to_owned())),
                "message": st.message.clone().or_else(|| def.map(|t| t.message.clone())),
                "fired": st.fired_count > 0,
                "fired_at": st.fired_at,
                "count": st.fired_count,
                "active": st.active,
                "acknowledged": st.acked_by.is_some(),
                "acked_by": st.acked_by,
                "acked_at": st.acked_at,
                "cleared": st.cleared_at.is_some(),
                "cleared_at": st.cleared_at,
                "history": history,
            })
        })
        .collect()
}

fn event_json(e: &Event) -> Value {
    json!({
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "kind": e.body.kind_name(),
        "item": e.item,
        "payload": e.body.payload_json(),
    })
}

/// Redacts every string (keys included) in place.
fn redact_value(value: &mut Value) {
    match value {
        Value::String(s) => *s = redact_text(s),
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => {
            let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for (k, mut v) in entries {
                redact_value(&mut v);
                map.insert(redact_text(&k), v);
            }
        }
        _ => {}
    }
}
