//! Pair-watching in the app: who this screen is, whether it drives or watches (the journal's fold
//! says who holds the wheel), the wheel key, co-signing from the second screen, who else is on
//! the session, and the keys that make automatic events land once whichever screen writes them.
//!
//! The rule for automatic events (ticks, pending, regressions, recoveries, trigger fires and
//! clears, acknowledgements, phase starts and finishes, baselines, a silent screen's leave): each
//! carries a key naming the logical event — its kind, its subject and the subject's generation
//! in the fold (how many state changes the item or trigger has had; for a finished phase, the sum
//! over its items). Every screen that evaluates the same journal computes the same key; the store
//! keeps one event per key, so the first to arrive is the one journaled, and the others' appends
//! are answered with it.

use super::{App, Effect, append, flash};
use crate::journal::{Cosign, Event, EventBody, Left, NewEvent, Wheel, WheelHow};
use crate::session::{Driver, ItemState, SessionState, cosign_refusal};
use crate::store::{PRESENCE_TIMEOUT, Presence, Role, Seen};
use std::collections::HashSet;

/// A screen that joined but has no presence row this long after is taken for gone.
const NO_ROW_GRACE: chrono::Duration = chrono::Duration::seconds(30);

/// Who this screen is. Empty in tests that do not care: then nothing of pair-watching applies
/// and the screen drives unless it is read-only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// This cockpit's id (one per process).
    pub screen: String,
    pub os_user: String,
    pub host: String,
    /// The ssh client's address, when there is one.
    pub client: Option<String>,
}

/// Pair-watching state of the screen.
#[derive(Debug, Clone, Default)]
pub struct Pair {
    pub me: Identity,
    /// Every presence row as last read (this screen's too).
    pub seen: Vec<Seen>,
    /// This screen asks the driver for the wheel.
    pub asks_wheel: bool,
    sent: Option<Presence>,
    /// Silent screens whose `left` this screen has asked the journal for.
    left_asked: HashSet<String>,
}

/// Driving or watching, as the journal's fold says.
pub fn role(app: &App) -> Role {
    match &app.session.driver {
        Some(d) if d.screen == app.pair.me.screen => Role::Driving,
        Some(_) => Role::Watching,
        // nobody holds the wheel: a screen without an identity (a test, a tool) drives unless
        // it is read-only; a real cockpit takes the wheel first (`w`)
        None if app.pair.me.screen.is_empty() && !app.meta.read_only => Role::Driving,
        None => Role::Watching,
    }
}

/// Whether this screen journals automatic events: any writing cockpit (`run`), and a watcher
/// once it holds the wheel.
pub fn writes_auto(app: &App) -> bool {
    !app.meta.read_only || role(app) == Role::Driving
}

/// Whether a person's action may be journaled from this screen; flashes why not otherwise.
pub(super) fn writable(app: &mut App) -> bool {
    if role(app) == Role::Driving {
        return true;
    }
    let why = match &app.session.driver {
        Some(d) if driver_alive(app, d) => {
            format!("watching: {} drives — w asks for the wheel", d.actor)
        }
        Some(d) => format!(
            "watching: {}'s screen is silent — w takes the wheel",
            d.actor
        ),
        None => "watching: nobody drives — w takes the wheel".to_owned(),
    };
    flash(app, why, true);
    false
}

/// The driver's screen has been heard from within `PRESENCE_TIMEOUT` (or took the wheel less
/// than that ago).
pub fn driver_alive(app: &App, d: &Driver) -> bool {
    match app.pair.seen.iter().find(|s| s.presence.screen == d.screen) {
        Some(row) => row.alive(),
        None => (app.now - d.since).to_std().unwrap_or_default() < PRESENCE_TIMEOUT,
    }
}

/// Screens heard from lately, in order of joining.
pub fn present(app: &App) -> impl Iterator<Item = &Seen> {
    app.pair.seen.iter().filter(|s| s.alive())
}

/// Watchers asking for the wheel, the first asker first.
pub fn askers(app: &App) -> Vec<&Seen> {
    let mut out: Vec<&Seen> = present(app)
        .filter(|s| s.presence.asks_wheel && s.presence.screen != app.pair.me.screen)
        .collect();
    out.sort_by_key(|s| s.asked_at);
    out
}

