//! The reports from a known journal: JSON keys, states and values; the Markdown report as a
//! snapshot; secrets redacted in both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/store_fixture.rs"]
mod store_fixture;

use chrono::{DateTime, Duration, Utc};
use flightdeck::checklist::Severity;
use flightdeck::condition::{Evidence, Value};
use flightdeck::journal::{
    AutoCheck, Baseline, BaselineValue, Event, EventBody, GoNoGo, JoinMode, Joined, SessionStarted,
    Tick, TriggerCleared, TriggerFired,
};
use flightdeck::report;
use flightdeck::session::SessionState;
use serde_json::json;

fn at(minutes: i64, seconds: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + Duration::minutes(minutes)
        + Duration::seconds(seconds)
}

/// What a condition read: `probe.path = value`, sampled at `at`.
fn read(probe: &str, path: &str, value: f64, at: Option<&str>) -> Evidence {
    Evidence {
        probe: probe.into(),
        path: path.into(),
        value: Some(Value::Number(value)),
        at: at.map(|t| t.parse().unwrap()),
        state: None,
        baseline: false,
        scope: None,
    }
}

fn check(value: f64, at: &str) -> AutoCheck {
    AutoCheck {
        evidence: vec![read("write_queue", "value", value, Some(at))],
        auto: "write_queue.value == 0 for 30s".into(),
        ..AutoCheck::default()
    }
}

/// A window in progress: ticks, a value, a note with a secret, a skip, a co-sign, a gate
/// decision, an auto tick that regressed, a trigger fired, acknowledged and cleared, an override.
fn journal() -> Vec<Event> {
    const RATE: &str = "error_rate.value > 0.05 for 5m";
    let baseline = Baseline {
        scope: "session".into(),
        values: [(
            "error_rate.value".to_owned(),
            BaselineValue::Other(json!(0.0008)),
        )]
        .into_iter()
        .collect(),
    };
    let queue_tick = Tick {
        evidence: Some(check(0.0, "2026-11-23T01:43:29Z").evidence),
        auto: Some("write_queue.value == 0 for 30s".into()),
        ..Tick::default()
    };
    let override_tick = Tick {
        overridden: true,
        reason: Some("checked on the dashboard".into()),
        note: Some("grafana https://grafana.local/d/x?token=abc123".into()),
        ..Tick::default()
    };
    // minute, second, actor, item, body
    let rows: Vec<(i64, i64, &str, Option<&str>, EventBody)> = vec![
        (
            0,
            0,
            "alice@bastion",
            None,
            EventBody::SessionStarted(SessionStarted {
                checklist_title: "Orders API — production deploy".into(),
                checklist_path: Some("checklists/orders.toml".into()),
            }),
        ),
        (
            0,
            2,
            "alice@bastion",
            None,
            EventBody::Joined(Joined {
                mode: JoinMode::Drive,
                ..Joined::default()
            }),
        ),
        (
            0,
            5,
            "bob@home",
            None,
            EventBody::Joined(Joined {
                mode: JoinMode::Watch,
                ..Joined::default()
            }),
        ),
        (
            0,
            10,
            "alice@bastion",
            None,
            EventBody::phase_started("prep"),
        ),
        (0, 12, "flightdeck", None, EventBody::Baseline(baseline)),
        (39, 0, "alice@bastion", Some("backup"), EventBody::tick()),
        (
            39,
            20,
            "alice@bastion",
            Some("backup"),
            EventBody::field("size", "12"),
        ),
        (
            39,
            40,
            "bob@home",
            Some("backup"),
            EventBody::note("Dump copied with postgres://app:hunter2@db.internal/orders"),
        ),
        (
            40,
            0,
            "bob@home",
            Some("backup-verified"),
            EventBody::tick(),
        ),
        (
            40,
            30,
            "bob@home",
            Some("cdn"),
            EventBody::skip("No CDN change in this release"),
        ),
        (41, 0, "alice@bastion", Some("signoff"), EventBody::tick()),
        (41, 30, "bob@home", Some("signoff"), EventBody::cosign()),
        (
            42,
            0,
            "alice@bastion",
            None,
            EventBody::phase_finished("prep"),
        ),
        (
            42,
            10,
            "bob@home",
            None,
            EventBody::Decision(GoNoGo {
                phase: "prep".into(),
                decision: "GO".into(),
                note: Some("all green".into()),
            }),
        ),
        (
            42,
            20,
            "alice@bastion",
            None,
            EventBody::phase_started("deploy"),
        ),
        (
            43,
            0,
            "flightdeck",
            Some("queue-drained"),
            EventBody::Pending(check(0.0, "2026-11-23T01:42:58Z")),
        ),
        (
            43,
            30,
            "flightdeck",
            Some("queue-drained"),
            EventBody::Tick(queue_tick),
        ),
        (
            45,
            0,
            "flightdeck",
            Some("queue-drained"),
            EventBody::Regressed(check(57.0, "2026-11-23T01:44:59Z")),
        ),
        (
            46,
            0,
            "flightdeck",
            None,
            EventBody::TriggerFired(TriggerFired {
                trigger: "rollback-error-rate".into(),
                severity: Severity::Critical,
                message: "Error rate > 5% sustained: immediate rollback criterion".into(),
                evidence: vec![read(
                    "error_rate",
                    "value",
                    0.062,
                    Some("2026-11-23T01:45:58Z"),
                )],
                when: RATE.into(),
            }),
        ),
        (
            46,
            20,
            "alice@bastion",
            None,
            EventBody::trigger_acked("rollback-error-rate"),
        ),
        (
            48,
            0,
            "alice@bastion",
            Some("latency"),
            EventBody::field("p95", "620"),
        ),
        (
            48,
            5,
            "alice@bastion",
            Some("latency"),
            EventBody::Tick(override_tick),
        ),
        (
            50,
            0,
            "flightdeck",
            None,
            EventBody::TriggerCleared(TriggerCleared {
                trigger: "rollback-error-rate".into(),
                evidence: vec![read("error_rate", "value", 0.01, None)],
                when: RATE.into(),
            }),
        ),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (m, s, actor, item, body))| Event {
            seq: i as i64 + 1,
            session: "orders-2026-11-23".into(),
            at: at(m, s),
            actor: actor.into(),
            item: item.map(str::to_owned),
            body,
            key: None,
        })
        .collect()
}

