//! The fold, event by event: ticks, skips, notes, fields, co-signs, regressions, baselines.

use super::*;
use crate::checklist::{Item, Phase};
use crate::journal::{Baseline, EventBody, GoNoGo, Skip, Tick};
use serde_json::json;

pub(super) fn checklist() -> Checklist {
    Checklist {
        title: "t".into(),
        phases: vec![Phase {
            id: "p".into(),
            name: "P".into(),
            items: vec![
                Item {
                    id: "a".into(),
                    text: "A".into(),
                    ..Item::default()
                },
                Item {
                    id: "b".into(),
                    text: "B".into(),
                    cosign: true,
                    ..Item::default()
                },
            ],
            ..Phase::default()
        }],
        ..Checklist::default()
    }
}

pub(super) fn ev(seq: i64, actor: &str, item: Option<&str>, body: EventBody) -> Event {
    Event {
        seq,
        session: "s".into(),
        at: DateTime::from_timestamp(1_700_000_000 + seq, 0).unwrap_or_default(),
        actor: actor.into(),
        item: item.map(str::to_owned),
        body,
        key: None,
    }
}

#[test]
fn tick_untick_skip_note_field() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    assert!(s.apply(&ev(1, "alice", Some("a"), EventBody::tick())));
    assert_eq!(s.item_state("a"), ItemState::Done);
    assert_eq!(
        s.item("a").and_then(|i| i.by.clone()).as_deref(),
        Some("alice")
    );
    s.apply(&ev(2, "alice", Some("a"), EventBody::untick()));
    assert_eq!(s.item_state("a"), ItemState::Todo);
    s.apply(&ev(3, "bob", Some("a"), EventBody::skip("n/a here")));
    assert_eq!(s.item_state("a"), ItemState::Skipped);
    s.apply(&ev(4, "bob", Some("a"), EventBody::note("why")));
    s.apply(&ev(5, "bob", Some("a"), EventBody::field("size", "12")));
    let a = s.item("a").cloned().unwrap_or_default();
    assert_eq!(a.skip_reason.as_deref(), Some("n/a here"));
    assert_eq!(a.notes.len(), 1);
    assert_eq!(a.fields.get("size").map(|f| f.value.as_str()), Some("12"));
    assert_eq!(a.history, vec![1, 2, 3, 4, 5]);
    assert_eq!(s.actors, vec!["alice".to_string(), "bob".to_string()]);
}

#[test]
fn an_override_keeps_its_reason_and_a_tick_its_note() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    let tick = Tick {
        overridden: true,
        reason: Some("checked by hand".into()),
        note: Some("12 GB".into()),
        ..Tick::default()
    };
    s.apply(&ev(1, "alice", Some("a"), EventBody::Tick(tick)));
    let a = s.item("a").cloned().unwrap_or_default();
    assert!(a.overridden);
    assert_eq!(a.override_reason.as_deref(), Some("checked by hand"));
    assert_eq!(a.notes[0].text, "12 GB");
}

#[test]
fn replayed_events_are_ignored() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    let e = ev(7, "alice", Some("a"), EventBody::tick());
    assert!(s.apply(&e));
    assert!(!s.apply(&e));
    assert_eq!(s.events.len(), 1);
}

#[test]
fn a_raw_event_is_kept_and_changes_nothing_else() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    let raw = EventBody::from_stored("handover", json!({"to": "bob"}));
    s.apply(&ev(1, "alice", Some("a"), raw.clone()));
    s.apply(&ev(2, "alice", None, raw));
    let unreadable_skip = EventBody::from_stored("skip", json!({"reason": 5}));
    s.apply(&ev(3, "alice", Some("a"), unreadable_skip));
    assert_eq!(s.events.len(), 3);
    assert_eq!(s.item_state("a"), ItemState::Todo);
    assert_eq!(s.item("a").map(|i| i.history.clone()), Some(vec![1, 3]));
    assert_eq!(s.actors, vec!["alice".to_string()]);
}

#[test]
fn cosign_needs_a_second_person() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    s.apply(&ev(1, "alice", Some("b"), EventBody::tick()));
    assert_eq!(s.item_state("b"), ItemState::AwaitingCosign);
    s.apply(&ev(2, "alice", Some("b"), EventBody::cosign()));
    assert_eq!(s.item_state("b"), ItemState::AwaitingCosign);
    s.apply(&ev(3, "bob", Some("b"), EventBody::cosign()));
    assert_eq!(s.item_state("b"), ItemState::Done);
    assert_eq!(
        s.item("b").and_then(|i| i.cosigned_by.clone()).as_deref(),
        Some("bob")
    );
}

#[test]
fn regression_keeps_the_tick() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    let check = crate::journal::AutoCheck::default();
    s.apply(&ev(1, "flightdeck", Some("a"), EventBody::tick()));
    s.apply(&ev(
        2,
        "flightdeck",
        Some("a"),
        EventBody::Regressed(check.clone()),
    ));
    let a = s.item("a").cloned().unwrap_or_default();
    assert_eq!(a.state, ItemState::Done);
    assert!(a.regressed);
    s.apply(&ev(3, "flightdeck", Some("a"), EventBody::Recovered(check)));
    assert!(!s.item("a").is_some_and(|i| i.regressed));
    assert_eq!(s.item("a").map(|i| i.regressions), Some(1));
}

#[test]
fn decisions_and_skips_keep_their_words() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    let decision = GoNoGo {
        phase: "p".into(),
        decision: "GO".into(),
        note: Some("all green".into()),
    };
    s.apply(&ev(1, "alice", None, EventBody::Decision(decision)));
    s.apply(&ev(2, "alice", Some("a"), EventBody::Skip(Skip::default())));
    assert_eq!(s.decisions[0].decision, "GO");
    assert_eq!(s.decisions[0].note.as_deref(), Some("all green"));
    assert_eq!(s.item_state("a"), ItemState::Skipped);
    assert_eq!(s.item("a").and_then(|i| i.skip_reason.clone()), None);
}

#[test]
fn baselines_merge_by_probe_and_the_first_capture_wins() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    let sample = |probe: &str, secs: i64, v: f64| {
        json!({
            "probe": probe,
            "at": DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap_or_default(),
            "latency_ms": 1.0,
            "outputs": {"value": v},
            "state": "OK",
            "reason": null,
        })
    };
    let baseline = |seq, values: serde_json::Value| {
        let values = serde_json::from_value(values).unwrap_or_default();
        ev(
            seq,
            "flightdeck",
            None,
            EventBody::Baseline(Baseline {
                scope: "session".into(),
                values,
            }),
        )
    };
    s.apply(&baseline(1, json!({"api": sample("api", 1, 1.0)})));
    s.apply(&baseline(2, json!({"db": sample("db", 2, 2.0)})));
    s.apply(&baseline(
        3,
        json!({"api": sample("api", 3, 9.0), "bad": 1}),
    ));
    assert!(s.has_baseline("session", "api") && s.has_baseline("session", "db"));
    let samples = s.baseline_samples("session");
    assert_eq!(samples.len(), 2, "a value that is not a sample is left out");
    assert_eq!(
        samples["api"].output("value").and_then(|v| v.as_f64()),
        Some(1.0)
    );
    assert_eq!(samples["db"].probe, "db");
    assert!(s.baseline_samples("phase-x").is_empty());
}
