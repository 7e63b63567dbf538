//! From a poll's outputs to a state: `crit`, then `warn`, then `ok` conditions; STALE from age;
//! and the one value per probe that a table cell or a sparkline shows.

use crate::condition::{self, Condition, OutputsLookup, Truth};
use crate::config::{ConditionText, ProbeSpec};
use crate::model::{OutputType, ProbeState, Sample, Value, ValueUnit};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The outcome of evaluating one condition against a sample.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    True,
    False,
    Unknown(String),
}

/// A probe's `ok` / `warn` / `crit`, parsed once.
#[derive(Debug, Clone)]
pub struct Conditions {
    compiled: Vec<(ConditionText, Result<Condition, String>)>,
}

impl Conditions {
    pub fn compile(spec: &ProbeSpec) -> Conditions {
        let compiled = [&spec.ok, &spec.warn, &spec.crit]
            .into_iter()
            .flatten()
            .map(|c| {
                let parsed = condition::parse_local(&c.text, &spec.name)
                    .map_err(|e| format!("condition `{}` does not parse: {e}", c.text));
                (c.clone(), parsed)
            })
            .collect();
        Conditions { compiled }
    }

    /// Sets `sample.state` from these conditions (see [`classify`]).
    pub fn classify(&self, spec: &ProbeSpec, sample: &mut Sample) {
        classify_with(spec, sample, &|c, s| self.evaluate(spec, c, s));
    }

    fn evaluate(&self, spec: &ProbeSpec, text: &ConditionText, sample: &Sample) -> Verdict {
        let Some((_, parsed)) = self.compiled.iter().find(|(c, _)| c.text == text.text) else {
            return Verdict::Unknown(format!("condition `{}` was not compiled", text.text));
        };
        let condition = match parsed {
            Ok(c) => c,
            Err(why) => return Verdict::Unknown(why.clone()),
        };
        let lookup = OutputsLookup {
            probe: &spec.name,
            outputs: &sample.outputs,
        };
        match condition.eval(&lookup) {
            Truth::True => Verdict::True,
            Truth::False => Verdict::False,
            Truth::Unknown(why) => {
                Verdict::Unknown(body_not_json(condition, sample).unwrap_or(why))
            }
        }
    }
}

/// Sets `sample.state` (and `reason`) from the probe's conditions. A sample that is already
/// UNKNOWN (the poll failed) stays so. Order: `crit`, then `warn`, then `ok`; a condition that
/// cannot be decided (missing output, non-JSON body) makes the sample UNKNOWN. With no `ok`, a
/// successful poll is OK unless the kind's default rule says otherwise (http: CRIT outside
/// 2xx/3xx).
pub fn classify(spec: &ProbeSpec, sample: &mut Sample) {
    Conditions::compile(spec).classify(spec, sample);
}

pub(crate) fn classify_with(
    spec: &ProbeSpec,
    sample: &mut Sample,
    eval: &dyn Fn(&ConditionText, &Sample) -> Verdict,
) {
    if sample.state == ProbeState::Unknown {
        return;
    }
    let checks = [
        (&spec.crit, ProbeState::Crit, "crit"),
        (&spec.warn, ProbeState::Warn, "warn"),
    ];
    for (condition, state, label) in checks {
        let Some(condition) = condition else { continue };
        match eval(condition, sample) {
            Verdict::True => {
                return set(sample, state, Some(format!("{label}: {}", condition.text)));
            }
            Verdict::False => {}
            Verdict::Unknown(why) => return set(sample, ProbeState::Unknown, Some(why)),
        }
    }
    match &spec.ok {
        Some(condition) => match eval(condition, sample) {
            Verdict::True => set(sample, ProbeState::Ok, None),
            Verdict::False => set(
                sample,
                ProbeState::Crit,
                Some(format!("not ok: {}", condition.text)),
            ),
            Verdict::Unknown(why) => set(sample, ProbeState::Unknown, Some(why)),
        },
        None => match spec.settings.default_state(&sample.outputs) {
            Some((state, reason)) => set(sample, state, Some(reason)),
            None => set(sample, ProbeState::Ok, None),
        },
    }
}

fn set(sample: &mut Sample, state: ProbeState, reason: Option<String>) {
    sample.state = state;
    sample.reason = reason;
}

