//! The text prompts: skip reasons, notes, overrides, decisions and field values, and what
//! each writes to the journal when confirmed.

use super::msg::{Effect, Key};
use super::{App, Mode, NoteOn, Prompt, append, flash};
use crate::checklist::FieldKind;
use crate::journal::{EventBody, GoNoGo, NewEvent, Note, Tick, Untick};

pub(super) fn open_field(app: &mut App, item: String, index: usize) {
    let Some(f) = app.flat.iter().find(|f| f.item.id == item) else {
        return;
    };
    let Some(field) = f.item.fields.get(index) else {
        app.mode = Mode::Normal;
        return;
    };
    let current = app
        .session
        .item(&item)
        .and_then(|s| s.fields.get(&field.id))
        .map(|v| v.value.clone());
    let (choice, buffer) = if field.kind == FieldKind::Choice {
        let pos = current
            .as_deref()
            .and_then(|c| field.options.iter().position(|o| o == c))
            .unwrap_or(0);
        (Some(pos), String::new())
    } else {
        (None, current.unwrap_or_default())
    };
    app.mode = Mode::Input {
        prompt: Prompt::Field {
            item,
            index,
            choice,
        },
        buffer,
    };
}

pub(super) fn on_input_key(
    app: &mut App,
    key: Key,
    prompt: Prompt,
    mut buffer: String,
    fx: &mut Vec<Effect>,
) {
    let options = |app: &App, item: &str, index: usize| -> Vec<String> {
        app.field(item, index)
            .map(|fd| fd.options.clone())
            .unwrap_or_default()
    };
    match key {
        Key::Esc => app.mode = Mode::Normal,
        Key::Enter => {
            app.mode = Mode::Normal;
            commit_input(app, prompt, buffer.trim().to_owned(), fx);
        }
        Key::Tab => {
            if let Prompt::Field { item, index, .. } = prompt {
                open_field(app, item, index + 1);
            }
        }
        Key::Left | Key::Right => {
            if let Prompt::Field {
                item,
                index,
                choice: Some(c),
            } = &prompt
            {
                let n = options(app, item, *index).len().max(1);
                let next = if key == Key::Right {
                    (c + 1) % n
                } else {
                    (c + n - 1) % n
                };
                app.mode = Mode::Input {
                    prompt: Prompt::Field {
                        item: item.clone(),
                        index: *index,
                        choice: Some(next),
                    },
                    buffer,
                };
            }
        }
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
        Key::Ctrl('c') => app.mode = Mode::Normal,
        Key::Char(c) => {
            if let Prompt::Field {
                item,
                index,
                choice: Some(_),
            } = &prompt
            {
                // a digit or the first letter picks an option directly
                let opts = options(app, item, *index);
                let pick = c
                    .to_digit(10)
                    .and_then(|d| (d as usize).checked_sub(1))
                    .filter(|d| *d < opts.len())
                    .or_else(|| {
                        opts.iter().position(|o| {
                            o.chars().next().map(|f| f.to_ascii_lowercase())
                                == Some(c.to_ascii_lowercase())
                        })
                    });
                if let Some(p) = pick {
                    app.mode = Mode::Input {
                        prompt: Prompt::Field {
                            item: item.clone(),
                            index: *index,
                            choice: Some(p),
                        },
                        buffer,
                    };
                }
                return;
            }
            if buffer.chars().count() < 2000 {
                buffer.push(c);
            }
            app.mode = Mode::Input { prompt, buffer };
        }
        _ => app.mode = Mode::Input { prompt, buffer },
    }
}

fn commit_input(app: &mut App, prompt: Prompt, text: String, fx: &mut Vec<Effect>) {
    let actor = app.meta.actor.clone();
    match prompt {
        Prompt::Skip { item } => {
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
        Prompt::Decision { phase } => {
            if text.is_empty() {
                flash(
                    app,
                    "no decision recorded (type GO or NO-GO, then a note)",
                    false,
                );
                return;
            }
            let (decision, note) = match text.split_once(char::is_whitespace) {
                Some((d, n)) => (d.to_uppercase(), Some(n.trim().to_owned())),
                None => (text.to_uppercase(), None),
            };
            let decision = GoNoGo {
                phase,
                decision,
                note: note.filter(|n| !n.is_empty()),
            };
            let ev = NewEvent::new(&actor, EventBody::Decision(decision));
            append(app, fx, ev);
        }
        Prompt::Field {
            item,
            index,
            choice,
        } => {
            let field = app.field(&item, index).cloned();
            let Some(field) = field else { return };
            let value = match choice {
                Some(c) => field.options.get(c).cloned().unwrap_or_default(),
                None => text,
            };
            let unchanged = app
                .session
                .item(&item)
                .and_then(|s| s.fields.get(&field.id))
                .is_some_and(|v| v.value == value);
            if !value.is_empty() && !unchanged {
                let ev = app.item_event(&item, EventBody::field(field.id.clone(), value));
                append(app, fx, ev);
            }
            // carry on with the item's next field, as a form would
            open_field(app, item, index + 1);
        }
    }
}
