//! The PostgreSQL journal: one database for a team on several hosts, with NOTIFY fan-out.
//!
//! Appends to one session take a transaction-scoped advisory lock keyed by the session, so seq
//! order is commit order within a session (an identity column alone hands out seqs at insert
//! time, and a follower could read seq 6 before seq 5 commits, then never see 5). Each append
//! NOTIFYs the session's channel with the new seq; NOTIFY is delivered at COMMIT.
//! `at` comes from the server's clock, one clock for every host.

mod follow;
mod notices;
mod presence;

pub use follow::PG_HEARTBEAT;

use super::error::StoreError;
use super::{Event, EventBody, NewEvent, SessionInfo, SessionOpen, Snapshot, migrate, stable_hash};
use crate::redact::redact_text;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::types::Json;
use sqlx::{ConnectOptions, Connection, Row};
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long `append` waits for a connection before saying the server is unreachable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Upper bound on any one store operation, for sockets that hang without an error.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(20);
const MIGRATE_ATTEMPTS: u32 = 5;

#[derive(Clone)]
pub(crate) struct PgStore {
    pool: PgPool,
    options: PgConnectOptions,
    url: Arc<str>,
}

const EVENT_COLUMNS: &str = "seq, session, at, actor, kind, item, payload, key";

impl PgStore {
    pub(crate) async fn open(url: &str) -> Result<PgStore, StoreError> {
        let display = redact_text(url);
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::from_sqlx(url, "read the store URL", &e))?
            .application_name("flightdeck")
            // A lock wait or a stuck statement fails instead of hanging the cockpit.
            .options([("statement_timeout", "15s")])
            .disable_statement_logging();
        // One direct connection first: a pool would retry until its timeout and then say only
        // "pool timed out", hiding "connection refused" or "password authentication failed".
        match tokio::time::timeout(ACQUIRE_TIMEOUT, options.connect()).await {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
            Ok(Err(e)) => return Err(StoreError::from_sqlx(url, "open the journal", &e)),
            Err(_) => {
                return Err(StoreError::timeout(
                    url,
                    "open the journal",
                    ACQUIRE_TIMEOUT.as_secs(),
                ));
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options.clone());
        let mut attempt = 0;
        loop {
            attempt += 1;
            match migrate::postgres().run(&pool).await {
                Ok(()) => break,
                // Two hosts creating the schema at the same moment: one wins, the other retries
                // and finds it done.
                Err(_) if attempt < MIGRATE_ATTEMPTS => {
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                }
                Err(e) => {
                    pool.close().await;
                    return Err(StoreError::Database {
                        url: display,
                        action: "bring the journal schema up to date",
                        message: redact_text(&e.to_string()),
                    });
                }
            }
        }
        Ok(PgStore {
            pool,
            options,
            url: display.into(),
        })
    }

    pub(crate) fn display_url(&self) -> String {
        self.url.to_string()
    }

