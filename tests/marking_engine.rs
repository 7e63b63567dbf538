//! The auto-marking engine alone, with an injected clock: `for` windows (hold, break, hold again,
//! two samples, gaps), pending journaled once, ticks with evidence, nothing asked twice, and auto
//! items waiting for their phase.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/marking.rs"]
mod marking;

use flightdeck::journal::{EventBody, EventKind, Untick};
use flightdeck::marking::{AutoStatus, WaitWhy};
use flightdeck::marking::{MarkSubject, Marker};
use flightdeck::probes::ProbeState;
use flightdeck::session::ItemState;
use marking::*;

const HEALTH: &str = "api.status == 200 for 30s";

fn health_rig() -> Rig {
    Rig::new(checklist(
        vec![phase(
            "prep",
            None,
            vec![item("health", Some(HEALTH)), item("tag", None)],
        )],
        vec![],
    ))
}

fn remaining(rig: &Rig, secs: i64) -> Option<u64> {
    match rig.marker.auto_status(at(secs)).get("health") {
        Some(AutoStatus::Pending { remaining_ms, .. }) => Some(*remaining_ms),
        Some(AutoStatus::Waiting { .. }) => None,
        None => panic!("health has no auto status"),
    }
}

#[test]
fn holds_breaks_holds_again_and_the_countdown_restarts() {
    let mut rig = health_rig();
    assert_eq!(remaining(&rig, 0), None, "waiting before any sample");

    // true at 0 s: pending, journaled once with evidence
    let events = rig.feed(ok("api", 0, "status", 200.0));
    let pending: Vec<_> = events
        .iter()
        .filter(|e| e.kind() == EventKind::Pending)
        .collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].actor, "flightdeck");
    assert_eq!(pending[0].item.as_deref(), Some("health"));
    assert_eq!(evidence(pending[0])[0].path, "status");
    assert_eq!(number(&evidence(pending[0])[0]), 200.0);
    assert_eq!(remaining(&rig, 0), Some(30_000));

    // still true at 5, 10: no new pending; the countdown runs with the clock between samples
    let events = rig.feed_ok("api", "status", 200.0, 5, 10);
    assert!(
        !kinds(&events).contains(&EventKind::Pending),
        "pending journaled once: {events:?}"
    );
    assert_eq!(remaining(&rig, 12), Some(18_000));

    // breaks at 15 s
    let events = rig.feed(ok("api", 15, "status", 503.0));
    assert!(events.iter().all(|e| e.kind() != EventKind::Tick));
    assert_eq!(remaining(&rig, 15), None);

    // holds again from 20 s: the countdown starts over
    rig.feed(ok("api", 20, "status", 200.0));
    assert_eq!(remaining(&rig, 20), Some(30_000));
    let events = rig.feed_ok("api", "status", 200.0, 25, 45);
    assert!(
        !kinds(&events).contains(&EventKind::Tick),
        "45 s is 25 s of holding, not 30"
    );
    assert_eq!(rig.session.item_state("health"), ItemState::Todo);
    assert_eq!(remaining(&rig, 45), Some(5_000));

    // 50 s: held for 30 s → ticked by flightdeck with evidence and the condition
    let events = rig.feed(ok("api", 50, "status", 200.0));
    let tick = events
        .iter()
        .find(|e| e.kind() == EventKind::Tick)
        .expect("ticked at 50 s");
    assert_eq!(tick.actor, "flightdeck");
    let EventBody::Tick(body) = &tick.body else {
        panic!("{tick:?}");
    };
    assert_eq!(body.auto.as_deref(), Some(HEALTH));
    assert_eq!(body.item_text.as_deref(), Some("Item health"));
    let ev = &evidence(tick)[0];
    assert_eq!(ev.probe, "api");
    assert_eq!(number(ev), 200.0);
    assert_eq!(ev.state, Some(ProbeState::Ok));
    assert_eq!(ev.at, Some(at(50)));
    let status = rig.session.item("health").unwrap();
    assert_eq!(status.state, ItemState::Done);
    assert_eq!(status.by.as_deref(), Some("flightdeck"));
    assert!(status.evidence.is_some());
    assert!(!status.overridden);
    // done items leave the countdown
    assert!(!rig.marker.auto_status(at(50)).contains_key("health"));
    // and nothing more happens while it stays true
    assert!(rig.feed_ok("api", "status", 200.0, 55, 120).is_empty());
}

