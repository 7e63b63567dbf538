//! The journal store: an append-only event log per session, in SQLite (default) or PostgreSQL.
//!
//! Guarantees the rest of flightdeck relies on:
//! - `append` returns only once the event is committed and durable (SQLite `synchronous=FULL`,
//!   PostgreSQL's default `synchronous_commit=on`).
//! - Within a session, `seq` increases in commit order: writers to one session are serialised
//!   (SQLite `BEGIN IMMEDIATE`; PostgreSQL a per-session advisory lock), so a follower reading
//!   `events_after(last_seq)` can never miss an event that commits later with a smaller seq.
//! - `subscribe` tells a follower, within a fraction of a second, that newer events exist;
//!   the events themselves are always read back with `events_after`.

pub mod error;
mod migrate;
pub mod notices;
mod postgres;
pub mod presence;
mod private;
pub mod spool;
mod sqlite;
mod subscribe;

pub use crate::journal::{Event, EventBody, EventKind, NewEvent};
pub use error::StoreError;
pub use notices::{Attempted, DeliveryStatus, Lease, NewNotification, Notification};
pub use postgres::PG_HEARTBEAT;
pub use presence::{HEARTBEAT, PRESENCE_LOOK, PRESENCE_TIMEOUT, Presence, Role, Seen};
pub use spool::{Spool, Spooled, default_spool_path};
pub use sqlite::SQLITE_POLL_INTERVAL;

use crate::checklist::Checklist;
use crate::journal::SessionStarted;
use crate::redact::redact_text;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use tokio::sync::mpsc;

/// Result of `Store::open_session`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOpen {
    /// True when this call created the session (and journaled `session_started`).
    pub created: bool,
}

/// One line of `flightdeck sessions`.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub checklist_title: String,
    pub checklist_path: Option<String>,
    /// Number of events in the session's journal.
    pub events: i64,
    /// Time of the newest event.
    pub last_at: Option<DateTime<Utc>>,
    pub last_seq: i64,
}

/// The checklist snapshot stored with a session.
pub(crate) struct Snapshot<'a> {
    pub title: &'a str,
    pub path: Option<&'a str>,
    pub json: &'a str,
}

impl Snapshot<'_> {
    /// The `session_started` event journaled when the session is created.
    pub fn started(&self, actor: &str) -> NewEvent {
        NewEvent::new(
            actor,
            EventBody::SessionStarted(SessionStarted {
                checklist_title: self.title.to_owned(),
                checklist_path: self.path.map(str::to_owned),
            }),
        )
    }
}

/// A handle on one journal store; cheap to clone (pools are shared), `Send + Sync`, and every
/// method's future is `Send`, so it can live in a spawned worker.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// A hash of the URL as given (password and all): which store a spooled event is for.
    identity: std::sync::Arc<str>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.display_url())
            .finish()
    }
}

#[derive(Clone)]
enum Backend {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

/// Where a store URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

fn parse_url(url: &str) -> Result<Target, StoreError> {
    let bad = || StoreError::BadUrl {
        url: redact_text(url),
    };
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(bad());
    }
    if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
        return Ok(Target::Postgres(trimmed.to_owned()));
    }
    let path = if let Some(rest) = trimmed.strip_prefix("sqlite://") {
        rest
    } else if let Some(rest) = trimmed.strip_prefix("sqlite:") {
        rest
    } else if trimmed.contains("://") {
        return Err(bad());
    } else {
        trimmed
    };
    // In-memory or query-string forms would silently lose the journal or its settings.
    if path.is_empty() || path.contains('?') || path.starts_with(":memory:") {
        return Err(bad());
    }
    Ok(Target::Sqlite(PathBuf::from(path)))
}

/// The default store: `sqlite://…/flightdeck.db` in the XDG state dir (else the local data dir).
/// Creates the directory.
pub fn default_url() -> anyhow::Result<String> {
    let dirs = directories::ProjectDirs::from("", "", "flightdeck").ok_or_else(|| {
        anyhow::anyhow!(
            "cannot find a home directory for the default journal\n  hint: pass --store sqlite:///path/to/flightdeck.db"
        )
    })?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the journal directory {}: {e}\n  hint: pass --store sqlite:///path/to/flightdeck.db",
            dir.display()
        )
    })?;
    Ok(format!("sqlite://{}", dir.join("flightdeck.db").display()))
}

