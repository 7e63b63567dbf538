#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Evaluating conditions over samples: operators, units, precedence, logic and text.

#[path = "support/eval_world.rs"]
mod eval_world;

use eval_world::*;
use flightdeck::condition::{self, SampleLookup, Truth};
use flightdeck::probes::ProbeState;
use std::collections::HashMap;

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
