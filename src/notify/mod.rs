//! Telling the team: `[[notify]]` targets hear about the window's events — a trigger fired, an
//! item regressed, a go/no-go, a phase started or finished — reliably and without ever slowing
//! the screen.
//!
//! How a notification travels: the journal commits an event; every screen on the session derives
//! the same notices from it (`derive`) and records one row per notice and target in the store's
//! `notifications` table, unique per session (`worker`); one screen leases the row and sends
//! (`send`: webhook, Slack, or a command), recording the outcome; a failed attempt is retried with
//! a growing pause until delivered or expired. A restart finds the rows where it left them.
//!
//! The store, not the local spool, is the durable record because the record must be shared: two
//! screens on one session must agree on one row per notice and on who sends it, and only the store
//! both see can say so. An event waiting in a spool during a store outage is notified once it
//! lands — its notice is about the journal's event, which exists only then.

mod command;
pub mod derive;
pub mod document;
mod outcome;
pub mod send;
pub mod slack;
mod test_message;
mod worker;

pub use document::{Facts, Scrub};
pub use send::Outcome;
pub use test_message::{TestResult, test_targets};
pub use worker::{Notifier, Setup, backoff};
