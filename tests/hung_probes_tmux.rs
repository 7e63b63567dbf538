//! Nothing blocks the UI: with ten probes stuck on an endpoint that accepts and never answers,
//! the real cockpit in tmux still moves its cursor at once, and the panels say "timeout after …".
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/tmux.rs"]
mod tmux;

use std::io::Write;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

#[test]
fn keys_are_handled_while_ten_probes_hang() {
    // accepts every connection and never answers
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut config = std::fs::File::create(dir.path().join("flightdeck.toml")).unwrap();
    for i in 0..10 {
        writeln!(
            config,
            "[[probe]]\nname = \"hung{i}\"\nkind = \"http\"\nurl = \"http://127.0.0.1:{port}/health\"\ninterval = \"2s\"\ntimeout = \"1s\"\n"
        )
        .unwrap();
    }
    let checklist = dir.path().join("c.md");
    std::fs::write(
        &checklist,
        "# Window\n## Steps\n- [ ] first step\n- [ ] second step\n- [ ] third step\n",
    )
    .unwrap();
    let cmd = format!(
        "{BIN} run {} --config {} --session s --store sqlite://{}/j.db",
        checklist.display(),
        dir.path().join("flightdeck.toml").display(),
        dir.path().display()
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 150, 30);
    t.wait_for("first step", Duration::from_secs(20));
    // the probes are mid-poll, hanging
    std::thread::sleep(Duration::from_millis(300));
    let mut worst = Duration::ZERO;
    for (key, target) in [
        ("j", ">  ☐ second step"),
        ("j", ">  ☐ third step"),
        ("k", ">  ☐ second step"),
    ] {
        let start = Instant::now();
        t.send(&[key]);
        loop {
            if t.capture().contains(target) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "key {key} not handled while probes hang"
            );
        }
        worst = worst.max(start.elapsed());
    }
    println!("worst key-to-screen latency with 10 hung probes (incl. tmux round trips): {worst:?}");
    let screen = t.wait_for("timeout after 1s", Duration::from_secs(10));
    assert!(screen.contains("hung9"), "{screen}");
    t.send(&["q", "y"]);
}
