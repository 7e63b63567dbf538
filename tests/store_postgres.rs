//! The PostgreSQL journal against a real server: round trip, resume, many writers (tasks and
//! OS processes) losing nothing, a server restart, and NOTIFY fan-out to followers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/store_concurrency.rs"]
mod store_concurrency;
#[path = "support/store_fixture.rs"]
mod store_fixture;

use flightdeck::condition::{Evidence, Value};
use flightdeck::journal::{EventBody, EventKind, NewEvent, Tick};
use flightdeck::store::{Store, StoreError};
use std::time::Duration;

#[test]
fn child_appender() {
    store_concurrency::child_main();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_read_resume() {
    let pg = postgres::PgServer::start();
    let url = pg.create_db("journal");
    let checklist = store_fixture::checklist();
    {
        let store = Store::open(&url).await.unwrap();
        assert!(
            store
                .open_session("orders-1", &checklist, Some("orders.toml"), "alice")
                .await
                .unwrap()
                .created
        );
        // JSONB keeps what it is given: a nested body, numbers with and without a fraction
        let tick = Tick {
            note: Some("ok".into()),
            evidence: Some(vec![Evidence {
                probe: "api".into(),
                path: "body".into(),
                value: Some(Value::Json(serde_json::json!({"a": [1, 2.5], "n": null}))),
                at: None,
                state: None,
                baseline: false,
                scope: None,
            }]),
            ..Tick::default()
        };
        let tick = NewEvent::on_item("alice", "backup", None, EventBody::Tick(tick));
        let written = store.append("orders-1", tick).await.unwrap();
        let events = store.events_after("orders-1", 0).await.unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].kind(), EventKind::SessionStarted);
        assert_eq!(
            events[1], written,
            "read back equals appended (server time kept)"
        );
        assert_eq!(store.checklist("orders-1").await.unwrap(), checklist);
        store.close().await;
    }
    // A second process (here: a second open) resumes the same session.
    let store = Store::open(&url).await.unwrap();
    assert!(
        !store
            .open_session("orders-1", &checklist, None, "bob")
            .await
            .unwrap()
            .created
    );
    let sessions = store.sessions().await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].events, 2);
    assert_eq!(sessions[0].checklist_path, None, "snapshot refreshed");
    assert_eq!(
        store.latest_session().await.unwrap().as_deref(),
        Some("orders-1")
    );
    assert_eq!(
        store.last_seq("orders-1").await.unwrap(),
        sessions[0].last_seq
    );
    let err = store
        .append("nope", NewEvent::new("a", EventBody::tick()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("available sessions: orders-1"),
        "{err}"
    );

    // The journal lives in its own schema: an application's `events` table is left alone.
    pg.psql("journal", "CREATE TABLE public.events (id int)");
    let again = Store::open(&url).await.unwrap();
    assert_eq!(again.events_after("orders-1", 0).await.unwrap().len(), 2);
    assert_eq!(
        pg.psql("journal", "SELECT count(*) FROM flightdeck.events"),
        "2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_and_tasks_appending_at_once_lose_nothing() {
    let pg = postgres::PgServer::start();
    store_concurrency::first_open_race(&pg.create_db("race"), 4).await;
    let url = pg.create_db("journal");
    let store = Store::open(&url).await.unwrap();
    store
        .open_session("busy", &store_fixture::checklist(), None, "setup")
        .await
        .unwrap();
    const COUNT: usize = 40;
    const PROCS: usize = 2;
    const TASKS: usize = 3;
    let start = store_concurrency::start_mark();
    let children = store_concurrency::spawn_children(&url, "busy", PROCS, COUNT, start);
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let own = Store::open(&url).await.unwrap();
            store_concurrency::wait_for(start).await;
            store_concurrency::append_many(&own, "busy", &format!("task-{t}"), COUNT).await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    tokio::task::spawn_blocking(move || store_concurrency::wait_children(children))
        .await
        .unwrap();
    let events = store.events_after("busy", 0).await.unwrap();
    let writers: Vec<String> = (0..PROCS)
        .map(|i| format!("proc-{i}"))
        .chain((0..TASKS).map(|t| format!("task-{t}")))
        .collect();
    store_concurrency::assert_complete(&events, &writers, COUNT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_reaches_a_follower_within_a_second() {
    let pg = postgres::PgServer::start();
    let url = pg.create_db("journal");
    let writer = Store::open(&url).await.unwrap();
    writer
        .open_session("s", &store_fixture::checklist(), None, "alice")
        .await
        .unwrap();
    writer
        .open_session("other", &store_fixture::checklist(), None, "alice")
        .await
        .unwrap();
    let reader = Store::open(&url).await.unwrap();
    let mut news = reader
        .subscribe("s", reader.last_seq("s").await.unwrap())
        .await
        .unwrap();
    let mut second = reader
        .subscribe("s", reader.last_seq("s").await.unwrap())
        .await
        .unwrap();
    for round in 0..3 {
        let e = writer
            .append(
                "s",
                NewEvent::new("alice", EventBody::note(round.to_string())),
            )
            .await
            .unwrap();
        for follower in [&mut news, &mut second] {
            let seq = tokio::time::timeout(Duration::from_secs(1), follower.recv())
                .await
                .expect("NOTIFY delivered within a second")
                .expect("follower alive");
            assert_eq!(seq, e.seq);
        }
    }
    // Another session's appends are not this session's news.
    writer
        .append("other", NewEvent::new("alice", EventBody::note("n")))
        .await
        .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(500), news.recv())
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restart_fails_clearly_then_recovers() {
    let pg = postgres::PgServer::start();
    let url = pg.create_db("journal");
    let store = Store::open(&url).await.unwrap();
    store
        .open_session("s", &store_fixture::checklist(), None, "alice")
        .await
        .unwrap();
    let mut news = store
        .subscribe("s", store.last_seq("s").await.unwrap())
        .await
        .unwrap();

    pg.stop();
    let err = store
        .append(
            "s",
            NewEvent::on_item("alice", "cdn", None, EventBody::tick()),
        )
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("unreachable") && text.contains("append an event"),
        "{text}"
    );
    assert!(text.contains("refused"), "the real reason is given: {text}");

    pg.start_again();
    let e = store
        .append(
            "s",
            NewEvent::on_item("alice", "cdn", None, EventBody::tick()),
        )
        .await
        .expect("append works again after the restart");
    assert_eq!(
        store.events_after("s", 0).await.unwrap().last().unwrap(),
        &e
    );
    // The follower reconnected by itself and learns of the new seq (via NOTIFY or the
    // catch-up read after reconnecting).
    let mut seen = 0;
    while seen < e.seq {
        seen = tokio::time::timeout(Duration::from_secs(15), news.recv())
            .await
            .expect("follower recovers after the restart")
            .expect("follower alive");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_never_appear_in_errors() {
    let port = postgres::free_port();
    let url = format!("postgres://flightdeck:s3cretpw@127.0.0.1:{port}/journal?sslmode=disable");
    let err = Store::open(&url).await.err().unwrap();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{text}");
    assert!(!text.contains("s3cretpw"), "{text}");
    assert!(text.contains("flightdeck:***@"), "{text}");
    assert!(text.contains("refused"), "{text}");
}
