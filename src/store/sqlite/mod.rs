//! The SQLite journal: one file shared by every flightdeck process on the host.
//!
//! Settings and why:
//! - WAL: readers (`watch`, `report`) never block the writer, and a commit is one append to
//!   the -wal file.
//! - `synchronous=FULL`: in WAL mode, NORMAL already survives `kill -9` (the commit is in the
//!   OS page cache), but not a power cut or a kernel crash, which may roll back the last
//!   commits. The promise is "nothing lost", and appends are human-paced, so we pay one fsync per
//!   append (see `benches/store.rs` for the cost).
//! - Writes start with `BEGIN IMMEDIATE`, taking the write lock before reading anything, so two
//!   processes queue on the busy timeout instead of failing with `SQLITE_BUSY_SNAPSHOT`, and
//!   seq order is commit order. Inside one process an async mutex queues writers first, because
//!   SQLite's busy handler sleeps in coarse steps (up to 100 ms).
//! - WAL sharing needs one host: never put the journal on NFS.

mod follow;
mod notices;
mod presence;

pub use follow::SQLITE_POLL_INTERVAL;

use super::error::StoreError;
use super::{Event, EventBody, NewEvent, SessionInfo, SessionOpen, Snapshot, migrate};
use crate::redact::redact_text;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Connection, Row};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, mpsc};

/// How long a writer waits for another process's write transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts at opening a brand-new file that other processes are creating at the same moment.
const OPEN_ATTEMPTS: u32 = 40;

#[derive(Clone)]
pub(crate) struct SqliteStore {
    pool: SqlitePool,
    path: Arc<std::path::Path>,
    options: SqliteConnectOptions,
    url: Arc<str>,
    write_lock: Arc<Mutex<()>>,
}

const EVENT_COLUMNS: &str = "seq, session, at, actor, kind, item, payload, key";

