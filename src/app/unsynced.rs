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

/// An event on its way is shown as unsynced only once it has waited this long: every action
/// spends a few milliseconds in the spool, and marking each would only flicker.
pub const LINGER: chrono::Duration = chrono::Duration::seconds(1);

impl Overlay {
    /// How many events wait for the store.
    pub fn waiting(&self) -> usize {
        self.events.len()
    }

    /// How many have waited longer than `LINGER` at `now`.
    pub fn lingering(&self, now: chrono::DateTime<chrono::Utc>) -> usize {
        self.events.iter().filter(|e| lingers(e, now)).count()
    }

    /// Whether item `id` has an event that has waited longer than `LINGER` at `now`.
    pub fn touches(&self, id: &str, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.events
            .iter()
            .any(|e| e.item.as_deref() == Some(id) && lingers(e, now))
    }
}

fn lingers(e: &NewEvent, now: chrono::DateTime<chrono::Utc>) -> bool {
    e.at.is_none_or(|at| now - at >= LINGER)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Msg, SessionMeta, update};
    use crate::checklist::{Checklist, Item, Phase};
    use crate::journal::EventBody;
    use crate::session::ItemState;
    use chrono::{DateTime, Utc};

    fn app(now: DateTime<Utc>) -> App {
        let checklist = Checklist {
            title: "t".into(),
            phases: vec![Phase {
                id: "p".into(),
                name: "P".into(),
                items: vec![Item {
                    id: "a".into(),
                    text: "A".into(),
                    ..Item::default()
                }],
                ..Phase::default()
            }],
            ..Checklist::default()
        };
        let meta = SessionMeta {
            session: "s".into(),
            actor: "alice".into(),
            ..SessionMeta::default()
        };
        App::new(checklist, meta, now)
    }

    #[test]
    fn a_spooled_event_shows_at_once_and_is_marked_until_the_journal_has_it() {
        let t0 = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let mut a = app(t0);
        let mut tick = NewEvent::on_item("alice", "a", Some("A"), EventBody::tick()).with_key("k1");
        tick.at = Some(t0);
        update(
            &mut a,
            Msg::Spooled {
                events: vec![tick.clone()],
                acked: 1,
            },
        );
        assert_eq!(a.session.item_state("a"), ItemState::Done, "shown at once");
        assert_eq!(a.unsynced.waiting(), 1);
        assert!(
            !a.unsynced.touches("a", t0),
            "not marked in its first second"
        );
        assert!(a.unsynced.touches("a", t0 + LINGER));
        // another screen's event lands first; ours is still shown on top of it
        let other = NewEvent::new("bob", EventBody::note("hi")).committed("s", 1, t0);
        update(
            &mut a,
            Msg::Journaled {
                events: vec![other],
                acked: 0,
            },
        );
        assert_eq!(a.session.item_state("a"), ItemState::Done);
        assert_eq!(a.session.notes.len(), 1);
        // then ours, matched by its key: the overlay is gone, the fold is the journal's
        let ours = tick.committed("s", 2, t0);
        update(
            &mut a,
            Msg::Journaled {
                events: vec![ours],
                acked: 0,
            },
        );
        assert_eq!(a.unsynced.waiting(), 0);
        assert_eq!(a.session.last_seq, 2);
        assert_eq!(
            a.session.item("a").map(|i| i.history.clone()),
            Some(vec![2])
        );
        // an event spooled again after it landed (left by an earlier cockpit) is not shown twice
        update(
            &mut a,
            Msg::Spooled {
                events: vec![tick],
                acked: 0,
            },
        );
        assert_eq!(a.unsynced.waiting(), 0);
    }
}
