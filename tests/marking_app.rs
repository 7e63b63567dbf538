//! Auto-marking through the cockpit's `update`, with an injected clock and a simulated journal
//! shared by two screens: automatic ticks and countdowns, overrides and co-signs by key, the
//! trigger's bell and acknowledgement, phase events, and what the header and detail pane show.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/marking.rs"]
mod marking;

use flightdeck::app::{App, Effect, Key, Mode, Msg, update};
use flightdeck::checklist::{Field, FieldKind, Item};
use flightdeck::journal::{EventBody, EventKind};
use flightdeck::marking::AutoStatus;
use flightdeck::runtime::{HeadlessScreen, frame};
use flightdeck::session::ItemState;
use marking::*;
use std::time::Duration;

fn window() -> flightdeck::checklist::Checklist {
    let mut approve = item("approve", None);
    approve.cosign = true;
    let mut latency = item("latency", None);
    latency.fields = vec![Field {
        id: "p95".into(),
        label: "p95 latency".into(),
        kind: FieldKind::Number,
        unit: Some("ms".into()),
        target: Some("< 500ms".into()),
        ..Field::default()
    }];
    checklist(
        vec![
            phase(
                "prep",
                Some(Duration::from_secs(300)),
                vec![
                    item("health", Some("api.status == 200 for 30s")),
                    approve,
                    latency,
                ],
            ),
            phase("deploy", None, vec![item("smoke", None)]),
        ],
        vec![trigger("rollback", "error_rate.value > 0.05 for 10s")],
    )
}

fn press(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(app, Msg::Key(*k)))
        .collect()
}

fn typed(s: &str) -> Vec<Key> {
    s.chars().map(Key::Char).collect()
}

fn select(app: &mut App, id: &str) {
    for _ in 0..app.rows.len() {
        if app.selected_item().map(|f| f.item.id.as_str()) == Some(id) {
            return;
        }
        update(app, Msg::Key(Key::Char('j')));
    }
    panic!("no item {id}");
}

/// A probe sample arrives with the clock at its time; what the screen asks for is committed.
fn probe(
    app: &mut App,
    j: &mut Journal,
    s: flightdeck::probes::Sample,
) -> (Vec<flightdeck::store::Event>, Vec<Effect>) {
    let at = s.at;
    update(app, Msg::Clock(at));
    let fx = update(app, Msg::Probe(s.into()));
    j.commit(app, fx, at)
}

fn render(app: &mut App) -> String {
    let mut screen = HeadlessScreen::new(120, 40);
    frame(app, &mut screen).unwrap();
    screen.text()
}

#[test]
fn an_auto_item_counts_down_on_screen_and_ticks_itself() {
    let mut app = driving_app(window(), "alice@bastion");
    let mut j = Journal::default();
    let (events, _) = probe(&mut app, &mut j, ok("api", 0, "status", 200.0));
    assert_eq!(
        kinds(&events),
        vec![EventKind::Baseline, EventKind::Pending]
    );
    assert_eq!(app.pending_writes, 0, "every append acknowledged");
    assert!(matches!(
        app.auto["health"],
        AutoStatus::Pending {
            remaining_ms: 30_000,
            ..
        }
    ));
    assert_eq!(
        app.auto["health"],
        flightdeck::marking::AutoStatus::Pending {
            since: at(0),
            remaining_ms: 30_000,
            hold_ms: 30_000,
        }
    );
    assert!(render(&mut app).contains("auto 0:30"));

    // the clock moves the countdown; the screen is dirty only when its shown second changes
    update(&mut app, Msg::Clock(at(1)));
    assert!(matches!(
        app.auto["health"],
        AutoStatus::Pending {
            remaining_ms: 29_000,
            ..
        }
    ));
    app.dirty = false;
    update(&mut app, Msg::Clock(at(1)));
    assert!(!app.dirty, "nothing moved");
    update(
        &mut app,
        Msg::Clock(at(1) + chrono::Duration::milliseconds(500)),
    );
    assert!(
        app.dirty,
        "0:29 became 0:28 within the same wall-clock second"
    );
    app.dirty = false;
    update(
        &mut app,
        Msg::Clock(at(1) + chrono::Duration::milliseconds(700)),
    );
    assert!(!app.dirty, "still 0:28");

    for t in (5..=25).step_by(5) {
        let (events, _) = probe(&mut app, &mut j, ok("api", t, "status", 200.0));
        assert!(events.is_empty(), "{events:?}");
    }
    let (events, _) = probe(&mut app, &mut j, ok("api", 30, "status", 200.0));
    assert_eq!(
        kinds(&events),
        vec![EventKind::Tick, EventKind::PhaseStarted]
    );
    let status = app.session.item("health").unwrap();
    assert_eq!(status.state, ItemState::Done);
    assert_eq!(status.by.as_deref(), Some("flightdeck"));
    assert!(!app.auto.contains_key("health"));
    assert_eq!(app.session.phases["prep"].started_at, Some(at(30)));
}

