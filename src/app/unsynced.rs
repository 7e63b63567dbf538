//! The unsynced overlay: events already durable in the local spool but not yet in the store show
//! at once — the screen folds them on top of the journal — and are marked until the journal hands
//! them back (matched by their idempotency key).

use super::App;
use crate::journal::{Event, NewEvent};

/// While there is an overlay: the fold of the journal alone (`App::session` is that plus the
/// overlay). `None` when everything is in the store: `App::session` is the journal's fold.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    pub events: Vec<NewEvent>,
    base: Option<crate::session::SessionState>,
}

impl Overlay {
    /// How many events wait for the store.
    pub fn waiting(&self) -> usize {
        self.events.len()
    }

    /// Whether item `id` has an event that is not in the store yet.
    pub fn touches(&self, id: &str) -> bool {
        self.events.iter().any(|e| e.item.as_deref() == Some(id))
    }
}

/// Events made durable in the spool: shown now, marked unsynced.
pub(super) fn on_spooled(app: &mut App, events: Vec<NewEvent>) {
    let committed = app.unsynced.base.as_ref().unwrap_or(&app.session);
    let known: std::collections::HashSet<&str> = committed
        .events
        .iter()
        .filter_map(|e| e.key.as_deref())
        .collect();
    let fresh: Vec<NewEvent> = events
        .into_iter()
        .filter(|e| e.key.as_deref().is_none_or(|k| !known.contains(k)))
        .collect();
    if fresh.is_empty() {
        return;
    }
    app.unsynced.events.extend(fresh);
    rebuild(app);
}

/// Events committed to the journal (ours and others'): folded, and ours leave the overlay.
pub(super) fn on_journaled(app: &mut App, events: &[Event]) {
    match app.unsynced.base.as_mut() {
        None => {
            for e in events {
                app.session.apply(e);
            }
        }
        Some(base) => {
            for e in events {
                base.apply(e);
            }
            let landed: std::collections::HashSet<&str> =
                events.iter().filter_map(|e| e.key.as_deref()).collect();
            app.unsynced
                .events
                .retain(|e| e.key.as_deref().is_none_or(|k| !landed.contains(k)));
            rebuild(app);
        }
    }
}

/// `App::session` = the journal's fold, then the overlay (with seqs past the journal's last).
fn rebuild(app: &mut App) {
    if app.unsynced.events.is_empty() {
        if let Some(base) = app.unsynced.base.take() {
            app.session = base;
        }
        return;
    }
    let base = app.unsynced.base.get_or_insert_with(|| app.session.clone());
    let mut shown = base.clone();
    let first = base.last_seq + 1;
    for (seq, e) in (first..).zip(&app.unsynced.events) {
        let at = e.at.unwrap_or(app.now);
        shown.apply(&e.committed(&shown.name.clone(), seq, at));
    }
    app.session = shown;
}
