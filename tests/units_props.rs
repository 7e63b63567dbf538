#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Properties of the one unit table: no string panics the duration or size parser or a
//! condition's `for`; whatever parses is within the documented maximum; and the exact format of
//! a duration reads back the same.

use flightdeck::condition;
use flightdeck::units::{MAX_DURATION, format_duration_exact, parse_duration, parse_size};
use proptest::prelude::*;
use std::time::Duration;

/// Numbers as people (and fuzzers) write them: huge, tiny, with exponents, dots and signs.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..u64::MAX).prop_map(|n| n.to_string()),
        (0u32..10_000, 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        (1u32..10, 0i32..400).prop_map(|(a, e)| format!("{a}e{e}")),
        "[0-9.eE+-]{1,30}",
    ]
}

fn unit() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "", " ", "ms", "s", "secs", "seconds", "m", "min", "minutes", "h", "hr", "hours", "d",
            "days", "B", "KB", "kB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "%", " MB",
            " minutes",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z%]{0,4}",
    ]
}

/// One or more number-unit parts, sometimes with junk between them.
fn quantity() -> impl Strategy<Value = String> {
    prop::collection::vec((number(), unit(), "[ ]{0,2}"), 1..4)
        .prop_map(|parts| parts.into_iter().map(|(n, u, s)| n + &u + &s).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn no_string_panics_the_parsers(text in "\\PC{0,24}") {
        let _ = parse_duration(&text);
        let _ = parse_size(&text);
    }

    #[test]
    fn quantities_parse_within_bounds_or_fail(text in quantity()) {
        if let Ok(d) = parse_duration(&text) {
            prop_assert!(d <= MAX_DURATION, "{text} gave {d:?}");
        }
        if let Ok(n) = parse_size(&text) {
            prop_assert!((1..=1_000_000_000_000).contains(&n), "{text} gave {n}");
        }
    }

    #[test]
    fn a_conditions_for_never_panics(text in quantity()) {
        if let Ok(c) = condition::parse(&format!("api.ok for {text}")) {
            let hold = c.hold_for().unwrap_or_default();
            prop_assert!(hold <= MAX_DURATION, "for {text} gave {hold:?}");
        }
    }

    #[test]
    fn exact_format_reads_back(ms in 0u64..MAX_DURATION.as_millis() as u64) {
        let d = Duration::from_millis(ms);
        prop_assert_eq!(parse_duration(&format_duration_exact(d)), Ok(d));
    }
}
