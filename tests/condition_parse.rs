#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The condition language's surface: what parses, how it prints back, and where errors point.

use flightdeck::condition::{self, RefKind};
use std::path::Path;
use std::time::Duration;

#[test]
fn valid_conditions_print_back_canonically() {
    let cases = [
        ("api.status == 200", "api.status == 200"),
        (
            "api.status==200&&api.latency<500ms",
            "api.status == 200 && api.latency < 500ms",
        ),
        ("a.ok || b.ok && c.ok", "a.ok || b.ok && c.ok"),
        ("(a.ok || b.ok) && c.ok", "(a.ok || b.ok) && c.ok"),
        ("a.ok && (b.ok && c.ok)", "a.ok && (b.ok && c.ok)"),
        ("((a.ok))", "a.ok"),
        ("!a.ok", "!a.ok"),
        ("!(a.x == 1)", "!(a.x == 1)"),
        ("!a.x == 1", "!(a.x == 1)"),
        ("!!a.ok", "!!a.ok"),
        ("!(a.ok || b.ok)", "!(a.ok || b.ok)"),
        ("a.x - 1 - 2 > 0", "a.x - 1 - 2 > 0"),
        ("a.x - (1 - 2) > 0", "a.x - (1 - 2) > 0"),
        ("a.x * 2 + 1 > 3", "a.x * 2 + 1 > 3"),
        ("(a.x + 1) * 2 > 3", "(a.x + 1) * 2 > 3"),
        ("a.x / (2 * 3) > 1", "a.x / (2 * 3) > 1"),
        ("-a.x < 0", "-a.x < 0"),
        ("a.x > -5", "a.x > -5"),
        ("a.x > --5", "a.x > 5"),
        ("-(a.x + 1) < 0", "-(a.x + 1) < 0"),
        (
            "write_queue.value == 0 for 30s",
            "write_queue.value == 0 for 30s",
        ),
        ("api.body.status == 'UP'", "api.body.status == \"UP\""),
        (
            r#"api.body.msg == "say \"hi\"""#,
            r#"api.body.msg == "say \"hi\"""#,
        ),
        (
            "api.header.content-type == \"application/json\"",
            "api.header.content-type == \"application/json\"",
        ),
        ("api-gw.status == 200", "api-gw.status == 200"),
        ("replica-1.value < 5s", "replica-1.value < 5s"),
        (
            "error_rate.value <= baseline(error_rate.value) * 1.2",
            "error_rate.value <= baseline(error_rate.value) * 1.2",
        ),
        (
            "error_rate.value<=baseline(error_rate.value,'deploy')*1.2",
            "error_rate.value <= baseline(error_rate.value, \"deploy\") * 1.2",
        ),
        (
            "api.latency < baseline( api.latency , \"T-0 \\\"go\\\"\" ) * 2",
            "api.latency < baseline(api.latency, \"T-0 \\\"go\\\"\") * 2",
        ),
        ("redis.connected", "redis.connected"),
        ("redis.connected == true", "redis.connected == true"),
        ("true", "true"),
        ("false || a.ok", "false || a.ok"),
        ("api.body.items.0.id == 3", "api.body.items.0.id == 3"),
        ("x.v > 1h30m", "x.v > 1h30m"),
        ("a.x > 1e3", "a.x > 1e3"),
        ("a.x > .5", "a.x > .5"),
        ("  a.ok   for   5m  ", "a.ok for 5m"),
        ("for.value > 1", "for.value > 1"),
        ("a.x-b > 1", "a.x-b > 1"),
        ("a.x - b.y > 1", "a.x - b.y > 1"),
    ];
    for (src, shown) in cases {
        let c = condition::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(c.to_string(), shown, "display of {src}");
        assert_eq!(c.source(), src);
        let again = condition::parse(&c.to_string()).unwrap();
        assert_eq!(again, c, "re-parse of {src}");
    }
}

#[test]
fn hold_for_reads_the_trailing_duration() {
    let cases = [
        ("a.ok", None),
        ("a.ok for 30s", Some(30_000)),
        ("a.ok for 500ms", Some(500)),
        ("a.ok && b.ok for 5m", Some(300_000)),
        ("a.ok for 1h30m", Some(5_400_000)),
        ("a.ok for 1.5m", Some(90_000)),
    ];
    for (src, ms) in cases {
        let c = condition::parse(src).unwrap();
        assert_eq!(c.hold_for(), ms.map(Duration::from_millis), "{src}");
    }
}