impl Store {
    /// Opens (creating if needed) the store at `url` and brings its schema up to date.
    /// `url`: `sqlite://PATH`, `sqlite:///abs/path`, a plain path, or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, true).await
    }

    /// Like `open`, but a SQLite file that does not exist is an error (`StoreError::Missing`):
    /// for commands that only read, so a typo in `--store` does not create an empty journal.
    pub async fn open_existing(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, false).await
    }

    async fn open_with(url: &str, create: bool) -> Result<Store, StoreError> {
        let backend = match parse_url(url)? {
            Target::Sqlite(path) => Backend::Sqlite(sqlite::SqliteStore::open(path, create).await?),
            Target::Postgres(url) => Backend::Postgres(postgres::PgStore::open(&url).await?),
        };
        Ok(Store {
            backend,
            identity: format!("{:016x}", stable_hash(url.trim())).into(),
        })
    }

    /// Names this store (a hash of its URL) without saying anything of the URL.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The SQLite journal's file, for followers that watch it; `None` on PostgreSQL.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match &self.backend {
            Backend::Sqlite(s) => Some(s.path()),
            Backend::Postgres(_) => None,
        }
    }

    /// The store's URL with any password replaced by `***`, for messages.
    pub fn display_url(&self) -> String {
        match &self.backend {
            Backend::Sqlite(s) => s.display_url(),
            Backend::Postgres(p) => p.display_url(),
        }
    }

    /// Creates the session (journaling `session_started` by `actor`) if it does not exist, and
    /// always refreshes its checklist snapshot so `report` works without the checklist file.
    pub async fn open_session(
        &self,
        name: &str,
        checklist: &Checklist,
        checklist_path: Option<&str>,
        actor: &str,
    ) -> Result<SessionOpen, StoreError> {
        let json = serde_json::to_string(checklist).map_err(|e| StoreError::Corrupt {
            url: self.display_url(),
            session: name.to_owned(),
            message: format!("cannot serialise the checklist: {e}"),
        })?;
        let snapshot = Snapshot {
            title: &checklist.title,
            path: checklist_path,
            json: &json,
        };
        match &self.backend {
            Backend::Sqlite(s) => s.open_session(name, &snapshot, actor).await,
            Backend::Postgres(p) => p.open_session(name, &snapshot, actor).await,
        }
    }

    /// The checklist as it was when the session was last opened.
    pub async fn checklist(&self, session: &str) -> Result<Checklist, StoreError> {
        let json = match &self.backend {
            Backend::Sqlite(s) => s.checklist_json(session).await?,
            Backend::Postgres(p) => p.checklist_json(session).await?,
        };
        match json {
            Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                url: self.display_url(),
                session: session.to_owned(),
                message: format!("stored checklist is unreadable: {e}"),
            }),
            None => Err(self.unknown_session(session).await),
        }
    }

    /// Appends one event; it is committed and durable when this returns. The store assigns
    /// `seq` and `at` (now — on PostgreSQL the server's clock, shared by every host — unless the
    /// event carries the time it happened). An event with a `key` the session already holds is
    /// not written again: the event already there is returned, so a replay is harmless.
    /// An unknown session is `StoreError::UnknownSession`.
    pub async fn append(&self, session: &str, event: NewEvent) -> Result<Event, StoreError> {
        let result = match &self.backend {
            Backend::Sqlite(s) => s.append(session, &event).await,
            Backend::Postgres(p) => p.append(session, &event).await,
        };
        match result {
            Ok(Some(e)) => Ok(e),
            Ok(None) => Err(self.unknown_session(session).await),
            Err(e) => Err(e),
        }
    }

    /// Refreshes `me`'s presence row and reads every row of `session`, the silent ones too (each
    /// with its age on the store's clock; rows silent for an hour are deleted).
    pub async fn heartbeat(&self, session: &str, me: &Presence) -> Result<Vec<Seen>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.heartbeat(session, me).await,
            Backend::Postgres(p) => p.heartbeat(session, me).await,
        }
    }

    /// Every presence row of `session`, read without writing ours.
    pub async fn who_is_here(&self, session: &str) -> Result<Vec<Seen>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.who_is_here(session).await,
            Backend::Postgres(p) => p.who_is_here(session).await,
        }
    }

    /// Removes `screen`'s presence row (it closed).
    pub async fn leave(&self, session: &str, screen: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.leave(session, screen).await,
            Backend::Postgres(p) => p.leave(session, screen).await,
        }
    }

    /// Events of `session` with `seq > after_seq`, ascending. `after_seq = 0` reads them all.
    pub async fn events_after(
        &self,
        session: &str,
        after_seq: i64,
    ) -> Result<Vec<Event>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.events_after(session, after_seq).await,
            Backend::Postgres(p) => p.events_after(session, after_seq).await,
        }
    }

    /// Every session, the most recently active first.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.sessions().await,
            Backend::Postgres(p) => p.sessions().await,
        }
    }

    /// The session with the newest event, if any.
    pub async fn latest_session(&self) -> Result<Option<String>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.latest_session().await,
            Backend::Postgres(p) => p.latest_session().await,
        }
    }

    /// The newest seq of `session` (0 when it has none): one index lookup.
    pub async fn last_seq(&self, session: &str) -> Result<i64, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.last_seq(session).await,
            Backend::Postgres(p) => p.last_seq(session).await,
        }
    }

    /// Tells the caller when `session` has events newer than `after_seq`, written by this or any
    /// other process: each message is a seq that now exists (not every seq is sent; messages
    /// may coalesce). On receipt, call `events_after(session, last_seq_you_applied)`.
    ///
    /// SQLite: a task is woken by inotify when the journal's `-wal` (or database) file is
    /// written, then reads `PRAGMA data_version` on its own connection (it changes only when
    /// another connection commits); it also looks every `SQLITE_POLL_INTERVAL` in case.
    /// PostgreSQL: LISTEN on the session's channel (every append NOTIFYs its seq). After a lost
    /// connection the task reconnects and sends the current last seq, since notifications sent
    /// meanwhile are lost; a periodic heartbeat does the same, so a silent half-open socket
    /// delays news by at most `PG_HEARTBEAT`.
    ///
    /// The background task stops when the receiver is dropped.
    pub async fn subscribe(
        &self,
        session: &str,
        after_seq: i64,
    ) -> Result<mpsc::Receiver<i64>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.subscribe(session, after_seq).await,
            Backend::Postgres(p) => p.subscribe(session, after_seq).await,
        }
    }

    /// The stored checklist and the whole journal of `session`, for the caller to fold
    /// (`SessionState::from_events`): what `report` starts from.
    pub async fn load(&self, session: &str) -> Result<(Checklist, Vec<Event>), StoreError> {
        let checklist = self.checklist(session).await?;
        let events = self.events_after(session, 0).await?;
        Ok((checklist, events))
    }

    /// Closes the pools (waits for in-flight queries).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }

    async fn unknown_session(&self, name: &str) -> StoreError {
        let available = self
            .sessions()
            .await
            .map(|list| list.into_iter().map(|s| s.name).collect())
            .unwrap_or_default();
        StoreError::UnknownSession {
            name: redact_text(name),
            url: self.display_url(),
            available,
        }
    }
}

