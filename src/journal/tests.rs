//! The stored form of every kind: exactly the documented keys, today's journals parse, and what
//! this binary cannot read round-trips through the raw body untouched.

use super::*;
use crate::checklist::Severity;
use crate::condition::{Evidence, Value};
use crate::probes::{ProbeState, Sample};
use serde_json::json;
use std::collections::BTreeSet;

fn evidence() -> Evidence {
    Evidence {
        probe: "api".into(),
        path: "status".into(),
        value: Some(Value::Number(200.0)),
        at: DateTime::from_timestamp(1_700_000_000, 0),
        state: Some(ProbeState::Ok),
        baseline: false,
        scope: None,
    }
}

fn sample() -> Sample {
    Sample {
        probe: "api".into(),
        at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
        latency_ms: Some(3.0),
        outputs: [("status".to_owned(), Value::Number(200.0))]
            .into_iter()
            .collect(),
        state: ProbeState::Ok,
        reason: None,
    }
}

fn text(s: &str) -> Option<String> {
    Some(s.to_owned())
}

fn check(reason: Option<String>) -> AutoCheck {
    AutoCheck {
        evidence: vec![evidence()],
        auto: "api.status == 200 for 10s".into(),
        reason,
        item_text: text("API healthy"),
    }
}

/// Every kind with every key set, and the keys its payload must have, then with only the keys
/// that are always written.
fn every_kind() -> Vec<(EventBody, &'static [&'static str])> {
    let baseline = Baseline {
        scope: "session".into(),
        values: [("api".to_owned(), BaselineValue::Sample(sample()))]
            .into_iter()
            .collect(),
    };
    vec![
        (
            EventBody::SessionStarted(SessionStarted {
                checklist_title: "T".into(),
                checklist_path: text("t.toml"),
            }),
            &["checklist_title", "checklist_path"],
        ),
        (
            EventBody::SessionStarted(SessionStarted::default()),
            &["checklist_title", "checklist_path"],
        ),
        (EventBody::Joined(Joined::default()), &["mode"]),
        (
            EventBody::Joined(Joined {
                mode: JoinMode::Watch,
                screen: text("vm1-42-9f"),
                os_user: text("bob"),
                host: text("vm1"),
                client: text("10.0.0.7"),
                checklist_path: text("checklists/window.toml"),
                fingerprint: text("0123456789abcdef"),
            }),
            &[
                "mode",
                "screen",
                "os_user",
                "host",
                "client",
                "checklist_path",
                "fingerprint",
            ],
        ),
        (
            EventBody::Left(Left {
                screen: "vm1-42-9f".into(),
                silent: true,
            }),
            &["screen", "silent"],
        ),
        (
            EventBody::Left(Left {
                screen: "vm1-42-9f".into(),
                silent: false,
            }),
            &["screen"],
        ),
        (
            EventBody::Wheel(Wheel {
                screen: "vm1-42-9f".into(),
                to: "bob".into(),
                from: text("vm2-7-a0"),
                how: WheelHow::Handed,
            }),
            &["screen", "to", "from", "how"],
        ),
        (
            EventBody::Wheel(Wheel::default()),
            &["screen", "to", "from", "how"],
        ),
        (
            EventBody::Tick(Tick {
                overridden: true,
                reason: text("by hand"),
                note: text("n"),
                evidence: Some(vec![evidence()]),
                auto: text("api.status == 200"),
                past_gate: text("t-1h"),
                item_text: text("API healthy"),
                os_user: text("alice"),
                host: text("vm1"),
            }),
            &[
                "override",
                "reason",
                "note",
                "evidence",
                "auto",
                "past_gate",
                "item_text",
                "os_user",
                "host",
            ],
        ),
        (EventBody::tick(), &[]),
        (
            EventBody::Untick(Untick {
                reason: text("r"),
                item_text: text("i"),
            }),
            &["reason", "item_text"],
        ),
        (EventBody::untick(), &[]),
        (
            EventBody::Skip(Skip {
                reason: text("N/A"),
                item_text: text("i"),
            }),
            &["reason", "item_text"],
        ),
        (EventBody::Skip(Skip::default()), &[]),
        (
            EventBody::Note(Note {
                text: "t".into(),
                phase: None,
                item_text: text("i"),
            }),
            &["text", "item_text"],
        ),
        (EventBody::note("t"), &["text"]),
        (
            EventBody::Field(FieldEntry {
                field: "p95".into(),
                value: "430".into(),
                phase: None,
                item_text: text("i"),
            }),
            &["field", "value", "item_text"],
        ),
        (
            EventBody::Field(FieldEntry {
                field: "status".into(),
                value: "SUCCESS".into(),
                phase: text("deploy"),
                item_text: None,
            }),
            &["field", "value", "phase"],
        ),
        (EventBody::field("p95", "430"), &["field", "value"]),
        (
            EventBody::Cosign(Cosign {
                item_text: text("i"),
                os_user: text("bob"),
                host: text("vm2"),
            }),
            &["item_text", "os_user", "host"],
        ),
        (EventBody::cosign(), &[]),
        (
            EventBody::ProbeChanged(ProbeChanged {
                probe: "api".into(),
                from: Some(ProbeState::Ok),
                to: ProbeState::Crit,
                reason: text("connection refused"),
                value: text("503"),
            }),
            &["probe", "from", "to", "reason", "value"],
        ),
        (
            EventBody::RegressionAcked(RegressionAcked {
                item_text: text("i"),
            }),
            &["item_text"],
        ),
        (
            EventBody::Pending(check(None)),
            &["evidence", "auto", "item_text"],
        ),
        (
            EventBody::Regressed(check(text("probe `api` is UNKNOWN"))),
            &["evidence", "auto", "reason", "item_text"],
        ),
        (
            EventBody::Recovered(AutoCheck::default()),
            &["evidence", "auto"],
        ),
        (EventBody::phase_started("prep"), &["phase"]),
        (EventBody::phase_finished("prep"), &["phase"]),
        (
            EventBody::Decision(GoNoGo {
                phase: "deploy".into(),
                decision: "GO".into(),
                note: text("all green"),
            }),
            &["phase", "decision", "note"],
        ),
        (
            EventBody::Decision(GoNoGo::default()),
            &["phase", "decision"],
        ),
        (
            EventBody::TriggerFired(TriggerFired {
                trigger: "rollback".into(),
                severity: Severity::Critical,
                message: "roll back".into(),
                evidence: vec![evidence()],
                when: "error_rate.value > 0.05 for 10s".into(),
            }),
            &["trigger", "severity", "message", "evidence", "when"],
        ),
        (EventBody::trigger_acked("rollback"), &["trigger"]),
        (
            EventBody::TriggerCleared(TriggerCleared::default()),
            &["trigger", "evidence", "when"],
        ),
        (EventBody::Baseline(baseline), &["scope", "values"]),
    ]
}

