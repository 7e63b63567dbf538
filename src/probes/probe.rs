//! One configured probe with its kind's live poller: the whole poll runs under the probe's
//! timeout, a target that did not answer takes its kind's `unanswered_state` (CRIT under the
//! Nagios rule), any other failure is UNKNOWN, each with a redacted reason; a successful poll is
//! classified OK / WARN / CRIT by its conditions.

use super::state::Conditions;
use crate::config::{Poller, ProbeSpec};
use crate::model::{ProbeState, Sample, Value};
use crate::redact::redact_text;
use crate::units::format_duration;
use std::collections::BTreeMap;
use std::time::Instant;

pub struct Probe {
    spec: ProbeSpec,
    poller: Box<dyn Poller>,
    conditions: Conditions,
    /// Literal secrets of this probe, scrubbed from every reason (drivers do not always print
    /// URLs in a shape `redact_text` recognises).
    secrets: Vec<String>,
}

impl Probe {
    /// Builds the probe; never fails: a setup problem (unreadable CA file) shows as UNKNOWN on
    /// every poll, with its reason.
    pub fn new(spec: ProbeSpec) -> Probe {
        let poller = spec.settings.poller(&spec);
        let secrets = spec.settings.secret_parts();
        Probe {
            conditions: Conditions::compile(&spec),
            spec,
            poller,
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
        self.spec.settings.needs_two_polls()
    }

    /// Polls once: the whole poll is bounded by the probe's timeout.
    pub async fn poll(&mut self) -> Sample {
        let timeout = self.spec.timeout;
        let started = Instant::now();
        let result = tokio::time::timeout(timeout, self.poller.poll()).await;
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
                // a poll cut short may leave a connection half-used: start afresh next time
                self.poller.reset();
                sample.state = self.spec.settings.unanswered_state();
                sample.reason = Some(format!("timeout after {}", format_duration(timeout)));
            }
            Ok(Err(failure)) => {
                if failure.unanswered {
                    sample.state = self.spec.settings.unanswered_state();
                }
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

    fn scrub(&self, text: &str) -> String {
        let mut out = redact_text(text);
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "***");
        }
        out
    }
}