#[test]
fn a_flapping_condition_is_not_journaled_as_pending_every_time() {
    let mut rig = health_rig();
    let mut pending = 0;
    for t in (0..60).step_by(5) {
        let v = if (t / 5) % 2 == 0 { 200.0 } else { 500.0 };
        pending += kinds(&rig.feed(ok("api", t, "status", v)))
            .iter()
            .filter(|k| **k == EventKind::Pending)
            .count();
    }
    // runs start at 0, 10, 20 … 50 s: journaled at most once per `for` (30 s)
    assert_eq!(pending, 2);
}

#[test]
fn time_alone_never_ticks_it_takes_a_second_sample() {
    let mut rig = Rig::new(checklist(
        vec![phase(
            "prep",
            None,
            vec![item("health", Some("api.status == 200 for 5s"))],
        )],
        vec![],
    ));
    rig.feed(ok("api", 0, "status", 200.0));
    // the clock passes the `for` with no new sample: still not ticked, and after 1.5 intervals
    // with no sample the countdown is no longer shown
    assert!(matches!(
        rig.marker.auto_status(at(5)).get("health"),
        Some(AutoStatus::Pending {
            remaining_ms: 0,
            ..
        })
    ));
    assert_eq!(
        rig.marker.auto_status(at(8)).get("health"),
        Some(&AutoStatus::Waiting { why: WaitWhy::Gap })
    );
    assert_eq!(rig.session.item_state("health"), ItemState::Todo);
    // the second sample, 5 s on, completes it
    let events = rig.feed(ok("api", 5, "status", 200.0));
    assert!(kinds(&events).contains(&EventKind::Tick));
}

#[test]
fn a_condition_without_for_ticks_on_one_true_sample() {
    let mut rig = Rig::new(checklist(
        vec![phase("prep", None, vec![item("up", Some("api.ok"))])],
        vec![],
    ));
    let events = rig.feed(ok("api", 0, "status", 200.0));
    assert_eq!(
        kinds(&events),
        vec![
            EventKind::Baseline,
            EventKind::Tick,
            EventKind::PhaseStarted,
            EventKind::PhaseFinished
        ]
    );
}

#[test]
fn a_gap_in_samples_restarts_the_count() {
    let mut rig = health_rig();
    rig.feed_ok("api", "status", 200.0, 0, 10);
    // the probe is silent from 10 s to 20 s (more than 1.5 × 5 s): shown as waiting meanwhile
    assert_eq!(remaining(&rig, 18), None);
    rig.feed(ok("api", 20, "status", 200.0));
    assert_eq!(remaining(&rig, 20), Some(30_000), "counting from 20 s");
    let events = rig.feed_ok("api", "status", 200.0, 25, 45);
    assert!(!kinds(&events).contains(&EventKind::Tick));
    assert!(kinds(&rig.feed(ok("api", 50, "status", 200.0))).contains(&EventKind::Tick));
}

#[test]
fn an_unknown_sample_restarts_the_count_and_is_never_a_pass() {
    let mut rig = health_rig();
    rig.feed_ok("api", "status", 200.0, 0, 25);
    rig.feed(unknown("api", 30));
    assert_eq!(remaining(&rig, 30), None);
    let events = rig.feed_ok("api", "status", 200.0, 35, 60);
    assert!(
        !kinds(&events).contains(&EventKind::Tick),
        "needs 30 s from 35 s"
    );
    assert!(kinds(&rig.feed(ok("api", 65, "status", 200.0))).contains(&EventKind::Tick));
}

