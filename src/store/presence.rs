//! Presence: who has a cockpit open on a session — a row per screen in its own table, refreshed
//! by a heartbeat and read back with its age on the store's clock. Never part of the journal, so
//! the journal does not grow by the second; joins and leaves are journaled by the cockpit.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// A screen not heard from for this long has left (its `left` is journaled by whoever notices).
pub const PRESENCE_TIMEOUT: Duration = Duration::from_secs(15);
/// How often a screen refreshes its row (and reads everyone else's): three beats fit in the
/// timeout. A change of what a screen says (its item, asking for the wheel) goes at once, and
/// a join, leave or hand-over in the journal makes every screen read again at once; the beat is
/// the idle case, and each is a committed write, so it stays seconds apart.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// Rows silent for this long are deleted by the next heartbeat of anyone on the store.
pub(crate) const FORGET_AFTER: Duration = Duration::from_secs(3600);

/// Driving (may act) or watching (reads, asks for the wheel, co-signs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Driving,
    Watching,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Driving => "driving",
            Role::Watching => "watching",
        }
    }

    pub(crate) fn parse(text: &str) -> Role {
        if text == "driving" {
            Role::Driving
        } else {
            Role::Watching
        }
    }
}

/// What a screen says about itself in each heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// The cockpit's id (one process), as in its `joined` event.
    pub screen: String,
    pub actor: String,
    pub os_user: String,
    pub host: String,
    /// The ssh client's address (`SSH_CONNECTION`), when there is one.
    pub client: Option<String>,
    pub role: Role,
    /// The item under its cursor.
    pub item: Option<String>,
    /// It asks the driver for the wheel.
    pub asks_wheel: bool,
}

/// A row of the presence table as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub presence: Presence,
    /// Since when it has been asking for the wheel (the first asker is served first).
    pub asked_at: Option<DateTime<Utc>>,
    pub joined_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
    /// How long ago its last heartbeat was, on the store's clock.
    pub age: Duration,
}

impl Seen {
    /// Heard from within `PRESENCE_TIMEOUT`.
    pub fn alive(&self) -> bool {
        self.age < PRESENCE_TIMEOUT
    }
}
