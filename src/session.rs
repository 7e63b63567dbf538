//! The session state as a fold of journal events.