    /// Runs one store operation with the overall timeout and error classification.
    async fn timed<T>(
        &self,
        action: &'static str,
        work: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(OPERATION_TIMEOUT, work).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(sqlx::Error::PoolTimedOut)) => Err(self.why_unreachable(action).await),
            Ok(Err(e)) => Err(StoreError::from_sqlx(&self.url, action, &e)),
            Err(_) => Err(StoreError::timeout(
                &self.url,
                action,
                OPERATION_TIMEOUT.as_secs(),
            )),
        }
    }

    /// After "pool timed out": one direct attempt tells the user the real reason.
    async fn why_unreachable(&self, action: &'static str) -> StoreError {
        match tokio::time::timeout(Duration::from_secs(2), self.options.connect()).await {
            Ok(Err(e)) => StoreError::from_sqlx(&self.url, action, &e),
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
                StoreError::Unavailable {
                    url: self.display_url(),
                    action,
                    message: format!(
                        "no connection was free or could be opened within {} s (the server answers again now)",
                        ACQUIRE_TIMEOUT.as_secs()
                    ),
                }
            }
            Err(_) => StoreError::timeout(&self.url, action, ACQUIRE_TIMEOUT.as_secs()),
        }
    }

    pub(crate) async fn open_session(
        &self,
        name: &str,
        snapshot: &Snapshot<'_>,
        actor: &str,
    ) -> Result<SessionOpen, StoreError> {
        self.timed("open the session", async {
            let mut tx = self.pool.begin().await?;
            lock_session(&mut tx, name).await?;
            let exists = sqlx::query("SELECT 1 FROM flightdeck.sessions WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if exists {
                sqlx::query(
                    "UPDATE flightdeck.sessions SET checklist_title = $1, checklist_path = $2, \
                     checklist_json = $3 WHERE name = $4",
                )
                .bind(snapshot.title)
                .bind(snapshot.path)
                .bind(snapshot.json)
                .bind(name)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "INSERT INTO flightdeck.sessions (name, created_at, checklist_title, \
                     checklist_path, checklist_json) VALUES ($1, clock_timestamp(), $2, $3, $4)",
                )
                .bind(name)
                .bind(snapshot.title)
                .bind(snapshot.path)
                .bind(snapshot.json)
                .execute(&mut *tx)
                .await?;
                let started = snapshot.started(actor);
                insert_event(&mut tx, name, &started).await?;
            }
            tx.commit().await?;
            Ok(SessionOpen { created: !exists })
        })
        .await
    }

    pub(crate) async fn checklist_json(&self, session: &str) -> Result<Option<String>, StoreError> {
        self.timed(
            "read the session's checklist",
            sqlx::query_scalar("SELECT checklist_json FROM flightdeck.sessions WHERE name = $1")
                .bind(session)
                .fetch_optional(&self.pool),
        )
        .await
    }

    /// `Ok(None)`: no such session.
    pub(crate) async fn append(
        &self,
        session: &str,
        event: &NewEvent,
    ) -> Result<Option<Event>, StoreError> {
        self.timed("append an event", async {
            let mut tx = self.pool.begin().await?;
            lock_session(&mut tx, session).await?;
            let inserted = match insert_event(&mut tx, session, event).await {
                Ok(e) => e,
                Err(e)
                    if e.as_database_error()
                        .is_some_and(|d| d.is_foreign_key_violation()) =>
                {
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
            tx.commit().await?;
            Ok(Some(inserted))
        })
        .await
    }

    pub(crate) async fn events_after(
        &self,
        session: &str,
        after_seq: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = self
            .timed(
                "read events",
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {EVENT_COLUMNS} FROM flightdeck.events \
                     WHERE session = $1 AND seq > $2 ORDER BY seq"
                )))
                .bind(session)
                .bind(after_seq)
                .fetch_all(&self.pool),
            )
            .await?;
        rows.iter()
            .map(|row| {
                decode_event(row).map_err(|e| StoreError::Corrupt {
                    url: self.display_url(),
                    session: redact_text(session),
                    message: redact_text(&e.to_string()),
                })
            })
            .collect()
    }

    pub(crate) async fn sessions(&self) -> Result<Vec<SessionInfo>, StoreError> {
        let rows = self
            .timed(
                "list sessions",
                sqlx::query(
                    "SELECT s.name, s.created_at, s.checklist_title, s.checklist_path, \
                            COUNT(e.seq) AS n, MAX(e.at) AS last_at, \
                            COALESCE(MAX(e.seq), 0) AS last_seq \
                     FROM flightdeck.sessions s \
                     LEFT JOIN flightdeck.events e ON e.session = s.name \
                     GROUP BY s.name ORDER BY last_seq DESC, s.created_at DESC",
                )
                .fetch_all(&self.pool),
            )
            .await?;
        rows.iter()
            .map(|row| {
                let info = || -> Result<SessionInfo, sqlx::Error> {
                    Ok(SessionInfo {
                        name: row.try_get("name")?,
                        created_at: row.try_get("created_at")?,
                        checklist_title: row.try_get("checklist_title")?,
                        checklist_path: row.try_get("checklist_path")?,
                        events: row.try_get("n")?,
                        last_at: row.try_get("last_at")?,
                        last_seq: row.try_get("last_seq")?,
                    })
                };
                info().map_err(|e| StoreError::from_sqlx(&self.url, "list sessions", &e))
            })
            .collect()
    }

    pub(crate) async fn latest_session(&self) -> Result<Option<String>, StoreError> {
        self.timed("find the latest session", async {
            let newest: Option<String> = sqlx::query_scalar(
                "SELECT session FROM flightdeck.events ORDER BY seq DESC LIMIT 1",
            )
            .fetch_optional(&self.pool)
            .await?;
            if newest.is_some() {
                return Ok(newest);
            }
            sqlx::query_scalar(
                "SELECT name FROM flightdeck.sessions ORDER BY created_at DESC LIMIT 1",
            )
            .fetch_optional(&self.pool)
            .await
        })
        .await
    }

    pub(crate) async fn last_seq(&self, session: &str) -> Result<i64, StoreError> {
        self.timed("read the last seq", last_seq(&self.pool, session))
            .await
    }

    pub(crate) async fn subscribe(
        &self,
        session: &str,
        after_seq: i64,
    ) -> Result<mpsc::Receiver<i64>, StoreError> {
        // The listener holds its connection for good: give it a pool of its own, so it never
        // starves `append`.
        let listen_pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_lazy_with(self.options.clone());
        let channel = channel(session);
        let listener = self
            .timed(
                "listen for new events",
                follow::pg_listen(&listen_pool, &channel),
            )
            .await?;
        Ok(follow::spawn_pg_listener(
            follow::PgFollow {
                listener,
                listen_pool,
                query_pool: self.pool.clone(),
                channel,
                session: session.to_owned(),
            },
            after_seq,
        ))
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

/// The NOTIFY channel of a session: a fixed-length identifier whatever the session's name.
pub(crate) fn channel(session: &str) -> String {
    format!("flightdeck_{:016x}", stable_hash(session))
}

async fn lock_session(conn: &mut PgConnection, session: &str) -> Result<(), sqlx::Error> {
    // Same bits, reinterpreted: PostgreSQL advisory keys are signed 64-bit.
    let key = i64::from_ne_bytes(stable_hash(session).to_ne_bytes());
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(conn)
        .await
        .map(|_| ())
}

pub(crate) async fn last_seq(pool: &PgPool, session: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0)::int8 FROM flightdeck.events WHERE session = $1",
    )
    .bind(session)
    .fetch_one(pool)
    .await
}

