//! Signals while a journal write is in flight: the real binary in tmux journals to a PostgreSQL
//! that is frozen (SIGSTOP), so a tick and a note the screen shows as done are still on their way
//! to the store when SIGTERM, SIGHUP, SIGINT or SIGQUIT arrives. Each signal ends the cockpit
//! cleanly (exit 0, within its few seconds of draining), and once the server thaws the next
//! cockpit on the session delivers what waited: the tick and the note are in
//! `report --format json`, once each.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/freeze.rs"]
mod freeze;
#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use freeze::{Frozen, signal};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

#[test]
fn hup_term_int_quit_while_a_write_is_in_flight_lose_nothing() {
    let pg = postgres::PgServer::start();
    let store = pg.url();
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.md");
    std::fs::write(
        &checklist,
        "# Window\n## Steps\n- [ ] first step\n- [ ] second step\n",
    )
    .unwrap();
    for sig in ["TERM", "HUP", "INT", "QUIT"] {
        let session = format!("s-{}", sig.to_lowercase());
        let note = format!("noted-before-{}", sig.to_lowercase());
        let cmd = format!(
            "XDG_STATE_HOME={dir} {BIN} run {} --session {session} --store {store} --as alice; \
             echo EXITED-$?; sleep 30",
            checklist.display(),
            dir = dir.path().display(),
        );
        // a tmux server of its own: the last one may still be exiting on the old socket
        let term = tempfile::tempdir().unwrap();
        let t = tmux::Tmux::start(term.path(), &cmd, 120, 30);
        t.wait_for("first step", Duration::from_secs(30));
        let frozen = Frozen::new(pg.pids());
        t.send(&["Space"]);
        t.send(&["i"]);
        t.type_text(&note);
        t.send(&["Enter"]);
        // shown as done — the note in the detail pane, its prompt closed (while typing, the
        // prompt echoes it) — so in the spool, and not in the frozen store
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let screen = t.capture();
            if screen.contains(&note) && !screen.contains("Note on the item") {
                assert!(screen.contains("✔ first step"), "{sig}:\n{screen}");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{sig}: the note not shown:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid = t.program_pid("flightdeck").expect("flightdeck runs");
        let sent = Instant::now();
        assert!(signal(&[pid], sig), "kill -{sig}");
        let screen = t.wait_for("EXITED-", Duration::from_secs(15));
        let took = sent.elapsed();
        assert!(
            screen.contains("EXITED-0"),
            "{sig}: a clean exit:\n{screen}"
        );
        drop(frozen);
        eprintln!("SIG{sig} with a write in flight: exited in {took:.1?}");

        // the next cockpit on the session delivers what waited, and a quit drains it
        t.respawn(&cmd);
        t.wait_for("first step", Duration::from_secs(30));
        t.send(&["q"]);
        t.wait_for("Quit?", Duration::from_secs(5));
        t.send(&["y"]);
        t.wait_for("EXITED-0", Duration::from_secs(15));
        let r = report::report_json(&store, Some(&session));
        let events = r["events"].as_array().unwrap();
        let count = |kind: &str| events.iter().filter(|e| e["kind"] == kind).count();
        assert_eq!(count("tick"), 1, "{sig}: the tick once");
        let notes: Vec<_> = events
            .iter()
            .filter(|e| e["kind"] == "note")
            .map(|e| e["payload"].to_string())
            .collect();
        assert!(
            notes.len() == 1 && notes[0].contains(&note),
            "{sig}: the note once: {notes:?}"
        );
        let done = events
            .iter()
            .find(|e| e["kind"] == "tick")
            .and_then(|e| e["item"].as_str())
            .unwrap();
        assert_eq!(report::state(&r, done), "done", "{sig}");
    }
}
