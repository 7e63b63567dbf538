//! The journal store: events in SQLite or PostgreSQL.

pub mod event;

pub use event::{Event, EventKind, NewEvent};
