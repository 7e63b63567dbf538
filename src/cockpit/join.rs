//! Joining a session before the screen opens: this screen's first heartbeat, its `joined` event,
//! and — for a writing cockpit — the wheel when nobody (alive) holds it.

use crate::app::pair::Identity;
use crate::checklist::Checklist;
use crate::journal::{EventBody, JoinMode, Joined, NewEvent, Wheel, WheelHow};
use crate::session::SessionState;
use crate::store::{Event, Presence, Role, Seen, Store};

/// What joining found.
pub struct Joining {
    pub rows: Vec<Seen>,
    pub events: Vec<Event>,
}

/// Heartbeats, journals `joined`, and takes the wheel when this is a writing cockpit and nobody
/// holds it, its holder's screen is silent, or its holder is the same person (a second terminal,
/// or back after a dropped link). Then reads the whole journal.
pub async fn join(
    store: &Store,
    session: &str,
    checklist: (&Checklist, Option<&str>),
    actor: &str,
    me: &Identity,
    read_only: bool,
) -> anyhow::Result<Joining> {
    let presence = Presence {
        screen: me.screen.clone(),
        actor: actor.to_owned(),
        os_user: me.os_user.clone(),
        host: me.host.clone(),
        client: me.client.clone(),
        role: Role::Watching,
        item: None,
        asks_wheel: false,
    };
    let rows = store.heartbeat(session, &presence).await?;
    let joined = Joined {
        mode: if read_only {
            JoinMode::Watch
        } else {
            JoinMode::Drive
        },
        screen: Some(me.screen.clone()),
        os_user: Some(me.os_user.clone()),
        host: Some(me.host.clone()),
        client: me.client.clone(),
        // which checklist, in which version, this screen runs
        checklist_path: checklist.1.map(str::to_owned),
        fingerprint: Some(checklist.0.fingerprint()),
    };
    let checklist = checklist.0;
    let joined =
        NewEvent::new(actor, EventBody::Joined(joined)).with_key(format!("joined:{}", me.screen));
    store.append(session, joined).await?;
    let mut events = store.events_after(session, 0).await?;
    if !read_only {
        let state = SessionState::from_events(session, checklist, &events);
        let alive = |screen: &str| {
            rows.iter()
                .any(|r| r.presence.screen == screen && r.alive())
        };
        let take = match &state.driver {
            None => Some((None, WheelHow::First)),
            Some(d) if d.actor == actor || !alive(&d.screen) => {
                Some((Some(d.screen.clone()), WheelHow::Taken))
            }
            Some(_) => None,
        };
        if let Some((from, how)) = take {
            let wheel = Wheel {
                screen: me.screen.clone(),
                to: actor.to_owned(),
                from,
                how,
            };
            store
                .append(session, NewEvent::new(actor, EventBody::Wheel(wheel)))
                .await?;
            let last = events.last().map_or(0, |e| e.seq);
            events.extend(store.events_after(session, last).await?);
        }
    }
    Ok(Joining { rows, events })
}
