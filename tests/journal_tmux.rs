//! The journal through the real binary in a real terminal: tick in `flightdeck run` inside tmux,
//! `kill -9` it, start it again — the tick is on the screen and in `report --format json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

fn seed() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = dir.join("../shared/seeds/001_14ae320941f2eb32.txt");
    let copy = dir.join("tests/fixtures/seeds/001_14ae320941f2eb32.txt");
    if shared.exists() { shared } else { copy }
        .display()
        .to_string()
}

#[test]
fn tick_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/journal.db", dir.path().display());
    // the binary runs under a shell so its last line survives its exit (tmux may drop the final
    // output of a pane's own process)
    // a spool of its own (in the state dir), not the one every other test's cockpit shares
    let cmd = format!(
        "env USER=alice XDG_STATE_HOME={} {BIN} run {} --session window-1 --store {store} --as alice@bastion; echo EXITED-$?; sleep 60",
        dir.path().display(),
        seed()
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 120, 40);
    t.wait_for("Staging Deployment Successful", Duration::from_secs(20));
    // tick the first item, fill a field on the second
    t.send(&["Space"]);
    let screen = t.wait_for("✔ Staging Deployment Successful", Duration::from_secs(10));
    let row = screen
        .lines()
        .find(|l| l.contains("✔ Staging Deployment Successful"))
        .unwrap_or_default();
    assert!(
        row.contains("alice "),
        "who ticked it, on its row: {screen}"
    );
    t.send(&["j", "i"]);
    t.type_text("metrics look clean");
    t.send(&["Enter"]);
    // the note as the detail pane shows it once journaled — not the prompt echoing the typing
    // ("Note on the item: metrics look clean▏"), which a kill could beat to the journal
    t.wait_for("alice@bastion: metrics look clean", Duration::from_secs(10));

    // kill -9: no chance to clean up
    let pid = t
        .program_pid("flightdeck")
        .expect("flightdeck runs in the pane");
    let status = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // the shell around it reports the kill: 128 + 9
    t.wait_for("EXITED-137", Duration::from_secs(10));

    let r = report::report_json(&store, Some("window-1"));
    assert_eq!(report::state(&r, "staging-deployment-successful"), "done");

    // start again: the same session, the tick and the note are there
    t.respawn(&cmd);
    let screen = t.wait_for("✔ Staging Deployment Successful", Duration::from_secs(20));
    assert!(screen.contains("1/4"), "progress restored: {screen}");
    t.send(&["j"]);
    t.wait_for("alice@bastion: metrics look clean", Duration::from_secs(10));

    // quit cleanly: the terminal is restored and the pane shows the goodbye line
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    let screen = t.wait_for("EXITED-", Duration::from_secs(10));
    assert!(
        screen.contains("is saved") && screen.contains("EXITED-0"),
        "{screen}"
    );
    let r = report::report_json(&store, Some("window-1"));
    assert_eq!(report::state(&r, "staging-deployment-successful"), "done");
    let notes = report::item(&r, "monitoring-data-reviewed")["notes"].clone();
    assert!(notes.to_string().contains("metrics look clean"), "{notes}");
    let kinds: Vec<String> = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| *k == "joined").count(),
        2,
        "two runs joined: {kinds:?}"
    );
}

#[test]
fn sigterm_sighup_sigint_and_sigquit_restore_the_terminal() {
    for signal in ["TERM", "HUP", "INT", "QUIT"] {
        let dir = tempfile::tempdir().unwrap();
        let store = format!("sqlite://{}/journal.db", dir.path().display());
        // after the exit, the shell says whether the terminal is back in line mode
        let cmd = format!(
            "{BIN} run {} --session s --store {store}; echo EXITED-$?; \
             stty -a | tr ' ' '\\n' | grep -x -- '-*icanon' | sed 's/^/MODE-/'; sleep 30",
            seed()
        );
        let t = tmux::Tmux::start(dir.path(), &cmd, 100, 30);
        t.wait_for("Staging Deployment Successful", Duration::from_secs(20));
        let pid = t
            .program_pid("flightdeck")
            .expect("flightdeck runs in the pane");
        let out = Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(out.success());
        let screen = t.wait_for("MODE-", Duration::from_secs(10));
        // the alternate screen is gone: the cockpit's frame is no longer drawn
        assert!(
            !screen.contains("Checklist 0/"),
            "{signal}: terminal not restored:\n{screen}"
        );
        // out of raw mode (`-icanon` would mean keys still go unechoed, one by one)
        assert!(
            screen.contains("MODE-icanon"),
            "{signal}: still raw:\n{screen}"
        );
        assert!(
            screen.contains("EXITED-0"),
            "{signal}: a clean exit:\n{screen}"
        );
    }
}

#[test]
fn quitting_right_after_a_tick_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/journal.db", dir.path().display());
    let cmd = format!(
        "{BIN} run {} --session quick --store {store}; echo EXITED-$?; sleep 30",
        seed()
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 120, 40);
    t.wait_for("Staging Deployment Successful", Duration::from_secs(20));
    // all three keys in one write: the tick is still in flight when the quit is confirmed
    t.send(&["Space", "q", "y"]);
    t.wait_for("EXITED-0", Duration::from_secs(10));
    let r = report::report_json(&store, Some("quick"));
    assert_eq!(report::state(&r, "staging-deployment-successful"), "done");
}
