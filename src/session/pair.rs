//! Folding who is on the session: the cockpits that joined and left, and who held the wheel when.
//!
//! The wheel is a compare-and-set along the journal: a `wheel` event names the screen its writer
//! saw driving (`from`), and is accepted only when that is still the driver. Two screens grabbing
//! the wheel at once both journal; the first in seq order wins on every screen alike.

use super::SessionState;
use super::types::{Driver, ScreenInfo, Spell};
use crate::journal::{Event, Joined, Left, Wheel};

pub(super) fn joined(state: &mut SessionState, e: &Event, j: &Joined) {
    let Some(screen) = &j.screen else {
        return;
    };
    let info = ScreenInfo {
        screen: screen.clone(),
        actor: e.actor.clone(),
        mode: j.mode,
        os_user: j.os_user.clone(),
        host: j.host.clone(),
        client: j.client.clone(),
        joined_at: e.at,
        left_at: None,
    };
    match state.screens.iter_mut().find(|s| &s.screen == screen) {
        Some(known) => *known = info,
        None => state.screens.push(info),
    }
}

pub(super) fn left(state: &mut SessionState, e: &Event, l: &Left) {
    if let Some(s) = state.screens.iter_mut().find(|s| s.screen == l.screen) {
        s.left_at.get_or_insert(e.at);
    }
    if state.driver.as_ref().is_some_and(|d| d.screen == l.screen) {
        end_spell(state, e);
        state.driver = None;
    }
}

pub(super) fn wheel(state: &mut SessionState, e: &Event, w: &Wheel) {
    let current = state.driver.as_ref().map(|d| d.screen.as_str());
    if current != w.from.as_deref() || current == Some(w.screen.as_str()) {
        return;
    }
    end_spell(state, e);
    state.driver = Some(Driver {
        screen: w.screen.clone(),
        actor: w.to.clone(),
        since: e.at,
    });
    state.spells.push(Spell {
        actor: w.to.clone(),
        screen: w.screen.clone(),
        from: e.at,
        to: None,
        how: w.how,
        seq: e.seq,
    });
}

fn end_spell(state: &mut SessionState, e: &Event) {
    if let Some(spell) = state.spells.last_mut().filter(|s| s.to.is_none()) {
        spell.to = Some(e.at);
    }
}
