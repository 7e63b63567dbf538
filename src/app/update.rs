//! `update`: one message in, state changed, effects out. Pure: the clock comes in messages.

use super::keymap::{self};
use super::msg::{Effect, Key, Msg};
use super::{App, Mode, flash};
use super::{actions, auto, demo, pair, prompts, search, unsynced};
use crate::probes::Sample;
use std::sync::Arc;

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
            // appends come back in the order they were sent
            let done = acked.min(app.in_flight.len());
            app.in_flight.drain(..done);
            unsynced::on_journaled(app, &events);
            pair::on_journaled(app, &events);
            app.dirty = true;
            auto::on_journal(app, &mut fx);
        }
        Msg::Spooled { events, acked } => {
            app.pending_writes = app.pending_writes.saturating_sub(acked);
            // ours are on the screen now (the overlay): no longer in flight
            let done = acked.min(app.in_flight.len());
            app.in_flight.drain(..done);
            unsynced::on_spooled(app, events);
            app.dirty = true;
            auto::on_journal(app, &mut fx);
        }
        Msg::Store(health) => {
            app.dirty |= health != app.store;
            app.store = health;
        }
        Msg::Notify(health) => {
            app.dirty |= health != app.notify;
            app.notify = health;
        }
        Msg::Presence { rows, settled } => pair::on_presence(app, rows, settled, &mut fx),
        Msg::JournalError(text) => {
            app.pending_writes = 0;
            app.in_flight.clear();
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
        Msg::Viewport(viewport) => {
            // the frame that told us already showed the cursor at this scroll (same rule)
            app.viewport = viewport;
            app.ensure_visible(viewport.list_rows);
        }
    }
    if app.dirty {
        app.ensure_visible(app.viewport.list_rows);
    }
    pair::after_update(app, &mut fx);
    fx
}

fn on_sample(app: &mut App, sample: Arc<Sample>) {
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
        Mode::Changes => app.mode = Mode::Normal,
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
        Mode::Search { query, origin } => search::on_search_key(app, key, query, origin),
        Mode::Input { prompt, buffer } => prompts::on_input_key(app, key, prompt, buffer, fx),
        Mode::Normal => {
            if demo::on_key(app, key, fx) {
                return;
            }
            if let Some(action) = keymap::action_for(key) {
                actions::on_action(app, action, fx);
            }
        }
    }
}
