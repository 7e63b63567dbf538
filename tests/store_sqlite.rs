//! The SQLite journal on real files: round trip, resume, URL forms, errors, followers, and many
//! writers (tasks and OS processes) on one session losing nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/store_concurrency.rs"]
mod store_concurrency;
#[path = "support/store_fixture.rs"]
mod store_fixture;

use flightdeck::condition::{Evidence, Value};
use flightdeck::journal::{EventBody, EventKind, NewEvent, SessionStarted, Tick};
use flightdeck::session::SessionState;
use flightdeck::store::{Store, StoreError};
use std::time::Duration;

#[test]
fn child_appender() {
    store_concurrency::child_main();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_and_read_back() {
    let (_dir, url) = store_fixture::sqlite_url();
    let store = Store::open(&url).await.unwrap();
    let mut checklist = store_fixture::checklist();
    // Probes carried by the checklist are raw TOML: they survive the JSON snapshot too.
    checklist.probes = vec![
        toml::from_str(
            "name = 'api'\nkind = 'http'\ninterval = '5s'\nretries = 3\nratio = 0.5\n\
             headers = { Accept = 'application/json' }\nwhen = 1979-05-27T07:32:00Z",
        )
        .unwrap(),
    ];
    let open = store
        .open_session(
            "orders-1",
            &checklist,
            Some("checklists/orders.toml"),
            "alice@bastion",
        )
        .await
        .unwrap();
    assert!(open.created);

    let tick = Tick {
        note: Some("12 GB, took 4 min".into()),
        evidence: Some(vec![Evidence {
            probe: "db".into(),
            path: "value".into(),
            value: Some(Value::Number(0.0)),
            at: None,
            state: None,
            baseline: false,
            scope: None,
        }]),
        ..Tick::default()
    };
    let tick = NewEvent::on_item(
        "alice@bastion",
        "backup",
        Some("Back up"),
        EventBody::Tick(tick),
    );
    let written = store.append("orders-1", tick).await.unwrap();
    let field = NewEvent::on_item(
        "alice@bastion",
        "backup",
        Some("Back up"),
        EventBody::field("size", "12"),
    );
    let written2 = store.append("orders-1", field).await.unwrap();
    assert!(written2.seq > written.seq);

    let events = store.events_after("orders-1", 0).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].kind(), EventKind::SessionStarted);
    assert_eq!(events[0].actor, "alice@bastion");
    assert_eq!(
        events[0].body,
        EventBody::SessionStarted(SessionStarted {
            checklist_title: checklist.title.clone(),
            checklist_path: Some("checklists/orders.toml".into()),
        })
    );
    assert_eq!(
        events[1], written,
        "the event read back equals the one appended"
    );
    assert_eq!(events[2], written2);
    assert_eq!(
        store.events_after("orders-1", written.seq).await.unwrap(),
        vec![written2.clone()]
    );
    assert_eq!(store.last_seq("orders-1").await.unwrap(), written2.seq);
    assert_eq!(store.last_seq("nobody").await.unwrap(), 0);

    // The snapshot is the checklist, so `report` needs no file.
    assert_eq!(store.checklist("orders-1").await.unwrap(), checklist);
    let (loaded, events) = store.load("orders-1").await.unwrap();
    let state = SessionState::from_events("orders-1", &loaded, &events);
    assert_eq!(state.item("backup").unwrap().fields["size"].value, "12");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_keeps_one_session_and_its_events() {
    let (_dir, url) = store_fixture::sqlite_url();
    let mut checklist = store_fixture::checklist();
    {
        let store = Store::open(&url).await.unwrap();
        store
            .open_session("w", &checklist, None, "alice")
            .await
            .unwrap();
        store
            .append(
                "w",
                NewEvent::on_item("alice", "cdn", None, EventBody::tick()),
            )
            .await
            .unwrap();
        store.close().await;
    }
    checklist.title = "Orders API — production deploy (edited)".into();
    let store = Store::open(&url).await.unwrap();
    let open = store
        .open_session("w", &checklist, None, "bob")
        .await
        .unwrap();
    assert!(!open.created, "the second open resumes");
    let events = store.events_after("w", 0).await.unwrap();
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, vec![EventKind::SessionStarted, EventKind::Tick]);
    let sessions = store.sessions().await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].events, 2);
    assert_eq!(
        sessions[0].checklist_title, "Orders API — production deploy (edited)",
        "the snapshot is refreshed on every open"
    );
    assert_eq!(store.checklist("w").await.unwrap().title, checklist.title);

    // A second session that is more recent becomes the default.
    store
        .open_session("x", &checklist, None, "bob")
        .await
        .unwrap();
    assert_eq!(store.latest_session().await.unwrap().as_deref(), Some("x"));
    store
        .append(
            "w",
            NewEvent::on_item("alice", "cdn", None, EventBody::untick()),
        )
        .await
        .unwrap();
    assert_eq!(store.latest_session().await.unwrap().as_deref(), Some("w"));
    let names: Vec<String> = store
        .sessions()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, vec!["w", "x"], "most recently active first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_forms_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let abs = dir.path().join("a").join("deep").join("j.db");
    for url in [
        format!("sqlite://{}", abs.display()),
        format!("sqlite:{}", abs.display()),
        abs.display().to_string(),
    ] {
        let store = Store::open(&url).await.unwrap();
        store
            .open_session("s", &store_fixture::checklist(), None, "a")
            .await
            .unwrap();
        store.close().await;
    }
    assert!(
        abs.exists(),
        "sqlite:///abs/path names the file, directories created"
    );
    let store = Store::open(&abs.display().to_string()).await.unwrap();
    assert_eq!(
        store.sessions().await.unwrap().len(),
        1,
        "all three forms are one file"
    );

    // The file really is in WAL mode (persistent, so any connection sees it).
    {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", abs.display()))
            .await
            .unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        conn.close().await.unwrap();
    }

    // Unknown session: the error lists what exists.
    let err = store
        .append(
            "nope",
            NewEvent::on_item("a", "cdn", None, EventBody::tick()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownSession { .. }), "{err}");
    assert!(err.to_string().contains("available sessions: s"), "{err}");
    let err = store.checklist("nope").await.unwrap_err();
    assert!(err.to_string().contains("no session named `nope`"), "{err}");

    // Readers do not create journals.
    let missing = dir.path().join("typo.db");
    let err = Store::open_existing(&missing.display().to_string())
        .await
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    assert!(!missing.exists());

    for bad in ["mysql://u:pw@h/db", "sqlite::memory:", ""] {
        let err = Store::open(bad).await.err().unwrap();
        assert!(matches!(err, StoreError::BadUrl { .. }), "{bad}: {err}");
        assert!(!err.to_string().contains(":pw@"), "{err}");
    }
    let err = Store::open(&dir.path().display().to_string())
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("cannot open the journal") || err.to_string().contains("open"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follower_sees_another_writer_within_a_second() {
    let (_dir, url) = store_fixture::sqlite_url();
    let writer = Store::open(&url).await.unwrap();
    writer
        .open_session("s", &store_fixture::checklist(), None, "a")
        .await
        .unwrap();
    let reader = Store::open(&url).await.unwrap();
    let last = reader.last_seq("s").await.unwrap();
    let mut news = reader.subscribe("s", last).await.unwrap();
    for round in 0..3 {
        let e = writer
            .append("s", NewEvent::new("a", EventBody::note(round.to_string())))
            .await
            .unwrap();
        let seen = tokio::time::timeout(Duration::from_secs(1), news.recv())
            .await
            .expect("follower told within a second")
            .expect("follower alive");
        assert_eq!(seen, e.seq);
        let fresh = reader.events_after("s", seen - 1).await.unwrap();
        assert_eq!(fresh, vec![e]);
    }
    // Events of another session do not wake this follower with a foreign seq.
    writer
        .open_session("other", &store_fixture::checklist(), None, "a")
        .await
        .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(400), news.recv())
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_first_opens_of_a_new_file_at_once() {
    let (_dir, url) = store_fixture::sqlite_url();
    store_concurrency::first_open_race(&url, 6).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_and_tasks_appending_at_once_lose_nothing() {
    let (_dir, url) = store_fixture::sqlite_url();
    let store = Store::open(&url).await.unwrap();
    store
        .open_session("busy", &store_fixture::checklist(), None, "setup")
        .await
        .unwrap();
    let mut follow = store.subscribe("busy", 0).await.unwrap();
    const COUNT: usize = 40;
    const PROCS: usize = 2;
    const TASKS: usize = 3;
    let start = store_concurrency::start_mark();
    let children = store_concurrency::spawn_children(&url, "busy", PROCS, COUNT, start);
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            // Each task opens its own store: its own pool, like a separate process.
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

    // The follower saw the other processes' commits and reaches the last seq.
    let last = events.last().unwrap().seq;
    let mut seen = 0;
    while seen < last {
        seen = tokio::time::timeout(Duration::from_secs(2), follow.recv())
            .await
            .expect("follower reaches the last seq")
            .unwrap();
    }
    assert_eq!(seen, last);
}
