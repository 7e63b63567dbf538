//! The SQLite follower: tells watchers of a session that another connection (this process or
//! another on the host) committed newer events, by watching `PRAGMA data_version`.

use crate::store::subscribe::{QUEUE, offer};
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often a SQLite follower looks at `PRAGMA data_version` (one cheap call, no disk read).
pub const SQLITE_POLL_INTERVAL: Duration = Duration::from_millis(250);

pub(super) fn spawn_sqlite_poller(
    mut conn: SqliteConnection,
    session: String,
    after_seq: i64,
) -> mpsc::Receiver<i64> {
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(async move {
        let mut sent = after_seq;
        let mut seen_version: Option<i64> = None;
        loop {
            let version = sqlx::query_scalar::<_, i64>("PRAGMA data_version")
                .fetch_one(&mut conn)
                .await;
            match version {
                Ok(v) if seen_version != Some(v) => {
                    let last = sqlx::query_scalar::<_, i64>(
                        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session = ?",
                    )
                    .bind(&session)
                    .fetch_one(&mut conn)
                    .await;
                    match last {
                        Ok(seq) => {
                            seen_version = Some(v);
                            if seq > sent {
                                sent = seq;
                                if !offer(&tx, seq) {
                                    break;
                                }
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "journal follower: reading the last seq failed")
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "journal follower: data_version failed"),
            }
            tokio::select! {
                () = tx.closed() => break,
                () = tokio::time::sleep(SQLITE_POLL_INTERVAL) => {}
            }
        }
        let _ = conn.close().await;
    });
    rx
}
