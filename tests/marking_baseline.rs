//! Baselines of a phase, with an injected clock: `baseline(probe.output, "PHASE")` reads the value
//! captured when that phase started — not the session's — captured once, from the latest good
//! sample at the start or the first good one after it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/marking.rs"]
mod marking;

use flightdeck::journal::{Baseline, BaselineValue, Event, EventBody, EventKind, NewEvent};
use flightdeck::probes::ProbeState;
use flightdeck::session::ItemState;
use marking::*;

const NO_WORSE_THAN_AT_DEPLOY: &str =
    "error_rate.value <= baseline(error_rate.value, \"deploy\") * 1.2 for 10s";

/// Prepare (one manual item), then deploy: a manual "begin" and an item bound to the error rate
/// as it was when the deploy started.
fn deploy_rig(extra_trigger: Option<&str>) -> Rig {
    Rig::new(checklist(
        vec![
            phase("prepare", None, vec![item("announce", None)]),
            phase(
                "deploy",
                None,
                vec![
                    item("begin", None),
                    item("steady", Some(NO_WORSE_THAN_AT_DEPLOY)),
                ],
            ),
        ],
        extra_trigger
            .map(|when| vec![trigger("slow", when)])
            .unwrap_or_default(),
    ))
}

fn baselines_of(events: &[Event], scope: &str) -> Vec<Event> {
    events
        .iter()
        .filter(|e| matches!(&e.body, EventBody::Baseline(b) if b.scope == scope))
        .cloned()
        .collect()
}

#[test]
fn a_phase_baseline_is_the_value_when_the_phase_started_not_the_sessions() {
    let mut rig = deploy_rig(None);
    // the session starts quiet: 0.1 %
    let events = rig.feed(ok("error_rate", 0, "value", 0.001));
    assert_eq!(baselines_of(&events, "session").len(), 1);
    // during preparation the error rate settles at 1 %; no phase has started, nothing captured
    let events = rig.feed_ok("error_rate", "value", 0.010, 5, 25);
    assert!(events.is_empty(), "{:?}", kinds(&events));
    rig.person("alice", Some("announce"), EventBody::tick(), 27);
    assert!(rig.session.baseline_samples("deploy").is_empty());

    // alice begins the deploy: the phase starts and its baseline is the latest sample (t = 25 s)
    let events = rig.person("alice", Some("begin"), EventBody::tick(), 30);
    assert_eq!(
        kinds(&events),
        vec![
            EventKind::Tick,
            EventKind::PhaseStarted,
            EventKind::Baseline
        ],
        "deploy starts, and its baseline follows"
    );
    let captured = &events[2];
    assert_eq!(captured.actor, "flightdeck");
    assert_eq!(baseline(captured).scope, "deploy");
    assert_eq!(
        captured_value(baseline(captured), "error_rate", "value"),
        0.010
    );
    let deploy = rig.session.baseline_samples("deploy");
    assert_eq!(deploy["error_rate"].at, at(25));
    // the session's stays what it was
    assert_eq!(
        rig.session.baseline_samples("session")["error_rate"]
            .output("value")
            .and_then(|v| v.as_f64()),
        Some(0.001)
    );

    // 1.1 % is far worse than the session's 0.1 % but within 1.2 × the deploy's 1 %: it ticks
    let events = rig.feed_ok("error_rate", "value", 0.011, 35, 45);
    assert_eq!(
        kinds(&events),
        vec![
            EventKind::Pending,
            EventKind::Tick,
            EventKind::PhaseFinished
        ]
    );
    assert_eq!(rig.session.item_state("steady"), ItemState::Done);
    let evidence = evidence(&events[1]);
    assert_eq!(evidence.len(), 2);
    assert_eq!(number(&evidence[0]), 0.011);
    assert_eq!(evidence[0].at, Some(at(45)));
    assert!(evidence[1].baseline);
    assert_eq!(evidence[1].scope.as_deref(), Some("deploy"));
    assert_eq!(number(&evidence[1]), 0.010);
    assert_eq!(evidence[1].at, Some(at(25)));

    // captured once: later samples and journal moves ask for nothing more
    let events = rig.feed_ok("error_rate", "value", 0.5, 50, 60);
    assert!(baselines_of(&events, "deploy").is_empty());
    assert_eq!(
        rig.journal
            .events
            .iter()
            .filter(|e| e.kind() == EventKind::Baseline)
            .count(),
        2
    );
}

#[test]
fn a_phase_item_waits_for_its_baseline() {
    let mut rig = deploy_rig(None);
    rig.person("alice", Some("announce"), EventBody::tick(), 0);
    // deploy is the current phase, but has not started: no baseline, so no verdict and no tick
    let events = rig.feed_ok("error_rate", "value", 0.010, 5, 40);
    assert_eq!(kinds(&events), vec![EventKind::Baseline]);
    assert_eq!(baseline(&events[0]).scope, "session");
    assert_eq!(rig.session.item_state("steady"), ItemState::Todo);
    assert!(
        rig.session
            .item("steady")
            .is_none_or(|s| s.pending_since.is_none())
    );
}

