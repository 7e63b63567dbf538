//! A session records the checklist it runs: opening it with another checklist file (the same
//! name, another extension — `seed.md` where it ran `seed.toml`) asks, naming both, before
//! anything is opened. No leaves the session alone; yes opens it with the new file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/tmux.rs"]
mod tmux;

use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

const TOML: &str = r#"title = "Window"

[[phase]]
name = "Steps"

[[phase.item]]
id = "first-step"
text = "first step"
"#;

const MARKDOWN: &str = "# Window\n\n## Steps\n\n- [ ] first step\n- [ ] second step\n";

#[test]
fn another_checklist_for_a_session_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("seed.toml");
    let md = dir.path().join("seed.md");
    std::fs::write(&toml, TOML).unwrap();
    std::fs::write(&md, MARKDOWN).unwrap();
    let store = format!("sqlite://{}/journal.db", dir.path().display());
    let run = |file: &std::path::Path| {
        format!(
            "{BIN} run {} --session window --store {store} --as alice; echo EXITED-$?; sleep 60",
            file.display()
        )
    };
    let t = tmux::Tmux::start(dir.path(), &run(&toml), 120, 30);
    t.wait_for("first step", Duration::from_secs(20));
    t.send(&["q", "y"]);
    t.wait_for("EXITED-0", Duration::from_secs(10));

    // the same session with the Markdown file: a question naming both files
    t.respawn(&run(&md));
    let screen = t.wait_for("[y/N]", Duration::from_secs(20));
    assert!(
        screen.contains("seed.toml") && screen.contains("seed.md"),
        "{screen}"
    );
    t.send(&["n", "Enter"]);
    let screen = t.wait_for("EXITED-", Duration::from_secs(10));
    assert!(screen.contains("nothing opened"), "{screen}");
    assert!(screen.contains("EXITED-2"), "{screen}");

    // yes: it opens, with the new file's items
    t.respawn(&run(&md));
    t.wait_for("[y/N]", Duration::from_secs(20));
    t.send(&["y", "Enter"]);
    // it opens on what changed in the checklist
    let screen = t.wait_for("The checklist changed", Duration::from_secs(20));
    assert!(screen.contains("+ added second step"), "{screen}");
    t.send(&["Escape"]);
    t.wait_for("second step", Duration::from_secs(20));
    t.send(&["q", "y"]);
    t.wait_for("EXITED-0", Duration::from_secs(10));
}