/// A stable 64-bit hash (FNV-1a): PostgreSQL channel names and lock keys must agree across
/// flightdeck builds and hosts.
pub(crate) fn stable_hash(text: &str) -> u64 {
    crate::hash::fnv1a(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("sqlite:///tmp/x.db"),
            Ok(Target::Sqlite("/tmp/x.db".into()))
        );
        assert_eq!(
            parse_url("sqlite://rel/x.db"),
            Ok(Target::Sqlite("rel/x.db".into()))
        );
        assert_eq!(parse_url("sqlite:x.db"), Ok(Target::Sqlite("x.db".into())));
        assert_eq!(
            parse_url("/var/x.db"),
            Ok(Target::Sqlite("/var/x.db".into()))
        );
        assert!(matches!(
            parse_url("postgresql://u@h/db"),
            Ok(Target::Postgres(_))
        ));
        for bad in [
            "",
            "mysql://u@h/db",
            "sqlite::memory:",
            "sqlite:///x.db?mode=ro",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        let e = parse_url("mysql://u:pw@h/db").err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| !e.contains(":pw@")));
    }

    fn assert_send<T: Send>(_: &T) {}

    #[allow(dead_code, clippy::let_underscore_future)]
    fn store_and_its_futures_are_send(store: &Store, c: &Checklist) {
        fn sync_clone<T: Send + Sync + Clone + 'static>() {}
        sync_clone::<Store>();
        assert_send(&store.append("s", NewEvent::new("a", EventBody::tick())));
        assert_send(&store.open_session("s", c, None, "a"));
        assert_send(&store.events_after("s", 0));
        assert_send(&store.subscribe("s", 0));
        assert_send(&store.load("s"));
        assert_send(&store.sessions());
    }
}
