//! Secrets never show, end to end: a distinctive password in every probe URL and a token header,
//! the real cockpit in tmux with every probe failing — the password is on no screen (panels, probe
//! details), in no log line and in no report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/tmux.rs"]
mod tmux;

use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");
const SECRET: &str = "Zq9-sekrit-PW";

#[test]
fn password_appears_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    // a port with nothing listening
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        r#"
[[probe]]
name = "api"
kind = "http"
url = "http://admin:{SECRET}@127.0.0.1:{closed}/health?token={SECRET}"
headers = {{ Authorization = "Bearer {SECRET}" }}
interval = "1s"
timeout = "500ms"

[[probe]]
name = "db"
kind = "sql"
url = "postgres://app:{SECRET}@127.0.0.1:{closed}/app"
query = "SELECT 1"
interval = "1s"
timeout = "500ms"

[[probe]]
name = "cache"
kind = "redis"
url = "redis://:{SECRET}@127.0.0.1:{closed}/0"
interval = "1s"
timeout = "500ms"

[[probe]]
name = "prom"
kind = "prometheus"
url = "http://u:{SECRET}@127.0.0.1:{closed}"
query = "up"
interval = "1s"
timeout = "500ms"

[[probe]]
name = "scrape"
kind = "metrics"
url = "http://u:{SECRET}@127.0.0.1:{closed}/metrics"
query = "rate(http_requests_total)"
interval = "1s"
timeout = "500ms"
"#
    );
    let config_path = dir.path().join("flightdeck.toml");
    std::fs::write(&config_path, config).unwrap();
    let checklist = dir.path().join("c.md");
    std::fs::write(&checklist, "# Window\n## Steps\n- [ ] check the database\n").unwrap();
    let store = format!("sqlite://{}/j.db", dir.path().display());
    let logs = dir.path().join("logs");
    let cmd = format!(
        "env FLIGHTDECK_LOG_DIR={} {BIN} run {} --config {} --session s --store {store}; echo EXITED-$?; sleep 30",
        logs.display(),
        checklist.display(),
        config_path.display()
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 200, 50);
    t.wait_for("check the database", Duration::from_secs(20));
    // every probe has failed at least once (refused: no answer, CRIT)
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let screen = t.capture();
        assert!(!screen.contains(SECRET), "{screen}");
        if screen.matches("CRIT").count() >= 5 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "probes never failed:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // every probe's detail view
    t.send(&["Tab"]);
    for _ in 0..5 {
        t.send(&["Enter"]);
        let screen = t.wait_for("any other key closes", Duration::from_secs(5));
        assert!(screen.contains("***"), "{screen}");
        assert!(!screen.contains(SECRET), "{screen}");
        t.send(&["Escape"]);
        let closed = std::time::Instant::now();
        while t.capture().contains("any other key closes") {
            assert!(
                closed.elapsed() < Duration::from_secs(5),
                "detail did not close"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        t.send(&["Down"]);
    }
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    let screen = t.wait_for("EXITED-", Duration::from_secs(10));
    assert!(screen.contains("EXITED-0"), "{screen}");

    let log = std::fs::read_to_string(logs.join("flightdeck.log")).unwrap();
    assert!(
        log.contains("probe state"),
        "the log records probe states: {log}"
    );
    assert!(log.contains("***"), "{log}");
    assert!(!log.contains(SECRET), "{log}");

    let out = std::process::Command::new(BIN)
        .args([
            "report",
            "--store",
            &store,
            "--session",
            "s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SECRET));

    let out = std::process::Command::new(BIN)
        .args([
            "check",
            "--config",
            config_path.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "every probe refused: CRIT");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SECRET));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(SECRET));
}
