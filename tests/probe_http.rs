//! The http probe against in-process servers: healthy JSON, text bodies, a 10 MB body read only up
//! to max_body, and the faults — hung endpoint, connection refused, DNS failure, 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/http.rs"]
mod http;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use http::{HangServer, Resp, TestServer, closed_port};
use std::time::{Duration, Instant};

fn spec(body: &str) -> ProbeSpec {
    let text = format!("[[probe]]\nname = \"p\"\nkind = \"http\"\n{body}\n");
    probe_spec::one(&text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_json_endpoint() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/health" => Resp::json(200, r#"{"status":"UP","queue":{"size":12}}"#)
            .header("X-Version", "4.0.0")
            .header("Set-Cookie", "session=abc"),
        _ => Resp::new(404, "nope"),
    })
    .await;
    let mut probe = Probe::new(spec(&format!("url = \"{}\"", server.url("/health"))));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("status"), Some(Value::Number(200.0)));
    probe_spec::assert_outputs_declared(&probe, &s);
    assert_eq!(s.output("body.status"), Some(Value::Text("UP".into())));
    assert_eq!(s.output("body.queue.size"), Some(Value::Number(12.0)));
    assert_eq!(
        s.output("header.x-version"),
        Some(Value::Text("4.0.0".into()))
    );
    assert_eq!(
        s.output("header.set-cookie"),
        Some(Value::Text("***".into()))
    );
    let latency = s.output("latency").and_then(|v| v.as_f64()).unwrap();
    assert!(latency > 0.0 && latency < 2000.0);
    assert_eq!(s.latency_ms, Some(latency));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_headers_and_body_are_sent() {
    let server = TestServer::start(|req| {
        let echo = format!(
            r#"{{"method":"{}","auth":"{}","body":"{}"}}"#,
            req.method,
            req.header("authorization").unwrap_or(""),
            String::from_utf8_lossy(&req.body)
        );
        Resp::json(201, &echo)
    })
    .await;
    let mut probe = Probe::new(spec(&format!(
        "url = \"{}\"\nmethod = \"post\"\nheaders = {{ Authorization = \"Bearer t0k\" }}\nbody = \"ping\"",
        server.url("/x")
    )));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok);
    assert_eq!(s.output("body.method"), Some(Value::Text("POST".into())));
    assert_eq!(
        s.output("body.auth"),
        Some(Value::Text("Bearer t0k".into()))
    );
    assert_eq!(s.output("body.body"), Some(Value::Text("ping".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_json_body_is_text_and_json_paths_do_not_resolve() {
    let server = TestServer::start(|_| Resp::new(200, "<html>OK</html>")).await;
    let mut probe = Probe::new(spec(&format!("url = \"{}\"", server.url("/"))));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok);
    assert_eq!(
        s.output("body"),
        Some(Value::Text("<html>OK</html>".into()))
    );
    assert_eq!(s.output("body.status"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_10_mb_body_is_read_only_up_to_max_body() {
    let big = vec![b'x'; 10 * 1024 * 1024];
    let server = TestServer::start(move |_| Resp::new(200, big.clone())).await;
    let mut probe = Probe::new(spec(&format!(
        "url = \"{}\"\nmax_body = \"64KiB\"",
        server.url("/big")
    )));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("body_bytes"), Some(Value::Number(65536.0)));
    assert_eq!(s.output("body_truncated"), Some(Value::Bool(true)));
    match s.output("body") {
        Some(Value::Text(t)) => assert_eq!(t.len(), 65536),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_endpoint_times_out_within_the_timeout() {
    let hang = HangServer::start().await;
    let mut probe = Probe::new(spec(&format!(
        "url = \"{}\"\ntimeout = \"500ms\"\ninterval = \"1s\"",
        hang.url("/health")
    )));
    let started = Instant::now();
    let s = probe.poll().await;
    let took = started.elapsed();
    // no answer is CRIT, with its reason (the Nagios plugins' rule)
    assert_eq!(s.state, ProbeState::Crit);
    assert_eq!(s.reason.as_deref(), Some("timeout after 500ms"));
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_millis(1500),
        "{took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused() {
    let port = closed_port();
    let mut probe = Probe::new(spec(&format!("url = \"http://127.0.0.1:{port}/health\"")));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    let reason = s.reason.unwrap();
    assert!(reason.starts_with("connection refused"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_failure() {
    let mut probe = Probe::new(spec(
        "url = \"http://flightdeck-no-such-host.invalid/health\"",
    ));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    let reason = s.reason.unwrap();
    eprintln!("dns reason: {reason}");
    assert!(
        reason.starts_with("DNS lookup failed") || reason.starts_with("timeout after"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_crit_without_an_ok_condition() {
    let server = TestServer::start(|_| Resp::new(503, "down")).await;
    let mut probe = Probe::new(spec(&format!("url = \"{}\"", server.url("/"))));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert_eq!(s.reason.as_deref(), Some("HTTP 503"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_ca_file_is_unknown_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "not a certificate").unwrap();
    let mut probe = Probe::new(spec(&format!(
        "url = \"https://127.0.0.1:1/\"\nca_file = \"{}\"",
        ca.display()
    )));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(s.reason.unwrap().contains("CA file"));
}
