//! The report's notifications: when each was for, to which target, and how it ended.

use super::text::{cell, hms, short};
use crate::redact::redact_text;
use crate::store::{DeliveryStatus, Notification};
use std::fmt::Write as _;

/// A `## Notifications` section (empty when the session sent none), redacted.
pub fn notifications(list: &[Notification]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Notifications\n\n| Event at (UTC) | Target | Notice | Outcome | Attempts |\n\
         |---|---|---|---|---|\n",
    );
    for n in list {
        let outcome = match (n.status, n.delivered_at, &n.last_error) {
            (DeliveryStatus::Delivered, Some(at), _) => format!("delivered {}", hms(at)),
            (status, _, Some(error)) => format!("{}: {}", status.as_str(), short(error, 80)),
            (status, _, None) => status.as_str().to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} (seq {}) | {} | {} |",
            hms(n.happened_at),
            cell(&n.target),
            n.kind,
            n.seq,
            cell(&outcome),
            n.attempts
        );
    }
    redact_text(&out)
}
