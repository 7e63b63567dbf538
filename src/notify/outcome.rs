//! How one attempt at a target went — shared by the HTTP sender and the command runner.

use std::time::Duration;

/// How an attempt went; texts are redacted.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// With what the receiver said (`HTTP 200`, `exit 0`).
    Delivered(String),
    /// Why, and how long the receiver asked us to wait (`Retry-After`), if it did.
    Retry(String, Option<Duration>),
    Refused(String),
}
