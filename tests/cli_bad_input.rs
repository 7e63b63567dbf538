//! Bad input to the cockpit: one clear line and a non-zero exit, never a panic, and the terminal is
//! never touched (errors are found before raw mode).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_clear_line(args: &[&str], needle: &str) {
    let (code, stdout, stderr) = run(args);
    assert_ne!(code, 0, "{args:?} must fail");
    assert!(
        stdout.is_empty(),
        "{args:?}: nothing on stdout, got {stdout:?}"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        !lines.is_empty() && lines.len() <= 2,
        "{args:?}: one line (plus an optional hint), got {stderr:?}"
    );
    assert!(
        stderr.contains(needle),
        "{args:?}: {stderr:?} should mention {needle:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // no escape sequences: the terminal was never put into raw mode or the alternate screen
    assert!(
        !stderr.contains('\u{1b}') && !stdout.contains('\u{1b}'),
        "{stderr:?}"
    );
}

#[test]
fn run_with_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/j.db", dir.path().display());
    let missing = dir.path().join("nope.toml");
    assert_one_clear_line(
        &["run", missing.to_str().unwrap(), "--store", &store],
        "nope.toml",
    );
    assert_one_clear_line(
        &["run", dir.path().to_str().unwrap(), "--store", &store],
        "directory",
    );
    let binary = dir.path().join("blob.toml");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    assert_one_clear_line(
        &["run", binary.to_str().unwrap(), "--store", &store],
        "blob.toml",
    );
    assert_one_clear_line(&["run", "x.toml", "--frobnicate"], "--frobnicate");
    assert_one_clear_line(&["launch"], "launch");
}

#[test]
fn run_without_a_terminal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.md");
    std::fs::write(&checklist, "# T\n- [ ] one\n").unwrap();
    let store = format!("sqlite://{}/state/j.db", dir.path().display());
    let (code, _, stderr) = run(&["run", checklist.to_str().unwrap(), "--store", &store]);
    assert_ne!(code, 0);
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    // refused before anything is made: no store directory, no journal
    assert!(
        !dir.path().join("state").exists(),
        "the refusal created the store's directory"
    );
}

#[test]
fn bad_config_is_reported_with_its_place_before_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.md");
    std::fs::write(&checklist, "# T\n- [ ] one\n").unwrap();
    let config = dir.path().join("f.toml");
    std::fs::write(
        &config,
        "[[probe]]\nname = \"api\"\nkind = \"htp\"\nurl = \"http://x\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&[
        "run",
        checklist.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(stderr.contains("f.toml:3:"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'));
}

#[test]
fn unknown_probe_in_a_checklist_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.toml");
    std::fs::write(
        &checklist,
        "title = \"T\"\n[[phase]]\nname = \"P\"\n[[phase.item]]\nid = \"a\"\ntext = \"A\"\nauto = \"qeue.value == 0 for 5s\"\n",
    )
    .unwrap();
    let config = dir.path().join("f.toml");
    std::fs::write(&config, "[[probe]]\nname = \"queue\"\nkind = \"sql\"\nurl = \"sqlite://x.db\"\nquery = \"SELECT 1\"\n").unwrap();
    let (code, _, stderr) = run(&[
        "run",
        checklist.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(stderr.contains("c.toml:7:9"), "{stderr}");
    assert!(stderr.contains("did you mean `queue`"), "{stderr}");
    let (code, _, stderr) = run(&[
        "validate",
        checklist.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("c.toml:7:9"), "{stderr}");
}