async fn insert_event(
    conn: &mut PgConnection,
    session: &str,
    event: &NewEvent,
) -> Result<Event, sqlx::Error> {
    let (kind, payload) = event
        .body
        .to_stored()
        .map_err(|e| sqlx::Error::Encode(e.into()))?;
    // `at`: the server's clock, unless the event says when it happened (it waited in a spool).
    let row = sqlx::query(
        "INSERT INTO flightdeck.events (session, at, actor, kind, item, payload, key) \
         VALUES ($1, COALESCE($6, clock_timestamp()), $2, $3, $4, $5, $7) \
         ON CONFLICT (session, key) WHERE key IS NOT NULL DO NOTHING RETURNING seq, at",
    )
    .bind(session)
    .bind(&event.actor)
    .bind(kind)
    .bind(event.item.as_deref())
    .bind(Json(&payload))
    .bind(event.at)
    .bind(event.key.as_deref())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        // The key is there already (a replay, or another screen was first): that event is the
        // answer, and nobody needs telling.
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM flightdeck.events WHERE session = $1 AND key = $2"
        )))
        .bind(session)
        .bind(event.key.as_deref())
        .fetch_one(&mut *conn)
        .await?;
        return decode_event(&row);
    };
    let seq: i64 = row.try_get("seq")?;
    let at: DateTime<Utc> = row.try_get("at")?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel(session))
        .bind(seq.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(event.committed(session, seq, at))
}

fn decode_event(row: &PgRow) -> Result<Event, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let payload: Json<serde_json::Value> = row.try_get("payload")?;
    Ok(Event {
        seq: row.try_get("seq")?,
        session: row.try_get("session")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        item: row.try_get("item")?,
        body: EventBody::from_stored(&kind, payload.0),
        key: row.try_get("key")?,
    })
}
