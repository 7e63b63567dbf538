//! The world the condition-evaluation tests read: samples of a few probes, baselines, and a
//! table checker (want true, false or unknown).
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::condition::{self, Baselines, SampleLookup, Truth, Value};
use flightdeck::probes::{ProbeState, Sample};
use std::collections::HashMap;

pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).unwrap()
}

pub fn sample(probe: &str, state: ProbeState, at: i64, outputs: &[(&str, Value)]) -> Sample {
    Sample {
        probe: probe.into(),
        at: t(at),
        latency_ms: Some(3.0),
        outputs: outputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        state,
        reason: None,
    }
}

pub fn num(n: f64) -> Value {
    Value::Number(n)
}

pub fn text(s: &str) -> Value {
    Value::Text(s.into())
}

pub fn world() -> HashMap<String, Sample> {
    let body = serde_json::json!({
        "status": "UP",
        "queue": {"size": 12, "name": "writes"},
        "items": [{"id": 3}],
        "nothing": null,
        "flag": "true"
    });
    let samples = [
        sample(
            "api",
            ProbeState::Ok,
            100,
            &[
                ("status", num(200.0)),
                ("latency", num(40.0)),
                ("body", Value::Json(body)),
                ("header.content-type", text("application/json")),
                ("header.x-count", text(" 12 ")),
            ],
        ),
        sample("q", ProbeState::Warn, 101, &[("value", num(12.0))]),
        sample(
            "redis",
            ProbeState::Ok,
            102,
            &[
                ("connected", Value::Bool(true)),
                ("used_memory_ratio", num(0.41)),
                ("used_memory", num(600e6)),
                ("latency", num(0.4)),
            ],
        ),
        sample(
            "flags",
            ProbeState::Ok,
            103,
            &[("yes", Value::Bool(true)), ("no", Value::Bool(false))],
        ),
        sample(
            "names",
            ProbeState::Ok,
            103,
            &[("name", text("abc")), ("empty", text(""))],
        ),
        sample("down", ProbeState::Unknown, 104, &[("value", num(1.0))]),
        sample("crit", ProbeState::Crit, 104, &[("value", num(9.0))]),
        sample(
            "prom",
            ProbeState::Ok,
            105,
            &[("value", num(f64::NAN)), ("inf", num(f64::INFINITY))],
        ),
        sample("err", ProbeState::Ok, 106, &[("value", num(0.011))]),
    ];
    samples.into_iter().map(|s| (s.probe.clone(), s)).collect()
}

/// The session's baselines, and those of phase `deploy` (captured later, with a lower error rate).
pub fn baselines() -> Baselines {
    let by_probe = |samples: Vec<Sample>| -> HashMap<String, Sample> {
        samples.into_iter().map(|s| (s.probe.clone(), s)).collect()
    };
    Baselines::from([
        (
            "session".to_string(),
            by_probe(vec![
                sample("err", ProbeState::Ok, 10, &[("value", num(0.01))]),
                sample("api", ProbeState::Unknown, 10, &[("latency", num(30.0))]),
                sample("q", ProbeState::Ok, 10, &[("value", num(10.0))]),
            ]),
        ),
        (
            "deploy".to_string(),
            by_probe(vec![
                sample("err", ProbeState::Ok, 50, &[("value", num(0.005))]),
                sample("api", ProbeState::Ok, 50, &[("latency", num(30.0))]),
            ]),
        ),
    ])
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum T {
    Yes,
    No,
    Unk,
}

pub fn eval(src: &str) -> Truth {
    let samples = world();
    let base = baselines();
    let lookup = SampleLookup::new(&samples).with_baselines(&base);
    let c = condition::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    c.eval(&lookup)
}

pub fn check(cases: &[(&str, T)]) {
    for (src, want) in cases {
        let got = eval(src);
        let ok = match want {
            T::Yes => got == Truth::True,
            T::No => got == Truth::False,
            T::Unk => got.is_unknown(),
        };
        assert!(ok, "`{src}`: want {want:?}, got {got:?}");
    }
}
