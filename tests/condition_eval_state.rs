#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Evaluating conditions over samples: what cannot be known, three-valued logic, probe states,
//! staleness, baselines, evidence, local conditions.

#[path = "support/eval_world.rs"]
mod eval_world;

use eval_world::*;
use flightdeck::condition::{self, OutputsLookup, SampleLookup, Truth, Value};
use flightdeck::probes::ProbeState;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

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