#[test]
fn references_name_probe_path_kind_and_column() {
    let src = "api.status == 200 && baseline(err.value) > 1 && db.ok && api.body.queue.size < 5";
    let c = condition::parse(src).unwrap();
    let got: Vec<_> = c
        .references()
        .into_iter()
        .map(|r| (r.probe, r.path, r.kind, r.column))
        .collect();
    let col = |needle: &str| src.find(needle).unwrap() + 1;
    assert_eq!(
        got,
        vec![
            ("api".into(), "status".into(), RefKind::Output, 1),
            (
                "err".into(),
                "value".into(),
                RefKind::Baseline,
                col("err.value")
            ),
            ("db".into(), "ok".into(), RefKind::State, col("db.ok")),
            (
                "api".into(),
                "body.queue.size".into(),
                RefKind::Output,
                col("api.body")
            ),
        ]
    );
    assert_eq!(c.probes(), vec!["api", "err", "db"]);
}

#[test]
fn reference_columns_count_characters() {
    let src = "x.t == \"héhé\" && y.ok";
    let c = condition::parse(src).unwrap();
    let r = &c.references()[1];
    assert_eq!(r.column, 18);
    assert_eq!(r.offset, src.find("y.ok").unwrap());
}

#[test]
fn a_baseline_keeps_its_phase_and_where_it_is_written() {
    let src = "err.value <= baseline(err.value, \"deploy\") && err.value < baseline(err.value)";
    let c = condition::parse(src).unwrap();
    let refs = c.references();
    assert_eq!(refs[1].kind, RefKind::Baseline);
    assert_eq!(refs[1].scope.as_deref(), Some("deploy"));
    assert_eq!(refs[1].scope_offset, src.find("\"deploy\""));
    assert_eq!(refs[1].column, src.find("err.value,").unwrap() + 1);
    assert_eq!(
        (refs[3].scope.as_deref(), refs[3].scope_offset),
        (None, None)
    );
    // the phase is part of the meaning: another phase is another condition
    let other = condition::parse(&src.replace("deploy", "cutover")).unwrap();
    assert_ne!(c, other);
    let session = condition::parse(&src.replace(", \"deploy\"", "")).unwrap();
    assert_ne!(c, session);
}

#[test]
fn local_conditions_imply_the_probe() {
    let cases = [
        (
            "status == 200 && latency < 500ms",
            vec!["status", "latency"],
        ),
        ("value > 100", vec!["value"]),
        ("body.status == \"UP\"", vec!["body.status"]),
        ("api.status == 200", vec!["status"]),
        (
            "[STATUS] == 200 && [BODY].status == \"UP\" && [RESPONSE_TIME] < 300",
            vec!["status", "body.status", "latency"],
        ),
        ("[CONNECTED] == true", vec!["connected"]),
        ("value <= baseline(value) * 2", vec!["value", "value"]),
    ];
    for (src, paths) in cases {
        let c = condition::parse_local(src, "api").unwrap_or_else(|e| panic!("{src}: {e}"));
        let refs = c.references();
        assert!(refs.iter().all(|r| r.probe == "api"), "{src}");
        let got: Vec<_> = refs.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(got, paths, "{src}");
        assert_eq!(c.local_probe(), Some("api"));
        let again = condition::parse_local(&c.to_string(), "api").unwrap();
        assert_eq!(again, c, "{src} re-parsed from {c}");
    }
}

