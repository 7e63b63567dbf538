//! What the engine compares against and watches after a tick, with an injected clock: baselines,
//! regression and recovery, overrides.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/marking.rs"]
mod marking;

use flightdeck::condition::SampleLookup;
use flightdeck::journal::{Baseline, BaselineValue, EventBody, EventKind, Tick};
use flightdeck::probes::ProbeState;
use flightdeck::session::ItemState;
use marking::*;

const NO_WORSE: &str = "error_rate.value <= baseline(error_rate.value) * 1.2 for 10s";

#[test]
fn first_good_sample_of_each_probe_is_the_baseline_and_the_fold_merges_them() {
    let mut rig = Rig::new(checklist(
        vec![phase("p", None, vec![item("x", None)])],
        vec![],
    ));
    // an UNKNOWN first sample is no baseline
    assert!(rig.feed(unknown("error_rate", 0)).is_empty());
    let events = rig.feed(ok("error_rate", 5, "value", 0.010));
    assert_eq!(kinds(&events), vec![EventKind::Baseline]);
    assert_eq!(events[0].actor, "flightdeck");
    assert_eq!(baseline(&events[0]).scope, "session");
    assert_eq!(
        captured_value(baseline(&events[0]), "error_rate", "value"),
        0.010
    );
    // later samples of the same probe change nothing; another probe adds its own
    assert!(rig.feed(ok("error_rate", 10, "value", 0.5)).is_empty());
    let events = rig.feed(sample(
        "redis",
        10,
        ProbeState::Warn,
        &[("used_memory_ratio", 0.8)],
    ));
    assert_eq!(kinds(&events), vec![EventKind::Baseline]);

    let baselines = rig.session.baseline_samples("session");
    assert_eq!(
        baselines.len(),
        2,
        "merged, not replaced: {:?}",
        rig.session.baselines
    );
    assert_eq!(baselines["error_rate"].at, at(5));
    assert_eq!(
        baselines["error_rate"]
            .output("value")
            .and_then(|v| v.as_f64()),
        Some(0.010)
    );
    assert_eq!(baselines["redis"].state, ProbeState::Warn);

    // a second capture of a probe (another screen raced us) does not move the first
    let late = ok("error_rate", 99, "value", 0.9);
    let values = [("error_rate".to_owned(), BaselineValue::Sample(late))];
    rig.person(
        "flightdeck",
        None,
        EventBody::Baseline(Baseline {
            scope: "session".into(),
            values: values.into_iter().collect(),
        }),
        99,
    );
    assert_eq!(
        rig.session.baseline_samples("session")["error_rate"].at,
        at(5)
    );
    assert!(rig.session.has_baseline("session", "redis"));
}

#[test]
fn no_worse_than_the_baseline() {
    let mut rig = Rig::new(checklist(
        vec![phase("p", None, vec![item("steady", Some(NO_WORSE))])],
        vec![],
    ));
    // baseline 1.0 %: 1.3 % is worse than 1.2 ×
    rig.feed(ok("error_rate", 0, "value", 0.010));
    let events = rig.feed_ok("error_rate", "value", 0.013, 5, 30);
    assert!(!kinds(&events).contains(&EventKind::Pending), "{events:?}");
    // 1.1 % is within: pending, then ticked after 10 s with the baseline in the evidence
    let events = rig.feed_ok("error_rate", "value", 0.011, 35, 45);
    assert_eq!(
        kinds(&events),
        vec![
            EventKind::Pending,
            EventKind::Tick,
            EventKind::PhaseStarted,
            EventKind::PhaseFinished
        ]
    );
    let tick = &events[1];
    let evidence = evidence(tick);
    assert_eq!(evidence.len(), 2);
    assert_eq!(number(&evidence[0]), 0.011);
    assert_eq!(evidence[0].at, Some(at(45)));
    assert!(evidence[1].baseline);
    assert_eq!(number(&evidence[1]), 0.010);
    assert_eq!(evidence[1].at, Some(at(0)));
}

