//! The condition language: parse, evaluate, `for` windows. One language for probe `ok`/`warn`/`crit`,
//! item `auto` bindings and `[[trigger]]` criteria.
//!
//! ```text
//! api.status == 200 && api.latency < 500ms
//! write_queue.value == 0 for 30s
//! error_rate.value <= baseline(error_rate.value) * 1.2 for 5m
//! api.latency < baseline(api.latency, "deploy") * 2
//! !api.ok || redis.used_memory_ratio > 90%
//! ```
//! Units normalise as [`Value`] does: durations to milliseconds, sizes to bytes (`KB` = 1000,
//! `KiB` = 1024), `%` to a fraction. Names may hold `-` (`api-gw.status`, `header.content-type`),
//! so subtraction is written with spaces: `a.value - b.value`.

mod ast;
mod error;
mod eval;
mod evidence;
mod lexer;
mod lookup;
mod parser;
pub mod target;
mod window;

pub use crate::model::Value;
pub use ast::{Condition, RefKind, Reference};
pub use error::ConditionError;
pub use eval::{Lookup, Truth};
pub use evidence::{Evidence, evidence};
pub use lookup::{Baselines, OutputsLookup, SESSION_SCOPE, SampleLookup};
pub use target::TargetCheck;
pub use window::{HoldStatus, HoldWindow};

/// Parses a condition over named probes (`api.status == 200`), as `auto` and `[[trigger]]` use.
pub fn parse(src: &str) -> Result<Condition, ConditionError> {
    parser::parse(src, None)
}

/// Parses one of a probe's own conditions (`ok`/`warn`/`crit`), where outputs are written bare
/// (`status == 200 && latency < 500ms`, `body.status == "UP"`) and belong to `probe`. Writing the
/// probe's own name first (`api.status`) is accepted too; gatus's `[STATUS]`, `[RESPONSE_TIME]`,
/// `[BODY].x` and `[CONNECTED]` read as `status`, `latency`, `body.x` and `connected`.
pub fn parse_local(src: &str, probe: &str) -> Result<Condition, ConditionError> {
    parser::parse(src, Some(probe))
}

impl std::str::FromStr for Condition {
    type Err = ConditionError;

    fn from_str(src: &str) -> Result<Self, Self::Err> {
        parse(src)
    }
}
