//! A password given with `--store` does not stay in the process arguments (every user of the host
//! reads those in `ps`): flightdeck warns, moves it to its environment and restarts itself; the
//! cockpit runs on against the real PostgreSQL journal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/tmux.rs"]
mod tmux;

use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");
const PASSWORD: &str = "Sekret-pw-77";

#[test]
fn a_store_password_on_the_command_line_leaves_the_process_arguments() {
    let pg = postgres::PgServer::start();
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.toml");
    std::fs::write(
        &checklist,
        "title = \"Window\"\n\n[[phase]]\nname = \"Steps\"\n\n[[phase.item]]\nid = \"one\"\ntext = \"first step\"\n",
    )
    .unwrap();
    let url = format!(
        "postgres://postgres:{PASSWORD}@127.0.0.1:{}/postgres",
        pg.port
    );
    let stderr = dir.path().join("stderr");
    let cmd = format!(
        "{BIN} run {} --session s --store {url} 2> {}; echo EXITED-$?; sleep 30",
        checklist.display(),
        stderr.display()
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 100, 30);
    t.wait_for("first step", Duration::from_secs(20));
    let pid = t.program_pid("flightdeck").expect("the cockpit runs");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    assert!(cmdline.contains(" run "), "{cmdline}");
    assert!(
        !cmdline.contains(PASSWORD),
        "the password is in ps: {cmdline}"
    );
    let warned = std::fs::read_to_string(&stderr).unwrap();
    assert!(warned.contains("visible to every user"), "{warned}");
    assert!(!warned.contains(PASSWORD), "{warned}");
    t.send(&["q", "y"]);
    t.wait_for("EXITED-0", Duration::from_secs(10));
}
