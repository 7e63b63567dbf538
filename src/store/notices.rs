//! Notifications as the store keeps them: one row per (session, target, notice), recorded before
//! any attempt is made, so a flaky receiver or a restart loses none; the unique key makes every
//! screen that sees the event record the same row once, and a lease on the row makes one of them
//! send it. Never part of the journal: a notification is about an event, not an event.

use super::{Backend, Store, StoreError};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A notification to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    /// The `[[notify]]` target's name.
    pub target: String,
    /// Names the logical notice within the session: the event's seq and the notice's kind
    /// (`42:trigger_fired`; an event can make two, `phase_finished` and `session_finished`).
    pub notice: String,
    /// The journal event it is about.
    pub seq: i64,
    /// `trigger_fired`, `session_finished`, …
    pub kind: String,
    /// When the event happened (the journal's time).
    pub happened_at: DateTime<Utc>,
    /// Retried until then.
    pub expires_at: DateTime<Utc>,
    /// The JSON document sent (redacted).
    pub document: String,
}

/// Where a notification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not delivered yet; attempts continue.
    Pending,
    Delivered,
    /// The receiver refused it for good (a 4xx that retrying cannot fix).
    Failed,
    /// Not delivered before its expiry.
    Expired,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Expired => "expired",
        }
    }

    pub(crate) fn parse(text: &str) -> DeliveryStatus {
        match text {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            "expired" => DeliveryStatus::Expired,
            _ => DeliveryStatus::Pending,
        }
    }
}

/// A recorded notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: i64,
    pub target: String,
    pub notice: String,
    pub seq: i64,
    pub kind: String,
    pub happened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The last attempt's error (redacted), until one succeeds.
    pub last_error: Option<String>,
}

/// What `lease_notification` found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lease {
    /// The target's oldest pending notification, now leased to the caller.
    Got(Box<Notification>),
    /// It waits (a retry's pause, or another screen's attempt in flight): ask again after this.
    Wait(Duration),
    /// Nothing pending for the target.
    Idle,
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempted {
    Delivered,
    /// Try again after the pause (expires instead when the pause reaches past its expiry).
    Retry {
        error: String,
        after: Duration,
    },
    /// Refused for good.
    Failed {
        error: String,
    },
}

/// The columns both backends read a notification from.
pub(crate) const COLUMNS: &str = "id, target, notice, seq, kind, happened_at, expires_at, \
                                  document, status, attempts, delivered_at, last_error, \
                                  lease_by, lease_until, next_at";

/// A notification row with what leasing it needs: who holds it, until when, and when it is due.
pub(crate) type LeaseRow = (
    Notification,
    Option<String>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

/// How long the head of a target's queue must still wait: until its retry time, and until
/// another screen's lease on it lapses (a lease of our own never makes us wait).
pub(crate) fn still_waiting(
    now: DateTime<Utc>,
    screen: &str,
    lease_by: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    next_at: DateTime<Utc>,
) -> Option<Duration> {
    let held = lease_until.filter(|u| *u > now && lease_by.as_deref() != Some(screen));
    let until = held.into_iter().chain([next_at]).max().unwrap_or(now);
    (until > now).then(|| (until - now).to_std().unwrap_or_default())
}

impl Store {
    /// Records `notes` for `session`; a notice a row already has (another screen recorded it, or
    /// this one before a restart) is left as it is. Answers how many were new.
    pub async fn record_notifications(
        &self,
        session: &str,
        notes: &[NewNotification],
    ) -> Result<usize, StoreError> {
        if notes.is_empty() {
            return Ok(0);
        }
        match &self.backend {
            Backend::Sqlite(s) => s.record_notifications(session, notes).await,
            Backend::Postgres(p) => p.record_notifications(session, notes).await,
        }
    }

    /// Leases `target`'s oldest pending notification of `session` to `screen` for `hold`, when it
    /// is due and nobody else's attempt is in flight; one that reached its expiry is marked so
    /// on the way. Oldest first, one at a time: a receiver hears about a session in order.
    pub async fn lease_notification(
        &self,
        session: &str,
        target: &str,
        screen: &str,
        hold: Duration,
    ) -> Result<Lease, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.lease_notification(session, target, screen, hold).await,
            Backend::Postgres(p) => p.lease_notification(session, target, screen, hold).await,
        }
    }

    /// Records how `screen`'s attempt at notification `id` went; `None` when its lease had
    /// lapsed and another screen took the notification over (nothing is changed then).
    pub async fn finish_notification(
        &self,
        id: i64,
        screen: &str,
        outcome: &Attempted,
    ) -> Result<Option<DeliveryStatus>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.finish_notification(id, screen, outcome).await,
            Backend::Postgres(p) => p.finish_notification(id, screen, outcome).await,
        }
    }

    /// Every notification of `session`, in the order they were recorded.
    pub async fn notifications(&self, session: &str) -> Result<Vec<Notification>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.notifications(session).await,
            Backend::Postgres(p) => p.notifications(session).await,
        }
    }
}
