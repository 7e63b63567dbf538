//! The presence worker: heartbeats this screen's row (at once when what it says changes, else
//! every `HEARTBEAT`), reads everyone's every `PRESENCE_LOOK` and hands them to the app, and
//! removes the row when the cockpit closes. Also where a screen learns who it is (OS user, host, ssh client).

use crate::app::Msg;
use crate::app::pair::Identity;
use crate::store::{HEARTBEAT, PRESENCE_LOOK, PRESENCE_TIMEOUT, Presence, Store};
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Changes of what the app says are batched this long (the cursor moving down a list).
const DEBOUNCE: Duration = Duration::from_millis(150);

/// This process as a screen: a fresh id, the OS account it runs as, the host, the ssh client.
pub fn identity() -> Identity {
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    Identity {
        screen: format!("{host}-{}-{:06x}", std::process::id(), random & 0xff_ffff),
        os_user: os_user(),
        host,
        client: std::env::var("SSH_CONNECTION")
            .ok()
            .and_then(|c| c.split_whitespace().next().map(str::to_owned)),
    }
}

/// The name of the account this process runs as — its real uid, not `$USER`, which anyone can
/// set: co-signing rests on it.
fn os_user() -> String {
    use std::os::unix::fs::MetadataExt;
    let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|line| {
            let mut parts = line.split(':');
            let name = parts.next()?;
            let id = parts.nth(1)?;
            (id.parse::<u32>().ok()? == uid).then(|| name.to_owned())
        })
        .unwrap_or_else(|| format!("uid{uid}"))
}

/// Starts the worker with `first` as the row's content; send later contents through the returned
/// sender. On `cancel` it removes the row (the join handle finishes then).
pub fn spawn_presence(
    store: Store,
    session: String,
    first: Presence,
    tx: mpsc::Sender<Msg>,
    cancel: CancellationToken,
) -> (watch::Sender<Presence>, JoinHandle<()>) {
    let (set, mut current) = watch::channel(first);
    let handle = tokio::spawn(async move {
        // Since when our own heartbeats have gone through without a gap: another screen's silence
        // means something only once ours has been steady for as long as silence takes.
        let mut steady_since: Option<tokio::time::Instant> = None;
        // when our row was last written; `None`: write at the next turn (first, or it changed)
        let mut written: Option<tokio::time::Instant> = None;
        loop {
            let me = current.borrow_and_update().clone();
            let write = written.is_none_or(|at| at.elapsed() >= HEARTBEAT);
            let read = if write {
                store.heartbeat(&session, &me).await
            } else {
                store.who_is_here(&session).await
            };
            match read {
                Ok(rows) => {
                    if write {
                        written = Some(tokio::time::Instant::now());
                    }
                    let since = *steady_since.get_or_insert_with(tokio::time::Instant::now);
                    let settled = since.elapsed() >= PRESENCE_TIMEOUT;
                    if tx.send(Msg::Presence { rows, settled }).await.is_err() {
                        break;
                    }
                }
                Err(e) => {
                    steady_since = None;
                    written = None;
                    tracing::debug!(error = %e, "presence heartbeat failed");
                }
            }
            tokio::select! {
                () = cancel.cancelled() => break,
                changed = current.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    tokio::time::sleep(DEBOUNCE).await;
                    written = None;
                }
                () = tokio::time::sleep(PRESENCE_LOOK) => {}
            }
        }
        let screen = current.borrow().screen.clone();
        let _ = tokio::time::timeout(Duration::from_secs(2), store.leave(&session, &screen)).await;
    });
    (set, handle)
}
