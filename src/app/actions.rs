//! What a key does in the normal mode: move, fold, tick, open a prompt, acknowledge, decide.

use super::keymap::Action;
use super::msg::Effect;
use super::prompts;
use super::{App, FieldOwner, Focus, Mode, NoteOn, Prompt, Row, append, flash};
use crate::journal::{EventBody, NewEvent};
use crate::session::ItemState;

fn writable(app: &mut App) -> bool {
    super::pair::writable(app)
}

pub(super) fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let page = app.viewport.list_rows.max(2) as isize - 1;
    // keys act on the focused pane only: with the probes focused, the checklist's keys say so
    if app.focus == Focus::Probes {
        let probe_page = app.viewport.probe_rows.max(2) as isize - 1;
        let all = app.probes.len() as isize;
        match action {
            Action::Up => return app.move_probe_cursor(-1),
            Action::Down => return app.move_probe_cursor(1),
            Action::PageUp => return app.move_probe_cursor(-probe_page),
            Action::PageDown => return app.move_probe_cursor(probe_page),
            Action::Top => return app.move_probe_cursor(-all),
            Action::Bottom => return app.move_probe_cursor(all),
            Action::Search => app.focus = Focus::Checklist,
            Action::Open
            | Action::PollNow
            | Action::Focus
            | Action::Acknowledge
            | Action::Wheel
            | Action::Help
            | Action::Quit => {}
            _ => {
                flash(
                    app,
                    "the probes have the focus: tab back to the checklist first",
                    false,
                );
                return;
            }
        }
    }
    match action {
        Action::Up => app.move_cursor(-1),
        Action::Down => app.move_cursor(1),
        Action::PageUp => app.move_cursor(-page),
        Action::PageDown => app.move_cursor(page),
        Action::Top => app.move_cursor(-(app.rows.len() as isize)),
        Action::Bottom => app.move_cursor(app.rows.len() as isize),
        Action::Fold => match app.rows.get(app.cursor) {
            Some(Row::Phase(p)) => {
                let p = *p;
                app.set_fold(p, true);
            }
            _ => {
                let p = app.selected_phase();
                app.select_phase(p);
            }
        },
        Action::Unfold => {
            if let Some(Row::Phase(p)) = app.rows.get(app.cursor) {
                let p = *p;
                app.set_fold(p, false);
            }
        }
        Action::NextPhase | Action::PrevPhase => {
            let current = app.selected_phase();
            let on_header = matches!(app.rows.get(app.cursor), Some(Row::Phase(_)));
            let target = if action == Action::NextPhase {
                (current + 1).min(app.checklist.phases.len().saturating_sub(1))
            } else if on_header {
                current.saturating_sub(1)
            } else {
                current
            };
            app.select_phase(target);
        }
        Action::Tick => tick(app, fx),
        Action::Skip => {
            if let Some(id) = item_for_write(app) {
                app.mode = Mode::Input {
                    prompt: Prompt::Skip {
                        required: app.selected_item().is_some_and(|f| f.item.required),
                        item: id,
                    },
                    buffer: String::new(),
                };
            }
        }
        Action::Note => {
            if !writable(app) {
                return;
            }
            let on = match app.selected_item() {
                Some(f) => NoteOn::Item(f.item.id.clone()),
                None => match app.checklist.phases.get(app.selected_phase()) {
                    Some(p) => NoteOn::Phase(p.id.clone()),
                    None => NoteOn::Session,
                },
            };
            app.mode = Mode::Input {
                prompt: Prompt::Note { on },
                buffer: String::new(),
            };
        }
        Action::SessionNote => {
            if writable(app) {
                app.mode = Mode::Input {
                    prompt: Prompt::Note {
                        on: NoteOn::Session,
                    },
                    buffer: String::new(),
                };
            }
        }
        Action::SearchNext | Action::SearchPrev => match app.last_search.clone() {
            Some(query) => {
                if !super::search::step(app, &query, action == Action::SearchNext) {
                    flash(app, format!("no item matches “{query}”"), false);
                }
            }
            None => flash(app, "no search yet: / searches the items", false),
        },
        Action::EditField => {
            let owner = match app.selected_item() {
                Some(f) if f.item.fields.is_empty() => {
                    flash(app, "this item has no fields to fill in", false);
                    return;
                }
                Some(f) => FieldOwner::Item(f.item.id.clone()),
                // on a phase's row: the values the phase records as a whole
                None => match app.checklist.phases.get(app.selected_phase()) {
                    Some(p) if !p.fields.is_empty() => FieldOwner::Phase(p.id.clone()),
                    _ => {
                        flash(app, "this phase has no fields to fill in", false);
                        return;
                    }
                },
            };
            if writable(app) {
                prompts::open_field(app, owner, 0);
            }
        }
        Action::Open => match app.focus {
            Focus::Checklist => on_action(app, Action::EditField, fx),
            Focus::Probes => {
                if app.probe_cursor < app.probes.len() {
                    app.mode = Mode::ProbeDetail(app.probe_cursor);
                }
            }
        },
        Action::Copy => {
            let Some(f) = app.selected_item() else { return };
            if f.item.commands.is_empty() {
                flash(app, "no command on this item", false);
            } else {
                let text = f.item.commands.join("\n");
                let lines = text.lines().count();
                fx.push(Effect::Copy(text));
                flash(
                    app,
                    format!("copied {lines} line(s) (OSC 52; in tmux: set -s set-clipboard on)"),
                    false,
                );
            }
        }
        Action::Search => {
            app.mode = Mode::Search {
                query: String::new(),
                origin: app.cursor,
            };
        }
        Action::Focus => {
            app.focus = match app.focus {
                Focus::Checklist if !app.probes.is_empty() => Focus::Probes,
                _ => Focus::Checklist,
            };
        }
        Action::PollNow => {
            if let Some(p) = app.probes.get(app.probe_cursor) {
                let name = p.spec.name.clone();
                fx.push(Effect::PollNow(name.clone()));
                flash(app, format!("polling {name}…"), false);
            } else {
                flash(app, "no probes configured", false);
            }
        }
        Action::Acknowledge => {
            if !writable(app) {
                return;
            }
            let mut names: Vec<String> = app
                .session
                .triggers
                .iter()
                .filter(|(_, t)| t.unacknowledged)
                .map(|(n, _)| n.clone())
                .collect();
            names.sort();
            // regressed items whose alarm nobody has acknowledged yet
            let regressed: Vec<String> = app
                .flat
                .iter()
                .filter(|f| {
                    app.session
                        .item(&f.item.id)
                        .is_some_and(|s| s.regressed && s.regression_acked.is_none())
                })
                .map(|f| f.item.id.clone())
                .collect();
            if names.is_empty() && regressed.is_empty() {
                flash(app, "no alarm to acknowledge", false);
            }
            for name in names {
                let ev = NewEvent::new(&app.meta.actor, EventBody::trigger_acked(name));
                append(app, fx, ev);
            }
            for id in regressed {
                let ev = app.item_event(&id, EventBody::RegressionAcked(Default::default()));
                append(app, fx, ev);
            }
        }
        Action::Decide => {
            if !writable(app) {
                return;
            }
            let phase = app.selected_phase();
            let Some(p) = app.checklist.phases.get(phase) else {
                return;
            };
            if !p.gate {
                let text = format!(
                    "“{}” is not a go/no-go gate: D records a decision on a gate phase",
                    p.name
                );
                flash(app, text, false);
                return;
            }
            app.mode = Mode::Input {
                prompt: Prompt::Decision {
                    phase: p.id.clone(),
                    choice: None,
                },
                buffer: String::new(),
            };
        }
        Action::Cosign => super::pair::cosign(app, fx),
        Action::Wheel => super::pair::on_wheel_key(app, fx),
        Action::Help => app.mode = Mode::Help,
        Action::Quit => app.mode = Mode::ConfirmQuit,
    }
}