fn state() -> SessionState {
    SessionState::from_events("orders-2026-11-23", &store_fixture::checklist(), &journal())
}

fn item<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("item {id} in the report"))
}

#[test]
fn json_report_has_the_required_keys_and_states() {
    let checklist = store_fixture::checklist();
    let r = report::json(&checklist, &state());
    for key in [
        "session",
        "checklist",
        "version",
        "started_at",
        "items",
        "phases",
        "triggers",
        "decisions",
        "events",
    ] {
        assert!(r.get(key).is_some(), "top-level `{key}` missing");
    }
    assert_eq!(r["session"], "orders-2026-11-23");
    assert_eq!(r["checklist"], "Orders API — production deploy");
    assert_eq!(r["version"], "v2.3.0");
    assert_eq!(r["started_at"], "2026-11-23T01:00:00Z");

    let items = r["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "backup",
            "backup-verified",
            "cdn",
            "signoff",
            "queue-drained",
            "latency"
        ],
        "document order"
    );
    for i in items {
        for key in [
            "id",
            "text",
            "phase",
            "group",
            "depth",
            "state",
            "by",
            "at",
            "note",
            "notes",
            "fields",
            "skip_reason",
            "auto",
            "evidence",
            "regressions",
            "regressed",
            "override",
            "cosign",
        ] {
            assert!(i.get(key).is_some(), "item {} lacks `{key}`", i["id"]);
        }
        let state = i["state"].as_str().unwrap();
        assert!(["todo", "done", "skipped"].contains(&state), "{state}");
    }

    let backup = item(&r, "backup");
    assert_eq!(backup["state"], "done");
    assert_eq!(backup["by"], "alice@bastion");
    assert_eq!(backup["at"], "2026-11-23T01:39:00Z");
    assert_eq!(backup["phase"], "T-1h: Preparation");
    assert_eq!(backup["group"], "Database");
    assert_eq!(backup["fields"]["size"]["label"], "Backup size");
    assert_eq!(backup["fields"]["size"]["value"], "12");
    assert_eq!(backup["fields"]["size"]["by"], "alice@bastion");
    assert_eq!(
        backup["note"], "Dump copied with postgres://app:***@db.internal/orders",
        "notes are redacted"
    );
    assert_eq!(item(&r, "backup-verified")["depth"], 1);

    let cdn = item(&r, "cdn");
    assert_eq!(cdn["state"], "skipped");
    assert_eq!(cdn["skip_reason"], "No CDN change in this release");

    let signoff = item(&r, "signoff");
    assert_eq!(signoff["state"], "done");
    assert_eq!(
        signoff["cosign"],
        json!({"required": true, "by": "bob@home", "awaiting": false})
    );

    let queue = item(&r, "queue-drained");
    assert_eq!(queue["state"], "done", "a regression keeps the tick");
    assert_eq!(queue["by"], "flightdeck");
    assert_eq!(queue["auto"], "write_queue.value == 0 for 30s");
    assert_eq!(queue["regressed"], true);
    assert_eq!(queue["regressions"], 1);
    // the engine writes every value it reads as a number with a fraction
    assert_eq!(queue["evidence"][0]["value"], 0.0);
    assert_eq!(queue["regression_history"][0]["evidence"][0]["value"], 57.0);

    let latency = item(&r, "latency");
    assert_eq!(
        latency["override"],
        json!({"reason": "checked on the dashboard"})
    );
    assert_eq!(latency["fields"]["p95"]["target"], "< 500ms");
    assert_eq!(latency["fields"]["p95"]["value"], "620");
    assert_eq!(
        latency["fields"]["p95"]["target_met"], false,
        "620 ms misses < 500ms"
    );
    assert!(latency["fields"]["p95"]["target_missed_why"].is_string());
    assert_eq!(
        backup["fields"]["size"]["target_met"],
        serde_json::Value::Null,
        "no target"
    );
    assert_eq!(latency["override"]["reason"], "checked on the dashboard");

    let phases = r["phases"].as_array().unwrap();
    assert_eq!(phases[0]["id"], "prep");
    assert_eq!(phases[0]["started"], "2026-11-23T01:00:10Z");
    assert_eq!(phases[0]["finished"], "2026-11-23T01:42:00Z");
    assert_eq!(phases[0]["budget"], "10m00s");
    assert_eq!(phases[0]["elapsed_s"], 41 * 60 + 50);
    assert_eq!(phases[0]["over_budget"], true);
    assert_eq!(phases[1]["finished"], serde_json::Value::Null);

    let trigger = &r["triggers"][0];
    assert_eq!(trigger["name"], "rollback-error-rate");
    assert_eq!(trigger["fired"], true);
    assert_eq!(trigger["count"], 1);
    assert_eq!(trigger["acknowledged"], true);
    assert_eq!(trigger["acked_by"], "alice@bastion");
    assert_eq!(trigger["cleared"], true);
    assert_eq!(trigger["history"].as_array().unwrap().len(), 3);

    assert_eq!(r["decisions"][0]["decision"], "GO");
    assert_eq!(r["decisions"][0]["by"], "bob@home");

    let events = r["events"].as_array().unwrap();
    assert_eq!(events.len(), journal().len());
    for key in ["seq", "at", "actor", "kind", "item", "payload"] {
        assert!(events[5].get(key).is_some(), "event lacks `{key}`");
    }
    assert_eq!(events[5]["kind"], "tick");
    assert_eq!(events[5]["item"], "backup");

    let text = r.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("abc123"),
        "secrets leak: {text}"
    );
}

#[test]
fn json_report_of_a_fresh_session() {
    let checklist = store_fixture::checklist();
    let r = report::json(&checklist, &SessionState::new("empty", &checklist));
    assert_eq!(r["started_at"], serde_json::Value::Null);
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["state"] == "todo")
    );
    assert_eq!(r["events"], json!([]));
}

#[test]
fn markdown_report_snapshot() {
    let checklist = store_fixture::checklist();
    let md = report::markdown(&checklist, &state());
    assert!(!md.contains("hunter2") && !md.contains("abc123"));
    insta::assert_snapshot!(md);
}
