//! The PostgreSQL follower: LISTENs on the session's channel (every append NOTIFYs its seq),
//! reconnects after a lost connection and re-reads the last seq, since notifications sent
//! meanwhile are lost; a heartbeat proves a quiet socket is alive.

use super::last_seq;
use crate::store::subscribe::{QUEUE, offer};
use sqlx::postgres::{PgListener, PgPool};
use std::time::Duration;
use tokio::sync::mpsc;

/// How often a PostgreSQL follower checks its listening connection and re-reads the last seq,
/// in case notifications were lost on a half-open socket.
pub const PG_HEARTBEAT: Duration = Duration::from_secs(5);
const PG_RECONNECT_MAX: Duration = Duration::from_secs(5);

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
                let last =
                    tokio::time::timeout(PG_HEARTBEAT, last_seq(&query_pool, &session)).await;
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