#[test]
fn the_baseline_is_used_before_the_journal_hands_it_back() {
    let mut rig = Rig::new(checklist(
        vec![phase(
            "p",
            None,
            vec![item(
                "steady",
                Some("error_rate.value <= baseline(error_rate.value) * 1.2"),
            )],
        )],
        vec![],
    ));
    // nothing committed: the engine still compares against its own capture
    let asked = rig
        .marker
        .on_sample(&ok("error_rate", 0, "value", 0.010).into(), &rig.session);
    assert_eq!(
        kinds_new(&asked),
        vec![EventKind::Baseline, EventKind::Tick]
    );
}

fn kinds_new(events: &[flightdeck::store::NewEvent]) -> Vec<EventKind> {
    events.iter().map(|e| e.kind()).collect()
}

fn ticked_health() -> Rig {
    let mut rig = Rig::new(checklist(
        vec![phase(
            "p",
            None,
            vec![
                item("health", Some("api.status == 200 for 10s")),
                item("other", None),
            ],
        )],
        vec![],
    ));
    rig.feed_ok("api", "status", 200.0, 0, 10);
    assert_eq!(rig.session.item_state("health"), ItemState::Done);
    rig
}

#[test]
fn regression_keeps_the_tick_is_journaled_once_with_evidence_and_recovers() {
    let mut rig = ticked_health();
    let events = rig.feed(ok("api", 15, "status", 503.0));
    assert_eq!(kinds(&events), vec![EventKind::Regressed]);
    assert_eq!(events[0].actor, "flightdeck");
    assert_eq!(events[0].item.as_deref(), Some("health"));
    assert_eq!(number(&evidence(&events[0])[0]), 503.0);
    assert_eq!(evidence(&events[0])[0].at, Some(at(15)));
    let status = rig.session.item("health").unwrap();
    assert_eq!(
        status.state,
        ItemState::Done,
        "never unticked by the engine"
    );
    assert!(status.regressed);
    // still bad: nothing more
    assert!(rig.feed_ok("api", "status", 503.0, 20, 40).is_empty());
    // good again: recovery needs the whole `for` again (10 s from 45 s)
    assert!(rig.feed_ok("api", "status", 200.0, 45, 50).is_empty());
    let events = rig.feed(ok("api", 55, "status", 200.0));
    assert_eq!(kinds(&events), vec![EventKind::Recovered]);
    assert_eq!(number(&evidence(&events[0])[0]), 200.0);
    let status = rig.session.item("health").unwrap();
    assert!(!status.regressed);
    assert_eq!(status.regressions, 1);
    assert_eq!(status.state, ItemState::Done);
}

#[test]
fn one_unknown_is_a_lost_poll_two_in_a_row_are_a_regression() {
    let mut rig = ticked_health();
    assert!(rig.feed(unknown("api", 15)).is_empty());
    assert!(rig.feed(ok("api", 20, "status", 200.0)).is_empty());
    assert!(rig.feed(unknown("api", 25)).is_empty());
    let events = rig.feed(unknown("api", 30));
    assert_eq!(kinds(&events), vec![EventKind::Regressed]);
    let EventBody::Regressed(check) = &events[0].body else {
        panic!("{:?}", events[0]);
    };
    assert!(check.reason.as_ref().unwrap().contains("api"), "{check:?}");
    assert_eq!(check.evidence[0].state, Some(ProbeState::Unknown));
}

