//! A journal written by an older flightdeck (before payloads were typed, every event kind through
//! the real code paths: `tests/fixtures/journal/`) loads with today's code and folds to the same
//! record; and a kind written by a newer flightdeck is kept, shown, and never written back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use flightdeck::condition::Value;
use flightdeck::journal::{Event, EventBody, EventKind};
use flightdeck::probes::ProbeState;
use flightdeck::report;
use flightdeck::session::{ItemState, SessionState};
use flightdeck::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = "tests/fixtures/journal";
const SESSION: &str = "fixture";

/// A copy of the fixture journal (the test never writes to the checked-in file).
fn copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.db");
    std::fs::copy(Path::new(FIXTURE).join("journal.db"), &db).unwrap();
    (dir, db)
}

fn url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURE).join(name)).unwrap()
}

/// `flightdeck report` of the journal, as a person would run it.
fn report_cli(db: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(["report", "--store", &url(db), "--session", SESSION])
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

async fn load(db: &Path) -> (flightdeck::checklist::Checklist, Vec<Event>) {
    let store = Store::open_existing(&url(db)).await.unwrap();
    let loaded = store.load(SESSION).await.unwrap();
    store.close().await;
    loaded
}

fn number(v: &Option<Value>) -> f64 {
    v.as_ref().and_then(Value::as_f64).unwrap()
}

#[test]
fn the_old_journal_reports_exactly_as_the_binary_that_wrote_it_did() {
    let (_dir, db) = copy();
    assert_eq!(report_cli(&db, "json"), expected("report.json"));
    // the Markdown report reads differently since (numbers for people, readable baselines):
    // `report.now.md` is today's wording of the same record, `report.md` the old binary's
    assert_eq!(report_cli(&db, "md"), expected("report.now.md"));
}

#[tokio::test]
async fn the_old_journal_folds_to_the_same_state() {
    let (_dir, db) = copy();
    let (checklist, events) = load(&db).await;
    assert_eq!(events.len(), 45);
    let raw: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::Raw(_)))
        .collect();
    assert!(raw.is_empty(), "every event reads typed: {raw:?}");
    let mut kinds: Vec<&str> = events.iter().map(|e| e.kind().as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 18, "every kind is in the fixture: {kinds:?}");

    let s = SessionState::from_events(SESSION, &checklist, &events);
    let want: serde_json::Value = serde_json::from_str(&expected("report.json")).unwrap();
    assert_eq!(report::json(&checklist, &s), want);
    assert_eq!(report::markdown(&checklist, &s), expected("report.now.md"));

    // the same, said item by item
    assert_eq!(
        (s.last_seq, s.started_by.as_deref()),
        (45, Some("alice@bastion"))
    );
    assert_eq!(s.actors, ["alice@bastion", "bob@laptop"]);
    let item = |id: &str| s.item(id).unwrap();

    let health = item("health");
    assert_eq!(health.state, ItemState::Done);
    assert_eq!(health.by.as_deref(), Some("flightdeck"));
    assert_eq!(health.pending_since, None, "the tick ends the pending");
    let evidence = health.evidence.as_ref().unwrap();
    assert_eq!(
        (evidence[0].probe.as_str(), evidence[0].path.as_str()),
        ("api", "status")
    );
    assert_eq!(number(&evidence[0].value), 200.0);
    assert_eq!(evidence[0].state, Some(ProbeState::Ok));

    let approve = item("approve");
    assert_eq!(approve.state, ItemState::Done);
    assert_eq!(approve.by.as_deref(), Some("alice@bastion"));
    assert_eq!(approve.cosigned_by.as_deref(), Some("bob@laptop"));

    let p95 = &item("latency").fields["p95"];
    assert_eq!(
        (p95.value.as_str(), p95.by.as_str()),
        ("430", "alice@bastion")
    );

    let docs = item("docs");
    assert_eq!(docs.state, ItemState::Skipped);
    assert_eq!(docs.skip_reason.as_deref(), Some("no docs change"));

    let announce = item("announce");
    assert_eq!(announce.state, ItemState::Done);
    assert_eq!(announce.notes[0].text, "posted in #ops");
    assert_eq!(announce.history.len(), 4, "note, tick, untick, tick");

    let queue = item("queue");
    assert!(queue.overridden);
    assert_eq!(queue.override_reason.as_deref(), Some("drained by hand"));
    assert_eq!(queue.evidence, None);

    let steady = item("steady");
    assert!(steady.regressed);
    assert_eq!(steady.regressions, 1);
    let baseline = &steady.evidence.as_ref().unwrap()[1];
    assert!(baseline.baseline);
    assert_eq!(baseline.scope.as_deref(), Some("deploy"));
    assert_eq!(number(&baseline.value), 0.012);

    let canary = item("canary");
    assert!(canary.regressed, "regressed, recovered, regressed again");
    assert_eq!(canary.regressions, 2);
    assert_eq!(item("smoke").state, ItemState::Done);

    let rollback = &s.triggers["rollback"];
    assert_eq!(rollback.fired_count, 1);
    assert!(!rollback.active && !rollback.unacknowledged);
    assert_eq!(rollback.acked_by.as_deref(), Some("alice@bastion"));
    assert!(rollback.cleared_at.is_some());
    assert_eq!(rollback.severity.as_deref(), Some("critical"));
    assert_eq!(
        rollback.message.as_deref(),
        Some("5xx ratio above 5%: roll back")
    );

    assert_eq!(s.decisions.len(), 1);
    let go = &s.decisions[0];
    assert_eq!(
        (go.phase.as_str(), go.decision.as_str(), go.note.as_deref()),
        ("deploy", "GO", Some("all green"))
    );

    let session = s.baseline_samples("session");
    let mut probes: Vec<&str> = session.keys().map(String::as_str).collect();
    probes.sort_unstable();
    assert_eq!(probes, ["api", "error_rate", "redis", "write_queue"]);
    let deploy = s.baseline_samples("deploy");
    assert_eq!(
        deploy["error_rate"]
            .output("value")
            .and_then(|v| v.as_f64()),
        Some(0.012)
    );

    for phase in ["prep", "deploy"] {
        let p = &s.phases[phase];
        assert!(p.started_at.is_some() && p.finished_at.is_some(), "{phase}");
    }
    assert_eq!(s.notes.len(), 1);
    assert_eq!(
        (s.notes[0].actor.as_str(), s.notes[0].text.as_str()),
        ("bob@laptop", "all hands on the bridge")
    );
}

