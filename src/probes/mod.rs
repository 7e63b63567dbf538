//! Probe kinds and the scheduler; knows nothing of the terminal.
//!
//! A [`Probe`] owns one target's connection or client and turns one poll into one owned
//! [`Sample`]: the whole poll runs under the probe's timeout, every failure becomes UNKNOWN with a
//! redacted reason, and a successful poll is classified OK / WARN / CRIT by [`classify`].

pub mod history;
pub mod http;
pub mod metrics;
pub mod prometheus;
pub mod redis;
pub mod sample;
pub mod scheduler;
pub mod sql;
mod state;
pub mod web;

pub use history::{History, HistorySet};
pub use sample::{ProbeState, Sample};
pub use scheduler::{ProbeMsg, SchedulerHandle};
pub use state::{Conditions, classify, headline, primary_value, state_at};

use crate::condition::Value;
use crate::config::{ProbeSettings, ProbeSpec};
use crate::redact::redact_text;
use crate::units::format_duration;
use std::collections::BTreeMap;
use std::time::Instant;

/// What a kind returns from a successful poll.
#[derive(Debug, Default)]
pub(crate) struct Outputs {
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

/// Why a poll gave no answer, plus any outputs known anyway (`connected = false`).
#[derive(Debug)]
pub(crate) struct Failure {
    pub reason: String,
    pub values: BTreeMap<String, Value>,
}

impl Failure {
    pub fn new(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            values: BTreeMap::new(),
        }
    }
}

pub(crate) type PollResult = Result<Outputs, Failure>;

enum Kind {
    Http(http::HttpProbe),
    Sql(sql::SqlProbe),
    Redis(redis::RedisProbe),
    Prometheus(prometheus::PrometheusProbe),
    Metrics(metrics::MetricsProbe),
}

/// One configured probe with its live client or connection.
pub struct Probe {
    spec: ProbeSpec,
    kind: Kind,
    conditions: Conditions,
    /// Literal secrets of this probe, scrubbed from every reason (drivers do not always print
    /// URLs in a shape `redact_text` recognises).
    secrets: Vec<String>,
}

impl Probe {
    /// Builds the probe; never fails: a setup problem (unreadable CA file) shows as UNKNOWN on
    /// every poll, with its reason.
    pub fn new(spec: ProbeSpec) -> Probe {
        let kind = match &spec.settings {
            ProbeSettings::Http(s) => Kind::Http(http::HttpProbe::new(s, spec.timeout)),
            ProbeSettings::Sql(s) => Kind::Sql(sql::SqlProbe::new(s, spec.timeout)),
            ProbeSettings::Redis(s) => Kind::Redis(redis::RedisProbe::new(s, spec.timeout)),
            ProbeSettings::Prometheus(s) => {
                Kind::Prometheus(prometheus::PrometheusProbe::new(s, spec.timeout))
            }
            ProbeSettings::Metrics(s) => Kind::Metrics(metrics::MetricsProbe::new(s, spec.timeout)),
        };
        let secrets = spec.settings.secret_parts();
        Probe {
            conditions: Conditions::compile(&spec),
            spec,
            kind,
            secrets,
        }
    }

    pub fn spec(&self) -> &ProbeSpec {
        &self.spec
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Whether the first poll cannot give a value (a rate needs two scrapes).
    pub fn needs_two_polls(&self) -> bool {
        matches!(&self.kind, Kind::Metrics(m) if m.needs_two_scrapes())
    }

    /// Polls once: the whole poll is bounded by the probe's timeout.
    pub async fn poll(&mut self) -> Sample {
        let timeout = self.spec.timeout;
        let started = Instant::now();
        let result = tokio::time::timeout(timeout, self.poll_kind()).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut sample = Sample {
            probe: self.spec.name.clone(),
            at: chrono::Utc::now(),
            latency_ms: None,
            outputs: BTreeMap::new(),
            state: ProbeState::Unknown,
            reason: None,
        };
        match result {
            Err(_) => {
                self.after_timeout();
                sample.reason = Some(format!("timeout after {}", format_duration(timeout)));
            }
            Ok(Err(failure)) => {
                sample.outputs = failure.values;
                sample.reason = Some(self.scrub(&failure.reason));
            }
            Ok(Ok(outputs)) => {
                let latency = outputs.latency_ms.unwrap_or(elapsed_ms);
                sample.latency_ms = Some(latency);
                sample.outputs = outputs.values;
                sample
                    .outputs
                    .entry("latency".to_string())
                    .or_insert(Value::Number(latency));
                sample.state = ProbeState::Ok;
                self.conditions.classify(&self.spec, &mut sample);
                if let Some(reason) = sample.reason.take() {
                    sample.reason = Some(self.scrub(&reason));
                }
            }
        }
        tracing::debug!(
            probe = %self.spec.name,
            state = sample.state.as_str(),
            reason = sample.reason.as_deref().unwrap_or(""),
            "poll"
        );
        sample
    }

    async fn poll_kind(&mut self) -> PollResult {
        match &mut self.kind {
            Kind::Http(p) => p.poll().await,
            Kind::Sql(p) => p.poll().await,
            Kind::Redis(p) => p.poll().await,
            Kind::Prometheus(p) => p.poll().await,
            Kind::Metrics(p) => p.poll().await,
        }
    }

    /// A poll cut short may leave a connection half-used: start afresh next time.
    fn after_timeout(&mut self) {
        match &mut self.kind {
            Kind::Sql(p) => p.reset(),
            Kind::Redis(p) => p.reset(),
            _ => {}
        }
    }

    fn scrub(&self, text: &str) -> String {
        let mut out = redact_text(text);
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "***");
        }
        out
    }
}