/// (source, column, words in the message, words in the hint)
const ERRORS: &[(&str, usize, &str, &str)] = &[
    ("api.status = 200", 12, "`=` is not an operator", "=="),
    ("api.status >", 13, "ends too early", "both sides"),
    (
        "api.status > && b.ok",
        14,
        "expected a value, found `&&`",
        "both sides",
    ),
    ("&& b.ok", 1, "expected a value, found `&&`", "both sides"),
    ("(api.ok && b.ok", 1, "`(` is never closed", "`)`"),
    ("a.ok && (b.ok || (c.ok)", 9, "`(` is never closed", "`)`"),
    ("(a.ok b.ok)", 7, "expected `)`, found `b.ok`", "column 1"),
    ("api.body.status == \"UP", 20, "never closed", "\""),
    ("api.body.status == 'UP", 20, "never closed", "'"),
    ("a.x > 5parsecs", 8, "`parsecs` is not a unit", "ms s m h d"),
    ("a.x > 5Ms", 8, "`Ms` is not a unit", "did you mean `ms`"),
    ("a.x > 5mb", 8, "`mb` is not a unit", "did you mean `MB`"),
    ("a.x > 5 parsecs", 9, "unexpected `parsecs`", "&&"),
    (
        "a.ok b.ok",
        6,
        "unexpected `b.ok` after a complete condition",
        "&&",
    ),
    ("a.ok)", 5, "`)` has no matching `(`", "remove"),
    ("a.ok for", 9, "expected a duration after `for`", "for 30s"),
    (
        "a.ok for b.ok",
        10,
        "expected a duration after `for`",
        "for 30s",
    ),
    ("a.ok for 30", 10, "`30` has no unit", "for 30s"),
    ("a.ok for 5MB", 10, "`5MB` is not a duration", "30s"),
    (
        "a.ok for 30s && b.ok",
        6,
        "must come at the end",
        "`a.ok && b.ok for 30s`",
    ),
    (
        "a.ok for 30s || b.ok",
        6,
        "must come at the end",
        "`a.ok || b.ok for 30s`",
    ),
    ("a.ok for 30s b.ok", 6, "must come at the end", "remove"),
    (
        "(a.ok for 30s)",
        7,
        "`for` cannot go inside parentheses",
        "very end",
    ),
    (
        "for 30s",
        1,
        "`for` needs a condition before it",
        "api.ok for 30s",
    ),
    ("", 1, "empty", "api.status == 200"),
    ("   ", 1, "empty", "api.status == 200"),
    ("api == 200", 1, "`api` needs an output", "api.status"),
    (
        "api.body.status == UP",
        20,
        "`UP` needs an output",
        "\"UP\"",
    ),
    (
        "a.x < 1 < 2",
        9,
        "comparisons do not chain",
        "a < b && b < c",
    ),
    (
        "a.x + 1",
        1,
        "`a.x + 1` is a value, not a condition",
        "a.x + 1 > 0",
    ),
    ("200", 1, "`200` is a value, not a condition", "> 0"),
    (
        "a.ok && 'UP'",
        9,
        "`'UP'` is a value, not a condition",
        "compare",
    ),
    (
        "(a.ok && b.ok) + 1 > 2",
        1,
        "`(a.ok && b.ok)` is a condition, not a value",
        "&&",
    ),
    ("a.x > 1 == true", 9, "comparisons do not chain", "&&"),
    ("!5", 2, "`5` is a value", "compare"),
    (
        "avg(a.x) > 1",
        1,
        "`avg` is not a function",
        "baseline(probe.output)",
    ),
    (
        "baseline() > 1",
        10,
        "`baseline` needs a probe output",
        "baseline(error_rate.value)",
    ),
    (
        "baseline(a.ok) > 1",
        10,
        "needs an output, not a state",
        "baseline(",
    ),
    (
        "baseline(a.x b.y) > 1",
        14,
        "expected `)`",
        "one probe output",
    ),
    (
        "a.x > baseline(a.x, deploy)",
        21,
        "the phase id `deploy` must be quoted",
        "baseline(a.x, \"deploy\")",
    ),
    (
        "a.x > baseline(a.x, 5m)",
        21,
        "expected a phase id in quotes, found `5m`",
        "baseline(a.x, \"deploy\")",
    ),
    (
        "a.x > baseline(a.x, )",
        21,
        "expected a phase id in quotes, found `)`",
        "baseline(a.x, \"deploy\")",
    ),
    (
        "a.x > baseline(a.x, '')",
        21,
        "the phase id is empty",
        "baseline(a.x, \"",
    ),
    (
        "a.x > baseline(a.x, \"session\")",
        21,
        "`\"session\"` is not a phase",
        "`baseline(a.x)` is the value when the session started",
    ),
    (
        "a.x > baseline(a.x, \"p\", \"q\")",
        24,
        "expected `)`, found `,`",
        "optionally, a phase id",
    ),
    ("a.x > 1, 2", 8, "unexpected `,`", "&&"),
    ("a.ok and b.ok", 6, "`and` is not an operator", "&&"),
    ("a.ok OR b.ok", 6, "`OR` is not an operator", "||"),
    ("not a.ok", 1, "`not` is not an operator", "`!`"),
    ("a.ok & b.ok", 6, "`&` is not an operator", "&&"),
    ("a.ok | b.ok", 6, "`|` is not an operator", "||"),
    ("a.x <> 1", 5, "`<>` is not an operator", "!="),
    ("a.x =< 1", 5, "`=<` is not an operator", "<="),
    ("a.x => 1", 5, "`=>` is not an operator", ">="),
    ("a.x =~ 'x'", 5, "regex", "=="),
    ("a.x ≥ 1", 5, "`≥` is not an operator", ">="),
    ("a.x > 1 @", 9, "unexpected character `@`", "comparisons"),
    ("a.t == \"éé\" = 1", 13, "`=` is not an operator", "=="),
    ("a.x > 5.x", 7, "is not a number with a unit", "units"),
    ("a.x > 1e999", 7, "too large", "smaller"),
    ("a.x > 5ms30", 10, "`30` needs a unit here", "1h30m"),
    (
        "a.x > 5MB30s",
        7,
        "`5MB30s` is not a number with a unit",
        "units",
    ),
    (
        "a.x > 5m30MB",
        9,
        "only durations may be written in parts",
        "space",
    ),
    ("[FOO] == 1", 1, "`[FOO]` is not known", "[STATUS]"),
    (
        "[STATUS] == 200",
        1,
        "`[STATUS]` works only in a probe's own",
        "api.status",
    ),
    (
        "a.ok && [BODY].status == 'UP'",
        9,
        "`[BODY]` works only",
        "api.body.status",
    ),
];