#[tokio::test]
async fn a_kind_from_a_newer_flightdeck_is_kept_shown_and_never_written_back() {
    let (_dir, db) = copy();
    // what a newer flightdeck might write: a kind this one does not know, and a known kind whose
    // payload it cannot read
    let pool = sqlx::SqlitePool::connect(&url(&db)).await.unwrap();
    for (kind, item, payload) in [
        ("handover", None, r#"{"to":"carol@desk"}"#),
        ("skip", Some("smoke"), r#"{"reason":{"code":7}}"#),
    ] {
        sqlx::query(
            "INSERT INTO events (session, at, actor, kind, item, payload) \
             VALUES ('fixture', '2026-12-01T09:00:00.000000Z', 'dave@future', ?, ?, ?)",
        )
        .bind(kind)
        .bind(item)
        .bind(payload)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let (checklist, events) = load(&db).await;
    let newer = &events[45..];
    assert_eq!(newer.len(), 2);
    assert!(newer.iter().all(|e| e.kind() == EventKind::Unknown));
    assert_eq!(newer[0].body.kind_name(), "handover");
    assert_eq!(newer[1].body.kind_name(), "skip");

    let s = SessionState::from_events(SESSION, &checklist, &events);
    assert_eq!(
        s.item_state("smoke"),
        ItemState::Done,
        "an unreadable skip changes nothing"
    );
    let r = report::json(&checklist, &s);
    let shown = &r["events"][45];
    assert_eq!(shown["kind"], "handover");
    assert_eq!(shown["payload"], serde_json::json!({"to": "carol@desk"}));
    assert_eq!(r["events"][46]["payload"]["reason"]["code"], 7);
    let md = report::markdown(&checklist, &s);
    assert!(
        md.contains(r#"| dave@future | other |  | {"to":"carol@desk"} |"#),
        "{md}"
    );

    // replaying it into a journal is refused, and nothing is written
    let store = Store::open(&url(&db)).await.unwrap();
    let replay = flightdeck::journal::NewEvent::new("dave@future", newer[0].body.clone());
    let err = store.append(SESSION, replay).await.unwrap_err().to_string();
    assert!(err.contains("`handover`"), "{err}");
    assert_eq!(store.last_seq(SESSION).await.unwrap(), 47);
    store.close().await;
}
