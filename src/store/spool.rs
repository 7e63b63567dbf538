//! The spool: every event a cockpit journals is first made durable here — a small SQLite file of
//! this user's, fsynced, mode 0600 — and only then delivered to the store, oldest first. An
//! outage of the store (or a full disk under it) delays events; it never loses them, and a
//! cockpit started later drains what an earlier one left.
//!
//! Rows are per store (a hash of its URL, password included, so two stores never mix) and
//! session. Each event carries its idempotency key, so a row delivered twice — a crash between
//! the store's commit and the row's removal, or two processes draining one spool — lands once.

use super::StoreError;
use crate::journal::NewEvent;
use crate::redact::redact_text;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Row};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS spool (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    target  TEXT NOT NULL,
    session TEXT NOT NULL,
    event   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS spool_target ON spool(target, session, id);";

/// One waiting event, with its row id.
#[derive(Debug, Clone, PartialEq)]
pub struct Spooled {
    pub id: i64,
    pub event: NewEvent,
}

/// The spool of one store and session.
#[derive(Clone)]
pub struct Spool {
    pool: SqlitePool,
    target: Arc<str>,
    session: Arc<str>,
    path: Arc<Path>,
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spool").field("path", &self.path).finish()
    }
}

/// `spool.db` in the XDG state dir (beside the default journal).
pub fn default_spool_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "flightdeck")
        .ok_or_else(|| anyhow::anyhow!("cannot find a home directory for the spool"))?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf();
    Ok(dir.join("spool.db"))
}

impl Spool {
    /// Opens (creating, mode 0600) the spool at `path` for `store`'s `session`.
    pub async fn open(
        path: &Path,
        store: &super::Store,
        session: &str,
    ) -> Result<Spool, StoreError> {
        let fail = |action: &'static str, message: String| StoreError::Database {
            url: redact_text(&format!("sqlite://{}", path.display())),
            action,
            message: redact_text(&message),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| fail("create the spool's directory", e.to_string()))?;
        }
        super::private::narrowed(path).map_err(|e| fail("create the spool", e.to_string()))?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(|e| fail("open the spool", e.to_string()))?;
        sqlx::raw_sql(SCHEMA)
            .execute(&pool)
            .await
            .map_err(|e| fail("create the spool's table", e.to_string()))?;
        Ok(Spool {
            pool,
            target: store.identity().into(),
            session: session.into(),
            path: path.into(),
        })
    }

    fn fail(&self, action: &'static str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
        move |e| StoreError::Database {
            url: redact_text(&format!("sqlite://{}", self.path.display())),
            action,
            message: redact_text(&e.to_string()),
        }
    }

    /// Makes `event` durable (committed and fsynced when this returns).
    pub async fn push(&self, event: &NewEvent) -> Result<Spooled, StoreError> {
        let text = serde_json::to_string(event).map_err(|e| StoreError::Database {
            url: self.path.display().to_string(),
            action: "spool an event",
            message: e.to_string(),
        })?;
        // Run to completion, not `RETURNING … fetch_one`: SQLite commits an autocommit statement
        // only when it is stepped to its end, and a row fetched before that hid a commit that
        // failed (a full disk) — the event looked spooled and was not.
        let id = sqlx::query("INSERT INTO spool (target, session, event) VALUES (?, ?, ?)")
            .bind(&*self.target)
            .bind(&*self.session)
            .bind(text)
            .execute(&self.pool)
            .await
            .map_err(self.fail("spool an event"))?
            .last_insert_rowid();
        Ok(Spooled {
            id,
            event: event.clone(),
        })
    }

    /// Every event waiting for this store and session, oldest first. A row this binary cannot
    /// read is left where it is (a newer flightdeck wrote it) and logged.
    pub async fn waiting(&self) -> Result<Vec<Spooled>, StoreError> {
        let rows =
            sqlx::query("SELECT id, event FROM spool WHERE target = ? AND session = ? ORDER BY id")
                .bind(&*self.target)
                .bind(&*self.session)
                .fetch_all(&self.pool)
                .await
                .map_err(self.fail("read the spool"))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get("id").map_err(self.fail("read the spool"))?;
            let text: String = row.try_get("event").map_err(self.fail("read the spool"))?;
            match serde_json::from_str::<NewEvent>(&text) {
                Ok(event) => out.push(Spooled { id, event }),
                Err(e) => {
                    tracing::warn!(id, error = %e, "spool: an event this flightdeck cannot read stays")
                }
            }
        }
        Ok(out)
    }

    /// Forgets a delivered event.
    pub async fn remove(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM spool WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(self.fail("clear a delivered event from the spool"))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
