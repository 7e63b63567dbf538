//! What can go wrong with the journal store, said so a user can act on it — secrets already redacted.

use crate::redact::redact_text;
use std::fmt;

/// An error from the journal store. Every string in it has been through `redact_text`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The `--store` URL names no backend we know.
    #[error(
        "unsupported journal store `{url}`\n  hint: use sqlite:///path/to/file.db, a plain file path, or postgres://user@host/db"
    )]
    BadUrl { url: String },

    /// A SQLite journal that `open_existing` did not find.
    #[error(
        "no journal at {path}\n  hint: check --store (or FLIGHTDECK_STORE); `flightdeck run` creates the journal on its first start"
    )]
    Missing { path: String },

    /// The database cannot be reached (down, refused, timed out). Nothing was written.
    #[error(
        "journal store {url} is unreachable (while trying to {action}): {message}\n  hint: check that the database is up and reachable from this host, then retry"
    )]
    Unavailable {
        url: String,
        action: &'static str,
        message: String,
    },

    /// The database answered with an error.
    #[error("journal store {url}: cannot {action}: {message}")]
    Database {
        url: String,
        action: &'static str,
        message: String,
    },

    /// No session of that name in this store.
    #[error("no session named `{name}` in {url}{}", Available(available))]
    UnknownSession {
        name: String,
        url: String,
        available: Vec<String>,
    },

    /// A stored row that flightdeck cannot read back (written by a newer or broken tool).
    #[error("journal store {url}: session `{session}`: {message}")]
    Corrupt {
        url: String,
        session: String,
        message: String,
    },
}

struct Available<'a>(&'a [String]);

impl fmt::Display for Available<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return write!(
                f,
                "\n  hint: the store has no sessions yet; `flightdeck run CHECKLIST` starts one"
            );
        }
        write!(f, "\n  hint: available sessions: {}", self.0.join(", "))
    }
}

impl StoreError {
    /// Classifies a sqlx error: connection trouble is `Unavailable`, the rest `Database`.
    pub(crate) fn from_sqlx(url: &str, action: &'static str, e: &sqlx::Error) -> StoreError {
        let message = redact_text(&e.to_string());
        let url = redact_text(url);
        let unreachable = matches!(
            e,
            sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        ) || e.as_database_error().is_some_and(|d| {
            // PostgreSQL's "admin shutdown", "crash shutdown", "cannot connect now"
            matches!(d.code().as_deref(), Some("57P01" | "57P02" | "57P03"))
        });
        if unreachable {
            StoreError::Unavailable {
                url,
                action,
                message,
            }
        } else {
            StoreError::Database {
                url,
                action,
                message,
            }
        }
    }

    pub(crate) fn timeout(url: &str, action: &'static str, secs: u64) -> StoreError {
        StoreError::Unavailable {
            url: redact_text(url),
            action,
            message: format!("no answer within {secs} s"),
        }
    }

    /// Whether retrying soon may succeed (the server was down or busy).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_session_lists_names() {
        let e = StoreError::UnknownSession {
            name: "x".into(),
            url: "sqlite:///tmp/j.db".into(),
            available: vec!["a".into(), "b".into()],
        };
        let text = e.to_string();
        assert!(text.contains("no session named `x`"), "{text}");
        assert!(text.contains("available sessions: a, b"), "{text}");
    }

    #[test]
    fn sqlx_errors_are_redacted() {
        let e = StoreError::from_sqlx(
            "postgres://u:hunter2@h/db",
            "append an event",
            &sqlx::Error::Protocol("bad postgres://u:hunter2@h/db".into()),
        );
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }
}
