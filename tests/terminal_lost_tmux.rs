//! The terminal vanishing under the cockpit (tmux kill-session — the path an ssh drop takes) is a
//! clean exit: what was ticked is journaled, nothing panics, no write to the dead terminal fails
//! loudly, and the exit status is 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

const CHECKLIST: &str = r#"title = "Window"

[[phase]]
name = "Steps"

[[phase.item]]
id = "first-step"
text = "first step"

[[phase.item]]
id = "second-step"
text = "second step"
"#;

#[test]
fn a_vanished_terminal_is_a_clean_exit_with_everything_journaled() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let checklist = dir.path().join("c.toml");
        std::fs::write(&checklist, CHECKLIST).unwrap();
        let store = format!("sqlite://{}/journal.db", dir.path().display());
        let status = dir.path().join("status");
        let stderr = dir.path().join("stderr");
        // the shell ignores the hang-up so it outlives the terminal and records how the cockpit
        // ended (the cockpit installs its own handlers)
        let cmd = format!(
            "sh -c 'trap \"\" HUP; {BIN} run {} --session s --store {store} 2> {}; echo $? > {}'",
            checklist.display(),
            stderr.display(),
            status.display()
        );
        let t = tmux::Tmux::start(dir.path(), &cmd, 100, 30);
        t.wait_for("first step", Duration::from_secs(20));
        t.send(&["Space"]);
        t.wait_for("✔ first step", Duration::from_secs(10));
        t.kill_session();
        let deadline = Instant::now() + Duration::from_secs(15);
        while !status.exists() || std::fs::read_to_string(&status).unwrap().trim().is_empty() {
            assert!(
                Instant::now() < deadline,
                "round {round}: the cockpit did not exit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let code = std::fs::read_to_string(&status).unwrap();
        let err = std::fs::read_to_string(&stderr).unwrap_or_default();
        assert_eq!(
            code.trim(),
            "0",
            "round {round}: exit status; stderr: {err}"
        );
        assert!(!err.contains("panicked"), "round {round}: {err}");
        let r = report::report_json(&store, Some("s"));
        assert_eq!(report::state(&r, "first-step"), "done", "round {round}");
    }
}