/// When an undecidable condition reads into `body.…` and the body is text, that is the reason.
fn body_not_json(condition: &Condition, sample: &Sample) -> Option<String> {
    if !matches!(sample.outputs.get("body"), Some(Value::Text(_))) {
        return None;
    }
    condition
        .reference_slice()
        .iter()
        .find(|r| r.path.starts_with("body."))
        .map(|r| format!("body is not JSON (the condition reads {})", r.path))
}

/// The state to show at `now`: STALE when the sample is older than twice the interval.
pub fn state_at(sample: &Sample, interval: Duration, now: DateTime<Utc>) -> ProbeState {
    let age = now.signed_duration_since(sample.at);
    let limit = chrono::Duration::from_std(interval * 2).unwrap_or(chrono::Duration::MAX);
    if age > limit {
        ProbeState::Stale
    } else {
        sample.state
    }
}

/// The number a sparkline plots (the kind's choice: http latency, redis `len`, most a `value`).
pub fn primary_value(spec: &ProbeSpec, sample: &Sample) -> Option<f64> {
    // a numeric `show` output is what the sparkline follows, as the headline does
    if let Some(v) = spec
        .show
        .as_deref()
        .and_then(|path| sample.output(path))
        .and_then(|v| v.as_f64())
        .filter(|v| v.is_finite())
    {
        return Some(v);
    }
    sample
        .outputs
        .get(spec.settings.sparkline())
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite())
}

/// The value a table cell or panel headline shows, formatted with its unit (the kind's choice:
/// http status, redis `len` or memory ratio, most a `value` in the probe's `unit`).
pub fn headline(spec: &ProbeSpec, sample: &Sample) -> Option<(Value, String)> {
    let shown = spec.settings.headline(spec.unit);
    // `show = "body.queue.size"` picks any output (with `unit` for how it reads)
    let (value, unit) = match &spec.show {
        Some(path) => (sample.output(path)?, spec.unit),
        None => (sample.outputs.get(shown.output)?.clone(), shown.unit),
    };
    let text = match (value.as_f64(), &value, unit) {
        (Some(n), Value::Number(_), Some(unit)) => unit.format(n),
        // a command's stdout can carry a connection string
        _ => short(&crate::redact::redact_text(&value.to_string())),
    };
    Some((value, text))
}

/// The unit an output's number is in: the probe's own `unit` for its headline output, else the
/// one its kind declares (`latency` in ms, `days_left` in days).
pub fn output_unit(spec: &ProbeSpec, name: &str) -> Option<ValueUnit> {
    let shown = spec.settings.headline(spec.unit);
    if name == shown.output && shown.unit.is_some() {
        return shown.unit;
    }
    spec.kind()
        .outputs()
        .iter()
        .find(|o| o.reads(name))
        .and_then(|o| match o.kind {
            OutputType::Number(unit) => unit,
            _ => None,
        })
}

/// An output as people read it: a number in its unit (`38.2 ms`, `9.97 d`), anything else as
/// its text, redacted.
pub fn output_text(spec: &ProbeSpec, name: &str, value: &Value) -> String {
    match (value, output_unit(spec, name)) {
        (Value::Number(n), Some(unit)) => unit.format(*n),
        _ => crate::redact::redact_text(&value.to_string()),
    }
}

