//! The journal schema as sqlx migrations, one SQL text per backend for the same logical tables.
//!
//! `sessions(name PK, created_at, checklist_title, checklist_path, checklist_json)` and
//! `events(seq PK, session, at, actor, kind, item NULL, payload JSON)` with an index on
//! `(session, seq)`; v2 adds `events.key` (unique per session) and `presence`; v3
//! `notifications`. On PostgreSQL they live in their own schema `flightdeck`, so a team can
//! point the journal at a shared database that already has tables named `events`.
//! Migrations are append-only: never edit a shipped one (sqlx checks checksums), add the next.

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

const SQLITE_V1: &str = r#"
CREATE TABLE IF NOT EXISTS sessions (
    name            TEXT PRIMARY KEY NOT NULL,
    created_at      TEXT NOT NULL,
    checklist_title TEXT NOT NULL,
    checklist_path  TEXT,
    checklist_json  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL REFERENCES sessions(name),
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    item    TEXT,
    payload TEXT NOT NULL CHECK (json_valid(payload))
);
CREATE INDEX IF NOT EXISTS events_session_seq ON events(session, seq);
"#;

const POSTGRES_V1: &str = r#"
CREATE TABLE IF NOT EXISTS flightdeck.sessions (
    name            TEXT PRIMARY KEY,
    created_at      TIMESTAMPTZ NOT NULL,
    checklist_title TEXT NOT NULL,
    checklist_path  TEXT,
    checklist_json  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS flightdeck.events (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session TEXT NOT NULL REFERENCES flightdeck.sessions(name),
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    item    TEXT,
    payload JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_session_seq ON flightdeck.events(session, seq);
"#;

/// Pair-watching: an idempotency key per event (unique per session when set, so a replayed or
/// racing append lands once), and the presence table — one row per open cockpit, refreshed by
/// its heartbeat, never part of the journal.
const SQLITE_V2: &str = r#"
ALTER TABLE events ADD COLUMN key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS events_session_key ON events(session, key) WHERE key IS NOT NULL;
CREATE TABLE IF NOT EXISTS presence (
    session   TEXT NOT NULL,
    screen    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    host      TEXT NOT NULL,
    client    TEXT,
    role      TEXT NOT NULL,
    item      TEXT,
    asked_at  TEXT,
    joined_at TEXT NOT NULL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (session, screen)
);
"#;

const POSTGRES_V2: &str = r#"
ALTER TABLE flightdeck.events ADD COLUMN IF NOT EXISTS key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS events_session_key ON flightdeck.events(session, key)
    WHERE key IS NOT NULL;
CREATE TABLE IF NOT EXISTS flightdeck.presence (
    session   TEXT NOT NULL,
    screen    TEXT NOT NULL,
    actor     TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    host      TEXT NOT NULL,
    client    TEXT,
    role      TEXT NOT NULL,
    item      TEXT,
    asked_at  TIMESTAMPTZ,
    joined_at TIMESTAMPTZ NOT NULL,
    seen_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session, screen)
);
"#;

/// Notifications (`[[notify]]`): one row per session, target and notice — recorded before any
/// attempt, unique so every screen records it once, leased so one screen sends it.
const SQLITE_V3: &str = r#"
CREATE TABLE IF NOT EXISTS notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session      TEXT NOT NULL,
    target       TEXT NOT NULL,
    notice       TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    happened_at  TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    document     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT NOT NULL,
    lease_by     TEXT,
    lease_until  TEXT,
    delivered_at TEXT,
    last_error   TEXT,
    UNIQUE (session, target, notice)
);
CREATE INDEX IF NOT EXISTS notifications_pending ON notifications(session, target, status, id);
"#;

const POSTGRES_V3: &str = r#"
CREATE TABLE IF NOT EXISTS flightdeck.notifications (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session      TEXT NOT NULL,
    target       TEXT NOT NULL,
    notice       TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    happened_at  TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    document     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     BIGINT NOT NULL DEFAULT 0,
    next_at      TIMESTAMPTZ NOT NULL,
    lease_by     TEXT,
    lease_until  TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    last_error   TEXT,
    UNIQUE (session, target, notice)
);
CREATE INDEX IF NOT EXISTS notifications_pending
    ON flightdeck.notifications(session, target, status, id);
"#;

/// The PostgreSQL schema holding the journal.
pub(crate) const PG_SCHEMA: &str = "flightdeck";

fn migration(version: i64, description: &'static str, sql: &'static str) -> Migration {
    Migration::new(
        version,
        Cow::Borrowed(description),
        MigrationType::Simple,
        SqlStr::from_static(sql),
        false,
    )
}

pub(crate) fn sqlite() -> Migrator {
    let mut m = Migrator::with_migrations(vec![
        migration(1, "journal", SQLITE_V1),
        migration(2, "pair", SQLITE_V2),
        migration(3, "notify", SQLITE_V3),
    ]);
    // Our own bookkeeping table, so a journal placed in an application's database file cannot
    // collide with that application's sqlx migrations.
    m.dangerous_set_table_name("_flightdeck_migrations");
    m
}

pub(crate) fn postgres() -> Migrator {
    let mut m = Migrator::with_migrations(vec![
        migration(1, "journal", POSTGRES_V1),
        migration(2, "pair", POSTGRES_V2),
        migration(3, "notify", POSTGRES_V3),
    ]);
    m.create_schema(PG_SCHEMA);
    m.dangerous_set_table_name("flightdeck._sqlx_migrations");
    m
}