#[test]
fn probes_unknown_or_stale_at_the_start_are_captured_from_their_first_good_sample() {
    let mut rig = deploy_rig(Some(
        r#"api.latency > baseline(api.latency, "deploy") * 3 for 1m"#,
    ));
    rig.feed(ok("error_rate", 0, "value", 0.010));
    rig.feed(ok("redis", 0, "used_memory_ratio", 0.5));
    rig.person("alice", Some("announce"), EventBody::tick(), 1);
    // at the deploy's start the API is UNKNOWN and the error rate's last sample is stale
    // (60 s old, polled every 5 s)
    rig.feed(ok("api", 50, "latency", 40.0));
    rig.feed(unknown("api", 55));
    let events = rig.person("alice", Some("begin"), EventBody::tick(), 60);
    assert!(
        baselines_of(&events, "deploy").is_empty(),
        "nothing good to capture: {events:?}"
    );
    // each is captured from its first good sample after the start, on its own
    let events = rig.feed(unknown("api", 60));
    assert!(baselines_of(&events, "deploy").is_empty());
    let events = rig.feed(ok("api", 65, "latency", 45.0));
    let deploy = baselines_of(&events, "deploy");
    assert_eq!(deploy.len(), 1);
    assert_eq!(captured_value(baseline(&deploy[0]), "api", "latency"), 45.0);
    let events = rig.feed(ok("error_rate", 65, "value", 0.02));
    let deploy = baselines_of(&events, "deploy");
    assert_eq!(deploy.len(), 1);
    assert_eq!(
        captured_value(baseline(&deploy[0]), "error_rate", "value"),
        0.02
    );
    // only what a condition reads in the phase's scope: redis is not in it
    let captured = rig.session.baseline_samples("deploy");
    let mut probes: Vec<&str> = captured.keys().map(String::as_str).collect();
    probes.sort_unstable();
    assert_eq!(probes, ["api", "error_rate"]);
    assert_eq!(captured["api"].at, at(65));

    // the trigger compares with the deploy's 45 ms: 140 ms is over 3 ×, and fires after 1 min
    let events = rig.feed_ok("api", "latency", 140.0, 70, 130);
    assert_eq!(kinds(&events), vec![EventKind::TriggerFired]);
    let evidence = evidence(&events[0]);
    assert_eq!(evidence[1].scope.as_deref(), Some("deploy"));
    assert_eq!(number(&evidence[1]), 45.0);
}

#[test]
fn all_probes_good_at_the_start_share_one_event() {
    let mut rig = deploy_rig(Some(r#"api.latency > baseline(api.latency, "deploy") * 3"#));
    rig.feed(ok("error_rate", 0, "value", 0.010));
    rig.feed(sample("api", 0, ProbeState::Warn, &[("latency", 400.0)]));
    rig.person("alice", Some("announce"), EventBody::tick(), 1);
    let events = rig.person("alice", Some("begin"), EventBody::tick(), 2);
    let deploy = baselines_of(&events, "deploy");
    assert_eq!(deploy.len(), 1, "{events:?}");
    let values = &baseline(&deploy[0]).values;
    assert_eq!(values.len(), 2);
    // WARN is a state worth comparing with, as for the session's baseline
    assert_eq!(values["api"].sample().unwrap().state, ProbeState::Warn);
}

#[test]
fn a_phase_capture_is_asked_once_while_in_flight_and_used_meanwhile() {
    let mut rig = deploy_rig(None);
    rig.person("alice", Some("announce"), EventBody::tick(), 0);
    rig.feed(ok("error_rate", 5, "value", 0.010));
    // the deploy starts, seen by this screen; its baseline is asked for but not yet journaled
    let started = rig.journal.append(
        vec![NewEvent::new(
            "flightdeck",
            EventBody::phase_started("deploy"),
        )],
        at(10),
    );
    rig.session.apply(&started[0]);
    let asked = rig.marker.on_journal(&rig.session, at(10));
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].kind(), EventKind::Baseline);
    assert!(matches!(&asked[0].body, EventBody::Baseline(b) if b.scope == "deploy"));
    assert!(rig.marker.on_journal(&rig.session, at(11)).is_empty());
    // a sample meanwhile: compared with the capture in flight, and not captured again
    let asked = rig
        .marker
        .on_sample(&ok("error_rate", 15, "value", 0.011).into(), &rig.session);
    assert!(
        asked.iter().all(|e| e.kind() != EventKind::Baseline),
        "{asked:?}"
    );
    assert_eq!(
        asked.iter().map(|e| e.kind()).collect::<Vec<_>>(),
        vec![EventKind::Pending]
    );
}

#[test]
fn a_capture_racing_another_screens_keeps_the_first() {
    let mut rig = deploy_rig(None);
    rig.person("alice", Some("announce"), EventBody::tick(), 0);
    rig.feed(ok("error_rate", 5, "value", 0.010));
    rig.person("alice", Some("begin"), EventBody::tick(), 10);
    // another screen's capture of the same phase lands later: the first wins
    let late = ok("error_rate", 12, "value", 0.9);
    let values = [("error_rate".to_owned(), BaselineValue::Sample(late))];
    rig.person(
        "flightdeck",
        None,
        EventBody::Baseline(Baseline {
            scope: "deploy".into(),
            values: values.into_iter().collect(),
        }),
        12,
    );
    assert_eq!(
        rig.session.baseline_samples("deploy")["error_rate"].at,
        at(5)
    );
}
