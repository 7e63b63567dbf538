//! `flightdeck demo`, the newcomer's first command, in a real terminal: the demo service answers,
//! every panel fills in, a tick is journaled, and quitting leaves a session `report` can read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/tmux.rs"]
mod tmux;

use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

#[test]
fn demo_runs_and_is_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/journal.db", dir.path().display());
    let cmd = format!("{BIN} demo --store {store}; sleep 30");
    let t = tmux::Tmux::start(dir.path(), &cmd, 140, 40);
    t.wait_for("Maintenance window announced", Duration::from_secs(20));
    // every probe reports within a few polls: health OK, the queue WARN (240 jobs), errors OK
    let screen = t.wait_for("● api", Duration::from_secs(15));
    assert!(screen.contains("queue"), "{screen}");
    t.wait_for("● errors", Duration::from_secs(15));
    t.send(&["Space"]);
    t.wait_for("✔ Maintenance window announced", Duration::from_secs(10));
    t.send(&["q", "y"]);
    let screen = t.wait_for("is saved", Duration::from_secs(10));
    let session = screen
        .split('`')
        .nth(1)
        .expect("the goodbye line names the session")
        .to_owned();
    let out = std::process::Command::new(BIN)
        .args([
            "report",
            "--store",
            &store,
            "--session",
            &session,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let announce = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "announce")
        .unwrap();
    assert_eq!(announce["state"], "done");
}