#[test]
fn each_kind_stores_exactly_its_documented_keys_and_reads_back_the_same() {
    let mut kinds = BTreeSet::new();
    for (body, keys) in every_kind() {
        let (kind, payload) = body.to_stored().unwrap_or_else(|e| panic!("{e}"));
        kinds.insert(kind);
        let stored: BTreeSet<&str> = payload
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let documented: BTreeSet<&str> = keys.iter().copied().collect();
        assert_eq!(stored, documented, "{kind}: {payload}");
        assert_eq!(kind, body.kind_name());
        assert_eq!(payload, body.payload_json());
        assert_eq!(EventBody::from_stored(kind, payload), body, "{kind}");
    }
    assert_eq!(kinds.len(), 22, "every kind is covered: {kinds:?}");
}

#[test]
fn payloads_as_journals_hold_them_today_parse() {
    let regressed = json!({
        "auto": "redis.len == 0 for 5s",
        "evidence": [{"at": "2026-12-01T08:42:14Z", "path": "len", "probe": "redis",
                      "state": "UNKNOWN", "value": null}],
        "reason": "`redis.len`: probe `redis` is UNKNOWN",
    });
    let EventBody::Regressed(c) = EventBody::from_stored("regressed", regressed.clone()) else {
        panic!("regressed did not parse");
    };
    assert_eq!(c.evidence[0].state, Some(ProbeState::Unknown));
    assert_eq!(c.evidence[0].value, None);
    assert_eq!(
        c.reason.as_deref(),
        Some("`redis.len`: probe `redis` is UNKNOWN")
    );
    assert_eq!(c.item_text, None, "journals written before item_text load");
    assert_eq!(EventBody::Regressed(c).payload_json(), regressed);

    let started = json!({"checklist_path": null, "checklist_title": "T"});
    let body = EventBody::from_stored("session_started", started.clone());
    assert_eq!(body.kind(), EventKind::SessionStarted);
    assert_eq!(body.payload_json(), started, "a null path stays null");

    let tick = json!({"override": true, "reason": "drained by hand"});
    let EventBody::Tick(t) = EventBody::from_stored("tick", tick) else {
        panic!("tick did not parse");
    };
    assert!(t.overridden && t.evidence.is_none());

    let baseline = json!({"scope": "session", "values": {"api": sample(), "odd": 1}});
    let EventBody::Baseline(b) = EventBody::from_stored("baseline", baseline.clone()) else {
        panic!("baseline did not parse");
    };
    assert_eq!(b.values["api"].sample(), Some(&sample()));
    assert_eq!(b.values["odd"], BaselineValue::Other(json!(1)));
    assert_eq!(EventBody::Baseline(b).payload_json(), baseline);
}

