//! `flightdeck validate` reads conditions against the probes' kinds: an output a kind never gives
//! (`api.stauts`) is a located error with a did-you-mean, in a probe's own `ok`, an item's `auto`
//! and a trigger's `when` alike; and every error of a checklist — structure and conditions — comes
//! in one pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

const DIR: &str = "tests/fixtures/checklists/outputs";

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

#[test]
fn outputs_a_kind_never_gives_are_located_with_a_did_you_mean() {
    let checklist = format!("{DIR}/misread.toml");
    let config = format!("{DIR}/misread.config.toml");
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
    let bad = format!("{DIR}/bad-ok.config.toml");
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
    let checklist = format!("{DIR}/structural.toml");
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
