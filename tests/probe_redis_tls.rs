//! The redis probe over TLS (`rediss://`), with the password from the URL: a server certificate
//! from a private CA is trusted with `ca_file`, and rejected without it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/http.rs"]
mod http;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spec(url: &str, extra: &str) -> ProbeSpec {
    let text = format!("[[probe]]\nname = \"r\"\nkind = \"redis\"\nurl = \"{url}\"\n{extra}\n");
    probe_spec::one(&text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rediss_with_password() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, _, _) = http::make_certs(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .args([
            "--port",
            "0",
            "--tls-port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
        ])
        .args(["--tls-cert-file", "leaf.pem", "--tls-key-file", "leaf.key"])
        .args(["--tls-auth-clients", "no"])
        .args(["--requirepass", "Tls-Redis-Pw", "--save", "", "--dir"])
        .arg(dir.path())
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server not found: install the Debian package `redis-server`");
    let _child = Child(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server (TLS) did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let url = format!("rediss://:Tls-Redis-Pw@127.0.0.1:{port}/0");
    let ca = format!("ca_file = \"{}\"", ca.display());
    let s = Probe::new(spec(&url, &ca)).poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("connected"), Some(Value::Bool(true)));

    // a self-signed certificate is not trusted without its CA file
    let s = Probe::new(spec(&url, "")).poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    let reason = s.reason.unwrap();
    assert!(!reason.contains("Tls-Redis-Pw"), "{reason}");
}
