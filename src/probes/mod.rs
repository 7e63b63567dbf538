//! Probe kinds and the scheduler; knows nothing of the terminal.
//!
//! A kind is one file here plus one line in [`KINDS`]: its keys and their reading, its outputs
//! with units, its poll, its headline and default state (see [`crate::config::ProbeKind`]). The
//! caller hands [`KINDS`] to the config loader.

pub mod command;
pub mod dns;
pub mod history;
pub mod http;
pub mod log;
pub mod metrics;
mod probe;
pub mod prometheus;
pub mod redis;
pub mod scheduler;
pub mod sql;
mod state;
pub mod tcp;
pub mod tls;
pub mod web;

pub use crate::model::{Failure, Outputs, PollResult, ProbeState, Sample};
pub use history::History;
pub use probe::Probe;
pub use scheduler::{ProbeMsg, SchedulerHandle};
pub use state::{
    Conditions, classify, headline, output_text, output_unit, primary_value, state_at,
};

use crate::config::Kinds;

/// Every probe kind flightdeck knows, one line each.
pub static KINDS: Kinds = &[
    &http::Http,
    &sql::Sql,
    &redis::Redis,
    &prometheus::Prometheus,
    &metrics::Metrics,
    &command::Command,
    &tcp::Tcp,
    &dns::Dns,
    &tls::Tls,
    &log::Log,
];
