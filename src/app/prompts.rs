//! The prompts: skip reasons, notes, overrides, gate passes, go/no-go decisions and field values
//! — the keys typed into them, the checks on what was typed, and what each writes to the journal
//! when confirmed.

use super::msg::{Effect, Key};
use super::{App, FieldOwner, Mode, NoteOn, Prompt, append, flash};
use crate::checklist::FieldKind;
use crate::journal::{EventBody, FieldEntry, GoNoGo, NewEvent, Note, Tick, Untick};
use crate::marking::DECISIONS;
use crate::session::FieldValue;

pub(super) fn open_field(app: &mut App, owner: FieldOwner, index: usize) {
    let Some(field) = app.field(&owner, index) else {
        app.mode = Mode::Normal;
        return;
    };
    let current = recorded(app, &owner, &field.id).map(|v| v.value.clone());
    let (choice, buffer) = if field.kind == FieldKind::Choice {
        // the answer already recorded, if any; nothing preselected otherwise
        let pos = current
            .as_deref()
            .and_then(|c| field.options.iter().position(|o| o == c));
        (pos, String::new())
    } else {
        (None, current.unwrap_or_default())
    };
    app.mode = Mode::Input {
        prompt: Prompt::Field {
            owner,
            index,
            choice,
        },
        buffer,
    };
}

/// The value recorded for field `id` of an item or a phase.
fn recorded<'a>(app: &'a App, owner: &FieldOwner, id: &str) -> Option<&'a FieldValue> {
    match owner {
        FieldOwner::Item(item) => app.session.item(item).and_then(|s| s.fields.get(id)),
        FieldOwner::Phase(phase) => app.session.phases.get(phase).and_then(|s| s.fields.get(id)),
    }
}

/// The answers a prompt offers when it is a choice (a choice field, a go/no-go decision).
pub fn choices(app: &App, prompt: &Prompt) -> Option<Vec<String>> {
    match prompt {
        Prompt::Field { owner, index, .. } => app
            .field(owner, *index)
            .filter(|f| f.kind == FieldKind::Choice)
            .map(|f| f.options.clone()),
        Prompt::Decision { .. } => Some(DECISIONS.iter().map(|d| (*d).to_owned()).collect()),
        _ => None,
    }
}

/// The option picked so far in a choice prompt.
pub fn picked(prompt: &Prompt) -> Option<usize> {
    match prompt {
        Prompt::Field { choice, .. } | Prompt::Decision { choice, .. } => *choice,
        _ => None,
    }
}

fn with_pick(prompt: Prompt, pick: usize) -> Prompt {
    match prompt {
        Prompt::Field { owner, index, .. } => Prompt::Field {
            owner,
            index,
            choice: Some(pick),
        },
        Prompt::Decision { phase, .. } => Prompt::Decision {
            phase,
            choice: Some(pick),
        },
        other => other,
    }
}

pub(super) fn on_input_key(
    app: &mut App,
    key: Key,
    prompt: Prompt,
    mut buffer: String,
    fx: &mut Vec<Effect>,
) {
    if let Some(options) = choices(app, &prompt) {
        return on_choice_key(app, key, prompt, buffer, &options, fx);
    }
    match key {
        Key::Esc | Key::Ctrl('c') => app.mode = Mode::Normal,
        Key::Enter => {
            app.mode = Mode::Normal;
            commit_input(app, prompt, buffer.trim().to_owned(), fx);
        }
        Key::Tab => match prompt {
            Prompt::Field { owner, index, .. } => open_field(app, owner, index + 1),
            other => {
                app.mode = Mode::Input {
                    prompt: other,
                    buffer,
                }
            }
        },
        Key::Backspace => {
            buffer.pop();
            app.mode = Mode::Input { prompt, buffer };
        }
        Key::Ctrl('u') => {
            app.mode = Mode::Input {
                prompt,
                buffer: String::new(),
            };
        }
        Key::Char(c) => {
            if buffer.chars().count() < 2000 {
                buffer.push(c);
            }
            app.mode = Mode::Input { prompt, buffer };
        }
        _ => app.mode = Mode::Input { prompt, buffer },
    }
}

/// A choice: ←/→ move through the options, a digit or an option's first letter picks it, Enter
/// records the pick — and refuses while nothing is picked.
fn on_choice_key(
    app: &mut App,
    key: Key,
    prompt: Prompt,
    buffer: String,
    options: &[String],
    fx: &mut Vec<Effect>,
) {
    let n = options.len().max(1);
    let pick = match key {
        Key::Esc | Key::Ctrl('c') => {
            app.mode = Mode::Normal;
            return;
        }
        Key::Enter => {
            let Some(c) = picked(&prompt).filter(|c| *c < options.len()) else {
                flash(
                    app,
                    format!(
                        "choose one first: ←/→ or its first letter ({})",
                        options.join(" / ")
                    ),
                    true,
                );
                app.mode = Mode::Input { prompt, buffer };
                return;
            };
            app.mode = Mode::Normal;
            let answer = options[c].clone();
            commit_input(app, prompt, answer, fx);
            return;
        }
        Key::Tab => {
            if let Prompt::Field { owner, index, .. } = prompt {
                open_field(app, owner, index + 1);
            } else {
                app.mode = Mode::Input { prompt, buffer };
            }
            return;
        }
        Key::Right => Some(picked(&prompt).map_or(0, |c| (c + 1) % n)),
        Key::Left => Some(picked(&prompt).map_or(n - 1, |c| (c + n - 1) % n)),
        Key::Char(c) => c
            .to_digit(10)
            .and_then(|d| (d as usize).checked_sub(1))
            .filter(|d| *d < options.len())
            .or_else(|| {
                options.iter().position(|o| {
                    o.chars().next().map(|f| f.to_ascii_lowercase()) == Some(c.to_ascii_lowercase())
                })
            }),
        _ => None,
    };
    let prompt = match pick {
        Some(p) => with_pick(prompt, p),
        None => prompt,
    };
    app.mode = Mode::Input { prompt, buffer };
}

