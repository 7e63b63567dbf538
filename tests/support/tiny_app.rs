//! A cockpit on a one-phase, one-item checklist, for tests about something other than the list.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use flightdeck::app::{App, SessionMeta};
use flightdeck::checklist::{Checklist, Item, Phase};

/// Checklist "t" with phase "p" (Deploy) holding item "a"; session "s", actor "me".
pub fn one_item_app(now: DateTime<Utc>) -> App {
    let checklist = Checklist {
        title: "t".into(),
        phases: vec![Phase {
            id: "p".into(),
            name: "Deploy".into(),
            items: vec![Item {
                id: "a".into(),
                text: "Deploy it".into(),
                ..Item::default()
            }],
            ..Phase::default()
        }],
        ..Checklist::default()
    };
    let meta = SessionMeta {
        session: "s".into(),
        actor: "me".into(),
        ..SessionMeta::default()
    };
    App::new(checklist, meta, now)
}
