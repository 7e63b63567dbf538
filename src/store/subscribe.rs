//! Followers: background tasks that tell a session's watchers "events up to seq N exist".
//!
//! The message is a hint, never the data: the receiver reads `events_after(its last seq)`, so a
//! coalesced, duplicated or lost-and-resent hint costs nothing but a query.

use sqlx::Connection;
use sqlx::postgres::{PgListener, PgPool};
use sqlx::sqlite::SqliteConnection;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// How often a SQLite follower looks at `PRAGMA data_version` (one cheap call, no disk read).
pub const SQLITE_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// How often a PostgreSQL follower checks its listening connection and re-reads the last seq,
/// in case notifications were lost on a half-open socket.
pub const PG_HEARTBEAT: Duration = Duration::from_secs(5);
const PG_RECONNECT_MAX: Duration = Duration::from_secs(5);
const QUEUE: usize = 16;

/// Hands `seq` to the receiver; false once the receiver is gone.
fn offer(tx: &mpsc::Sender<i64>, seq: i64) -> bool {
    match tx.try_send(seq) {
        // A full queue already holds news the receiver has not read; when it does read, its
        // `events_after` returns this seq's event too.
        Ok(()) | Err(TrySendError::Full(_)) => true,
        Err(TrySendError::Closed(_)) => false,
    }
}

pub(crate) fn spawn_sqlite_poller(
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

/// Connects a listener to `channel`.
pub(crate) async fn pg_listen(pool: &PgPool, channel: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(channel).await?;
    Ok(listener)
}

pub(crate) struct PgFollow {
    pub listener: PgListener,
    pub listen_pool: PgPool,
    pub query_pool: PgPool,
    pub channel: String,
    pub session: String,
}

pub(crate) fn spawn_pg_listener(follow: PgFollow, after_seq: i64) -> mpsc::Receiver<i64> {
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(async move {
        let PgFollow {
            listener,
            listen_pool,
            query_pool,
            channel,
            session,
        } = follow;
        let mut listener = Some(listener);
        let mut sent = after_seq;
        // Catch up first: events may have landed between the caller's read and our LISTEN.
        let mut catch_up = true;
        let mut backoff = Duration::from_millis(100);
        loop {
            let Some(active) = listener.as_mut() else {
                tokio::select! {
                    () = tx.closed() => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                match tokio::time::timeout(PG_HEARTBEAT, pg_listen(&listen_pool, &channel)).await {
                    Ok(Ok(l)) => {
                        listener = Some(l);
                        catch_up = true;
                        backoff = Duration::from_millis(100);
                    }
                    _ => backoff = (backoff * 2).min(PG_RECONNECT_MAX),
                }
                continue;
            };
            if catch_up {
                let last = tokio::time::timeout(
                    PG_HEARTBEAT,
                    super::postgres::last_seq(&query_pool, &session),
                )
                .await;
                if let Ok(Ok(seq)) = last {
                    catch_up = false;
                    if seq > sent {
                        sent = seq;
                        if !offer(&tx, seq) {
                            break;
                        }
                    }
                }
            }
            tokio::select! {
                () = tx.closed() => break,
                received = tokio::time::timeout(PG_HEARTBEAT, active.try_recv()) => match received {
                    Ok(Ok(Some(note))) => {
                        if let Ok(seq) = note.payload().parse::<i64>()
                            && seq > sent
                        {
                            sent = seq;
                            if !offer(&tx, seq) {
                                break;
                            }
                        }
                    }
                    // The connection dropped and was re-established: notifications sent
                    // meanwhile are gone, re-read the last seq.
                    Ok(Ok(None)) => catch_up = true,
                    Ok(Err(e)) => {
                        tracing::warn!(error = %crate::redact::redact_text(&e.to_string()), "journal follower: listener lost");
                        listener = None;
                    }
                    // Quiet for a while: prove the socket is alive, and re-read in case.
                    Err(_) => {
                        let ping = tokio::time::timeout(
                            PG_HEARTBEAT,
                            sqlx::query("SELECT 1").execute(&mut *active),
                        )
                        .await;
                        if matches!(ping, Ok(Ok(_))) {
                            catch_up = true;
                        } else {
                            listener = None;
                        }
                    }
                },
            }
        }
        listen_pool.close().await;
    });
    rx
}
