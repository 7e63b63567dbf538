//! Presence: who has a cockpit open on a session — a row per screen in its own table, refreshed
//! by a heartbeat and read back with its age on the store's clock. Never part of the journal, so
//! the journal does not grow by the second; joins and leaves are journaled by the cockpit.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// A screen not heard from for this long has left (its `left` is journaled by whoever notices).
pub const PRESENCE_TIMEOUT: Duration = Duration::from_secs(15);
/// How often a screen writes its row when nothing it says changed. Each is a committed (synced)
/// write that wakes every follower of the journal, so it stays seconds apart; three fit in the
/// timeout. A change (the item it is on, asking for the wheel) is written at once.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// How often a screen reads everyone's rows (a read, no write): a request for the wheel shows
/// on the driver's screen within this, and a killed screen drops off within timeout + this.
pub const PRESENCE_LOOK: Duration = Duration::from_secs(2);
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
