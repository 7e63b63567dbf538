//! Durations past the documented maximum (10 years) are located errors on every path that reads
//! one — a probe's interval and timeout, a checklist item's `auto … for`, a trigger's `when … for`,
//! a probe's own condition, a phase budget — never a panic (`auto = "api.ok for 1e20s"` used to
//! exit 101 with "cannot convert float seconds to Duration").
#![allow(clippy::unwrap_used, clippy::expect_used)]

use flightdeck::config;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROBE: &str =
    "[[probe]]\nname = \"api\"\nkind = \"http\"\nurl = \"http://127.0.0.1:1/health\"\n";

fn flightdeck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A one-item checklist whose item or trigger carries `extra`.
fn checklist(extra: &str) -> String {
    format!(
        "title = \"Huge\"\n\n[[phase]]\nname = \"Deploy\"\n\n[[phase.item]]\nid = \"health\"\n\
         text = \"Health check passing\"\n{extra}\n\n{PROBE}"
    )
}

/// Runs the binary and checks: the exit is a clean failure (not a panic) and stderr names
/// `place` (`file:line:column`) and `words`.
fn assert_located(out: &Output, place: &str, words: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "panicked:\n{stderr}");
    assert!(!out.status.success(), "accepted:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(place), "want {place}:\n{stderr}");
    assert!(stderr.contains(words), "want {words:?}:\n{stderr}");
}

#[test]
fn probe_interval_and_timeout() {
    for (key, value, column) in [
        ("interval", "99999999999999999999999s", 12),
        ("interval", "3651d", 12),
        ("timeout", "1e20s", 11),
    ] {
        let text = format!("{PROBE}{key} = \"{value}\"\n");
        let errors = config::parse_str(
            Path::new("f.toml"),
            &text,
            None,
            &|_| None,
            flightdeck::probes::KINDS,
        )
        .unwrap_err();
        let first = &errors.0[0];
        assert_eq!(
            (first.line, first.column),
            (5, column),
            "{key} = {value}: {first}"
        );
        assert!(
            first.message.contains(&format!("bad duration for `{key}`")),
            "{first}"
        );
    }
}

#[test]
fn an_items_auto_for_in_validate_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "c.toml",
        &checklist("auto = \"api.ok for 1e20s\""),
    );
    let file = file.to_str().unwrap();
    let place = format!("{file}:9:20");
    let out = flightdeck(dir.path(), &["validate", file]);
    assert_located(&out, &place, "longer than 10 years");
    let store = format!("sqlite://{}/j.db", dir.path().display());
    let out = flightdeck(dir.path(), &["run", file, "--store", &store]);
    assert_located(&out, &place, "longer than 10 years");
    // 1e19 s fits an f64 and a Duration, but is past the maximum too
    let file = write(
        dir.path(),
        "d.toml",
        &checklist("auto = \"api.ok for 1e19s\""),
    );
    let out = flightdeck(dir.path(), &["validate", file.to_str().unwrap()]);
    assert_located(&out, ":9:20", "longer than 10 years");
}

#[test]
fn a_triggers_when_for() {
    let dir = tempfile::tempdir().unwrap();
    let trigger = "\n[[trigger]]\nname = \"rollback\"\nwhen = \"api.status >= 500 for 99999999999999999999999s\"\nseverity = \"critical\"\nmessage = \"roll back\"\n";
    let file = write(dir.path(), "c.toml", &(checklist("") + trigger));
    let file = file.to_str().unwrap();
    let out = flightdeck(dir.path(), &["validate", file]);
    assert_located(&out, &format!("{file}:"), "longer than 10 years");
}

#[test]
fn a_probes_own_condition_in_check_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "flightdeck.toml",
        &format!("{PROBE}ok = \"status == 200 for 1e20s\"\n"),
    );
    let config = config.to_str().unwrap();
    let out = flightdeck(dir.path(), &["check", "--config", config]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "a config error has its own code"
    );
    assert_located(&out, &format!("{config}:5:"), "bad `ok` condition");
    let file = write(dir.path(), "c.toml", &checklist(""));
    let out = flightdeck(
        dir.path(),
        &["validate", file.to_str().unwrap(), "--config", config],
    );
    assert_located(&out, &format!("{config}:5:"), "longer than 10 years");
}

#[test]
fn a_phase_budget() {
    let dir = tempfile::tempdir().unwrap();
    let text = checklist("").replace(
        "name = \"Deploy\"\n",
        "name = \"Deploy\"\nbudget = \"1e20s\"\n",
    );
    let file = write(dir.path(), "c.toml", &text);
    let out = flightdeck(dir.path(), &["validate", file.to_str().unwrap()]);
    assert_located(&out, ":5:", "budget");
}
