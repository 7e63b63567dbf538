//! What the engine watches over the whole window, with an injected clock: triggers, phase start
//! and finish, time budgets, and field targets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/marking.rs"]
mod marking;

use flightdeck::checklist::{Field, FieldKind, Severity};
use flightdeck::condition::TargetCheck;
use flightdeck::journal::{EventBody, EventKind};
use flightdeck::marking::{BudgetLevel, budget_status, field_check};
use marking::*;
use std::time::Duration;

#[test]
fn trigger_fires_once_after_its_for_and_clears_when_false() {
    let mut rig = Rig::new(checklist(
        vec![phase("p", None, vec![item("x", None)])],
        vec![trigger(
            "rollback-error-rate",
            "error_rate.value > 0.05 for 20s",
        )],
    ));
    rig.feed(ok("error_rate", 0, "value", 0.01));
    let events = rig.feed_ok("error_rate", "value", 0.062, 5, 20);
    assert!(events.is_empty(), "15 s is not 20 s: {events:?}");
    let events = rig.feed(ok("error_rate", 25, "value", 0.07));
    assert_eq!(kinds(&events), vec![EventKind::TriggerFired]);
    let fired = &events[0];
    assert_eq!(fired.actor, "flightdeck");
    let EventBody::TriggerFired(body) = &fired.body else {
        panic!("{fired:?}");
    };
    assert_eq!(body.trigger, "rollback-error-rate");
    assert_eq!(body.severity, Severity::Critical);
    assert_eq!(body.message, "Error rate > 5% sustained: roll back");
    assert_eq!(body.when, "error_rate.value > 0.05 for 20s");
    assert_eq!(number(&body.evidence[0]), 0.07);
    let t = &rig.session.triggers["rollback-error-rate"];
    assert!(t.active && t.unacknowledged);
    // still high: no second fire
    assert!(rig.feed_ok("error_rate", "value", 0.08, 30, 60).is_empty());
    // a blind probe is not an all-clear
    assert!(rig.feed(unknown("error_rate", 65)).is_empty());
    // acknowledged by a person, then the rate drops: cleared, with evidence
    rig.person(
        "alice",
        None,
        EventBody::trigger_acked("rollback-error-rate"),
        66,
    );
    let events = rig.feed(ok("error_rate", 70, "value", 0.01));
    assert_eq!(kinds(&events), vec![EventKind::TriggerCleared]);
    assert_eq!(number(&evidence(&events[0])[0]), 0.01);
    let t = &rig.session.triggers["rollback-error-rate"];
    assert!(!t.active && !t.unacknowledged);
    assert_eq!(t.acked_by.as_deref(), Some("alice"));
    assert_eq!(t.fired_count, 1);
    // and it can fire again, after its whole `for`
    let events = rig.feed_ok("error_rate", "value", 0.09, 75, 95);
    assert_eq!(kinds(&events), vec![EventKind::TriggerFired]);
    assert_eq!(rig.session.triggers["rollback-error-rate"].fired_count, 2);
}

#[test]
fn phases_start_at_first_touch_and_finish_again_after_an_untick() {
    let mut rig = Rig::new(checklist(
        vec![
            phase("prep", None, vec![item("a", None), item("b", None)]),
            phase("deploy", None, vec![item("c", None)]),
        ],
        vec![],
    ));
    let events = rig.person("alice", Some("b"), EventBody::field("size", "12"), 1);
    assert_eq!(
        kinds(&events),
        vec![EventKind::Field, EventKind::PhaseStarted]
    );
    assert_eq!(events[1].body, EventBody::phase_started("prep"));
    assert_eq!(events[1].actor, "flightdeck");
    let events = rig.person("alice", Some("a"), EventBody::tick(), 2);
    assert_eq!(kinds(&events), vec![EventKind::Tick]);
    let events = rig.person("bob", Some("b"), EventBody::skip("n/a"), 3);
    assert_eq!(
        kinds(&events),
        vec![EventKind::Skip, EventKind::PhaseFinished]
    );
    assert_eq!(rig.session.phases["prep"].finished_at, Some(at(3)));
    assert_eq!(rig.session.phases["prep"].started_at, Some(at(1)));
    assert!(!rig.session.phases.contains_key("deploy"));
    // untick: nothing journaled; done again: finished again
    assert_eq!(
        kinds(&rig.person("alice", Some("a"), EventBody::untick(), 4)),
        vec![EventKind::Untick]
    );
    let events = rig.person("alice", Some("a"), EventBody::tick(), 5);
    assert_eq!(
        kinds(&events),
        vec![EventKind::Tick, EventKind::PhaseFinished]
    );
    assert_eq!(rig.session.phases["prep"].finished_at, Some(at(5)));
    // a one-item phase ticked in one go: started, then finished
    let events = rig.person("alice", Some("c"), EventBody::tick(), 6);
    assert_eq!(
        kinds(&events),
        vec![
            EventKind::Tick,
            EventKind::PhaseStarted,
            EventKind::PhaseFinished
        ]
    );
}