#[test]
fn an_unknown_kind_round_trips_through_the_raw_body_and_is_never_written() {
    let payload = json!({"to": "bob", "nested": {"n": [1, 2.5, null]}});
    let body = EventBody::from_stored("handover", payload.clone());
    let EventBody::Raw(raw) = &body else {
        panic!("an unknown kind is raw: {body:?}");
    };
    assert_eq!((raw.kind(), raw.payload()), ("handover", &payload));
    assert_eq!(body.kind(), EventKind::Unknown);
    assert_eq!(body.kind_name(), "handover");
    assert_eq!(body.payload_json(), payload);
    let as_json = serde_json::to_value(&body).unwrap_or_default();
    assert_eq!(as_json, json!({"kind": "handover", "payload": payload}));
    let back: EventBody = serde_json::from_value(as_json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, body);
    let refused = body.to_stored().err().unwrap_or_default();
    assert!(refused.contains("`handover`"), "{refused}");
}

#[test]
fn an_unparsable_payload_of_a_known_kind_is_raw_and_kept_as_it_was() {
    for (kind, payload) in [
        ("skip", json!({"reason": 5})),
        ("note", json!({})),
        ("tick", json!({"evidence": "not a list"})),
        (
            "trigger_fired",
            json!({"trigger": "x", "severity": "apocalyptic"}),
        ),
        ("field", json!("a string, not an object")),
    ] {
        let body = EventBody::from_stored(kind, payload.clone());
        assert!(matches!(body, EventBody::Raw(_)), "{kind}: {body:?}");
        assert_eq!(body.kind_name(), kind);
        assert_eq!(body.payload_json(), payload);
        assert!(body.to_stored().is_err());
    }
}

#[test]
fn an_event_serialises_with_the_journal_columns() {
    let event = NewEvent::on_item(
        "alice",
        "health",
        Some("API healthy"),
        EventBody::skip("N/A"),
    )
    .committed(
        "s",
        7,
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
    );
    let as_json = serde_json::to_value(&event).unwrap_or_default();
    assert_eq!(
        as_json,
        json!({
            "seq": 7, "session": "s", "at": "2023-11-14T22:13:20Z", "actor": "alice",
            "item": "health", "kind": "skip",
            "payload": {"reason": "N/A", "item_text": "API healthy"},
        })
    );
    let back: Event = serde_json::from_value(as_json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, event);
    assert_eq!(back.body.item_text(), Some("API healthy"));
}
