//! `flightdeck validate` through the real binary: one fixture per kind of mistake, each reported at
//! its exact file:line:column with a hint; all mistakes of a file at once (structure and
//! conditions in one pass); an output a probe's kind never gives (`api.stauts`) located with a
//! did-you-mean, in `ok`, `auto` and `when` alike; and a missing file, a directory or a binary
//! file as one clear line with a non-zero exit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

const INVALID: &str = "tests/fixtures/checklists/invalid";

/// Conditions that read outputs their probes' kinds never give.
const OUTPUTS: &str = "tests/fixtures/checklists/outputs";

fn flightdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// (fixture, line:column, message, hint) — one row per kind of error.
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "bad-syntax.toml",
        "8:8",
        "bad TOML: string values must be quoted",
        "put text values in quotes",
    ),
    (
        "unknown-key.toml",
        "8:1",
        "unknown key `txt` in an item",
        "did you mean `text`?",
    ),
    (
        "duplicate-id.toml",
        "14:6",
        "duplicate item id `backup`",
        "is first used on line 7",
    ),
    (
        "wrong-type.toml",
        "9:12",
        "`required` must be true or false, not a string",
        "`required = true`",
    ),
    (
        "empty-text.toml",
        "8:8",
        "the item text is empty",
        "say what to do or check",
    ),
    (
        "missing-text.toml",
        "6:1",
        "this item has no `text`",
        "add `text = \"…\"` under `[[phase.item]]`",
    ),
    (
        "missing-id.toml",
        "6:1",
        "this item has no `id`",
        "`id = \"back-up-the-database\"`",
    ),
    (
        "bad-budget.toml",
        "5:10",
        "bad budget `5 parsecs`",
        "`90s`, `5m` or `1h30m`",
    ),
    (
        "choice-without-options.toml",
        "13:8",
        "a choice field needs `options`",
        "options = [\"Yes\", \"No\"]",
    ),
    (
        "unknown-field-kind.toml",
        "13:8",
        "unknown field kind `numbr`",
        "did you mean `number`?",
    ),
    (
        "duplicate-phase.toml",
        "11:8",
        "duplicate phase name `Prep`",
        "the first is on line 4",
    ),
    (
        "no-phases.toml",
        "1:1",
        "the checklist has no phases",
        "add a `[[phase]]`",
    ),
    (
        "unknown-severity.toml",
        "13:12",
        "unknown severity `fatal`",
        "`info`, `warning` or `critical`",
    ),
    (
        "unknown-phase.toml",
        "17:56",
        "unknown phase `deploy`",
        "phase ids: prepare, deploy-backend",
    ),
    (
        "command-and-commands.toml",
        "10:11",
        "both `command` and `commands` are set",
        "keep one",
    ),
];

#[test]
fn each_kind_of_error_is_located_and_has_a_hint() {
    for (fixture, at, message, hint) in CASES {
        let path = format!("{INVALID}/{fixture}");
        let out = flightdeck(&["validate", &path]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{fixture}: {err}");
        assert!(out.stdout.is_empty(), "{fixture}: nothing on stdout");
        let expected = format!("{path}:{at}: error: {message}");
        assert!(
            err.starts_with(&expected),
            "{fixture}:\nwant {expected}\ngot  {err}"
        );
        let hint_line = err.lines().nth(1).unwrap_or_default();
        assert!(
            hint_line.starts_with("  hint: ") && hint_line.contains(hint),
            "{fixture}: {err}"
        );
        assert_eq!(
            err.lines().count(),
            2,
            "{fixture}: exactly one error: {err}"
        );
    }
}

#[test]
fn every_fixture_has_a_case() {
    let mut covered: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    covered.push("many-errors.toml");
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(INVALID)).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(covered.contains(&name.as_str()), "{name} has no test case");
    }
}