/// `w`: a watcher asks for the wheel (or takes it when nobody holds it, its holder is silent,
/// or is the same person); the driver hands it to the first asker.
pub(super) fn on_wheel_key(app: &mut App, fx: &mut Vec<Effect>) {
    if app.pair.me.screen.is_empty() {
        flash(app, "this screen takes no part in pair-watching", false);
        return;
    }
    let me = app.pair.me.screen.clone();
    if role(app) == Role::Driving {
        let Some(asker) = askers(app).first().map(|s| s.presence.clone()) else {
            flash(
                app,
                "nobody asks for the wheel (the other screen presses w first)",
                false,
            );
            return;
        };
        flash(app, format!("handing the wheel to {}", asker.actor), false);
        let wheel = Wheel {
            screen: asker.screen,
            to: asker.actor,
            from: Some(me),
            how: WheelHow::Handed,
        };
        let ev = NewEvent::new(&app.meta.actor, EventBody::Wheel(wheel));
        append(app, fx, ev);
        return;
    }
    let take_from = match app.session.driver.clone() {
        None => Some(None),
        Some(d) if d.actor == app.meta.actor || !driver_alive(app, &d) => Some(Some(d.screen)),
        Some(_) => None,
    };
    match take_from {
        Some(from) => {
            let how = if from.is_none() {
                WheelHow::First
            } else {
                WheelHow::Taken
            };
            let wheel = Wheel {
                screen: me,
                to: app.meta.actor.clone(),
                from,
                how,
            };
            let ev = NewEvent::new(&app.meta.actor, EventBody::Wheel(wheel));
            append(app, fx, ev);
            flash(app, "taking the wheel", false);
        }
        None => {
            app.pair.asks_wheel = !app.pair.asks_wheel;
            let driver = app
                .session
                .driver
                .as_ref()
                .map_or(String::new(), |d| d.actor.clone());
            if app.pair.asks_wheel {
                flash(
                    app,
                    format!("asked {driver} for the wheel (w again withdraws)"),
                    false,
                );
            } else {
                flash(app, "no longer asking for the wheel", false);
            }
        }
    }
}

/// `c` (and `space` on an item awaiting its co-sign): co-sign from this screen, watching or
/// driving — refused, with the reason, for the person who ticked it or their own account.
pub(super) fn cosign(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.selected_item().map(|f| f.item.id.clone()) else {
        return;
    };
    let status = app.session.item(&id).cloned().unwrap_or_default();
    if status.state != ItemState::AwaitingCosign {
        flash(app, "nothing to co-sign here", false);
        return;
    }
    let me = &app.pair.me;
    if let Some(why) = cosign_refusal(&status, &app.meta.actor, &me.os_user, &me.host) {
        flash(app, why, true);
        return;
    }
    let ev = app.item_event(&id, EventBody::Cosign(Cosign::default()));
    append(app, fx, ev);
}

/// Everything `append` sends goes through here: a baseline of several probes becomes one event
/// per probe (each captured once per scope, whichever screen is first), automatic events get
/// their key, and a tick or co-sign of a `cosign` item says which account and host it is from.
pub(super) fn prepare(app: &App, ev: NewEvent) -> Vec<NewEvent> {
    split_baseline(ev)
        .into_iter()
        .map(|mut e| {
            stamp_account(app, &mut e);
            if e.key.is_none() {
                e.key = auto_key(app, &e);
            }
            e
        })
        .collect()
}

fn split_baseline(ev: NewEvent) -> Vec<NewEvent> {
    match &ev.body {
        EventBody::Baseline(b) if b.values.len() > 1 => b
            .values
            .iter()
            .map(|(probe, value)| {
                let mut one = b.clone();
                one.values = [(probe.clone(), value.clone())].into_iter().collect();
                let mut e = ev.clone();
                e.body = EventBody::Baseline(one);
                e
            })
            .collect(),
        _ => vec![ev],
    }
}

fn stamp_account(app: &App, ev: &mut NewEvent) {
    let me = &app.pair.me;
    if me.os_user.is_empty() || ev.actor != app.meta.actor {
        return;
    }
    let cosign_item = ev
        .item
        .as_deref()
        .is_some_and(|id| app.flat.iter().any(|f| f.item.id == id && f.item.cosign));
    match &mut ev.body {
        EventBody::Tick(t) if cosign_item => {
            t.os_user = Some(me.os_user.clone());
            t.host = Some(me.host.clone());
        }
        EventBody::Cosign(c) => {
            c.os_user = Some(me.os_user.clone());
            c.host = Some(me.host.clone());
        }
        _ => {}
    }
}