fn commit_input(app: &mut App, prompt: Prompt, text: String, fx: &mut Vec<Effect>) {
    let actor = app.meta.actor.clone();
    match prompt {
        Prompt::Skip { item, required } => {
            if text.is_empty() && required {
                flash(app, "this item is required: say why it is skipped", true);
                app.mode = Mode::Input {
                    prompt: Prompt::Skip { item, required },
                    buffer: String::new(),
                };
                return;
            }
            let reason = if text.is_empty() {
                "N/A".to_owned()
            } else {
                text
            };
            let ev = app.item_event(&item, EventBody::skip(reason));
            append(app, fx, ev);
        }
        Prompt::Note { on } => {
            if text.is_empty() {
                return;
            }
            let ev = match on {
                NoteOn::Item(item) => app.item_event(&item, EventBody::note(text)),
                NoteOn::Phase(phase) => NewEvent::new(
                    &actor,
                    EventBody::Note(Note {
                        text,
                        phase: Some(phase),
                        item_text: None,
                    }),
                ),
                NoteOn::Session => NewEvent::new(&actor, EventBody::note(text)),
            };
            append(app, fx, ev);
        }
        Prompt::Untick { item } => {
            let untick = Untick {
                reason: (!text.is_empty()).then_some(text),
                item_text: None,
            };
            let ev = app.item_event(&item, EventBody::Untick(untick));
            append(app, fx, ev);
        }
        Prompt::Override { item } => {
            let tick = Tick {
                overridden: true,
                reason: (!text.is_empty()).then_some(text),
                ..Tick::default()
            };
            let ev = app.item_event(&item, EventBody::Tick(tick));
            append(app, fx, ev);
        }
        Prompt::PastGate { item, gate } => {
            if text.is_empty() {
                flash(
                    app,
                    format!("{}: a reason is needed to tick past it", gate.describe()),
                    true,
                );
                app.mode = Mode::Input {
                    prompt: Prompt::PastGate { item, gate },
                    buffer: String::new(),
                };
                return;
            }
            let tick = Tick {
                reason: Some(text),
                past_gate: Some(gate.id),
                ..Tick::default()
            };
            let ev = app.item_event(&item, EventBody::Tick(tick));
            append(app, fx, ev);
        }
        Prompt::Decision { phase, .. } => {
            // the decision is picked: now its note
            app.mode = Mode::Input {
                prompt: Prompt::DecisionNote {
                    phase,
                    decision: text,
                },
                buffer: String::new(),
            };
        }
        Prompt::DecisionNote { phase, decision } => {
            record_decision(app, fx, phase, decision, text);
        }
        Prompt::Field {
            owner,
            index,
            choice: _,
        } => commit_field(app, fx, owner, index, text),
    }
}

/// Journals a go/no-go decision, then ticks the phase's items that the decision stands for
/// (`decision = true`: "Go / no-go decision recorded").
fn record_decision(
    app: &mut App,
    fx: &mut Vec<Effect>,
    phase: String,
    decision: String,
    note: String,
) {
    let body = EventBody::Decision(GoNoGo {
        phase: phase.clone(),
        decision: decision.clone(),
        note: (!note.is_empty()).then_some(note),
    });
    let ev = NewEvent::new(&app.meta.actor, body);
    append(app, fx, ev);
    let bound: Vec<String> = app
        .flat
        .iter()
        .filter(|f| f.item.decision)
        .filter(|f| {
            app.checklist
                .phases
                .get(f.phase)
                .is_some_and(|p| p.id == phase)
        })
        .filter(|f| app.session.item_state(&f.item.id) == crate::session::ItemState::Todo)
        .map(|f| f.item.id.clone())
        .collect();
    for id in bound {
        let tick = Tick {
            note: Some(format!("{decision} recorded")),
            ..Tick::default()
        };
        let ev = app.item_event(&id, EventBody::Tick(tick));
        append(app, fx, ev);
    }
}

/// A field value: numbers are read (units converted to the field's) and refused when they are
/// not numbers; the next field of the item opens, as a form would.
fn commit_field(
    app: &mut App,
    fx: &mut Vec<Effect>,
    owner: FieldOwner,
    index: usize,
    text: String,
) {
    let Some(field) = app.field(&owner, index).cloned() else {
        return;
    };
    let value = if field.kind == FieldKind::Number && !text.is_empty() {
        match crate::condition::target::normalize(&text, field.unit.as_deref()) {
            Ok(v) => v,
            Err(why) => {
                flash(app, format!("{}: {why}", field.label), true);
                app.mode = Mode::Input {
                    prompt: Prompt::Field {
                        owner,
                        index,
                        choice: None,
                    },
                    buffer: text,
                };
                return;
            }
        }
    } else {
        text
    };
    let unchanged = recorded(app, &owner, &field.id).is_some_and(|v| v.value == value);
    if !value.is_empty() && !unchanged {
        let ev = match &owner {
            FieldOwner::Item(item) => {
                app.item_event(item, EventBody::field(field.id.clone(), value))
            }
            FieldOwner::Phase(phase) => NewEvent::new(
                &app.meta.actor,
                EventBody::Field(FieldEntry {
                    field: field.id.clone(),
                    value,
                    phase: Some(phase.clone()),
                    item_text: None,
                }),
            ),
        };
        append(app, fx, ev);
    }
    open_field(app, owner, index + 1);
}
