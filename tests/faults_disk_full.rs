//! The store's disk full, on a real 1 MB tmpfs under a real SQLite journal and the real loop: an
//! action taken while the store refuses waits in the spool and the header says why ("store's disk
//! full … 1 waiting"); with the spool on the same full disk it waits in memory and a message says
//! so; nothing is dropped, and once space returns everything lands, once, and the next action
//! too. Mounting a tmpfs needs root (CI runs as root); elsewhere the test says so and fails —
//! SQLite's `max_page_count` is no fallback, as it is a per-connection setting the store's own
//! connections would not carry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pair.rs"]
mod pair;
#[path = "support/store_fixture.rs"]
mod store_fixture;

use flightdeck::app::{App, SessionMeta};
use flightdeck::checklist::Checklist;
use flightdeck::journal::{EventBody, EventKind, NewEvent};
use flightdeck::store::{Spool, Store};
use std::path::Path;
use std::time::Duration;

fn checklist() -> Checklist {
    store_fixture::items(5)
}

fn app(actor: &str) -> App {
    let meta = SessionMeta {
        session: "s".into(),
        actor: actor.into(),
        env: None,
        read_only: false,
    };
    App::new(checklist(), meta, chrono::Utc::now())
}

/// A small tmpfs for the journal, unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path) -> Tmpfs {
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test fills a 1 MB tmpfs and needs to mount one (run as root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Writes zeros into `path` until the file system says it is full — to the last byte, or a
/// small write could still fit.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    for size in [64 * 1024, 4096, 512, 1] {
        let chunk = vec![0u8; size];
        while f.write_all(&chunk).and_then(|()| f.sync_all()).is_ok() {}
    }
}

