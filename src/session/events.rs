//! Folding the events about the session as a whole: its start, notes, phases, go/no-go
//! decisions, triggers and baselines.

use super::SessionState;
use super::pair;
use super::types::{Decision, FieldValue, NoteEntry};
use crate::journal::{Baseline, Event, EventBody};

/// Applies `e` (an event with no item) to the session.
pub(super) fn apply(state: &mut SessionState, e: &Event) {
    match &e.body {
        EventBody::SessionStarted(_) => {
            state.started_at.get_or_insert(e.at);
            state.started_by.get_or_insert_with(|| e.actor.clone());
        }
        EventBody::Joined(j) => pair::joined(state, e, j),
        EventBody::Left(l) => pair::left(state, e, l),
        EventBody::Wheel(w) => pair::wheel(state, e, w),
        EventBody::Note(note) => {
            let entry = NoteEntry {
                actor: e.actor.clone(),
                at: e.at,
                text: note.text.clone(),
            };
            match &note.phase {
                Some(phase) => state
                    .phases
                    .entry(phase.clone())
                    .or_default()
                    .notes
                    .push(entry),
                None => state.notes.push(entry),
            }
        }
        EventBody::Field(f) => {
            if let Some(phase) = &f.phase {
                let value = FieldValue {
                    value: f.value.clone(),
                    by: e.actor.clone(),
                    at: e.at,
                };
                let phase = state.phases.entry(phase.clone()).or_default();
                phase.fields.insert(f.field.clone(), value);
            }
        }
        EventBody::ProbeChanged(p) => {
            state.probe_states.insert(p.probe.clone(), p.to);
            *state.probe_changes.entry(p.probe.clone()).or_default() += 1;
        }
        EventBody::PhaseStarted(p) => {
            state
                .phases
                .entry(p.phase.clone())
                .or_default()
                .started_at
                .get_or_insert(e.at);
        }
        EventBody::PhaseFinished(p) => {
            state.phases.entry(p.phase.clone()).or_default().finished_at = Some(e.at);
        }
        EventBody::Decision(d) => state.decisions.push(Decision {
            seq: e.seq,
            phase: d.phase.clone(),
            decision: d.decision.clone(),
            by: e.actor.clone(),
            at: e.at,
            note: d.note.clone(),
        }),
        EventBody::TriggerFired(fired) => {
            let t = state.triggers.entry(fired.trigger.clone()).or_default();
            t.changes += 1;
            t.active = true;
            t.unacknowledged = true;
            t.fired_at = Some(e.at);
            t.cleared_at = None;
            t.acked_by = None;
            t.acked_at = None;
            t.fired_count += 1;
            t.message = Some(fired.message.clone());
            t.severity = Some(fired.severity.as_str().to_owned());
        }
        EventBody::TriggerAcked(acked) => {
            let t = state.triggers.entry(acked.trigger.clone()).or_default();
            t.unacknowledged = false;
            t.acked_by = Some(e.actor.clone());
            t.acked_at = Some(e.at);
        }
        EventBody::TriggerCleared(cleared) => {
            let t = state.triggers.entry(cleared.trigger.clone()).or_default();
            t.changes += 1;
            t.active = false;
            t.cleared_at = Some(e.at);
        }
        EventBody::Baseline(baseline) => merge_baseline(state, baseline),
        _ => {}
    }
}

/// Probes are captured one by one as their first good sample arrives: merge, and the first
/// capture of a probe wins (a replayed or racing capture changes nothing).
fn merge_baseline(state: &mut SessionState, baseline: &Baseline) {
    let captured = state.baselines.entry(baseline.scope.clone()).or_default();
    for (probe, value) in &baseline.values {
        captured
            .entry(probe.clone())
            .or_insert_with(|| value.clone());
    }
}