impl SqliteStore {
    pub(crate) async fn open(path: PathBuf, create: bool) -> Result<SqliteStore, StoreError> {
        let url = redact_text(&format!("sqlite://{}", path.display()));
        if !create && !path.exists() {
            return Err(StoreError::Missing {
                path: redact_text(&path.display().to_string()),
            });
        }
        if create && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Database {
                url: url.clone(),
                action: "create the journal directory",
                message: redact_text(&e.to_string()),
            })?;
        }
        if create {
            // it holds every note and value typed during the window
            crate::store::private::create_new(&path).map_err(|e| StoreError::Database {
                url: url.clone(),
                action: "create the journal",
                message: redact_text(&e.to_string()),
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let mut attempt = 0;
        let pool = loop {
            attempt += 1;
            match connect_and_migrate(&options).await {
                Ok(pool) => break pool,
                // Switching a new file to WAL and the first migration take locks that the busy
                // timeout does not cover; another process doing the same wins, we retry.
                Err(Retry::Yes(_)) if attempt < OPEN_ATTEMPTS => {
                    tokio::time::sleep(Duration::from_millis(25 * u64::from(attempt.min(8)))).await;
                }
                Err(Retry::Yes(message) | Retry::No(message)) => {
                    return Err(StoreError::Database {
                        url,
                        action: "open the journal",
                        message: redact_text(&message),
                    });
                }
            }
        };
        Ok(SqliteStore {
            pool,
            path: path.as_path().into(),
            options: options.create_if_missing(false),
            url: url.into(),
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    pub(crate) fn display_url(&self) -> String {
        self.url.to_string()
    }

    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }

    fn err(&self, action: &'static str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
        move |e| StoreError::from_sqlx(&self.url, action, &e)
    }

    pub(crate) async fn open_session(
        &self,
        name: &str,
        snapshot: &Snapshot<'_>,
        actor: &str,
    ) -> Result<SessionOpen, StoreError> {
        let action = "open the session";
        let _guard = self.write_lock.lock().await;
        let mut conn = self.pool.acquire().await.map_err(self.err(action))?;
        let result = open_session_on(&mut conn, name, snapshot, actor).await;
        if result.is_err() {
            // see `append`
            conn.close_on_drop();
        }
        result.map_err(self.err(action))
    }

    pub(crate) async fn checklist_json(&self, session: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT checklist_json FROM sessions WHERE name = ?")
            .bind(session)
            .fetch_optional(&self.pool)
            .await
            .map_err(self.err("read the session's checklist"))
    }

    /// `Ok(None)`: no such session. An event whose key the session already has is not written
    /// again: the one there is returned.
    pub(crate) async fn append(
        &self,
        session: &str,
        event: &NewEvent,
    ) -> Result<Option<Event>, StoreError> {
        let action = "append an event";
        let _guard = self.write_lock.lock().await;
        let mut conn = self.pool.acquire().await.map_err(self.err(action))?;
        let result = append_on(&mut conn, session, event).await;
        if result.is_err() {
            // After "disk full" or an I/O error SQLite may have rolled the transaction back
            // itself; sqlx's own rollback then fails and leaves the connection believing it is
            // still inside one ("begin_with at non-zero transaction depth" on every later write,
            // even once there is room again). A fresh connection is the one certain way out.
            conn.close_on_drop();
        }
        match result {
            Ok(e) => Ok(Some(e)),
            Err(e) if is_foreign_key(&e) => Ok(None),
            Err(e) => Err(self.err(action)(e)),
        }
    }

    pub(crate) async fn events_after(
        &self,
        session: &str,
        after_seq: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE session = ? AND seq > ? ORDER BY seq"
        )))
        .bind(session)
        .bind(after_seq)
        .fetch_all(&self.pool)
        .await
        .map_err(self.err("read events"))?;
        rows.iter()
            .map(|row| decode_event(row).map_err(|m| self.corrupt(session, &m)))
            .collect()
    }

    pub(crate) async fn sessions(&self) -> Result<Vec<SessionInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.name, s.created_at, s.checklist_title, s.checklist_path, \
                    COUNT(e.seq) AS n, MAX(e.at) AS last_at, COALESCE(MAX(e.seq), 0) AS last_seq \
             FROM sessions s LEFT JOIN events e ON e.session = s.name \
             GROUP BY s.name, s.created_at, s.checklist_title, s.checklist_path \
             ORDER BY last_seq DESC, s.created_at DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(self.err("list sessions"))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let name: String = row.try_get("name").map_err(self.err("list sessions"))?;
            let decoded = (|| -> Result<SessionInfo, String> {
                let created: String = row.try_get("created_at").map_err(|e| e.to_string())?;
                let last_at: Option<String> = row.try_get("last_at").map_err(|e| e.to_string())?;
                Ok(SessionInfo {
                    name: name.clone(),
                    created_at: parse_at(&created)?,
                    checklist_title: row.try_get("checklist_title").map_err(|e| e.to_string())?,
                    checklist_path: row.try_get("checklist_path").map_err(|e| e.to_string())?,
                    events: row.try_get("n").map_err(|e| e.to_string())?,
                    last_at: last_at.as_deref().map(parse_at).transpose()?,
                    last_seq: row.try_get("last_seq").map_err(|e| e.to_string())?,
                })
            })();
            out.push(decoded.map_err(|m| self.corrupt(&name, &m))?);
        }
        Ok(out)
    }

    pub(crate) async fn latest_session(&self) -> Result<Option<String>, StoreError> {
        let newest: Option<String> =
            sqlx::query_scalar("SELECT session FROM events ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(self.err("find the latest session"))?;
        if newest.is_some() {
            return Ok(newest);
        }
        sqlx::query_scalar("SELECT name FROM sessions ORDER BY created_at DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(self.err("find the latest session"))
    }

    pub(crate) async fn last_seq(&self, session: &str) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events WHERE session = ?")
            .bind(session)
            .fetch_one(&self.pool)
            .await
            .map_err(self.err("read the last seq"))
    }

    pub(crate) async fn subscribe(
        &self,
        session: &str,
        after_seq: i64,
    ) -> Result<mpsc::Receiver<i64>, StoreError> {
        // A connection of its own: `data_version` moves only for other connections' commits,
        // and this one never writes, so every commit anywhere moves it.
        let conn = sqlx::SqliteConnection::connect_with(&self.options)
            .await
            .map_err(self.err("watch the journal"))?;
        Ok(follow::spawn_sqlite_poller(
            conn,
            self.path.to_path_buf(),
            session.to_owned(),
            after_seq,
        ))
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }

    fn corrupt(&self, session: &str, message: &str) -> StoreError {
        StoreError::Corrupt {
            url: self.url.to_string(),
            session: redact_text(session),
            message: redact_text(message),
        }
    }
}

enum Retry {
    Yes(String),
    No(String),
}

async fn connect_and_migrate(options: &SqliteConnectOptions) -> Result<SqlitePool, Retry> {
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(BUSY_TIMEOUT + Duration::from_secs(5))
        .connect_with(options.clone())
        .await
        .map_err(|e| classify(&e))?;
    let migrated = migrate::sqlite().run(&pool).await;
    if let Err(e) = migrated {
        pool.close().await;
        return Err(match &e {
            sqlx::migrate::MigrateError::Execute(inner)
            | sqlx::migrate::MigrateError::ExecuteMigration(inner, _) => match classify(inner) {
                Retry::Yes(_) => Retry::Yes(e.to_string()),
                Retry::No(_) => Retry::No(e.to_string()),
            },
            _ => Retry::No(e.to_string()),
        });
    }
    Ok(pool)
}

/// Busy/locked, or a unique violation or a column added twice by a racing migration (another
/// process applied it first): worth another attempt, which finds it applied.
fn classify(e: &sqlx::Error) -> Retry {
    let retry = e.as_database_error().is_some_and(|d| {
        let code: i64 = d.code().and_then(|c| c.parse().ok()).unwrap_or(0);
        matches!(code & 0xff, 5 | 6)
            || d.is_unique_violation()
            || d.message().contains("duplicate column name")
    });
    if retry {
        Retry::Yes(e.to_string())
    } else {
        Retry::No(e.to_string())
    }
}

