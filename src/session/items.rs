//! Folding the events about one item: ticks (with co-signs and overrides), unticks, skips, notes,
//! field values, and the engine's pending, regressed and recovered.

use super::types::{FieldValue, ItemState, ItemStatus, NoteEntry};
use crate::journal::{Event, EventBody, Tick};

/// Applies `e` (an event about this item) to its status. `cosign`: the item needs two people.
pub(super) fn apply(status: &mut ItemStatus, cosign: bool, e: &Event) {
    status.history.push(e.seq);
    if matches!(
        e.body,
        EventBody::Tick(_)
            | EventBody::Untick(_)
            | EventBody::Skip(_)
            | EventBody::Cosign(_)
            | EventBody::Regressed(_)
            | EventBody::Recovered(_)
    ) {
        status.changes += 1;
    }
    match &e.body {
        EventBody::Tick(tick) => apply_tick(status, cosign, e, tick),
        EventBody::Cosign(c)
            if status.state == ItemState::AwaitingCosign
                && second_person(status, e, c.os_user.as_deref(), c.host.as_deref()) =>
        {
            status.state = ItemState::Done;
            status.cosigned_by = Some(e.actor.clone());
        }
        EventBody::Untick(_) => {
            status.state = ItemState::Todo;
            status.by = None;
            status.at = None;
            status.regressed = false;
            status.regression_acked = None;
            status.overridden = false;
            status.override_reason = None;
            status.evidence = None;
            status.cosigned_by = None;
            status.ticked_from = None;
        }
        EventBody::Skip(skip) => {
            status.state = ItemState::Skipped;
            status.by = Some(e.actor.clone());
            status.at = Some(e.at);
            status.skip_reason.clone_from(&skip.reason);
            status.pending_since = None;
        }
        EventBody::Note(note) => status.notes.push(NoteEntry {
            actor: e.actor.clone(),
            at: e.at,
            text: note.text.clone(),
        }),
        EventBody::Field(field) => {
            status.fields.insert(
                field.field.clone(),
                FieldValue {
                    value: field.value.clone(),
                    by: e.actor.clone(),
                    at: e.at,
                },
            );
        }
        EventBody::Pending(_) => status.pending_since = Some(e.at),
        EventBody::Regressed(_) if status.state == ItemState::Done && !status.regressed => {
            status.regressed = true;
            status.regressions += 1;
            status.regressed_at = Some(e.at);
            status.regression_acked = None;
        }
        EventBody::RegressionAcked(_) if status.regressed => {
            status.regression_acked = Some((e.actor.clone(), e.at));
        }
        EventBody::Recovered(_) => {
            status.regressed = false;
            status.regression_acked = None;
        }
        _ => {}
    }
}

/// A first tick of a `cosign` item waits for a second, different person's tick or co-sign.
fn apply_tick(status: &mut ItemStatus, cosign: bool, e: &Event, tick: &Tick) {
    if cosign {
        match status.state {
            ItemState::AwaitingCosign
                if second_person(status, e, tick.os_user.as_deref(), tick.host.as_deref()) =>
            {
                status.state = ItemState::Done;
                status.cosigned_by = Some(e.actor.clone());
            }
            ItemState::AwaitingCosign | ItemState::Done => {}
            _ => {
                status.state = ItemState::AwaitingCosign;
                status.by = Some(e.actor.clone());
                status.at = Some(e.at);
                status.ticked_from = tick.os_user.clone().zip(tick.host.clone());
            }
        }
    } else {
        status.state = ItemState::Done;
        status.by = Some(e.actor.clone());
        status.at = Some(e.at);
    }
    status.skip_reason = None;
    status.pending_since = None;
    if tick.overridden {
        status.overridden = true;
        status.override_reason.clone_from(&tick.reason);
    }
    if let Some(evidence) = &tick.evidence {
        status.evidence = Some(evidence.clone());
    }
    if let Some(note) = &tick.note {
        status.notes.push(NoteEntry {
            actor: e.actor.clone(),
            at: e.at,
            text: note.clone(),
        });
    }
}

/// A co-sign (or a second tick) counts when it comes from another actor and — when both it and
/// the first tick say where they come from — from another OS user or another host: one person
/// with two `--as` names on one account signs once.
fn second_person(
    status: &ItemStatus,
    e: &Event,
    os_user: Option<&str>,
    host: Option<&str>,
) -> bool {
    if status.by.as_deref() == Some(e.actor.as_str()) {
        return false;
    }
    match (&status.ticked_from, os_user.zip(host)) {
        (Some((user, from_host)), Some((user2, host2))) => user != user2 || from_host != host2,
        _ => true,
    }
}

/// Why `actor` on `os_user@host` may not co-sign an item in `status`, if they may not: the same
/// rule the fold applies, said before anything is written.
pub fn cosign_refusal(
    status: &ItemStatus,
    actor: &str,
    os_user: &str,
    host: &str,
) -> Option<String> {
    if status.by.as_deref() == Some(actor) {
        return Some(format!(
            "{actor} ticked it: a second, different person must co-sign"
        ));
    }
    match &status.ticked_from {
        Some((user, from_host)) if user == os_user && from_host == host => Some(format!(
            "ticked from the same account ({user}@{host}): a co-sign needs another OS user or another host"
        )),
        _ => None,
    }
}