#[test]
fn a_hand_override_is_journaled_and_the_engine_does_not_tick_again() {
    let mut rig = Rig::new(checklist(
        vec![phase(
            "p",
            None,
            vec![
                item("health", Some("api.status == 200 for 60s")),
                item("other", None),
            ],
        )],
        vec![],
    ));
    rig.feed_ok("api", "status", 200.0, 0, 10);
    assert!(rig.session.item("health").unwrap().pending_since.is_some());
    let tick = Tick {
        overridden: true,
        reason: Some("verified by hand in the console".into()),
        ..Tick::default()
    };
    rig.person("alice", Some("health"), EventBody::Tick(tick), 12);
    let status = rig.session.item("health").unwrap();
    assert_eq!(status.state, ItemState::Done);
    assert_eq!(status.by.as_deref(), Some("alice"));
    assert!(status.overridden);
    assert_eq!(
        status.override_reason.as_deref(),
        Some("verified by hand in the console")
    );
    let events = rig.feed_ok("api", "status", 200.0, 15, 120);
    assert!(
        events.is_empty(),
        "no second tick by flightdeck: {events:?}"
    );
    // once seen good, it is watched like any other ticked item
    assert_eq!(
        kinds(&rig.feed(ok("api", 125, "status", 500.0))),
        vec![EventKind::Regressed]
    );
}

#[test]
fn an_override_over_a_condition_that_never_held_is_not_a_regression() {
    let mut rig = Rig::new(checklist(
        vec![phase(
            "p",
            None,
            vec![
                item("health", Some("api.status == 200 for 10s")),
                item("other", None),
            ],
        )],
        vec![],
    ));
    rig.feed(ok("api", 0, "status", 500.0));
    let tick = Tick {
        overridden: true,
        ..Tick::default()
    };
    rig.person("alice", Some("health"), EventBody::Tick(tick), 2);
    let events = rig.feed_ok("api", "status", 500.0, 5, 30);
    assert!(events.is_empty(), "{events:?}");
    rig.feed(ok("api", 35, "status", 200.0));
    assert_eq!(
        kinds(&rig.feed(ok("api", 40, "status", 500.0))),
        vec![EventKind::Regressed]
    );
}

#[test]
fn the_session_baselines_feed_a_sample_lookup() {
    let mut rig = Rig::new(checklist(
        vec![phase("p", None, vec![item("x", None)])],
        vec![],
    ));
    rig.feed(ok("error_rate", 0, "value", 0.02));
    let baselines = flightdeck::condition::Baselines::from([(
        "session".to_string(),
        rig.session.baseline_samples("session"),
    )]);
    let latest = std::collections::HashMap::from([(
        "error_rate".to_string(),
        ok("error_rate", 60, "value", 0.03),
    )]);
    let lookup = SampleLookup::new(&latest).with_baselines(&baselines);
    let cond = flightdeck::condition::parse("error_rate.value <= baseline(error_rate.value) * 1.2")
        .unwrap();
    assert!(cond.eval(&lookup).is_false());
    let cond =
        flightdeck::condition::parse("error_rate.value <= baseline(error_rate.value) * 2").unwrap();
    assert!(cond.eval(&lookup).is_true());
}

#[test]
fn no_new_regression_once_the_team_has_moved_past_the_phase() {
    let mut rig = Rig::new(checklist(
        vec![
            phase(
                "drain",
                None,
                vec![item("queue-drained", Some("queue.value == 0 for 10s"))],
            ),
            phase("resume", None, vec![item("sync-on", None)]),
        ],
        vec![],
    ));
    rig.feed_ok("queue", "value", 0.0, 0, 10);
    assert_eq!(rig.session.item_state("queue-drained"), ItemState::Done);
    // in its own phase, a bad sample regresses it
    let events = rig.feed(ok("queue", 15, "value", 12.0));
    assert_eq!(kinds(&events), vec![EventKind::Regressed]);
    assert!(
        rig.feed_ok("queue", "value", 0.0, 20, 40)
            .iter()
            .any(|e| e.kind() == EventKind::Recovered)
    );
    // the next phase starts (the team turns the sync back on): the queue filling up again is
    // expected and no longer a regression of the drain step
    rig.person("alice", Some("sync-on"), EventBody::tick(), 45);
    assert!(
        rig.session
            .phases
            .get("resume")
            .is_some_and(|p| p.started_at.is_some())
    );
    let events = rig.feed(ok("queue", 50, "value", 40.0));
    assert!(
        events.iter().all(|e| e.kind() != EventKind::Regressed),
        "{:?}",
        kinds(&events)
    );
    assert!(!rig.session.item("queue-drained").unwrap().regressed);
}