#[test]
fn errors_point_at_the_right_column_with_a_hint() {
    for (src, column, message, hint) in ERRORS {
        let err = match condition::parse(src) {
            Ok(c) => panic!("`{src}` parsed as `{c}`"),
            Err(e) => e,
        };
        assert_eq!(err.column, *column, "column for `{src}`: {err}");
        assert!(err.message.contains(message), "message for `{src}`: {err}");
        let got_hint = err.hint.clone().unwrap_or_default();
        assert!(got_hint.contains(hint), "hint for `{src}`: {err}");
        assert!(err.offset <= src.len() && src.is_char_boundary(err.offset));
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{}a.ok{}", "(".repeat(200), ")".repeat(200));
    let err = condition::parse(&deep).unwrap_err();
    assert!(err.message.contains("nested too deeply"), "{err}");
    let bangs = format!("{}a.ok", "!".repeat(500));
    assert!(condition::parse(&bangs).is_err());
    let long = vec!["a.ok"; 600].join(" && ");
    let err = condition::parse(&long).unwrap_err();
    assert!(err.message.contains("too long"), "{err}");
    // A real, long condition is fine.
    let fine = vec!["a.x > 1"; 50].join(" && ");
    assert!(condition::parse(&fine).is_ok());
    // The longest chain allowed still evaluates and prints on a test thread's small stack.
    let longest = vec!["a.ok"; 499].join(" || ");
    let c = condition::parse(&longest).unwrap();
    let samples = std::collections::HashMap::new();
    assert!(c.eval(&condition::SampleLookup::new(&samples)).is_unknown());
    assert_eq!(c.to_string(), longest);
}

#[test]
fn locate_turns_an_error_into_file_line_column() {
    let file = "[[phase.item]]\nid = \"x\"\nauto = 'api.ok and db.ok'\n";
    let start = file.find("api.ok").unwrap();
    let err = condition::parse("api.ok and db.ok").unwrap_err();
    let located = err.locate(Path::new("checklists/x.toml"), file, start);
    let line_start = file.find("auto").unwrap();
    let column = file.find(" and").unwrap() + 1 - line_start + 1;
    assert_eq!((located.line, located.column), (3, column));
    assert_eq!(
        located.to_string(),
        format!(
            "checklists/x.toml:3:{column}: error: `and` is not an operator\n  hint: write `&&`"
        )
    );
}

#[test]
fn locate_follows_escapes_in_basic_strings() {
    // The decoded condition is `api.body.s == "UP" = 1`; in the file the quotes are escaped.
    let file = "auto = \"api.body.s == \\\"UP\\\" = 1\"\n";
    let start = file.find("api").unwrap();
    let err = condition::parse("api.body.s == \"UP\" = 1").unwrap_err();
    assert_eq!(err.column, 20);
    let located = err.locate(Path::new("c.toml"), file, start);
    let raw_col = file.find(" = 1").unwrap() + 2;
    assert_eq!((located.line, located.column), (1, raw_col));
}

#[test]
fn errors_display_column_message_and_hint() {
    let err = condition::parse("a.x = 1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 5: `=` is not an operator here (hint: to compare, write `==` (e.g. `api.status == 200`))"
    );
}

#[test]
fn conditions_parse_with_from_str() {
    let c: condition::Condition = "api.ok for 1m".parse().unwrap();
    assert_eq!(c.hold_for(), Some(Duration::from_secs(60)));
    assert!("api.ok for".parse::<condition::Condition>().is_err());
}