/// A SQLite journal on a fresh 1 MB tmpfs under `dir`, the session opened; the spool's
/// directory is `small` itself when `spool_too`, else `dir`.
async fn rig(dir: &Path, spool_too: bool) -> (Tmpfs, std::path::PathBuf, Store, pair::Cockpit) {
    let small = dir.join("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = Tmpfs::mount(&small);
    let url = format!("sqlite://{}/j.db", small.display());
    let store = Store::open(&url).await.unwrap();
    store
        .open_session("s", &checklist(), None, "alice")
        .await
        .unwrap();
    let spool_dir = if spool_too { &small } else { dir };
    let spool = Spool::open(&spool_dir.join("alice.db"), &store, "s")
        .await
        .unwrap();
    let cockpit = pair::start(app("alice"), &store, Some(spool), "alice").await;
    cockpit.key(' ');
    cockpit
        .wait("the first tick", Duration::from_secs(10), |s| {
            s.unsynced == 0 && s.text.contains("✔ Item 0")
        })
        .await;
    (mounted, small, store, cockpit)
}

/// Frees the space: what waited lands (the header clears), and the next tick (on item 2) too.
async fn space_returns(cockpit: &pair::Cockpit, filler: &Path, waiting: &str) {
    std::fs::remove_file(filler).unwrap();
    cockpit
        .wait(waiting, Duration::from_secs(20), |s| {
            s.reachable && s.unsynced == 0
        })
        .await;
    cockpit.key('j');
    cockpit.key(' ');
    cockpit
        .wait("the next tick to land", Duration::from_secs(10), |s| {
            s.unsynced == 0 && s.text.contains("✔ Item 2")
        })
        .await;
}

fn ticks(events: &[flightdeck::journal::Event]) -> Vec<&str> {
    events
        .iter()
        .filter(|e| e.kind() == EventKind::Tick)
        .filter_map(|e| e.item.as_deref())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_disk_full_then_freed_the_next_tick_lands() {
    let dir = tempfile::tempdir().unwrap();
    let (_mounted, small, store, cockpit) = rig(dir.path(), false).await;

    let filler = small.join("filler");
    fill(&filler);
    cockpit.key('j');
    cockpit.key(' ');
    let full = cockpit
        .wait("the store to refuse", Duration::from_secs(20), |s| {
            !s.reachable && s.unsynced == 1
        })
        .await;
    // the header says why, and what waits
    assert!(
        full.text.contains("store's disk full") && full.text.contains("1 waiting"),
        "{}",
        full.text
    );
    // the store itself says why
    let direct = store
        .append("s", NewEvent::new("probe", EventBody::note("x")))
        .await
        .unwrap_err()
        .to_string();
    assert!(direct.contains("full"), "{direct}");

    space_returns(&cockpit, &filler, "the waiting tick to land").await;
    let app = cockpit.stop().await;
    let events = store.events_after("s", 0).await.unwrap();
    assert_eq!(ticks(&events), ["i0", "i1", "i2"]);
    assert_eq!(
        app.session.item_state("i2"),
        flightdeck::session::ItemState::Done
    );
    // and the store's own connections work again (no "non-zero transaction depth")
    store
        .append("s", NewEvent::new("probe", EventBody::note("after")))
        .await
        .unwrap();
    store.close().await;
}

/// Checkpoints the spool's write-ahead log into its file and truncates it to nothing, from a
/// connection of the test's own: SQLite reuses a log's old frames, so without this the next
/// few writes fit in space the disk already gave and a full disk would not show.
async fn truncate_wal(db: &Path) {
    use sqlx::Connection;
    let url = format!("sqlite://{}", db.display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    let wal = db.with_extension("db-wal");
    assert_eq!(std::fs::metadata(&wal).map_or(0, |m| m.len()), 0, "{wal:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spool_on_the_full_disk_too_says_so_and_drops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_mounted, small, store, cockpit) = rig(dir.path(), true).await;

    truncate_wal(&small.join("alice.db")).await;
    let filler = small.join("filler");
    fill(&filler);
    cockpit.key('j');
    cockpit.key(' ');
    // neither the spool nor the store can write: kept in memory, and the screen says so
    let said = cockpit
        .wait("the message", Duration::from_secs(10), |s| {
            s.text.contains("kept in memory until the store takes it")
        })
        .await;
    assert!(
        said.text.contains("✔ Item 1") && said.text.contains("(database or disk is full)"),
        "{}",
        said.text
    );
    cockpit.key('i');
    cockpit.text("while full");
    cockpit.enter();
    let full = cockpit
        .wait("both to wait", Duration::from_secs(20), |s| {
            !s.reachable && s.unsynced == 2 && s.text.contains("2 waiting")
        })
        .await;
    assert!(full.text.contains("store's disk full"), "{}", full.text);

    space_returns(&cockpit, &filler, "the waiting two to land").await;
    cockpit.stop().await;
    let events = store.events_after("s", 0).await.unwrap();
    assert_eq!(ticks(&events), ["i0", "i1", "i2"], "each tick once");
    let notes: Vec<_> = events
        .iter()
        .filter(|e| e.kind() == EventKind::Note)
        .filter_map(|e| e.item.as_deref())
        .collect();
    assert_eq!(notes, ["i1"], "the note once");
    store.close().await;
}

/// The spool's own promise: a push that returns a row id has its row on disk. (An `INSERT …
/// RETURNING` fetched before its end hid a failed commit: the id came back, the row never
/// existed.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spool_push_on_a_full_disk_fails_rather_than_losing_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    let _mounted = Tmpfs::mount(&small);
    let store = Store::open(&format!("sqlite://{}/j.db", dir.path().display()))
        .await
        .unwrap();
    let spool = Spool::open(&small.join("alice.db"), &store, "s")
        .await
        .unwrap();
    let tick = |key: &str| NewEvent::on_item("a", "i0", None, EventBody::tick()).with_key(key);
    let first = spool.push(&tick("k-1")).await.unwrap();
    spool.remove(first.id).await.unwrap();
    truncate_wal(&small.join("alice.db")).await;
    fill(&small.join("filler"));
    let err = spool.push(&tick("k-2")).await.unwrap_err().to_string();
    assert!(err.contains("full"), "{err}");
    assert!(spool.waiting().await.unwrap().is_empty());
    std::fs::remove_file(small.join("filler")).unwrap();
    let row = spool.push(&tick("k-3")).await.unwrap();
    assert_eq!(spool.waiting().await.unwrap(), vec![row]);
}
