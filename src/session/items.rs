//! Folding the events about one item: ticks (with co-signs and overrides), unticks, skips, notes,
//! field values, and the engine's pending, regressed and recovered.

use super::types::{FieldValue, ItemState, ItemStatus, NoteEntry};
use crate::journal::{Event, EventBody, Tick};

/// Applies `e` (an event about this item) to its status. `cosign`: the item needs two people.
pub(super) fn apply(status: &mut ItemStatus, cosign: bool, e: &Event) {
    status.history.push(e.seq);
    match &e.body {
        EventBody::Tick(tick) => apply_tick(status, cosign, e, tick),
        EventBody::Cosign(_)
            if status.state == ItemState::AwaitingCosign
                && status.by.as_deref() != Some(&e.actor) =>
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
            ItemState::AwaitingCosign if status.by.as_deref() != Some(&e.actor) => {
                status.state = ItemState::Done;
                status.cosigned_by = Some(e.actor.clone());
            }
            ItemState::AwaitingCosign | ItemState::Done => {}
            _ => {
                status.state = ItemState::AwaitingCosign;
                status.by = Some(e.actor.clone());
                status.at = Some(e.at);
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