#[test]
fn nothing_is_asked_twice_while_in_flight() {
    let mut rig = health_rig();
    // the journal is slow: nothing comes back; the engine asks once…
    let mut ticks = Vec::new();
    for t in (0..=100).step_by(5) {
        let asked = rig
            .marker
            .on_sample(&ok("api", t, "status", 200.0).into(), &rig.session);
        if asked.iter().any(|e| e.kind() == EventKind::Tick) {
            ticks.push(t);
        }
    }
    // …and again only after a generous timeout (60 s), in case that write was lost
    assert_eq!(ticks, vec![30, 95]);
}

#[test]
fn an_unticked_auto_item_must_hold_its_whole_for_again() {
    let mut rig = health_rig();
    rig.feed_ok("api", "status", 200.0, 0, 30);
    assert_eq!(rig.session.item_state("health"), ItemState::Done);
    let untick = Untick {
        reason: Some("not yet".into()),
        item_text: None,
    };
    rig.person("alice", Some("health"), EventBody::Untick(untick), 32);
    let events = rig.feed_ok("api", "status", 200.0, 35, 60);
    assert!(
        !kinds(&events).contains(&EventKind::Tick),
        "not straight back: {events:?}"
    );
    let events = rig.feed(ok("api", 65, "status", 200.0));
    assert!(kinds(&events).contains(&EventKind::Tick));
}

#[test]
fn auto_items_of_a_later_phase_wait_for_their_phase() {
    let mut rig = Rig::new(checklist(
        vec![
            phase("prep", None, vec![item("tag", None)]),
            phase(
                "deploy",
                None,
                vec![
                    item("drained", Some("write_queue.value == 0 for 10s")),
                    item("migrate", None),
                ],
            ),
        ],
        vec![],
    ));
    // the queue is empty before the window even starts: that proves nothing about the deploy
    let events = rig.feed_ok("write_queue", "value", 0.0, 0, 30);
    assert_eq!(kinds(&events), vec![EventKind::Baseline]);
    // and the detail pane says why it waits
    assert!(matches!(
        rig.marker.auto_status(at(30)).get("drained"),
        Some(AutoStatus::Waiting {
            why: WaitWhy::Phase(_)
        })
    ));
    // someone starts the deploy phase (a note on one of its items): the item arms
    let events = rig.person("alice", Some("migrate"), EventBody::note("go"), 31);
    assert_eq!(
        kinds(&events),
        vec![EventKind::Note, EventKind::PhaseStarted]
    );
    let events = rig.feed_ok("write_queue", "value", 0.0, 35, 45);
    assert_eq!(kinds(&events), vec![EventKind::Pending, EventKind::Tick]);
}

#[test]
fn bad_conditions_are_all_reported_by_item_and_trigger() {
    let c = checklist(
        vec![phase(
            "p",
            None,
            vec![item("a", Some("api.status == ")), item("b", Some("api.ok"))],
        )],
        vec![trigger("t", "error_rate.value >> 1")],
    );
    let errors = Marker::new(&c, &intervals()).unwrap_err();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].subject, MarkSubject::Item("a".into()));
    assert_eq!(errors[1].subject, MarkSubject::Trigger("t".into()));
    assert!(errors[1].error.column > 1);
    assert!(errors[0].to_string().contains("item `a`"), "{}", errors[0]);
}

#[test]
fn a_stale_sibling_probe_keeps_a_two_probe_condition_from_ticking() {
    let mut rig = Rig::new(checklist(
        vec![phase(
            "p",
            None,
            vec![item("both", Some("api.ok && redis.ok for 30s"))],
        )],
        vec![],
    ));
    rig.feed(sample("redis", 0, ProbeState::Ok, &[("latency", 0.4)]));
    // redis stops answering; api keeps coming: redis is stale past 10 s, and nothing ticks
    let events = rig.feed_ok("api", "status", 200.0, 0, 60);
    assert!(!kinds(&events).contains(&EventKind::Tick), "{events:?}");
}
