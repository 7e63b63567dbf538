//! The reports from a known journal: JSON keys, states and values; the Markdown report as a
//! snapshot; secrets redacted in both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/store_fixture.rs"]
mod store_fixture;

use chrono::{DateTime, Duration, Utc};
use flightdeck::report;
use flightdeck::session::SessionState;
use flightdeck::store::{Event, EventKind};
use serde_json::{Value, json};

fn at(minutes: i64, seconds: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + Duration::minutes(minutes)
        + Duration::seconds(seconds)
}

/// A window in progress: ticks, a value, a note with a secret, a skip, a co-sign, a gate
/// decision, an auto tick that regressed, a trigger fired, acknowledged and cleared, an override.
fn journal() -> Vec<Event> {
    let rows: Vec<(i64, i64, &str, EventKind, Option<&str>, Value)> = vec![
        (
            0,
            0,
            "alice@bastion",
            EventKind::SessionStarted,
            None,
            json!({"checklist_title": "Orders API — production deploy", "checklist_path": "checklists/orders.toml"}),
        ),
        (
            0,
            2,
            "alice@bastion",
            EventKind::Joined,
            None,
            json!({"mode": "drive"}),
        ),
        (
            0,
            5,
            "bob@home",
            EventKind::Joined,
            None,
            json!({"mode": "watch"}),
        ),
        (
            0,
            10,
            "alice@bastion",
            EventKind::PhaseStarted,
            None,
            json!({"phase": "prep"}),
        ),
        (
            0,
            12,
            "flightdeck",
            EventKind::Baseline,
            None,
            json!({"scope": "session", "values": {"error_rate.value": 0.0008}}),
        ),
        (
            39,
            0,
            "alice@bastion",
            EventKind::Tick,
            Some("backup"),
            json!({}),
        ),
        (
            39,
            20,
            "alice@bastion",
            EventKind::Field,
            Some("backup"),
            json!({"field": "size", "value": "12"}),
        ),
        (
            39,
            40,
            "bob@home",
            EventKind::Note,
            Some("backup"),
            json!({"text": "Dump copied with postgres://app:hunter2@db.internal/orders"}),
        ),
        (
            40,
            0,
            "bob@home",
            EventKind::Tick,
            Some("backup-verified"),
            json!({}),
        ),
        (
            40,
            30,
            "bob@home",
            EventKind::Skip,
            Some("cdn"),
            json!({"reason": "No CDN change in this release"}),
        ),
        (
            41,
            0,
            "alice@bastion",
            EventKind::Tick,
            Some("signoff"),
            json!({}),
        ),
        (
            41,
            30,
            "bob@home",
            EventKind::Cosign,
            Some("signoff"),
            json!({}),
        ),
        (
            42,
            0,
            "alice@bastion",
            EventKind::PhaseFinished,
            None,
            json!({"phase": "prep"}),
        ),
        (
            42,
            10,
            "bob@home",
            EventKind::Decision,
            None,
            json!({"phase": "prep", "decision": "GO", "note": "all green"}),
        ),
        (
            42,
            20,
            "alice@bastion",
            EventKind::PhaseStarted,
            None,
            json!({"phase": "deploy"}),
        ),
        (
            43,
            0,
            "flightdeck",
            EventKind::Pending,
            Some("queue-drained"),
            json!({"evidence": [{"probe": "write_queue", "output": "value", "value": 0, "at": "2026-11-23T01:42:58Z"}]}),
        ),
        (
            43,
            30,
            "flightdeck",
            EventKind::Tick,
            Some("queue-drained"),
            json!({"evidence": [{"probe": "write_queue", "output": "value", "value": 0, "at": "2026-11-23T01:43:29Z"}]}),
        ),
        (
            45,
            0,
            "flightdeck",
            EventKind::Regressed,
            Some("queue-drained"),
            json!({"evidence": [{"probe": "write_queue", "output": "value", "value": 57, "at": "2026-11-23T01:44:59Z"}]}),
        ),
        (
            46,
            0,
            "flightdeck",
            EventKind::TriggerFired,
            None,
            json!({"trigger": "rollback-error-rate", "severity": "critical", "message": "Error rate > 5% sustained: immediate rollback criterion", "evidence": [{"probe": "error_rate", "output": "value", "value": 0.062, "at": "2026-11-23T01:45:58Z"}]}),
        ),
        (
            46,
            20,
            "alice@bastion",
            EventKind::TriggerAcked,
            None,
            json!({"trigger": "rollback-error-rate"}),
        ),
        (
            48,
            0,
            "alice@bastion",
            EventKind::Field,
            Some("latency"),
            json!({"field": "p95", "value": "420"}),
        ),
        (
            48,
            5,
            "alice@bastion",
            EventKind::Tick,
            Some("latency"),
            json!({"override": true, "reason": "checked on the dashboard", "note": "grafana https://grafana.local/d/x?token=abc123"}),
        ),
        (
            50,
            0,
            "flightdeck",
            EventKind::TriggerCleared,
            None,
            json!({"trigger": "rollback-error-rate", "evidence": [{"probe": "error_rate", "output": "value", "value": 0.01}]}),
        ),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (m, s, actor, kind, item, payload))| Event {
            seq: i as i64 + 1,
            session: "orders-2026-11-23".into(),
            at: at(m, s),
            actor: actor.into(),
            kind,
            item: item.map(str::to_owned),
            payload,
        })
        .collect()
}

fn state() -> SessionState {
    SessionState::from_events("orders-2026-11-23", &store_fixture::checklist(), &journal())
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
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
    assert_eq!(queue["evidence"][0]["value"], 0);
    assert_eq!(queue["regression_history"][0]["evidence"][0]["value"], 57);

    let latency = item(&r, "latency");
    assert_eq!(
        latency["override"],
        json!({"reason": "checked on the dashboard"})
    );
    assert_eq!(latency["fields"]["p95"]["target"], "< 500ms");
    assert!(latency["fields"]["p95"].get("target_met").is_some());
    assert_eq!(latency["override"]["reason"], "checked on the dashboard");

    let phases = r["phases"].as_array().unwrap();
    assert_eq!(phases[0]["id"], "prep");
    assert_eq!(phases[0]["started"], "2026-11-23T01:00:10Z");
    assert_eq!(phases[0]["finished"], "2026-11-23T01:42:00Z");
    assert_eq!(phases[0]["budget"], "10m00s");
    assert_eq!(phases[0]["elapsed_s"], 41 * 60 + 50);
    assert_eq!(phases[0]["over_budget"], true);
    assert_eq!(phases[1]["finished"], Value::Null);

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
    assert_eq!(r["started_at"], Value::Null);
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