#[test]
fn all_errors_of_a_file_are_reported_in_order() {
    let path = format!("{INVALID}/many-errors.toml");
    let out = flightdeck(&["validate", &path]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let located: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    let expected = [
        format!("{path}:5:1: error: unknown key `budgt` in a phase"),
        format!("{path}:9:8: error: the item text is empty"),
        format!("{path}:12:6: error: duplicate item id `backup`"),
        format!("{path}:14:10: error: `cosign` must be true or false, not an integer"),
    ];
    assert_eq!(located, expected, "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("  hint: ")).count(),
        4,
        "{err}"
    );
}

#[test]
fn markdown_problems_are_located_too() {
    let out = flightdeck(&[
        "validate",
        "tests/fixtures/checklists/markdown/unclosed-fence.md",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with(
        "tests/fixtures/checklists/markdown/unclosed-fence.md:6:1: error: this code block is never closed"
    ));
    let out = flightdeck(&[
        "validate",
        "tests/fixtures/checklists/markdown/no-checkboxes.md",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no-checkboxes.md:1:1: error: no checkboxes found"));
}

/// A problem with the file itself: exactly one line, a non-zero exit, no panic.
fn one_clear_line(args: &[&str], needle: &str) {
    let out = flightdeck(args);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{args:?}");
    assert!(
        out.status.code().is_some(),
        "{args:?} was killed by a signal"
    );
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty(), "{args:?}");
}

#[test]
fn missing_file_directory_and_binary_file_give_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("image.toml");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let binary_md = dir.path().join("image.md");
    std::fs::copy(&binary, &binary_md).unwrap();
    let dir_path = dir.path().to_str().unwrap();
    for command in ["validate", "import"] {
        one_clear_line(
            &[command, "no/such/checklist.md"],
            "no/such/checklist.md: error: no such file",
        );
        one_clear_line(
            &[command, dir_path],
            &format!("{dir_path}: error: is a directory"),
        );
        one_clear_line(
            &[command, binary_md.to_str().unwrap()],
            "looks like a binary file",
        );
    }
    one_clear_line(
        &["validate", binary.to_str().unwrap()],
        "looks like a binary file",
    );
    one_clear_line(
        &["import", "checklists/pfa-vanguard-production.toml"],
        "is already a flightdeck checklist",
    );
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"title = \"Caf\xE9\"\n").unwrap();
    let out = flightdeck(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "{}:1:13: error: invalid UTF-8 (byte 0xE9)",
            path.display()
        )),
        "{err}"
    );
}

#[test]
fn config_flag_resolves_probe_names() {
    // with its example config every probe the checklist names resolves
    let out = Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args([
            "validate",
            "checklists/pfa-vanguard-production.toml",
            "--config",
            "checklists/pfa-vanguard-production.config.toml",
            "--env",
            "production",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", "postgres://app@127.0.0.1/app")
        .env("REDIS_URL", "redis://127.0.0.1:6379/0")
        .env("API_TOKEN", "t")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // a config file that is not there is a clear error, not a silent pass
    let out = flightdeck(&[
        "validate",
        "checklists/pfa-vanguard-production.toml",
        "--config",
        "no-such-flightdeck.toml",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no-such-flightdeck.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn outputs_a_kind_never_gives_are_located_with_a_did_you_mean() {
    let checklist = format!("{OUTPUTS}/misread.toml");
    let config = format!("{OUTPUTS}/misread.config.toml");
    let out = flightdeck(&["validate", &checklist, "--config", &config]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let expected = [
        (
            format!("{checklist}:10:9: error: probe `api` (http) has no output `stauts`"),
            "did you mean `status`? (a http probe gives: status, latency, body, body_bytes, body_truncated, header.NAME)",
        ),
        (
            format!("{checklist}:20:9: error: probe `errors` (log) has no output `matchs`"),
            "did you mean `matches`?",
        ),
        (
            format!("{checklist}:24:9: error: probe `dns` (dns) has no output `anser`"),
            "did you mean `answer`?",
        ),
    ];
    for (line, hint) in &expected {
        let at = err
            .lines()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("missing `{line}` in:\n{err}"));
        let next = err.lines().nth(at + 1).unwrap_or_default();
        assert!(
            next.starts_with("  hint: ") && next.contains(hint),
            "{next}"
        );
    }
    // `cert.days_left` and `cert.ok` are fine: three errors, no more
    assert_eq!(err.matches(": error: ").count(), 3, "{err}");

    // fixed, the same files pass
    let dir = tempfile::tempdir().unwrap();
    let fixed_list = dir.path().join("fixed.toml");
    let fixed_config = dir.path().join("fixed.config.toml");
    let text = std::fs::read_to_string(&checklist).unwrap();
    let text = text
        .replace("stauts", "status")
        .replace("matchs", "matches")
        .replace("anser", "answer");
    std::fs::write(&fixed_list, text).unwrap();
    std::fs::copy(&config, &fixed_config).unwrap();
    let out = flightdeck(&[
        "validate",
        fixed_list.to_str().unwrap(),
        "--config",
        fixed_config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // a probe's own condition is read against its kind too (JSON paths and header families pass)
    let bad = format!("{OUTPUTS}/bad-ok.config.toml");
    let out = flightdeck(&["validate", fixed_list.to_str().unwrap(), "--config", &bad]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with(&format!(
            "{bad}:5:7: error: probe `api` (http) has no output `stauts`\n  hint: did you mean `status`?"
        )),
        "{err}"
    );
    assert_eq!(err.matches(": error: ").count(), 1, "{err}");
}

#[test]
fn structure_and_conditions_in_one_pass() {
    let checklist = format!("{OUTPUTS}/structural.toml");
    let out = flightdeck(&["validate", &checklist]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        lines,
        [
            format!("{checklist}:9:9: error: probe `port` (tcp) has no output `conected`"),
            format!("{checklist}:14:12: error: unknown severity `fatal`"),
        ],
        "{err}"
    );
}