#[test]
fn a_resumed_session_does_not_finish_its_phases_twice() {
    let mut rig = Rig::new(checklist(
        vec![phase("prep", None, vec![item("a", None)])],
        vec![],
    ));
    rig.person("alice", Some("a"), EventBody::tick(), 1);
    assert_eq!(rig.session.phases["prep"].finished_at, Some(at(1)));
    // a new screen starts on the same journal
    let mut marker = flightdeck::marking::Marker::new(&rig.checklist, &intervals()).unwrap();
    assert!(marker.on_journal(&rig.session, at(10)).is_empty());
}

#[test]
fn budget_warns_at_80_percent_and_overruns_past_100() {
    let five = Duration::from_secs(300);
    let mut rig = Rig::new(checklist(
        vec![phase(
            "migrate",
            Some(five),
            vec![item("a", None), item("b", None)],
        )],
        vec![],
    ));
    let p = rig.checklist.phases[0].clone();
    assert_eq!(
        budget_status(&p, &rig.session, at(100)),
        None,
        "not started"
    );
    rig.person("alice", Some("a"), EventBody::tick(), 0);
    let level = |rig: &Rig, secs| budget_status(&p, &rig.session, at(secs)).unwrap().level;
    assert_eq!(level(&rig, 0), BudgetLevel::Ok);
    assert_eq!(level(&rig, 239), BudgetLevel::Ok);
    assert_eq!(level(&rig, 240), BudgetLevel::Warning, "80 %");
    assert_eq!(
        level(&rig, 300),
        BudgetLevel::Warning,
        "100 % is not over yet"
    );
    assert_eq!(level(&rig, 301), BudgetLevel::Overrun);
    let s = budget_status(&p, &rig.session, at(192)).unwrap();
    assert_eq!((s.used, s.budget), (Duration::from_secs(192), five));
    // finished at 4:30: the clock stops there
    rig.person("alice", Some("b"), EventBody::tick(), 270);
    let s = budget_status(&p, &rig.session, at(900)).unwrap();
    assert_eq!(s.used, Duration::from_secs(270));
    assert_eq!(s.level, BudgetLevel::Warning);
    // reopened: it runs again from the start
    rig.person("alice", Some("b"), EventBody::untick(), 280);
    assert_eq!(
        budget_status(&p, &rig.session, at(900)).unwrap().level,
        BudgetLevel::Overrun
    );
}

#[test]
fn field_targets_are_met_or_missed_with_a_reason() {
    let latency = Field {
        id: "p95".into(),
        label: "p95 latency".into(),
        kind: FieldKind::Number,
        unit: Some("ms".into()),
        target: Some("< 500ms".into()),
        ..Field::default()
    };
    assert_eq!(field_check(&latency, "430"), TargetCheck::Met);
    assert_eq!(field_check(&latency, "0.4s"), TargetCheck::Met);
    match field_check(&latency, "620") {
        TargetCheck::Missed { why } => assert_eq!(why, "620 ms is not < 500ms"),
        other => panic!("{other:?}"),
    }
    let uptime = Field {
        target: Some("> 99%".into()),
        unit: None,
        ..latency.clone()
    };
    assert_eq!(field_check(&uptime, "99.95%"), TargetCheck::Met);
    assert!(matches!(
        field_check(&uptime, "98%"),
        TargetCheck::Missed { .. }
    ));
    let syncs = Field {
        target: Some("0".into()),
        unit: None,
        ..latency.clone()
    };
    assert!(matches!(
        field_check(&syncs, "3"),
        TargetCheck::Missed { .. }
    ));
    let go = Field {
        kind: FieldKind::Choice,
        options: vec!["GO".into(), "NO-GO".into()],
        target: Some("GO".into()),
        unit: None,
        ..latency.clone()
    };
    assert_eq!(field_check(&go, "GO"), TargetCheck::Met);
    assert_eq!(
        field_check(&go, "NO-GO"),
        TargetCheck::Missed {
            why: "NO-GO is not GO".into()
        }
    );
    let free = Field {
        target: None,
        ..latency
    };
    assert_eq!(field_check(&free, "anything"), TargetCheck::NotComparable);
}
