//! Many writers on one session at once — tokio tasks with their own `Store` and whole OS
//! processes (this test executable re-run in "child" mode) — and the checks that nothing is lost.
//!
//! A test file using this declares `#[test] fn child_appender() { store_concurrency::child_main() }`:
//! it does nothing unless the parent set `FD_CHILD_STORE`.
#![allow(dead_code)]

use flightdeck::journal::{Event, EventBody, EventKind, NewEvent};
use flightdeck::store::Store;
use std::collections::HashMap;
use std::process::{Child, Command};

const CHILD_STORE: &str = "FD_CHILD_STORE";
const CHILD_SESSION: &str = "FD_CHILD_SESSION";
const CHILD_ACTOR: &str = "FD_CHILD_ACTOR";
const CHILD_COUNT: &str = "FD_CHILD_COUNT";
const CHILD_START: &str = "FD_CHILD_START_MS";

/// A moment shortly ahead (ms since the epoch) at which every writer starts, so child processes
/// that take a while to launch still overlap with the in-process writers.
pub fn start_mark() -> u64 {
    now_ms() + 700
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Sleeps until `mark`.
pub async fn wait_for(mark: u64) {
    let now = now_ms();
    if mark > now {
        tokio::time::sleep(std::time::Duration::from_millis(mark - now)).await;
    }
}

/// Appends `count` notes numbered 0.. as `actor`.
pub async fn append_many(store: &Store, session: &str, actor: &str, count: usize) {
    for i in 0..count {
        let note = EventBody::note(format!("{actor} #{i}"));
        let e = NewEvent::on_item(actor, "backup", None, note);
        store.append(session, e).await.expect("append");
    }
}

/// The child side: runs only when spawned by `spawn_children`.
pub fn child_main() {
    let Ok(url) = std::env::var(CHILD_STORE) else {
        return;
    };
    let session = std::env::var(CHILD_SESSION).expect("session");
    let actor = std::env::var(CHILD_ACTOR).expect("actor");
    let count: usize = std::env::var(CHILD_COUNT)
        .expect("count")
        .parse()
        .expect("count");
    let start: u64 = std::env::var(CHILD_START)
        .expect("start")
        .parse()
        .expect("start");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = Store::open(&url).await.expect("child open");
        wait_for(start).await;
        append_many(&store, &session, &actor, count).await;
        store.close().await;
    });
}

/// Starts `n` copies of this test executable, each appending `count` events as `proc-I`.
pub fn spawn_children(url: &str, session: &str, n: usize, count: usize, start: u64) -> Vec<Child> {
    let exe = std::env::current_exe().expect("current exe");
    (0..n)
        .map(|i| {
            Command::new(&exe)
                .args([
                    "child_appender",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_STORE, url)
                .env(CHILD_SESSION, session)
                .env(CHILD_ACTOR, format!("proc-{i}"))
                .env(CHILD_COUNT, count.to_string())
                .env(CHILD_START, start.to_string())
                .spawn()
                .expect("spawn child")
        })
        .collect()
}

pub fn wait_children(children: Vec<Child>) {
    for mut c in children {
        let out = c.wait().expect("wait child");
        assert!(out.success(), "a child appender failed: {out:?}");
    }
}

/// Every writer's events are there, each exactly once, in its own order; seqs strictly
/// increase; times never go backwards along seq.
pub fn assert_complete(events: &[Event], writers: &[String], count: usize) {
    let notes: Vec<&Event> = events
        .iter()
        .filter(|e| e.kind() == EventKind::Note)
        .collect();
    assert_eq!(
        notes.len(),
        writers.len() * count,
        "events lost or duplicated"
    );
    for pair in events.windows(2) {
        assert!(pair[0].seq < pair[1].seq, "seq not strictly increasing");
        assert!(pair[0].at <= pair[1].at, "time goes backwards along seq");
    }
    // The writers really ran at the same time: their events interleave.
    let switches = notes
        .windows(2)
        .filter(|p| p[0].actor != p[1].actor)
        .count();
    assert!(
        switches >= writers.len(),
        "writers did not overlap ({switches} switches): the test proves nothing"
    );
    let mut by_actor: HashMap<&str, Vec<u64>> = HashMap::new();
    for e in &notes {
        // each note says its number: `ACTOR #i`
        let EventBody::Note(note) = &e.body else {
            unreachable!("filtered on notes");
        };
        let i: u64 = note
            .text
            .rsplit_once(" #")
            .and_then(|(_, i)| i.parse().ok())
            .expect("i");
        by_actor.entry(e.actor.as_str()).or_default().push(i);
    }
    for w in writers {
        let seen = by_actor.get(w.as_str()).cloned().unwrap_or_default();
        let want: Vec<u64> = (0..count as u64).collect();
        assert_eq!(
            seen, want,
            "writer {w}: events missing, duplicated or out of order"
        );
    }
}

/// `n` stores opened at the same moment on a journal nobody has created yet, each opening the
/// same session: exactly one creates it, and `session_started` is journaled once.
pub async fn first_open_race(url: &str, n: usize) {
    let checklist = super::store_fixture::checklist();
    let mut tasks = Vec::new();
    for i in 0..n {
        let url = url.to_owned();
        let checklist = checklist.clone();
        tasks.push(tokio::spawn(async move {
            let store = Store::open(&url).await.expect("concurrent first open");
            let open = store
                .open_session("race", &checklist, None, &format!("opener-{i}"))
                .await
                .expect("concurrent open_session");
            store.close().await;
            open.created
        }));
    }
    let mut created = 0;
    for t in tasks {
        created += usize::from(t.await.expect("task"));
    }
    assert_eq!(created, 1, "exactly one opener creates the session");
    let store = Store::open(url).await.expect("open");
    let events = store.events_after("race", 0).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind(), EventKind::SessionStarted);
    store.close().await;
}
