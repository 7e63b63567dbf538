#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Evaluating conditions over samples: operators, units, precedence, three-valued logic, baselines,
//! staleness and evidence.

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::condition::{self, Baselines, OutputsLookup, SampleLookup, Truth, Value};
use flightdeck::probes::{ProbeState, Sample};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0).unwrap()
}

fn sample(probe: &str, state: ProbeState, at: i64, outputs: &[(&str, Value)]) -> Sample {
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

fn num(n: f64) -> Value {
    Value::Number(n)
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn world() -> HashMap<String, Sample> {
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
fn baselines() -> Baselines {
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
enum T {
    Yes,
    No,
    Unk,
}

fn eval(src: &str) -> Truth {
    let samples = world();
    let base = baselines();
    let lookup = SampleLookup::new(&samples).with_baselines(&base);
    let c = condition::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    c.eval(&lookup)
}

fn check(cases: &[(&str, T)]) {
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

#[test]
fn comparison_operators_on_numbers() {
    use T::*;
    check(&[
        ("api.status == 200", Yes),
        ("api.status == 201", No),
        ("api.status != 200", No),
        ("api.status != 500", Yes),
        ("api.status < 300", Yes),
        ("api.status < 200", No),
        ("api.status <= 200", Yes),
        ("api.status <= 199", No),
        ("api.status > 199", Yes),
        ("api.status > 200", No),
        ("api.status >= 200", Yes),
        ("api.status >= 201", No),
        ("200 == api.status", Yes),
        ("prom.inf > 1e300", Yes),
    ]);
}

#[test]
fn units_normalise_to_base_units() {
    use T::*;
    check(&[
        ("api.latency < 500ms", Yes),
        ("api.latency < 40ms", No),
        ("api.latency == 40ms", Yes),
        ("redis.latency < 1ms", Yes),
        ("redis.used_memory_ratio < 70%", Yes),
        ("redis.used_memory_ratio == 41%", Yes),
        ("redis.used_memory_ratio > 41%", No),
        ("redis.used_memory > 512MB", Yes),
        ("redis.used_memory < 1GiB", Yes),
        ("redis.used_memory > 1GB", No),
        ("q.value * 1s == 12000", Yes),
    ]);
    let literal_cases = [
        ("500ms", 500.0),
        ("2s", 2_000.0),
        ("1.5s", 1_500.0),
        ("5m", 300_000.0),
        ("5min", 300_000.0),
        ("1h", 3_600_000.0),
        ("1h30m", 5_400_000.0),
        ("1d", 86_400_000.0),
        ("70%", 0.7),
        ("5%", 0.05),
        ("0.1%", 0.001),
        ("512MB", 512e6),
        ("10KB", 1e4),
        ("10kB", 1e4),
        ("1GiB", 1_073_741_824.0),
        ("2KiB", 2048.0),
        ("3B", 3.0),
        ("1e3", 1000.0),
        ("-5ms", -5.0),
    ];
    for (literal, base) in literal_cases {
        let samples: HashMap<_, _> = [(
            "x".to_string(),
            sample("x", ProbeState::Ok, 0, &[("v", num(base))]),
        )]
        .into_iter()
        .collect();
        let c = condition::parse(&format!("x.v == {literal}")).unwrap();
        assert_eq!(
            c.eval(&SampleLookup::new(&samples)),
            Truth::True,
            "{literal}"
        );
    }
}

#[test]
fn arithmetic_and_precedence() {
    use T::*;
    check(&[
        ("q.value * 2 == 24", Yes),
        ("q.value / 4 == 3", Yes),
        ("q.value + 1 == 13", Yes),
        ("q.value - 2 == 10", Yes),
        ("q.value + 2 * 3 == 18", Yes),
        ("(q.value + 2) * 3 == 42", Yes),
        ("q.value - 2 - 3 == 7", Yes),
        ("q.value / 2 / 3 == 2", Yes),
        ("-q.value == -12", Yes),
        ("q.value == --12", Yes),
        ("q.value - -1 == 13", Yes),
        ("api.header.x-count * 2 == 24", Yes),
        ("q.value / 0 > 1", Unk),
        ("api.body.status + 1 > 1", Unk),
        ("flags.yes + 1 > 1", Unk),
    ]);
}

#[test]
fn logic_and_precedence() {
    use T::*;
    check(&[
        ("flags.yes", Yes),
        ("flags.no", No),
        ("!flags.no", Yes),
        ("flags.yes && flags.no", No),
        ("flags.yes && flags.yes", Yes),
        ("flags.no || flags.yes", Yes),
        ("flags.no || flags.no", No),
        // && binds tighter than ||
        ("flags.yes || flags.no && flags.no", Yes),
        ("(flags.yes || flags.no) && flags.no", No),
        // ! applies to its operand only, a comparison included
        ("!flags.no && flags.no", No),
        ("!(flags.yes && flags.no)", Yes),
        ("!api.status == 500", Yes),
        ("!!flags.yes", Yes),
        ("true", Yes),
        ("false", No),
        ("true && !false", Yes),
        ("flags.yes == true", Yes),
        ("flags.yes != flags.no", Yes),
        ("redis.connected", Yes),
        ("redis.connected == 1", Yes),
        ("api.body.flag", Yes),
        ("api.body.flag == true", Yes),
        ("flags.yes > flags.no", Unk),
        ("api.status", Unk),
        ("api.body.status", Unk),
    ]);
}

#[test]
fn text_comparisons() {
    use T::*;
    check(&[
        ("api.body.status == \"UP\"", Yes),
        ("api.body.status == 'UP'", Yes),
        ("api.body.status != \"DOWN\"", Yes),
        ("api.body.status == \"up\"", No),
        ("api.header.content-type == \"application/json\"", Yes),
        ("api.body.queue.name == \"writes\"", Yes),
        ("names.name < \"b\"", Yes),
        ("names.name > \"abd\"", No),
        ("names.empty == \"\"", Yes),
        // a text that reads as a number compares as one
        ("api.header.x-count > 5", Yes),
        ("api.header.x-count == 12", Yes),
        ("\"12\" == 12.0", Yes),
        ("api.body.status > 5", Unk),
        ("api.body.queue.size < 100", Yes),
        ("api.body.items.0.id == 3", Yes),
    ]);
}

#[test]
fn what_cannot_be_known_is_unknown_with_a_reason() {
    let cases = [
        ("nope.value == 1", "no sample from `nope` yet"),
        (
            "api.missing == 1",
            "`api.missing`: `api` has no output `missing`",
        ),
        ("api.body.queue.missing == 1", "no output"),
        ("down.value == 1", "`down.value`: probe `down` is UNKNOWN"),
        ("prom.value > 0", "`prom.value` is NaN"),
        ("prom.value * 1 > 0", "NaN"),
        ("q.value / 0 > 1", "`q.value / 0` divides by zero"),
        (
            "api.body.status > 5",
            "`api.body.status` is \"UP\", not a number",
        ),
        ("api.body == 1", "`api.body` is a JSON object"),
        ("api.body.items == 1", "`api.body.items` is a JSON list"),
        ("api.body.nothing == 1", "`api.body.nothing` is null"),
        ("nope.ok", "no sample from `nope` yet"),
        ("api.status", "`api.status` is 200, not true or false"),
    ];
    for (src, reason) in cases {
        match eval(src) {
            Truth::Unknown(why) => assert!(why.contains(reason), "`{src}`: {why}"),
            other => panic!("`{src}`: want Unknown, got {other:?}"),
        }
    }
}

#[test]
fn three_valued_logic() {
    use T::*;
    // `down.value == 1` is Unknown: the probe is UNKNOWN.
    check(&[
        ("down.value == 1", Unk),
        ("!(down.value == 1)", Unk),
        ("down.value == 1 && api.status == 500", No),
        ("api.status == 500 && down.value == 1", No),
        ("down.value == 1 && api.status == 200", Unk),
        ("api.status == 200 && down.value == 1", Unk),
        ("down.value == 1 || api.status == 200", Yes),
        ("api.status == 200 || down.value == 1", Yes),
        ("down.value == 1 || api.status == 500", Unk),
        ("api.status == 500 || down.value == 1", Unk),
        ("down.value == 1 && nope.value == 1", Unk),
        ("down.value == 1 || nope.value == 1", Unk),
        ("!(down.value == 1 && false)", Yes),
    ]);
    match eval("down.value == 1 && nope.value == 1") {
        Truth::Unknown(why) => assert!(why.contains("down"), "the first reason is kept: {why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn probe_state_references() {
    use T::*;
    check(&[
        ("api.ok", Yes),
        ("q.ok", No),
        ("crit.ok", No),
        ("!crit.ok", Yes),
        // UNKNOWN is knowably not OK: a rollback trigger on `!api.ok` fires when the API is down.
        ("down.ok", No),
        ("!down.ok", Yes),
        ("api.ok == true", Yes),
        // WARN and CRIT probes still have trustworthy outputs.
        ("q.value == 12", Yes),
        ("crit.value == 9", Yes),
    ]);
}

#[test]
fn stale_probes_read_as_unknown() {
    let samples = world();
    let intervals: HashMap<String, Duration> = [
        ("api".to_string(), Duration::from_secs(5)),
        ("q".to_string(), Duration::from_secs(60)),
    ]
    .into_iter()
    .collect();
    // api sampled at 100 with a 5 s interval is stale after 110; q (at 101, 60 s) is not.
    let lookup = SampleLookup::new(&samples).stale_after(t(111), &intervals);
    let c = condition::parse("api.status == 200").unwrap();
    assert_eq!(
        c.eval(&lookup),
        Truth::Unknown("`api.status`: probe `api` is STALE".into())
    );
    assert_eq!(
        condition::parse("api.ok").unwrap().eval(&lookup),
        Truth::False
    );
    assert_eq!(
        condition::parse("q.value == 12").unwrap().eval(&lookup),
        Truth::True
    );
    let fresh = SampleLookup::new(&samples).stale_after(t(110), &intervals);
    assert_eq!(c.eval(&fresh), Truth::True);
}

#[test]
fn baselines_compare_against_the_captured_value() {
    use T::*;
    check(&[
        ("err.value <= baseline(err.value) * 1.2", Yes),
        ("err.value <= baseline(err.value) * 1.05", No),
        ("q.value - baseline(q.value) == 2", Yes),
        // captured while the probe was UNKNOWN: no baseline
        ("api.latency < baseline(api.latency)", Unk),
        // never captured
        ("redis.latency < baseline(redis.latency)", Unk),
        ("err.value <= baseline(err.missing)", Unk),
        // the phase's own capture, not the session's
        ("err.value <= baseline(err.value, \"deploy\") * 1.2", No),
        ("err.value <= baseline(err.value, \"deploy\") * 2.5", Yes),
        ("api.latency < baseline(api.latency, \"deploy\") * 2", Yes),
        ("q.value > baseline(q.value, \"deploy\")", Unk),
        ("err.value > baseline(err.value, \"rollback\")", Unk),
    ]);
    assert_eq!(
        eval("q.value > baseline(q.value, \"deploy\")"),
        Truth::Unknown("no baseline of `q.value` was captured when phase `deploy` started".into())
    );
    // Without a baseline map at all.
    let samples = world();
    let c = condition::parse("err.value <= baseline(err.value) * 1.2").unwrap();
    assert_eq!(
        c.eval(&SampleLookup::new(&samples)),
        Truth::Unknown("no baseline of `err.value` was captured".into())
    );
}

#[test]
fn evidence_lists_each_output_read_with_its_sample_time() {
    let samples = world();
    let base = baselines();
    let lookup = SampleLookup::new(&samples).with_baselines(&base);
    let c = condition::parse(
        "api.status == 200 && api.latency < 500ms && api.status != 0 && q.ok \
         && err.value <= baseline(err.value) * 1.2 && nope.value == 1 \
         && err.value <= baseline(err.value, \"deploy\") * 3",
    )
    .unwrap();
    let ev = condition::evidence(&c, &lookup);
    let got: Vec<_> = ev
        .iter()
        .map(|e| {
            (
                e.probe.as_str(),
                e.path.as_str(),
                e.value.clone(),
                e.at,
                e.baseline,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("api", "status", Some(num(200.0)), Some(t(100)), false),
            ("api", "latency", Some(num(40.0)), Some(t(100)), false),
            ("q", "ok", Some(Value::Bool(false)), Some(t(101)), false),
            ("err", "value", Some(num(0.011)), Some(t(106)), false),
            ("err", "value", Some(num(0.01)), Some(t(10)), true),
            ("nope", "value", None, None, false),
            ("err", "value", Some(num(0.005)), Some(t(50)), true),
        ]
    );
    let scopes: Vec<_> = ev.iter().map(|e| e.scope.as_deref()).collect();
    assert_eq!(
        scopes,
        [
            None,
            None,
            None,
            None,
            Some("session"),
            None,
            Some("deploy")
        ]
    );
    assert_eq!(ev[2].state, Some(ProbeState::Warn));
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"probe": "api", "path": "status", "value": 200.0,
                           "at": "2026-09-21T14:15:00Z", "state": "OK"})
    );
    assert_eq!(json[4]["baseline"], serde_json::json!(true));
    assert_eq!(json[4]["scope"], "session");
    assert_eq!(json[6]["scope"], "deploy");
    assert!(json[0].get("scope").is_none());
    assert_eq!(json[5]["value"], serde_json::Value::Null);
}

#[test]
fn local_conditions_evaluate_over_one_polls_outputs() {
    let outputs: BTreeMap<String, Value> = [
        ("status".to_string(), num(200.0)),
        ("latency".to_string(), num(120.0)),
        (
            "body".to_string(),
            Value::Json(serde_json::json!({"status": "UP", "db": {"ok": true}})),
        ),
    ]
    .into_iter()
    .collect();
    let lookup = OutputsLookup {
        probe: "api",
        outputs: &outputs,
    };
    let cases = [
        (
            "status == 200 && body.status == \"UP\" && latency < 500ms",
            Truth::True,
        ),
        (
            "[STATUS] == 200 && [BODY].status == \"UP\" && [RESPONSE_TIME] < 300",
            Truth::True,
        ),
        ("body.db.ok", Truth::True),
        ("api.latency > 100ms", Truth::True),
        ("latency > 500ms", Truth::False),
    ];
    for (src, want) in cases {
        let c = condition::parse_local(src, "api").unwrap();
        assert_eq!(c.eval(&lookup), want, "{src}");
    }
    let c = condition::parse_local("rows > 0", "api").unwrap();
    assert_eq!(
        c.eval(&lookup),
        Truth::Unknown("`rows`: `api` has no output `rows`".into())
    );
}

#[test]
fn truth_serialises_with_its_reason() {
    assert_eq!(
        serde_json::to_value(Truth::True).unwrap(),
        serde_json::json!({"truth": "true"})
    );
    assert_eq!(
        serde_json::to_value(Truth::Unknown("x".into())).unwrap(),
        serde_json::json!({"truth": "unknown", "reason": "x"})
    );
}

#[test]
fn float_noise_does_not_flip_a_boundary() {
    use T::*;
    check(&[
        ("0.1 * 3 == 0.3", Yes),
        ("0.1 * 3 <= 0.3", Yes),
        ("0.3 >= 0.1 * 3", Yes),
        ("redis.used_memory_ratio >= 41%", Yes),
        ("1.1s == 1100", Yes),
        ("1.1s > 1100", No),
        ("prom.inf > 5", Yes),
        ("prom.inf == 5", No),
        ("0.3000001 == 0.3", No),
    ]);
}
