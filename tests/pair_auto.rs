//! Automatic events once per session: two and three screens (real loops, real journal workers, one real
//! store) watch the same probes through a whole story — pending, ticks, a phase started and
//! finished, baselines, a regression and its recovery, a trigger fired and cleared — and each
//! automatic event is journaled exactly once, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/marking.rs"]
mod marking;
#[path = "support/pair.rs"]
mod pair;
#[path = "support/postgres.rs"]
mod postgres;

use flightdeck::app::{App, SessionMeta};
use flightdeck::checklist::Checklist;
use flightdeck::journal::{Event, EventBody};
use flightdeck::marking::Marker;
use flightdeck::probes::ProbeState;
use flightdeck::store::{Spool, Store};
use marking::{item, ok, phase, sample, trigger};
use std::collections::BTreeMap;
use std::time::Duration;

fn checklist() -> Checklist {
    marking::checklist(
        vec![
            phase(
                "p1",
                None,
                vec![
                    item("drain", Some("write_queue.len == 0 for 10s")),
                    item("health", Some("api.status == 200 for 10s")),
                ],
            ),
            phase("p2", None, vec![item("manual", None)]),
        ],
        vec![trigger(
            "rollback",
            "error_rate.value > baseline(error_rate.value) * 3 for 10s",
        )],
    )
}

/// The story, sample time by sample time: (seconds, api status, errors).
fn story() -> Vec<(i64, f64, f64)> {
    let mut out = Vec::new();
    for t in (0..=15).step_by(5) {
        out.push((t, 200.0, 1.0)); // pending, then both ticks; phase p1 starts and finishes
    }
    for t in [20, 25] {
        out.push((t, 500.0, 1.0)); // health regresses
    }
    for t in (30..=45).step_by(5) {
        out.push((t, 200.0, 1.0)); // and recovers after its `for`
    }
    for t in (50..=65).step_by(5) {
        out.push((t, 200.0, 10.0)); // the rollback trigger fires
    }
    out.push((70, 200.0, 1.0)); // and clears
    out
}

/// What an automatic event is about: its kind and subject.
fn subject(e: &Event) -> String {
    let about = match &e.body {
        EventBody::PhaseStarted(p) | EventBody::PhaseFinished(p) => p.phase.clone(),
        EventBody::TriggerFired(t) => t.trigger.clone(),
        EventBody::TriggerCleared(t) => t.trigger.clone(),
        EventBody::Baseline(b) => format!(
            "{}:{}",
            b.scope,
            b.values.keys().cloned().collect::<Vec<_>>().join("+")
        ),
        _ => e.item.clone().unwrap_or_default(),
    };
    format!("{} {about}", e.body.kind_name())
}

async fn screens_on(url: &str, names: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let setup = Store::open(url).await.unwrap();
    let c = checklist();
    setup.open_session("s", &c, None, "setup").await.unwrap();
    let mut screens = Vec::new();
    for who in names {
        let store = Store::open(url).await.unwrap();
        let spool = Spool::open(&dir.path().join(format!("{who}.db")), &store, "s")
            .await
            .unwrap();
        let meta = SessionMeta {
            session: "s".into(),
            actor: (*who).into(),
            env: None,
            read_only: false,
        };
        let mut app = App::new(c.clone(), meta, chrono::Utc::now());
        app.marker = Some(Marker::new(&c, &marking::intervals()).unwrap());
        screens.push(pair::start(app, &store, Some(spool), who).await);
    }
    for (t, status, errors) in story() {
        for s in &screens {
            s.sample(sample("write_queue", t, ProbeState::Ok, &[("len", 0.0)]))
                .await;
            s.sample(ok("api", t, "status", status)).await;
            s.sample(ok("error_rate", t, "value", errors)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    // quiet: everything delivered, every screen caught up
    let mut last = 0;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = setup.last_seq("s").await.unwrap();
        let caught_up = screens
            .iter()
            .all(|s| s.shown().last_seq == now && s.shown().unsynced == 0);
        if now == last && caught_up {
            break;
        }
        last = now;
    }
    let events = setup.events_after("s", 0).await.unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in events
        .iter()
        .filter(|e| e.actor == flightdeck::marking::ACTOR)
    {
        *counts.entry(subject(e)).or_insert(0) += 1;
    }
    let expected = [
        "baseline session:api",
        "baseline session:error_rate",
        "baseline session:write_queue",
        "pending drain",
        "pending health",
        "phase_finished p1",
        "phase_started p1",
        "recovered health",
        "regressed health",
        "tick drain",
        "tick health",
        "trigger_cleared rollback",
        "trigger_fired rollback",
    ];
    let once: BTreeMap<String, usize> = expected.iter().map(|k| (k.to_string(), 1)).collect();
    assert_eq!(counts, once, "each automatic event exactly once");
    for s in screens {
        let app = s.stop().await;
        assert!(app.session.triggers["rollback"].cleared_at.is_some());
        assert!(!app.session.item("health").unwrap().regressed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_screens_journal_each_automatic_event_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    screens_on(
        &format!("sqlite://{}/j.db", dir.path().display()),
        &["ann", "ben"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_screens_journal_each_automatic_event_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/j.db", dir.path().display());
    screens_on(&url, &["ann", "ben", "cat"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_and_three_screens_journal_each_automatic_event_once_on_postgres() {
    let pg = postgres::PgServer::start();
    screens_on(&pg.create_db("two"), &["ann", "ben"]).await;
    screens_on(&pg.create_db("three"), &["ann", "ben", "cat"]).await;
}
