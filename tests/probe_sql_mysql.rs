//! The sql probe against a real MariaDB (MySQL protocol): counts, DECIMAL and BIGINT values, text,
//! NULL, and read-only sessions. The server is started here: `mariadb-install-db` into a temp dir,
//! `mariadbd` on a free loopback port (Debian package `mariadb-server`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use sqlx::{ConnectOptions, Executor};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

struct MariaDb {
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary(name: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!(
        "{name} not found: install the Debian package `mariadb-server` (apt-get install -y mariadb-server)"
    );
}

impl MariaDb {
    fn start() -> MariaDb {
        let dir = tempfile::Builder::new()
            .prefix("flightdeck-mariadb-")
            .tempdir()
            .unwrap();
        let data = dir.path().join("data");
        let out = Command::new(binary("mariadb-install-db"))
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args([
                "--user=root",
                "--skip-test-db",
                "--auth-root-authentication-method=normal",
            ])
            .output()
            .expect("run mariadb-install-db");
        assert!(
            out.status.success(),
            "mariadb-install-db: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary("mariadbd"))
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.path().join("sock").display()))
            .arg(format!("--pid-file={}", dir.path().join("pid").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--user=root",
                "--skip-grant-tables",
            ])
            .args(["--skip-log-bin", "--innodb-buffer-pool-size=16M"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mariadbd");
        let server = MariaDb {
            port,
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "mariadbd did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn url(&self, db: &str) -> String {
        format!("mysql://root:My-Sql-Pw@127.0.0.1:{}/{db}", self.port)
    }
}

fn spec(url: &str, query: &str) -> ProbeSpec {
    let text = format!(
        "[[probe]]\nname = \"q\"\nkind = \"sql\"\nurl = \"{url}\"\nquery = \"\"\"{query}\"\"\"\ntimeout = \"3s\"\n"
    );
    probe_spec::one(&text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_values_and_read_only_sessions() {
    let db = tokio::task::spawn_blocking(MariaDb::start).await.unwrap();
    let mut conn = sqlx::mysql::MySqlConnectOptions::from_str(&db.url("mysql"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    conn.execute(
        "CREATE DATABASE app; CREATE TABLE app.jobs (id INT AUTO_INCREMENT PRIMARY KEY, state VARCHAR(10), cost DECIMAL(10,3));",
    )
    .await
    .unwrap();
    conn.execute(
        "INSERT INTO app.jobs (state, cost) VALUES ('new', 1.5), ('new', 2.25), ('new', 0.125), ('done', NULL);",
    )
    .await
    .unwrap();

    let url = db.url("app");
    let cases = [
        (
            "SELECT count(*) FROM jobs WHERE state = 'new'",
            Value::Number(3.0),
        ),
        ("SELECT sum(cost) FROM jobs", Value::Number(3.875)),
        (
            "SELECT CAST(9007199254740992 AS UNSIGNED)",
            Value::Number(9007199254740992.0),
        ),
        ("SELECT avg(id) FROM jobs", Value::Number(2.5)),
        ("SELECT 0.5e0", Value::Number(0.5)),
        (
            "SELECT state FROM jobs ORDER BY id DESC",
            Value::Text("done".into()),
        ),
    ];
    for (query, want) in cases {
        let s = Probe::new(spec(&url, query)).poll().await;
        assert_eq!(s.state, ProbeState::Ok, "{query}: {:?}", s.reason);
        assert_eq!(s.output("value"), Some(want), "{query}");
    }
    let s = Probe::new(spec(&url, "SELECT id FROM jobs")).poll().await;
    assert_eq!(s.output("rows"), Some(Value::Number(4.0)));

    let s = Probe::new(spec(&url, "SELECT cost FROM jobs WHERE state = 'done'"))
        .poll()
        .await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(s.reason.unwrap().starts_with("no data"));

    // probes never write
    let s = Probe::new(spec(&url, "INSERT INTO jobs (state) VALUES ('x')"))
        .poll()
        .await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(s.reason.unwrap().to_ascii_uppercase().contains("READ ONLY"));

    let s = Probe::new(spec(&url, "SELECT nope FROM nowhere"))
        .poll()
        .await;
    assert_eq!(s.state, ProbeState::Unknown);
    let reason = s.reason.unwrap();
    assert!(
        reason.contains("nowhere") && !reason.contains("My-Sql-Pw"),
        "{reason}"
    );
}