fn short(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    if one_line.chars().count() > 40 {
        let cut: String = one_line.chars().take(39).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn cond(text: &str) -> Option<ConditionText> {
        Some(ConditionText {
            text: text.into(),
            file: PathBuf::from("f.toml"),
            line: 1,
            column: 1,
            offset: None,
        })
    }

    fn spec(kind_keys: &str) -> ProbeSpec {
        let text = format!("[[probe]]\nname = \"p\"\n{kind_keys}\n");
        let config = crate::config::parse_str(
            Path::new("f.toml"),
            &text,
            None,
            &|_| None,
            super::super::KINDS,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        config.probes.into_iter().next().unwrap()
    }

    fn http() -> ProbeSpec {
        spec("kind = \"http\"\nurl = \"http://x/\"")
    }

    fn sql() -> ProbeSpec {
        spec("kind = \"sql\"\nurl = \"sqlite:x.db\"\nquery = \"select 1\"")
    }

    fn sample(outputs: &[(&str, Value)]) -> Sample {
        Sample {
            probe: "p".into(),
            at: Utc::now(),
            latency_ms: Some(1.0),
            outputs: outputs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
            state: ProbeState::Ok,
            reason: None,
        }
    }

    /// A stand-in evaluator: a condition text names the verdict.
    fn fake(c: &ConditionText, _s: &Sample) -> Verdict {
        match c.text.as_str() {
            "yes" => Verdict::True,
            "no" => Verdict::False,
            other => Verdict::Unknown(other.to_string()),
        }
    }

    #[test]
    fn crit_then_warn_then_ok() {
        let mut s = sql();
        s.crit = cond("yes");
        s.warn = cond("yes");
        let mut x = sample(&[]);
        classify_with(&s, &mut x, &fake);
        assert_eq!(x.state, ProbeState::Crit);
        s.crit = cond("no");
        classify_with(&s, &mut x, &fake);
        assert_eq!(x.state, ProbeState::Warn);
        s.warn = cond("no");
        s.ok = cond("no");
        classify_with(&s, &mut x, &fake);
        assert_eq!(x.state, ProbeState::Crit);
        assert_eq!(x.reason.as_deref(), Some("not ok: no"));
        s.ok = cond("yes");
        classify_with(&s, &mut x, &fake);
        assert_eq!((x.state, x.reason.clone()), (ProbeState::Ok, None));
        s.warn = cond("body is not JSON");
        classify_with(&s, &mut x, &fake);
        assert_eq!(x.state, ProbeState::Unknown);
        assert_eq!(x.reason.as_deref(), Some("body is not JSON"));
    }

    #[test]
    fn defaults_without_conditions() {
        let mut x = sample(&[("status", Value::Number(503.0))]);
        classify_with(&http(), &mut x, &fake);
        assert_eq!(x.state, ProbeState::Crit);
        let mut x = sample(&[("status", Value::Number(302.0))]);
        classify_with(&http(), &mut x, &fake);
        assert_eq!(x.state, ProbeState::Ok);
        let mut x = sample(&[]);
        classify_with(&sql(), &mut x, &fake);
        assert_eq!(x.state, ProbeState::Ok);
        let mut failed = sample(&[]);
        failed.state = ProbeState::Unknown;
        failed.reason = Some("timeout after 2s".into());
        classify_with(&sql(), &mut failed, &fake);
        assert_eq!(failed.state, ProbeState::Unknown);
    }

    #[test]
    fn stale_after_two_intervals() {
        let x = sample(&[]);
        let interval = Duration::from_secs(5);
        assert_eq!(
            state_at(&x, interval, x.at + chrono::Duration::seconds(9)),
            ProbeState::Ok
        );
        assert_eq!(
            state_at(&x, interval, x.at + chrono::Duration::seconds(11)),
            ProbeState::Stale
        );
    }

    #[test]
    fn outputs_read_in_their_units() {
        let h = http();
        assert_eq!(output_unit(&h, "latency"), Some(ValueUnit::Millis));
        assert_eq!(output_unit(&h, "status"), None);
        assert_eq!(output_text(&h, "latency", &Value::Number(38.2)), "38.2 ms");
        assert_eq!(
            output_text(
                &h,
                "header.location",
                &Value::Text("postgres://u:pw@h/d".into())
            ),
            "postgres://u:***@h/d"
        );
        let mut s = sql();
        s.unit = Some(ValueUnit::Bytes);
        assert_eq!(output_text(&s, "value", &Value::Number(1536.0)), "1.5 KiB");
        let tls = spec("kind = \"tls\"\nhost = \"example.com\"");
        assert_eq!(output_text(&tls, "days_left", &Value::Number(9.5)), "9.5 d");
    }

    #[test]
    fn headlines_with_units() {
        let x = sample(&[
            ("status", Value::Number(200.0)),
            ("latency", Value::Number(38.2)),
        ]);
        assert_eq!(headline(&http(), &x).map(|h| h.1), Some("200".into()));
        assert_eq!(primary_value(&http(), &x), Some(38.2));
        let mut s = sql();
        s.unit = Some(ValueUnit::Percent);
        let x = sample(&[("value", Value::Number(0.062))]);
        assert_eq!(headline(&s, &x).map(|h| h.1), Some("6.2 %".into()));
    }
}
