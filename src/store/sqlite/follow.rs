//! The SQLite follower: tells watchers of a session that another connection (this process or
//! another on the host) committed newer events. A commit writes to the `-wal` file (or, after a
//! checkpoint, the database file): inotify on the journal's directory wakes the follower at once,
//! and only then does it look at `PRAGMA data_version` and the last seq. A slow poll stays as a
//! safety net (a file system without inotify, a missed wake-up).

use crate::store::subscribe::QUEUE;
use notify::{EventKind, RecursiveMode, Watcher};
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc;

/// How often a SQLite follower looks at `PRAGMA data_version` without being woken (one cheap
/// call, no disk read): the fallback when file notifications are unavailable or missed.
pub const SQLITE_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// After a wake-up, keep looking for the commit: the log is written (and wakes us) before it is
/// synced (an fsync: milliseconds to tens of them) and the commit published in the shared index,
/// which notifies nobody. Every 2 ms for 60 ms, then every 10 ms up to about a quarter second:
/// each look is one read of that index, and only writes start it.
fn settle() -> impl Iterator<Item = Duration> {
    std::iter::once(Duration::ZERO)
        .chain(std::iter::repeat_n(Duration::from_millis(2), 30))
        .chain(std::iter::repeat_n(Duration::from_millis(10), 20))
}

/// Wakes `wake` on every write to `db` or its `-wal`; `None` when inotify is not available
/// (the slow poll then does the work).
fn watch_files(db: &Path, wake: mpsc::UnboundedSender<()>) -> Option<notify::RecommendedWatcher> {
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = db.file_name()?.to_os_string();
    let mut wal = name.clone();
    wal.push("-wal");
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        // opening and reading are no news (and readers touch `-shm`, not watched)
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let ours = event.paths.iter().any(|p| {
            p.file_name()
                .is_some_and(|f| f == wal.as_os_str() || f == name.as_os_str())
        });
        if ours {
            let _ = wake.send(());
        }
    })
    .ok()?;
    watcher.watch(&dir, RecursiveMode::NonRecursive).ok()?;
    Some(watcher)
}

struct Follow {
    conn: SqliteConnection,
    session: String,
    /// The newest seq of the session seen, and the newest handed to the receiver: news waits
    /// (`known > sent`) while the receiver's queue is full, and goes as soon as there is room, so
    /// the newest seq always arrives.
    known: i64,
    sent: i64,
    seen_version: Option<i64>,
}

impl Follow {
    /// Hands the newest seq over if there is room; `Err` when the receiver is gone.
    fn hand_over(&mut self, tx: &mpsc::Sender<i64>) -> Result<(), ()> {
        if self.known <= self.sent {
            return Ok(());
        }
        match tx.try_send(self.known) {
            Ok(()) => {
                self.sent = self.known;
                Ok(())
            }
            Err(mpsc::error::TrySendError::Full(_)) => Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(()),
        }
    }

    /// Looks once; `Ok(true)` when the database changed (news handed over if our session moved),
    /// `Err` when the receiver is gone.
    async fn look(&mut self, tx: &mpsc::Sender<i64>) -> Result<bool, ()> {
        let version = sqlx::query_scalar::<_, i64>("PRAGMA data_version")
            .fetch_one(&mut self.conn)
            .await;
        let v = match version {
            Ok(v) if self.seen_version != Some(v) => v,
            Ok(_) => return Ok(false),
            Err(e) => {
                tracing::warn!(error = %e, "journal follower: data_version failed");
                return Ok(false);
            }
        };
        let last = sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session = ?",
        )
        .bind(&self.session)
        .fetch_one(&mut self.conn)
        .await;
        match last {
            Ok(seq) => {
                self.seen_version = Some(v);
                self.known = self.known.max(seq);
                self.hand_over(tx)?;
                Ok(true)
            }
            Err(e) => {
                tracing::warn!(error = %e, "journal follower: reading the last seq failed");
                Ok(false)
            }
        }
    }
}

pub(super) fn spawn_sqlite_poller(
    conn: SqliteConnection,
    db: PathBuf,
    session: String,
    after_seq: i64,
) -> mpsc::Receiver<i64> {
    let (tx, rx) = mpsc::channel(QUEUE);
    // watching before the caller gets the receiver: a commit right after `subscribe` wakes us
    let (wake_tx, mut wake) = mpsc::unbounded_channel();
    let watcher = watch_files(&db, wake_tx);
    tokio::spawn(async move {
        if watcher.is_none() {
            tracing::warn!(path = %db.display(), "journal follower: no file notifications, polling");
        }
        let mut f = Follow {
            conn,
            session,
            known: after_seq,
            sent: after_seq,
            seen_version: None,
        };
        'follow: loop {
            if f.look(&tx).await.is_err() {
                break;
            }
            let waiting = f.known > f.sent;
            tokio::select! {
                () = tx.closed() => break,
                permit = tx.reserve(), if waiting => match permit {
                    Ok(permit) => {
                        permit.send(f.known);
                        f.sent = f.known;
                    }
                    Err(_) => break,
                },
                woken = wake.recv(), if watcher.is_some() => {
                    if woken.is_none() {
                        break;
                    }
                    // a commit is several writes: take them as one, then wait for it to publish
                    while wake.try_recv().is_ok() {}
                    for pause in settle() {
                        tokio::time::sleep(pause).await;
                        match f.look(&tx).await {
                            Ok(true) => break,
                            Ok(false) => {}
                            Err(()) => break 'follow,
                        }
                    }
                }
                () = tokio::time::sleep(SQLITE_POLL_INTERVAL) => {}
            }
        }
        drop(watcher);
        let _ = f.conn.close().await;
    });
    rx
}