#[test]
fn a_pending_auto_item_ticked_by_hand_is_an_override_with_its_reason() {
    let mut app = driving_app(window(), "alice@bastion");
    let mut j = Journal::default();
    probe(&mut app, &mut j, ok("api", 0, "status", 200.0));
    select(&mut app, "health");
    let mut keys = vec![Key::Char(' ')];
    keys.extend(typed("checked the pods by hand"));
    let fx = press(&mut app, &keys);
    assert!(fx.is_empty(), "a prompt first");
    assert!(matches!(app.mode, Mode::Input { .. }));
    let fx = press(&mut app, &[Key::Enter]);
    let (events, _) = j.commit(&mut app, fx, at(3));
    assert_eq!(
        kinds(&events),
        vec![EventKind::Tick, EventKind::PhaseStarted]
    );
    assert_eq!(events[0].actor, "alice@bastion");
    let EventBody::Tick(tick) = &events[0].body else {
        panic!("{:?}", events[0]);
    };
    assert!(tick.overridden);
    assert_eq!(tick.reason.as_deref(), Some("checked the pods by hand"));
    assert_eq!(tick.item_text.as_deref(), Some("Item health"));
    let status = app.session.item("health").unwrap();
    assert!(status.overridden);
    assert_eq!(
        status.override_reason.as_deref(),
        Some("checked the pods by hand")
    );
    // the engine does not tick it again
    for t in (5..=60).step_by(5) {
        let (events, _) = probe(&mut app, &mut j, ok("api", t, "status", 200.0));
        assert!(events.is_empty(), "{events:?}");
    }
}

#[test]
fn cosign_needs_a_second_person_on_another_screen() {
    let mut alice = driving_app(window(), "alice@bastion");
    let mut bob = driving_app(window(), "bob@laptop");
    let mut j = Journal::default();
    select(&mut alice, "approve");
    select(&mut bob, "approve");

    let fx = press(&mut alice, &[Key::Char(' ')]);
    j.commit(&mut alice, fx, at(10));
    j.deliver(&mut bob, at(10));
    assert_eq!(
        alice.session.item_state("approve"),
        ItemState::AwaitingCosign
    );
    assert_eq!(bob.session.item_state("approve"), ItemState::AwaitingCosign);

    // alice cannot co-sign her own tick
    let fx = press(&mut alice, &[Key::Char('c')]);
    assert!(fx.is_empty());
    assert!(
        alice
            .flash
            .as_ref()
            .is_some_and(|f| f.error && f.text.contains("different person"))
    );
    assert_eq!(
        alice.session.item_state("approve"),
        ItemState::AwaitingCosign
    );

    let fx = press(&mut bob, &[Key::Char('c')]);
    let (events, _) = j.commit(&mut bob, fx, at(20));
    assert_eq!(events[0].kind(), EventKind::Cosign);
    assert_eq!(events[0].actor, "bob@laptop");
    j.deliver(&mut alice, at(20));
    for app in [&alice, &bob] {
        let status = app.session.item("approve").unwrap();
        assert_eq!(status.state, ItemState::Done);
        assert_eq!(status.by.as_deref(), Some("alice@bastion"));
        assert_eq!(status.cosigned_by.as_deref(), Some("bob@laptop"));
    }
    // the phase was started once, by whichever screen saw the first touch
    let started = j
        .events
        .iter()
        .filter(|e| e.kind() == EventKind::PhaseStarted)
        .count();
    assert_eq!(started, 1);
}

#[test]
fn a_trigger_rings_once_stays_until_acknowledged_by_key_and_clears() {
    let mut app = driving_app(window(), "alice@bastion");
    let mut j = Journal::default();
    let mut bells = 0;
    let mut fired = Vec::new();
    for t in (0..=30).step_by(5) {
        let (events, others) = probe(&mut app, &mut j, ok("error_rate", t, "value", 0.062));
        bells += others.iter().filter(|e| **e == Effect::Bell).count();
        fired.extend(
            events
                .into_iter()
                .filter(|e| e.kind() == EventKind::TriggerFired),
        );
    }
    assert_eq!(bells, 1);
    assert_eq!(fired.len(), 1);
    assert_eq!(number(&evidence(&fired[0])[0]), 0.062);
    let screen = render(&mut app);
    assert!(screen.contains("CRITICAL rollback"), "{screen}");
    assert!(screen.contains("A acknowledge"));
    // the banner says when it fired and what the condition reads now
    assert!(screen.contains("— fired "), "{screen}");
    assert!(screen.contains("now error_rate.value = 0.062"), "{screen}");

    // the rate drops before anyone looked: cleared, but the banner stays until acknowledged
    let (events, _) = probe(&mut app, &mut j, ok("error_rate", 35, "value", 0.01));
    assert_eq!(kinds(&events), vec![EventKind::TriggerCleared]);
    let screen = render(&mut app);
    assert!(screen.contains(", cleared "), "{screen}");
    let fx = press(&mut app, &[Key::Char('A')]);
    let (events, _) = j.commit(&mut app, fx, at(40));
    assert_eq!(kinds(&events), vec![EventKind::TriggerAcked]);
    assert_eq!(events[0].actor, "alice@bastion");
    assert_eq!(events[0].body, EventBody::trigger_acked("rollback"));
    assert!(!render(&mut app).contains("rollback"));
}