/// The key naming an automatic event (see the module's doc); `None` for a person's action, which
/// the journal worker keys uniquely.
fn auto_key(app: &App, ev: &NewEvent) -> Option<String> {
    let s = &app.session;
    let item = ev.item.as_deref().unwrap_or("");
    let item_gen = || s.item(item).map_or(0, |i| i.changes);
    let trigger_gen = |t: &str| s.triggers.get(t).map_or(0, |t| t.changes);
    Some(match &ev.body {
        EventBody::Tick(t) if t.auto.is_some() => format!("tick:{item}:{}", item_gen()),
        EventBody::Pending(_) => format!("pending:{item}:{}", item_gen()),
        EventBody::Regressed(_) => format!("regressed:{item}:{}", item_gen()),
        EventBody::Recovered(_) => format!("recovered:{item}:{}", item_gen()),
        EventBody::PhaseStarted(p) => format!("phase_started:{}", p.phase),
        EventBody::PhaseFinished(p) => {
            format!("phase_finished:{}:{}", p.phase, phase_gen(app, s, &p.phase))
        }
        EventBody::TriggerFired(t) => {
            format!("trigger_fired:{}:{}", t.trigger, trigger_gen(&t.trigger))
        }
        EventBody::TriggerCleared(t) => {
            format!("trigger_cleared:{}:{}", t.trigger, trigger_gen(&t.trigger))
        }
        EventBody::TriggerAcked(t) => format!(
            "trigger_acked:{}:{}",
            t.trigger,
            s.triggers.get(&t.trigger).map_or(0, |t| t.fired_count)
        ),
        EventBody::Baseline(b) if b.values.len() == 1 => {
            let probe = b.values.keys().next().map_or("", String::as_str);
            format!("baseline:{}:{probe}", b.scope)
        }
        EventBody::ProbeChanged(p) => format!(
            "probe_changed:{}:{}",
            p.probe,
            s.probe_changes.get(&p.probe).copied().unwrap_or(0)
        ),
        EventBody::RegressionAcked(_) => format!("regression_acked:{item}:{}", item_gen()),
        EventBody::Left(l) => format!("left:{}", l.screen),
        EventBody::Joined(j) => format!("joined:{}", j.screen.as_deref()?),
        _ => return None,
    })
}

/// The sum of the changes of a phase's items: the same on every screen at the same point.
fn phase_gen(app: &App, s: &SessionState, phase: &str) -> u32 {
    let Some(index) = app.checklist.phases.iter().position(|p| p.id == phase) else {
        return 0;
    };
    app.flat
        .iter()
        .filter(|f| f.phase == index)
        .map(|f| s.item(&f.item.id).map_or(0, |i| i.changes))
        .sum()
}

/// A heartbeat read: who is here. A writing screen journals the leave of a screen that joined
/// and has gone silent (once: its key), in that screen's name.
pub(super) fn on_presence(app: &mut App, rows: Vec<Seen>, settled: bool, fx: &mut Vec<Effect>) {
    let shown = |rows: &[Seen]| -> Vec<(String, bool, bool)> {
        rows.iter()
            .map(|s| (s.presence.screen.clone(), s.alive(), s.presence.asks_wheel))
            .collect()
    };
    if shown(&rows) != shown(&app.pair.seen) {
        app.dirty = true;
    }
    app.pair.seen = rows;
    if !settled || !writes_auto(app) || app.pair.me.screen.is_empty() {
        return;
    }
    let silent: Vec<(String, String)> = app
        .session
        .screens
        .iter()
        .filter(|s| s.left_at.is_none() && s.screen != app.pair.me.screen)
        .filter(
            |s| match app.pair.seen.iter().find(|r| r.presence.screen == s.screen) {
                Some(row) => !row.alive(),
                None => app.now - s.joined_at > NO_ROW_GRACE,
            },
        )
        .map(|s| (s.screen.clone(), s.actor.clone()))
        .collect();
    for (screen, actor) in silent {
        if app.pair.left_asked.insert(screen.clone()) {
            let left = Left {
                screen,
                silent: true,
            };
            append(app, fx, NewEvent::new(actor, EventBody::Left(left)));
        }
    }
}

/// What this screen's presence row says now.
pub fn presence(app: &App) -> Presence {
    let me = &app.pair.me;
    Presence {
        screen: me.screen.clone(),
        actor: app.meta.actor.clone(),
        os_user: me.os_user.clone(),
        host: me.host.clone(),
        client: me.client.clone(),
        role: role(app),
        item: app.selected_item().map(|f| f.item.id.clone()),
        asks_wheel: app.pair.asks_wheel,
    }
}

/// Someone joined, left or took the wheel: read who is here now rather than at the next beat
/// (heartbeats are seconds apart; a new screen should show at once).
pub(super) fn on_journaled(app: &mut App, events: &[Event]) {
    let people_moved = events.iter().any(|e| {
        matches!(
            e.body,
            EventBody::Joined(_) | EventBody::Left(_) | EventBody::Wheel(_)
        )
    });
    if people_moved {
        app.pair.sent = None;
    }
}

/// After every update: a driver never asks for the wheel, and a changed presence is heartbeaten
/// at once.
pub(super) fn after_update(app: &mut App, fx: &mut Vec<Effect>) {
    if app.pair.me.screen.is_empty() {
        return;
    }
    if role(app) == Role::Driving {
        app.pair.asks_wheel = false;
    }
    let now = presence(app);
    if app.pair.sent.as_ref() != Some(&now) {
        app.pair.sent = Some(now.clone());
        fx.push(Effect::Presence(now));
    }
}
