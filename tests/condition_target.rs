#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Field targets as the seed checklists write them, against values a person types.

use flightdeck::condition::target::{TargetCheck, check};

#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    Met,
    Missed,
    NotComparable,
}

/// (target, typed value, field unit, verdict)
const CASES: &[(&str, &str, Option<&str>, V)] = &[
    ("< 500ms", "430", Some("ms"), V::Met),
    ("< 500ms", "430ms", None, V::Met),
    ("< 500ms", "430 ms", None, V::Met),
    ("< 500ms", "430", None, V::Met),
    ("< 500ms", "0.4s", Some("ms"), V::Met),
    ("< 500ms", "600", Some("ms"), V::Missed),
    ("< 500ms", "500", Some("ms"), V::Missed),
    ("< 500ms", "0.6s", None, V::Missed),
    ("< 500ms", "12 GB", None, V::NotComparable),
    ("< 500ms", "n/a", Some("ms"), V::NotComparable),
    ("< 500ms", "", Some("ms"), V::NotComparable),
    ("target: < 500ms", "430", Some("ms"), V::Met),
    ("> 99%", "99.95%", Some("%"), V::Met),
    ("> 99%", "99.95", Some("%"), V::Met),
    ("> 99%", "99.95", None, V::Met),
    ("> 99%", "98", Some("%"), V::Missed),
    ("> 99%", "99", Some("%"), V::Missed),
    (">= 99.9%", "99.9%", None, V::Met),
    (">= 99.9%", "99.89", Some("%"), V::Missed),
    ("100%", "100", Some("%"), V::Met),
    ("100%", "99.9", Some("%"), V::Missed),
    ("< 0.1%", "0.05", Some("%"), V::Met),
    ("< 0.1%", "0.05%", None, V::Met),
    ("< 0.1%", "0.2%", None, V::Missed),
    ("< 1%", "0.5", Some("%"), V::Met),
    ("< 100", "57", None, V::Met),
    ("< 100", "100", None, V::Missed),
    ("< 100", "1,000", None, V::Missed),
    ("0", "0", None, V::Met),
    ("0", "2", None, V::Missed),
    ("0", "0.0", None, V::Met),
    ("!= 0", "3", None, V::Met),
    ("< 2 min", "1.5", Some("min"), V::Met),
    ("< 2 min", "90s", Some("min"), V::Met),
    ("< 2 min", "3", Some("min"), V::Missed),
    ("< 2 min", "3 minutes", None, V::Missed),
    ("< 10 min", "9m", None, V::Met),
    ("≥ 100k", "120000", None, V::Met),
    ("≥ 100k", "100k", None, V::Met),
    ("≥ 100k", "99,999", None, V::Missed),
    // `≥` as the seeds carry it after a wrong decoding
    ("‚â• 100k", "120000", None, V::Met),
    ("‚â• 100k", "99000", None, V::Missed),
    ("> 10k", "12000", None, V::Met),
    ("> 1M", "2000000", None, V::Met),
    ("< 10", "5", Some("MB/hour"), V::Met),
    ("< 10", "12 MB/hour", Some("MB/hour"), V::Missed),
    ("< 10 MB/hour", "12 req/s", None, V::NotComparable),
    ("< 16 GB", "12 GB", Some("GB"), V::Met),
    ("< 16 GB", "12000 MB", None, V::Met),
    ("< 1GiB", "1100 MB", None, V::Missed),
    ("under 1s", "400ms", None, V::Met),
    ("at least 3", "2", None, V::Missed),
    ("max 5", "5", None, V::Met),
    ("<= 5", "5", None, V::Met),
    ("> 300ms baseline", "250", Some("ms"), V::NotComparable),
    ("", "1", None, V::NotComparable),
    ("fast", "1", None, V::NotComparable),
];

#[test]
fn targets_as_teams_write_them() {
    for (target, value, unit, want) in CASES {
        let got = check(target, value, *unit);
        let verdict = match got {
            TargetCheck::Met => V::Met,
            TargetCheck::Missed { .. } => V::Missed,
            TargetCheck::NotComparable => V::NotComparable,
        };
        assert_eq!(
            verdict, *want,
            "{value:?} ({unit:?}) against {target:?}: {got:?}"
        );
    }
}

#[test]
fn a_miss_says_what_was_typed_and_the_target() {
    let cases = [
        ("< 500ms", "600", Some("ms"), "600 ms is not < 500ms"),
        ("target: > 99%", "98.5%", Some("%"), "98.5% is not > 99%"),
        ("0", "2", None, "2 is not 0"),
    ];
    for (target, value, unit, why) in cases {
        assert_eq!(
            check(target, value, unit),
            TargetCheck::Missed { why: why.into() },
            "{target}"
        );
    }
}

#[test]
fn verdicts_serialise_for_the_journal() {
    let json = serde_json::to_value(check("< 500ms", "600", Some("ms"))).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"check": "missed", "why": "600 ms is not < 500ms"})
    );
    let json = serde_json::to_value(check("< 500ms", "6", Some("ms"))).unwrap();
    assert_eq!(json, serde_json::json!({"check": "met"}));
}
