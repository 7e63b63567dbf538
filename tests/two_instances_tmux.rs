//! Two cockpits on one session (two people, or two terminals): one drives at a time, the wheel
//! changes hands, what each writes lands, and each screen shows the other's ticks within a
//! fraction of a second.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

#[test]
fn both_write_and_both_see() {
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.md");
    std::fs::write(
        &checklist,
        "# Window\n## Steps\n- [ ] alpha step\n- [ ] beta step\n- [ ] gamma step\n",
    )
    .unwrap();
    let store = format!("sqlite://{}/j.db", dir.path().display());
    let cmd = |who: &str| {
        format!(
            "XDG_STATE_HOME={} {BIN} run {} --session shared --store {store} --as {who}; echo EXITED-$?; sleep 30",
            dir.path().join(format!("state-{who}")).display(),
            checklist.display()
        )
    };
    let (da, db) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&da).unwrap();
    std::fs::create_dir_all(&db).unwrap();
    let alice = tmux::Tmux::start(&da, &cmd("alice@one"), 120, 30);
    alice.wait_for("alpha step", Duration::from_secs(20));
    let bob = tmux::Tmux::start(&db, &cmd("bob@two"), 120, 30);
    bob.wait_for("alpha step", Duration::from_secs(20));

    alice.send(&["Space"]);
    alice.wait_for("✔ alpha step", Duration::from_secs(5));
    bob.wait_for("✔ alpha step", Duration::from_secs(5));
    // alice drives: bob's second `run` watches until she hands him the wheel
    bob.send(&["j", "Space"]);
    bob.wait_for("watching: alice@one drives", Duration::from_secs(5));
    bob.send(&["w"]);
    alice.wait_for("bob@two asks for the wheel", Duration::from_secs(5));
    alice.send(&["w"]);
    bob.wait_for("bob@two (you) driving", Duration::from_secs(5));
    bob.send(&["Space"]);
    bob.wait_for("✔ beta step", Duration::from_secs(5));
    alice.wait_for("✔ beta step", Duration::from_secs(5));
    // both at once: bob ticks and notes, alice (watching now) is refused
    bob.send(&["j", "Space", "k", "i"]);
    bob.type_text("bob was here");
    bob.send(&["Enter"]);
    alice.send(&["j", "j", "Space"]);
    alice.wait_for("watching: bob@two drives", Duration::from_secs(5));
    alice.wait_for("✔ gamma step", Duration::from_secs(5));
    bob.wait_for("✔ gamma step", Duration::from_secs(5));
    for t in [&alice, &bob] {
        t.send(&["q"]);
        t.wait_for("Quit?", Duration::from_secs(5));
        t.send(&["y"]);
        t.wait_for("EXITED-0", Duration::from_secs(10));
    }
    let report = report::report_json(&store, Some("shared"));
    let by = |id: &str| {
        let i = report::item(&report, id);
        (
            i["state"].as_str().unwrap_or("").to_owned(),
            i["by"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(by("alpha-step"), ("done".into(), "alice@one".into()));
    assert_eq!(by("beta-step"), ("done".into(), "bob@two".into()));
    assert_eq!(by("gamma-step"), ("done".into(), "bob@two".into()));
    assert!(report.to_string().contains("bob was here"));
}
