//! The sql probe against a real PostgreSQL and SQLite: queue depth equals the rows inserted,
//! numeric types read as numbers, server-side statement timeout, and recovery after a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/postgres.rs"]
mod postgres;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState, scheduler};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn spec(url: &str, query: &str, extra: &str) -> ProbeSpec {
    let text = format!(
        "[[probe]]\nname = \"q\"\nkind = \"sql\"\nurl = \"{url}\"\nquery = \"\"\"{query}\"\"\"\n{extra}\n"
    );
    probe_spec::one(&text)
}

fn num(v: Option<Value>) -> f64 {
    v.and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_queue_depth_and_numeric_types() {
    let pg = postgres::PgServer::start();
    let url = pg.create_db("app");
    pg.psql(
        "app",
        "CREATE TABLE pfa_write_queue (id serial, status text); \
         INSERT INTO pfa_write_queue (status) SELECT 'processing' FROM generate_series(1, 57); \
         INSERT INTO pfa_write_queue (status) SELECT 'done' FROM generate_series(1, 9);",
    );
    let mut probe = Probe::new(spec(
        &url,
        "SELECT count(*) FROM pfa_write_queue WHERE status = 'processing'",
        "",
    ));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("value"), Some(Value::Number(57.0)));
    probe_spec::assert_outputs_declared(&probe, &s);
    assert_eq!(s.output("rows"), Some(Value::Number(1.0)));
    // the config example's thresholds: 57 rows is WARN, not CRIT
    let mut judged = Probe::new(spec(
        &url,
        "SELECT count(*) FROM pfa_write_queue WHERE status = 'processing'",
        "warn = \"value > 50\"\ncrit = \"value > 100\"",
    ));
    let s = judged.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Warn, Some("warn: value > 50"))
    );

    let cases = [
        ("SELECT 12345.678::numeric", 12345.678),
        ("SELECT -0.005::numeric(10,3)", -0.005),
        ("SELECT 9007199254740993::bigint", 9007199254740992.0),
        ("SELECT sum(id) FROM pfa_write_queue", 2211.0),
        ("SELECT avg(id) FROM pfa_write_queue", 33.5),
        ("SELECT 2::int2", 2.0),
        ("SELECT 0.25::float4", 0.25),
        ("SELECT 1.5::float8", 1.5),
    ];
    for (query, want) in cases {
        let mut probe = Probe::new(spec(&url, query, ""));
        let s = probe.poll().await;
        assert_eq!(s.state, ProbeState::Ok, "{query}: {:?}", s.reason);
        let got = num(s.output("value"));
        assert!((got - want).abs() < 1e-9, "{query}: got {got}, want {want}");
    }

    let mut probe = Probe::new(spec(&url, "SELECT 'UP'::text, 2", ""));
    assert_eq!(
        probe.poll().await.output("value"),
        Some(Value::Text("UP".into()))
    );
    let mut probe = Probe::new(spec(&url, "SELECT id FROM pfa_write_queue WHERE false", ""));
    let s = probe.poll().await;
    assert_eq!(s.output("rows"), Some(Value::Number(0.0)));
    assert_eq!(s.output("value"), None);
    let mut probe = Probe::new(spec(&url, "SELECT now()", ""));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(
        s.reason.unwrap().contains("cast it"),
        "a TIMESTAMPTZ says how to fix the query"
    );
    let mut probe = Probe::new(spec(&url, "SELECT nope FROM nowhere", ""));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(s.reason.unwrap().contains("nowhere"));
    // probes are read-only
    let mut probe = Probe::new(spec(
        &url,
        "INSERT INTO pfa_write_queue (status) VALUES ('x') RETURNING 1",
        "",
    ));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(s.reason.unwrap().contains("read-only"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_statement_timeout_is_enforced_by_the_server() {
    let pg = postgres::PgServer::start();
    let mut probe = Probe::new(spec(
        &pg.url(),
        "SELECT pg_sleep(30), 1",
        "timeout = \"1s\"",
    ));
    let started = Instant::now();
    let s = probe.poll().await;
    // the server cancels the statement (an answer: UNKNOWN), or our timeout fires first (no
    // answer: CRIT)
    assert!(
        matches!(s.state, ProbeState::Unknown | ProbeState::Crit),
        "{:?}",
        s.state
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let reason = s.reason.unwrap();
    assert!(
        reason.contains("statement timeout") || reason == "timeout after 1s",
        "{reason}"
    );
    // the server cancelled the statement itself: nothing is left sleeping
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let active = pg.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'",
        );
        if active == "0" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the statement still runs on the server"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_is_unknown_then_ok_within_two_intervals() {
    let pg = postgres::PgServer::start();
    let interval = Duration::from_secs(1);
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(
        vec![spec(
            &pg.url(),
            "SELECT 1",
            "interval = \"1s\"\ntimeout = \"800ms\"",
        )],
        tx,
        cancel.clone(),
    );
    let first = rx.recv().await.unwrap().into_sample();
    assert_eq!(first.state, ProbeState::Ok, "{:?}", first.reason);

    pg.stop();
    let down = loop {
        let s = rx.recv().await.unwrap().into_sample();
        if s.state != ProbeState::Ok {
            break s;
        }
    };
    // a stopped server does not answer: CRIT
    assert_eq!(down.state, ProbeState::Crit);
    let reason = down.reason.clone().unwrap();
    assert!(
        reason.contains("refused") || reason.contains("connect") || reason.contains("timeout"),
        "{reason}"
    );

    pg.start_again();
    let restarted = Instant::now();
    loop {
        let s = rx.recv().await.unwrap().into_sample();
        if s.state == ProbeState::Ok {
            break;
        }
    }
    let took = restarted.elapsed();
    assert!(took <= interval * 2, "OK again only after {took:?}");
    cancel.cancel();
    handle.join().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("queue.db");
    let url = format!("sqlite://{}", db.display());
    {
        use sqlx::ConnectOptions;
        use std::str::FromStr;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE jobs (state TEXT); INSERT INTO jobs VALUES ('new'), ('new'), ('done');",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let mut probe = Probe::new(spec(
        &url,
        "SELECT count(*) FROM jobs WHERE state = 'new'",
        "",
    ));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("value"), Some(Value::Number(2.0)));
    let mut probe = Probe::new(spec(&url, "SELECT avg(length(state)) FROM jobs", ""));
    let v = num(probe.poll().await.output("value"));
    assert!((v - 10.0 / 3.0).abs() < 1e-9, "{v}");
    // a missing file is an error, not a new empty database
    let missing = format!("sqlite://{}", dir.path().join("typo.db").display());
    let mut probe = Probe::new(spec(&missing, "SELECT 1", ""));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(!dir.path().join("typo.db").exists());
}
