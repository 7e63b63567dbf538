#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Properties: no input makes the parser (or target check) panic; printing a condition and parsing
//! it again gives the same condition; a hold window never reports Held without the evidence for it.

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::condition::{self, HoldStatus, HoldWindow, Truth, target};
use proptest::prelude::*;
use std::time::Duration;

fn probe_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,4}(-[a-z0-9_]{1,3})?"
}

fn path() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,5}(\\.[a-z0-9_]{1,3}(-[a-z0-9_]{1,2})?){0,2}"
}

fn reference() -> impl Strategy<Value = String> {
    (probe_name(), path()).prop_map(|(p, o)| format!("{p}.{o}"))
}

fn number() -> impl Strategy<Value = String> {
    let unit = prop::sample::select(vec![
        "", "", "", "ms", "s", "m", "h", "d", "%", "B", "KB", "MB", "GiB", "1h30m",
    ]);
    (0u32..100_000, prop::option::of(0u32..1000), unit).prop_map(|(whole, frac, unit)| {
        if unit == "1h30m" {
            return format!("{}h{}m", whole % 48, whole % 60);
        }
        match frac {
            Some(f) => format!("{whole}.{f}{unit}"),
            None => format!("{whole}{unit}"),
        }
    })
}

fn quoted() -> impl Strategy<Value = String> {
    ".{0,8}".prop_map(|s| {
        let escaped: String = s
            .chars()
            .flat_map(|c| match c {
                '"' => vec!['\\', '"'],
                '\\' => vec!['\\', '\\'],
                c => vec![c],
            })
            .collect();
        format!("\"{escaped}\"")
    })
}

fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => reference(),
        3 => number(),
        1 => quoted(),
        1 => (
            reference().prop_filter(
                "a baseline reads an output, not a state (`.ok`, `.up`, `.state`)",
                |r| ![".ok", ".up", ".state"].iter().any(|s| r.ends_with(s))
            ),
            prop::option::of("[a-z][a-z0-9-]{0,8}")
                .prop_filter("`session` is not a phase", |p| p.as_deref() != Some("session")),
        )
            .prop_map(|(r, phase)| match phase {
                Some(p) => format!("baseline({r}, \"{p}\")"),
                None => format!("baseline({r})"),
            }),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

fn cond() -> impl Strategy<Value = String> {
    let ops = prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]);
    let leaf = prop_oneof![
        4 => (value(), ops, value()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        1 => probe_name().prop_map(|p| format!("{p}.ok")),
        1 => reference(),
        1 => prop::sample::select(vec!["true".to_string(), "false".to_string()]),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} && {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} || {b}")),
            inner.clone().prop_map(|a| format!("!{a}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

fn with_hold() -> impl Strategy<Value = String> {
    let hold = prop::sample::select(vec!["", " for 30s", " for 5m", " for 1h30m", " for 250ms"]);
    (cond(), hold).prop_map(|(c, h)| format!("{c}{h}"))
}

proptest! {
    #[test]
    fn parse_never_panics_on_any_text(src in any::<String>()) {
        if let Err(e) = condition::parse(&src) {
            prop_assert!(e.offset <= src.len() && src.is_char_boundary(e.offset));
            prop_assert!(e.column >= 1 && e.column <= src.chars().count() + 1);
        }
        let _ = condition::parse_local(&src, "api");
    }

    #[test]
    fn parse_never_panics_on_near_conditions(
        src in "[a-z_. ()!=<>&|'\"0-9%msh\\[\\]-]{0,40}"
    ) {
        if let Err(e) = condition::parse(&src) {
            prop_assert!(e.offset <= src.len() && src.is_char_boundary(e.offset));
            prop_assert!(!e.message.is_empty());
            prop_assert!(e.hint.is_some(), "no hint for {:?}: {}", src, e);
        }
        let _ = condition::parse_local(&src, "api");
    }

    #[test]
    fn printing_then_parsing_gives_the_same_condition(src in with_hold()) {
        let c = condition::parse(&src)
            .map_err(|e| TestCaseError::fail(format!("{src:?} does not parse: {e}")))?;
        let shown = c.to_string();
        let again = condition::parse(&shown)
            .map_err(|e| TestCaseError::fail(format!("{src:?} printed as {shown:?}: {e}")))?;
        prop_assert_eq!(&again, &c, "{:?} printed as {:?}", src, shown);
        prop_assert_eq!(again.to_string(), shown);
        prop_assert_eq!(again.references().len(), c.references().len());
    }

    #[test]
    fn local_conditions_round_trip(src in cond()) {
        let c = condition::parse_local(&src, "api").unwrap();
        let again = condition::parse_local(&c.to_string(), "api").unwrap();
        prop_assert_eq!(again, c);
    }

    #[test]
    fn targets_never_panic(target_text in any::<String>(), value in any::<String>(), unit in any::<Option<String>>()) {
        let _ = target::check(&target_text, &value, unit.as_deref());
    }

    #[test]
    fn a_window_holds_only_on_evidence(
        steps in prop::collection::vec((1u64..12, 0u8..10), 1..60),
        hold_s in prop::option::of(0u64..40),
    ) {
        let interval = Duration::from_secs(5);
        let hold = hold_s.map(Duration::from_secs);
        let mut w = HoldWindow::new(hold, interval);
        let mut seen: Vec<(DateTime<Utc>, bool)> = Vec::new();
        let mut now = Utc.timestamp_opt(1_790_000_000, 0).unwrap();
        for (gap, roll) in steps {
            now += chrono::Duration::seconds(gap as i64);
            let truth = match roll {
                0 => Truth::False,
                1 => Truth::Unknown("timeout".into()),
                _ => Truth::True,
            };
            seen.push((now, truth.is_true()));
            if let HoldStatus::Held { since } = w.observe(now, &truth, now) {
                let run: Vec<_> = seen.iter().filter(|(at, _)| *at >= since).collect();
                prop_assert!(run.iter().all(|(_, ok)| *ok), "a false or unknown inside the run");
                prop_assert_eq!(run[0].0, since);
                prop_assert!(run.windows(2).all(|p| (p[1].0 - p[0].0).num_milliseconds() <= 7_500));
                let need = hold.unwrap_or_default();
                if !need.is_zero() {
                    prop_assert!(run.len() >= 2);
                    prop_assert!((now - since).to_std().unwrap() >= need);
                }
            }
        }
    }
}