/// The selected item's id when a write is allowed; flashes why not otherwise.
fn item_for_write(app: &mut App) -> Option<String> {
    let id = app.selected_item().map(|f| f.item.id.clone())?;
    writable(app).then_some(id)
}

/// The item's state as the person sees it: the journal's, then this screen's own events still on
/// their way (so a second space unticks what the first ticked, even before it came back).
fn state_seen(app: &App, id: &str) -> ItemState {
    let cosign = app
        .flat
        .iter()
        .find(|f| f.item.id == id)
        .is_some_and(|f| f.item.cosign);
    let mut state = app.session.item_state(id);
    for ev in app
        .in_flight
        .iter()
        .filter(|e| e.item.as_deref() == Some(id))
    {
        state = match (&ev.body, state) {
            (EventBody::Tick(_), ItemState::Todo | ItemState::Skipped) if cosign => {
                ItemState::AwaitingCosign
            }
            (EventBody::Tick(_) | EventBody::Cosign(_), _) => ItemState::Done,
            (EventBody::Untick(_), _) => ItemState::Todo,
            (EventBody::Skip(_), _) => ItemState::Skipped,
            (_, s) => s,
        };
    }
    state
}

fn tick(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(Row::Phase(p)) = app.rows.get(app.cursor) {
        let p = *p;
        let folded = app.folded.contains(&p);
        app.set_fold(p, !folded);
        return;
    }
    let Some(id) = item_for_write(app) else {
        return;
    };
    let has_auto = app.selected_item().is_some_and(|f| f.item.auto.is_some());
    let phase = app.selected_item().map_or(0, |f| f.phase);
    let status = app.session.item(&id).cloned().unwrap_or_default();
    let gate = crate::marking::gate_before(&app.checklist, &app.session, phase);
    match state_seen(app, &id) {
        // a gate before this phase has not said GO: ticking past it needs a reason
        ItemState::Todo if gate.is_some() => {
            if let Some(gate) = gate {
                flash(app, format!("{}: why tick past it?", gate.describe()), true);
                app.mode = Mode::Input {
                    prompt: Prompt::PastGate { item: id, gate },
                    buffer: String::new(),
                };
            }
        }
        ItemState::Todo if has_auto => {
            app.mode = Mode::Input {
                prompt: Prompt::Override { item: id },
                buffer: String::new(),
            };
        }
        ItemState::Todo => {
            let ev = app.item_event(&id, EventBody::tick());
            append(app, fx, ev);
        }
        ItemState::AwaitingCosign if status.by.as_deref() != Some(app.meta.actor.as_str()) => {
            super::pair::cosign(app, fx);
        }
        ItemState::AwaitingCosign | ItemState::Done | ItemState::Skipped => {
            let ev = app.item_event(&id, EventBody::untick());
            append(app, fx, ev);
        }
    }
}