#[test]
fn the_bell_can_be_turned_off() {
    let mut app = driving_app(window(), "alice@bastion");
    app.bell = false;
    let mut j = Journal::default();
    let mut others = Vec::new();
    for t in (0..=15).step_by(5) {
        others.extend(probe(&mut app, &mut j, ok("error_rate", t, "value", 0.1)).1);
    }
    assert!(app.session.triggers["rollback"].active);
    assert!(!others.contains(&Effect::Bell));
}

#[test]
fn a_watching_screen_never_marks() {
    let mut app = driving_app(window(), "bob@laptop");
    app.meta.read_only = true;
    for t in (0..=60).step_by(5) {
        let fx = update(&mut app, Msg::Probe(ok("api", t, "status", 200.0).into()));
        assert!(fx.is_empty(), "{fx:?}");
    }
}

#[test]
fn field_target_met_or_missed_shows_in_the_detail_pane() {
    let mut app = driving_app(window(), "alice@bastion");
    let mut j = Journal::default();
    select(&mut app, "latency");
    let mut keys = vec![Key::Char('e')];
    keys.extend(typed("620"));
    keys.push(Key::Enter);
    let fx = press(&mut app, &keys);
    j.commit(&mut app, fx, at(5));
    let screen = render(&mut app);
    assert!(
        screen.contains("✗ missed: 620 ms is not < 500ms"),
        "{screen}"
    );

    let mut keys = vec![Key::Char('e'), Key::Ctrl('u')];
    keys.extend(typed("430"));
    keys.push(Key::Enter);
    let fx = press(&mut app, &keys);
    j.commit(&mut app, fx, at(6));
    let screen = render(&mut app);
    assert!(
        screen.contains("p95 latency: 430 ms  ✓ met  (target: < 500ms)"),
        "{screen}"
    );
}

#[test]
fn the_header_shows_the_budget_by_the_same_rule() {
    let mut app = driving_app(window(), "alice@bastion");
    let mut j = Journal::default();
    select(&mut app, "approve");
    let fx = press(&mut app, &[Key::Char(' ')]);
    j.commit(&mut app, fx, at(0));
    update(&mut app, Msg::Clock(at(250)));
    let screen = render(&mut app);
    assert!(screen.contains("budget 5m00s: 4m10s used"), "{screen}");
    assert!(!screen.contains("OVERRUN"));
    update(&mut app, Msg::Clock(at(301)));
    assert!(render(&mut app).contains("budget 5m00s: 5m01s used OVERRUN"));
}

#[test]
fn an_item_without_auto_is_never_marked() {
    let c = checklist(
        vec![phase(
            "p",
            None,
            vec![Item {
                id: "manual".into(),
                text: "Manual".into(),
                ..Item::default()
            }],
        )],
        vec![],
    );
    let mut app = driving_app(c, "alice@bastion");
    let mut j = Journal::default();
    let (events, _) = probe(&mut app, &mut j, ok("api", 0, "status", 200.0));
    assert_eq!(kinds(&events), vec![EventKind::Baseline]);
    assert!(app.auto.is_empty());
}

/// One poll is one allocation: the Live panel and the marker hold the same `Arc<Sample>` (HTTP
/// bodies included), and the next poll releases it from both.
#[test]
fn a_sample_is_shared_by_the_panel_and_the_marker() {
    let mut app = driving_app(window(), "alice");
    let config = flightdeck::config::parse_str(
        std::path::Path::new("c.toml"),
        "[[probe]]\nname = \"api\"\nkind = \"http\"\nurl = \"http://127.0.0.1:1/\"\ninterval = \"1s\"\ntimeout = \"1s\"\n",
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap();
    app.set_probes(&config.probes);
    let first = std::sync::Arc::new(ok("api", 1, "status", 200.0));
    update(&mut app, Msg::Probe(first.clone()));
    let panel = app.probes[0]
        .latest
        .as_ref()
        .expect("the panel has the sample");
    let judged = &app.marker.as_ref().unwrap().latest()["api"];
    assert!(std::sync::Arc::ptr_eq(panel, &first));
    assert!(std::sync::Arc::ptr_eq(judged, &first));
    // ours, the panel's and the marker's: no copy anywhere
    assert_eq!(std::sync::Arc::strong_count(&first), 3);

    update(&mut app, Msg::Probe(ok("api", 2, "status", 200.0).into()));
    assert_eq!(std::sync::Arc::strong_count(&first), 1);
}
