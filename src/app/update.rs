//! `update`: one message in, state changed, effects out. Pure: the clock comes in messages.

use super::auto;
use super::keymap::{self, Action};
use super::msg::{Effect, Key, Msg};
use super::{App, Focus, Mode, Prompt, Row, append, flash};
use crate::checklist::FieldKind;
use crate::journal::{EventBody, GoNoGo, NewEvent, Tick, Untick};
use crate::probes::Sample;
use crate::session::ItemState;

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => on_key(app, key, &mut fx),
        Msg::Clock(now) => {
            if now.timestamp() != app.now.timestamp() {
                app.dirty = true;
            }
            app.now = now;
            if app.flash.as_ref().is_some_and(|f| f.until <= now) {
                app.flash = None;
                app.dirty = true;
            }
            auto::refresh(app, now);
        }
        Msg::Journaled { events, acked } => {
            app.pending_writes = app.pending_writes.saturating_sub(acked);
            for e in &events {
                app.session.apply(e);
            }
            app.dirty = true;
            auto::on_journal(app, &mut fx);
        }
        Msg::JournalError(text) => {
            app.pending_writes = 0;
            flash(app, format!("journal: {text}"), true);
        }
        Msg::Probe(sample) => {
            auto::on_sample(app, &sample, &mut fx);
            on_sample(app, sample);
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.dirty = true;
        }
        Msg::ListRows(rows) => {
            // the frame that told us already showed the cursor at this scroll (same rule)
            app.list_rows = rows;
            app.ensure_visible(rows);
        }
    }
    if app.dirty {
        app.ensure_visible(app.list_rows);
    }
    fx
}

fn on_sample(app: &mut App, sample: Sample) {
    let Some(view) = app.probes.iter_mut().find(|p| p.spec.name == sample.probe) else {
        return;
    };
    view.history.record(&view.spec, &sample);
    // a probe changing state is news and shows at once; a new value of the same state waits for
    // the next beat (the clock's second)
    let news = view.latest.as_ref().map(|l| l.state) != Some(sample.state);
    view.latest = Some(sample);
    if news {
        app.dirty = true;
    } else {
        app.dirty_on_beat = true;
    }
}

fn on_key(app: &mut App, key: Key, fx: &mut Vec<Effect>) {
    app.dirty = true;
    match app.mode.clone() {
        Mode::Help | Mode::ProbeDetail(_) => match key {
            Key::Char('r') => {
                if let Mode::ProbeDetail(i) = app.mode
                    && let Some(p) = app.probes.get(i)
                {
                    fx.push(Effect::PollNow(p.spec.name.clone()));
                }
            }
            _ => app.mode = Mode::Normal,
        },
        Mode::ConfirmQuit => match key {
            Key::Char('y') | Key::Char('q') | Key::Enter | Key::Ctrl('c') => {
                app.quit = true;
                fx.push(Effect::Quit);
            }
            _ => app.mode = Mode::Normal,
        },
        Mode::Search { query, origin } => on_search_key(app, key, query, origin),
        Mode::Input { prompt, buffer } => on_input_key(app, key, prompt, buffer, fx),
        Mode::Normal => {
            if let Some(action) = keymap::action_for(key) {
                on_action(app, action, fx);
            }
        }
    }
}

fn writable(app: &mut App) -> bool {
    if app.meta.read_only {
        flash(app, "read-only: this screen is watching", true);
        return false;
    }
    true
}

fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let page = app.list_rows.max(2) as isize - 1;
    if app.focus == Focus::Probes {
        match action {
            Action::Up => {
                app.probe_cursor = app.probe_cursor.saturating_sub(1);
                return;
            }
            Action::Down => {
                if app.probe_cursor + 1 < app.probes.len() {
                    app.probe_cursor += 1;
                }
                return;
            }
            _ => {}
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
                    prompt: Prompt::Skip { item: id },
                    buffer: String::new(),
                };
            }
        }
        Action::Note => {
            if let Some(id) = item_for_write(app) {
                app.mode = Mode::Input {
                    prompt: Prompt::Note { item: id },
                    buffer: String::new(),
                };
            }
        }
        Action::EditField => {
            let Some(f) = app.selected_item() else { return };
            if f.item.fields.is_empty() {
                flash(app, "this item has no fields to fill in", false);
                return;
            }
            if let Some(id) = item_for_write(app) {
                open_field(app, id, 0);
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
            if names.is_empty() {
                flash(app, "no alarm to acknowledge", false);
            }
            for name in names {
                let ev = NewEvent::new(&app.meta.actor, EventBody::trigger_acked(name));
                append(app, fx, ev);
            }
        }
        Action::Decide => {
            if !writable(app) {
                return;
            }
            let phase = app.selected_phase();
            if let Some(p) = app.checklist.phases.get(phase) {
                app.mode = Mode::Input {
                    prompt: Prompt::Decision {
                        phase: p.id.clone(),
                    },
                    buffer: String::new(),
                };
            }
        }
        Action::Cosign => {
            let Some(id) = item_for_write(app) else {
                return;
            };
            let status = app.session.item(&id).cloned().unwrap_or_default();
            if status.state != ItemState::AwaitingCosign {
                flash(app, "nothing to co-sign here", false);
            } else if status.by.as_deref() == Some(app.meta.actor.as_str()) {
                flash(app, "a second, different person must co-sign", true);
            } else {
                let ev = app.item_event(&id, EventBody::cosign());
                append(app, fx, ev);
            }
        }
        Action::Help => app.mode = Mode::Help,
        Action::Quit => app.mode = Mode::ConfirmQuit,
    }
}

/// The selected item's id when a write is allowed; flashes why not otherwise.
fn item_for_write(app: &mut App) -> Option<String> {
    let id = app.selected_item().map(|f| f.item.id.clone())?;
    writable(app).then_some(id)
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
    let status = app.session.item(&id).cloned().unwrap_or_default();
    match status.state {
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
            let ev = app.item_event(&id, EventBody::cosign());
            append(app, fx, ev);
        }
        ItemState::AwaitingCosign | ItemState::Done | ItemState::Skipped => {
            let ev = app.item_event(&id, EventBody::untick());
            append(app, fx, ev);
        }
    }
}

fn open_field(app: &mut App, item: String, index: usize) {
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

fn on_input_key(app: &mut App, key: Key, prompt: Prompt, mut buffer: String, fx: &mut Vec<Effect>) {
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
        Prompt::Note { item } => {
            if !text.is_empty() {
                let ev = app.item_event(&item, EventBody::note(text));
                append(app, fx, ev);
            }
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

fn on_search_key(app: &mut App, key: Key, mut query: String, origin: usize) {
    match key {
        Key::Esc | Key::Ctrl('c') => {
            app.mode = Mode::Normal;
            app.cursor = origin.min(app.rows.len().saturating_sub(1));
            return;
        }
        Key::Enter => {
            app.mode = Mode::Normal;
            return;
        }
        Key::Backspace => {
            query.pop();
        }
        Key::Char(c) => query.push(c),
        Key::Down | Key::Up => {
            let matches = app.search_matches(&query);
            let current = match app.rows.get(app.cursor) {
                Some(Row::Item(i)) => Some(*i),
                _ => None,
            };
            let next = if key == Key::Down {
                matches
                    .iter()
                    .find(|m| Some(**m) > current)
                    .or(matches.first())
            } else {
                matches
                    .iter()
                    .rev()
                    .find(|m| current.is_some_and(|c| **m < c))
                    .or(matches.last())
            };
            if let Some(m) = next.copied() {
                app.select_item(m);
            }
            app.mode = Mode::Search { query, origin };
            return;
        }
        _ => {}
    }
    // as you type, jump to the first match at or after where the search started
    let matches = app.search_matches(&query);
    let origin_item = match app.rows.get(origin) {
        Some(Row::Item(i)) => *i,
        _ => 0,
    };
    if let Some(m) = matches
        .iter()
        .find(|m| **m >= origin_item)
        .or(matches.first())
        .copied()
    {
        app.select_item(m);
    }
    app.mode = Mode::Search { query, origin };
}
