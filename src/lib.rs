//! flightdeck: a terminal deployment cockpit.
//!
//! Data flows one way: probe workers → messages → `app::update` → state → `view` render.
//! The journal (`store`) is the truth; the screen state is a fold of its events (`session`), whose
//! typed bodies live in `journal`.

// Printing goes through `console` (never panics on a terminal that went away).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod app;
pub mod argv_secret;
pub mod checklist;
pub mod cli;
pub mod cockpit;
pub mod commands;
pub mod condition;
pub mod config;
pub mod console;
pub mod demo;
pub mod error;
pub mod hash;
pub mod journal;
pub mod logging;
pub mod marking;
pub mod model;
pub mod notify;
pub mod probes;
pub mod redact;
pub mod report;
pub mod runtime;
pub mod session;
pub mod store;
pub mod suggest;
pub mod terminal;
pub mod toml_span;
pub mod units;
pub mod view;

/// Formats a top-level error for the terminal: located errors as they are, others as `error: …`.
pub fn report_error(e: &anyhow::Error) -> String {
    if let Some(located) = e.downcast_ref::<error::SourceErrors>() {
        return located.to_string();
    }
    if let Some(located) = e.downcast_ref::<error::SourceError>() {
        return located.to_string();
    }
    redact::redact_text(&format!("error: {e:#}"))
}