fn is_foreign_key(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_foreign_key_violation())
}

async fn open_session_on(
    conn: &mut sqlx::SqliteConnection,
    name: &str,
    snapshot: &Snapshot<'_>,
    actor: &str,
) -> Result<SessionOpen, sqlx::Error> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let exists = sqlx::query("SELECT 1 FROM sessions WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if exists {
        sqlx::query(
            "UPDATE sessions SET checklist_title = ?, checklist_path = ?, checklist_json = ? \
             WHERE name = ?",
        )
        .bind(snapshot.title)
        .bind(snapshot.path)
        .bind(snapshot.json)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO sessions (name, created_at, checklist_title, checklist_path, \
             checklist_json) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(name)
        .bind(format_at(Utc::now()))
        .bind(snapshot.title)
        .bind(snapshot.path)
        .bind(snapshot.json)
        .execute(&mut *tx)
        .await?;
        insert_event(&mut tx, name, &snapshot.started(actor)).await?;
    }
    tx.commit().await?;
    Ok(SessionOpen { created: !exists })
}

async fn append_on(
    conn: &mut sqlx::SqliteConnection,
    session: &str,
    event: &NewEvent,
) -> Result<Event, sqlx::Error> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let inserted = insert_event(&mut tx, session, event).await?;
    tx.commit().await?;
    Ok(inserted)
}

async fn insert_event(
    conn: &mut sqlx::SqliteConnection,
    session: &str,
    event: &NewEvent,
) -> Result<Event, sqlx::Error> {
    // Taken inside the write transaction, so `at` never goes backwards along seq on one host —
    // unless the event says when it happened (it waited in a spool through an outage).
    let at = truncate_micros(event.at.unwrap_or_else(Utc::now));
    let (kind, payload) = event
        .body
        .to_stored()
        .map_err(|e| sqlx::Error::Encode(e.into()))?;
    let payload = serde_json::to_string(&payload).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let seq: Option<i64> = sqlx::query_scalar(
        "INSERT INTO events (session, at, actor, kind, item, payload, key) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (session, key) WHERE key IS NOT NULL DO NOTHING RETURNING seq",
    )
    .bind(session)
    .bind(format_at(at))
    .bind(&event.actor)
    .bind(kind)
    .bind(event.item.as_deref())
    .bind(payload)
    .bind(event.key.as_deref())
    .fetch_optional(&mut *conn)
    .await?;
    match seq {
        Some(seq) => Ok(event.committed(session, seq, at)),
        None => {
            // The key is there already (a replay, or another screen was first): that event is
            // the answer.
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE session = ? AND key = ?"
            )))
            .bind(session)
            .bind(event.key.as_deref())
            .fetch_one(&mut *conn)
            .await?;
            decode_event(&row).map_err(|m| sqlx::Error::Decode(m.into()))
        }
    }
}

pub(crate) fn decode_event(row: &SqliteRow) -> Result<Event, String> {
    let text = |col: &str| -> Result<String, String> {
        row.try_get::<String, _>(col).map_err(|e| e.to_string())
    };
    let seq: i64 = row.try_get("seq").map_err(|e| e.to_string())?;
    let raw_payload = text("payload")?;
    // The CHECK constraint keeps payloads valid JSON; should one slip in anyway, keep it as text.
    let payload =
        serde_json::from_str(&raw_payload).unwrap_or(serde_json::Value::String(raw_payload));
    Ok(Event {
        seq,
        session: text("session")?,
        at: parse_at(&text("at")?)?,
        actor: text("actor")?,
        item: row.try_get("item").map_err(|e| e.to_string())?,
        body: EventBody::from_stored(&text("kind")?, payload),
        key: row.try_get("key").map_err(|e| e.to_string())?,
    })
}

/// Fixed-width RFC 3339 in UTC with microseconds: sorts as text in time order.
pub(crate) fn format_at(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_at(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("bad timestamp `{text}`: {e}"))
}

/// Both backends keep microseconds; an `Event` returned by `append` equals the one read back.
pub(crate) fn truncate_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let micros = at.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_pooled_connection_is_wal_and_full() {
        let dir = std::env::temp_dir().join(format!("flightdeck-pragma-{}", std::process::id()));
        let store = SqliteStore::open(dir.join("j.db"), true).await;
        let Ok(store) = store else {
            panic!("open failed: {:?}", store.err());
        };
        for _ in 0..3 {
            let mut conn = store.pool.acquire().await.unwrap_or_else(|e| panic!("{e}"));
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await
                .unwrap_or_default();
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await
                .unwrap_or_default();
            let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
                .fetch_one(&mut *conn)
                .await
                .unwrap_or_default();
            assert_eq!((sync, mode.as_str(), busy), (2, "wal", 10_000), "FULL = 2");
        }
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
