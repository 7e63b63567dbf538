//! `flightdeck demo`, the newcomer's first command, in a real terminal: the demo service answers,
//! every panel fills in, a tick is journaled, and quitting leaves a session `report` can read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/report.rs"]
mod report;
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
    // the panels show each probe's title (the errors probe is "5xx ratio")
    t.wait_for("● 5xx ratio", Duration::from_secs(15));
    t.send(&["Space"]);
    t.wait_for("✔ Maintenance window announced", Duration::from_secs(10));
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    // (the quit prompt also says "is saved": wait for the goodbye line itself)
    t.wait_for("demo session", Duration::from_secs(10));
    // the store holds this one session: the report's default (the most recent) is it
    let r = report::report_json(&store, None);
    assert_eq!(report::state(&r, "announce"), "done");
}
