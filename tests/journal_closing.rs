//! The way out: once the cockpit's loop has ended (nobody reads the app's queue any more), the
//! journal worker still takes what closing sends — the screen's `left` — to the store, and still
//! answers the flush that closing waits on. (`pair_tmux` once missed a watcher's `left` after
//! `q y`: the worker stopped at its first message to the gone loop, dropping the flush, and the
//! process exited with the leave still on its way.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/store_fixture.rs"]
mod store_fixture;

use flightdeck::journal::{EventBody, EventKind, Left, NewEvent};
use flightdeck::runtime::{JournalCmd, JournalSetup, spawn_journal};
use flightdeck::store::{Spool, Store};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

fn left(screen: &str) -> NewEvent {
    let body = EventBody::Left(Left {
        screen: screen.to_owned(),
        silent: false,
    });
    NewEvent::new("bob@two", body).with_key(format!("left:{screen}"))
}

async fn flush(journal: &mpsc::UnboundedSender<JournalCmd>) -> usize {
    let (tx, rx) = oneshot::channel();
    journal
        .send(JournalCmd::Flush(tx))
        .expect("the journal worker still takes commands after the loop ended");
    tokio::time::timeout(Duration::from_secs(10), rx)
        .await
        .expect("the flush is answered in time")
        .expect("the flush is answered, not dropped")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leave_lands_and_the_flush_is_answered_after_the_loop_ended() {
    let (dir, url) = store_fixture::sqlite_url();
    let store = Store::open(&url).await.unwrap();
    let checklist = store_fixture::items(3);
    store
        .open_session("s", &checklist, None, "bob@two")
        .await
        .unwrap();
    let spool = Spool::open(&dir.path().join("spool.db"), &store, "s")
        .await
        .unwrap();
    let (app_tx, app_rx) = mpsc::channel(16);
    let journal = spawn_journal(
        JournalSetup {
            store: store.clone(),
            session: "s".into(),
            last_seq: 0,
            spool: Some(spool.clone()),
            key_prefix: "screen".into(),
        },
        app_tx,
    );
    // the loop returned: its end of the queue is gone
    drop(app_rx);

    // the leave and the flush at once, as `Closing::close` sends them
    journal
        .send(JournalCmd::Append(Box::new(left("one"))))
        .unwrap();
    assert_eq!(flush(&journal).await, 0, "nothing left waiting");

    // and apart: the worker has handled the append on its own before the flush comes
    journal
        .send(JournalCmd::Append(Box::new(left("two"))))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(flush(&journal).await, 0, "nothing left waiting");

    let screens: Vec<String> = store
        .events_after("s", 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind() == EventKind::Left)
        .map(|e| {
            e.body.payload_json()["screen"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(screens, ["one", "two"], "both leaves in the journal");
    assert!(
        spool.waiting().await.unwrap().is_empty(),
        "and gone from the spool"
    );
}
