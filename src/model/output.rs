//! What one poll yields (named outputs, or a failure with its reason) and what a kind declares
//! about its outputs: their names and the unit each value is in.

use super::Value;
use std::collections::BTreeMap;

/// What a kind returns from a successful poll.
#[derive(Debug, Default)]
pub struct Outputs {
    pub values: BTreeMap<String, Value>,
    /// How long the target took to answer (kind-specific: the request, the PING, the query).
    pub latency_ms: Option<f64>,
}

impl Outputs {
    /// Outputs of a poll the target answered in `latency_ms` (also the `latency` output).
    pub fn answered_in(latency_ms: f64) -> Outputs {
        let mut out = Outputs {
            latency_ms: Some(latency_ms),
            ..Outputs::default()
        };
        out.number("latency", latency_ms);
        out
    }

    pub fn set(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_string(), value);
    }

    pub fn number(&mut self, name: &str, value: f64) {
        self.set(name, Value::Number(value));
    }
}

/// Why a poll gave no usable answer, plus any outputs known anyway (`connected = false`).
///
/// Two kinds, as the Nagios plugins have it: a target that does not answer (refused, timed out,
/// not found in DNS, connection lost) is CRIT — it is down as far as anyone can tell; an answer
/// that cannot be judged (no data, a query error, an unreadable page, a bad setup) is UNKNOWN.
#[derive(Debug)]
pub struct Failure {
    pub reason: String,
    pub values: BTreeMap<String, Value>,
    /// The target answered; what it said could not be judged.
    pub answered: bool,
}

impl Failure {
    /// The target did not answer: CRIT.
    pub fn no_answer(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            values: BTreeMap::new(),
            answered: false,
        }
    }

    /// The target answered (or the probe could not ask), but there is nothing to judge: UNKNOWN.
    pub fn cannot_judge(reason: impl Into<String>) -> Failure {
        Failure {
            answered: true,
            ..Failure::no_answer(reason)
        }
    }

    /// Adds an output known even though the poll failed (`connected = false`).
    pub fn with(mut self, name: &str, value: Value) -> Failure {
        self.values.insert(name.to_string(), value);
        self
    }
}

pub type PollResult = Result<Outputs, Failure>;

/// How a number reads on screen; conditions compare the number as it is (ms, bytes, fraction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueUnit {
    /// Milliseconds.
    Millis,
    /// A fraction shown as a percentage (0.05 → 5 %).
    Percent,
    Bytes,
    PerSecond,
    /// Days (a certificate's `days_left`).
    Days,
}

impl ValueUnit {
    /// The spellings a probe's `unit` key takes.
    pub fn parse(text: &str) -> Option<ValueUnit> {
        Some(match text {
            "ms" => ValueUnit::Millis,
            "%" | "percent" => ValueUnit::Percent,
            "bytes" | "B" => ValueUnit::Bytes,
            "/s" | "per_second" => ValueUnit::PerSecond,
            "d" | "days" => ValueUnit::Days,
            _ => return None,
        })
    }

    /// How the number is held, for machines (`check --format json`): `ms`, `fraction` (shown as
    /// a percentage), `bytes`, `per_second`, `days`.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueUnit::Millis => "ms",
            ValueUnit::Percent => "fraction",
            ValueUnit::Bytes => "bytes",
            ValueUnit::PerSecond => "per_second",
            ValueUnit::Days => "days",
        }
    }

    /// `38.2 ms`, `6.2 %`, `1.5 MiB`, `12/s`.
    pub fn format(self, n: f64) -> String {
        match self {
            ValueUnit::Millis => format!("{} ms", round(n)),
            ValueUnit::Percent => format!("{} %", round(n * 100.0)),
            ValueUnit::PerSecond => format!("{}/s", round(n)),
            ValueUnit::Days => format!("{} d", round(n)),
            ValueUnit::Bytes => {
                let units = ["B", "KiB", "MiB", "GiB", "TiB"];
                let mut v = n;
                let mut i = 0;
                while v.abs() >= 1024.0 && i + 1 < units.len() {
                    v /= 1024.0;
                    i += 1;
                }
                format!("{} {}", round(v), units[i])
            }
        }
    }
}

/// Rounds for display: 3 significant decimals under 10, fewer above.
fn round(n: f64) -> String {
    human(n)
}

/// A number for people: whole numbers as they are, three significant digits otherwise (`802`,
/// `61.7`, `0.124`, `0.00124`) — for screens and reports; the journal keeps full precision.
pub fn human(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let a = n.abs();
    if a >= 100.0 || n.fract() == 0.0 {
        return format!("{n:.0}");
    }
    // digits after the point that keep three significant ones
    let decimals = (2 - a.log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{n:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

#[cfg(test)]
mod human_tests {
    use super::human;

    #[test]
    fn three_significant_digits() {
        assert_eq!(human(801.6646079999999), "802");
        assert_eq!(human(0.12363327674023768), "0.124");
        assert_eq!(human(61.74), "61.7");
        assert_eq!(human(5.0), "5");
        assert_eq!(human(0.0012363), "0.00124");
        assert_eq!(human(-2.5), "-2.5");
        assert_eq!(human(1234567.0), "1234567");
    }
}

/// What an output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputType {
    /// A number, in this unit when it has one (a count or a code when not).
    Number(Option<ValueUnit>),
    Bool,
    Text,
    /// A JSON document conditions reach into with a path (`body.queue.size`).
    Json,
    /// Whatever the target gives (a SQL value: number, text, bool or JSON).
    Any,
}

/// One output a kind declares: `validate` checks a condition's `api.stauts` against these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputSpec {
    /// The name, or a family ending in `*` (`header.*` for `header.content-type`).
    pub name: &'static str,
    pub kind: OutputType,
    /// One line for the docs and for did-you-mean hints.
    pub about: &'static str,
}

impl OutputSpec {
    pub const fn new(name: &'static str, kind: OutputType, about: &'static str) -> OutputSpec {
        OutputSpec { name, kind, about }
    }

    /// Whether `path` (as a condition writes it after the probe's name) reads this output.
    pub fn reads(&self, path: &str) -> bool {
        if let Some(prefix) = self.name.strip_suffix('*') {
            return path.starts_with(prefix) && path.len() > prefix.len();
        }
        path == self.name
            || (matches!(self.kind, OutputType::Json | OutputType::Any)
                && path
                    .strip_prefix(self.name)
                    .is_some_and(|rest| rest.starts_with('.')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_format() {
        assert_eq!(ValueUnit::Percent.format(0.062), "6.2 %");
        assert_eq!(ValueUnit::Millis.format(38.2), "38.2 ms");
        assert_eq!(ValueUnit::Bytes.format(1536.0), "1.5 KiB");
        assert_eq!(ValueUnit::PerSecond.format(12.0), "12/s");
    }

    #[test]
    fn specs_read_paths() {
        let body = OutputSpec::new("body", OutputType::Json, "");
        assert!(body.reads("body") && body.reads("body.queue.size"));
        assert!(!body.reads("body_bytes"));
        let status = OutputSpec::new("status", OutputType::Number(None), "");
        assert!(status.reads("status") && !status.reads("status.x"));
        let headers = OutputSpec::new("header.*", OutputType::Text, "");
        assert!(headers.reads("header.content-type") && !headers.reads("header."));
    }
}
