//! The contract of a probe kind. The loader calls [`ProbeKind::read`] for a table's own keys; a
//! loaded probe carries its kind's [`KindSettings`], which build the [`Poller`] and say how the
//! panel shows it. The kinds themselves live in `probes`, whose registry the caller hands to the
//! loader, so `config` never imports `probes`.

use super::reader::TableReader;
use super::types::{ConditionText, Origin};
use crate::model::{OutputSpec, PollResult, ProbeState, Value, ValueUnit};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The kinds a loader knows, as a registry lists them (`probes::KINDS`).
pub type Kinds = &'static [&'static dyn ProbeKind];

/// One probe kind: its name, its keys and how to read them, and the outputs it gives.
pub trait ProbeKind: Sync {
    /// What `kind = "…"` says.
    fn name(&self) -> &'static str;

    /// The keys of this kind's table besides the common ones (`name`, `interval`, `ok`, …).
    fn keys(&self) -> &'static [&'static str];

    /// Every output a poll of this kind may give, with its unit; `latency` included.
    fn outputs(&self) -> &'static [OutputSpec];

    /// Reads this kind's keys. Problems go to the reader (located, with a hint); `None` when
    /// the table cannot make a probe.
    fn read(&self, table: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>>;
}

impl dyn ProbeKind {
    /// Whether a condition's path (`status`, `body.queue.size`, `header.x`) reads a declared output.
    pub fn knows_output(&self, path: &str) -> bool {
        self.outputs().iter().any(|o| o.reads(path))
    }

    /// For a path this kind never gives (`stauts`), the error and a did-you-mean hint that lists
    /// what it gives; `None` when the path reads a declared output.
    pub fn unknown_output(&self, probe: &str, path: &str) -> Option<(String, String)> {
        if self.knows_output(path) {
            return None;
        }
        let names: Vec<&str> = self
            .outputs()
            .iter()
            .map(|o| o.name.trim_end_matches(".*").trim_end_matches('*'))
            .collect();
        let listed: Vec<String> = self
            .outputs()
            .iter()
            .map(|o| match o.name.strip_suffix('*') {
                Some(family) => format!("{family}NAME"),
                None => o.name.to_string(),
            })
            .collect();
        let (head, rest) = match path.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        let gives = format!("a {} probe gives: {}", self.name(), listed.join(", "));
        let hint = match crate::suggest::closest(head, &names) {
            Some(near) => {
                let meant = rest.map_or(near.to_string(), |r| format!("{near}.{r}"));
                format!("did you mean `{meant}`? ({gives})")
            }
            None => gives,
        };
        let message = format!("probe `{probe}` ({}) has no output `{path}`", self.name());
        Some((message, hint))
    }
}

impl fmt::Debug for dyn ProbeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The output a panel headline shows, and the unit it reads in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headline {
    pub output: &'static str,
    pub unit: Option<ValueUnit>,
}

/// One probe's settings, as its kind read them; `Debug` must not show secrets.
pub trait KindSettings: fmt::Debug + Send + Sync + 'static {
    /// What the probe polls, for display, secrets redacted (a URL, a command line, a path).
    fn target(&self) -> String;

    /// Literal secrets in these settings (URL passwords, token headers), scrubbed from every
    /// reason a poll gives even when a driver prints them in a shape redaction does not know.
    fn secret_parts(&self) -> Vec<String>;

    /// A poller owning this probe's client, connection or process; built once per probe.
    fn poller(&self, spec: &ProbeSpec) -> Box<dyn Poller>;

    /// The headline output and its unit; `unit` is the probe's own `unit` key, if any.
    fn headline(&self, unit: Option<ValueUnit>) -> Headline {
        Headline {
            output: "value",
            unit,
        }
    }

    /// The output a sparkline plots.
    fn sparkline(&self) -> &'static str {
        "value"
    }

    /// The state of an answered poll when the probe has no `ok` condition (and no `warn`/`crit`
    /// held): `None` is OK; a kind may know better (http: CRIT outside 2xx/3xx).
    fn default_state(&self, _outputs: &BTreeMap<String, Value>) -> Option<(ProbeState, String)> {
        None
    }

    /// Whether the first poll cannot give a value (a rate needs two scrapes).
    fn needs_two_polls(&self) -> bool {
        false
    }

    /// For tests and tools that need the concrete settings back.
    fn as_any(&self) -> &dyn Any;
}

/// Polls one target; owned by that probe's task, so at most one poll runs at a time.
pub trait Poller: Send {
    /// One poll. The caller bounds it with the probe's timeout and may drop it midway.
    fn poll(&mut self) -> BoxFuture<'_, PollResult>;

    /// Called after a poll was cut short by the timeout: a connection may be mid-use and a child
    /// process still running, so drop or kill them and start afresh on the next poll.
    fn reset(&mut self) {}
}

/// One `[[probe]]`: what to poll, how often, and what counts as OK / WARN / CRIT.
#[derive(Debug, Clone)]
pub struct ProbeSpec {
    pub name: String,
    /// Optional display name for the panel (`api /health`).
    pub title: Option<String>,
    pub interval: Duration,
    pub timeout: Duration,
    pub ok: Option<ConditionText>,
    pub warn: Option<ConditionText>,
    pub crit: Option<ConditionText>,
    /// How the primary value reads on screen (`ms`, `%`, `bytes`, `/s`); `None` for a plain number.
    pub unit: Option<ValueUnit>,
    /// The output the panel shows as the headline (`body.queue.size`), instead of the kind's own.
    pub show: Option<String>,
    pub kind: &'static dyn ProbeKind,
    /// The kind's own keys, as it read them.
    pub settings: Arc<dyn KindSettings>,
    pub origin: Origin,
}

impl ProbeSpec {
    pub fn kind(&self) -> &'static dyn ProbeKind {
        self.kind
    }

    /// What the probe polls, redacted, for display.
    pub fn target(&self) -> String {
        self.settings.target()
    }
}
