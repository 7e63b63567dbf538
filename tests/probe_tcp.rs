//! The tcp probe against real sockets: an open port (IPv4, IPv6, a name), a closed port, a
//! listener whose queue is full and never accepts, and `send`/`expect` against a real Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/redis.rs"]
mod redis_support;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use std::time::Duration;

fn spec(host: &str, port: u16, extra: &str) -> ProbeSpec {
    probe_spec::one(&format!(
        "[[probe]]\nname = \"t\"\nkind = \"tcp\"\nhost = \"{host}\"\nport = {port}\ntimeout = \"1s\"\n{extra}\n"
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_ports_by_address_and_name() {
    let v4 = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = v4.local_addr().unwrap().port();
    let mut probe = Probe::new(spec(
        "127.0.0.1",
        port,
        "ok = 'connected && latency < 500ms'",
    ));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("connected"), Some(Value::Bool(true)));
    assert_eq!(
        s.output("address"),
        Some(Value::Text(format!("127.0.0.1:{port}")))
    );
    probe_spec::assert_outputs_declared(&probe, &s);

    let mut named = Probe::new(spec("localhost", port, ""));
    assert_eq!(named.poll().await.state, ProbeState::Ok);

    let v6 = tokio::net::TcpListener::bind("[::1]:0").await.unwrap();
    let port6 = v6.local_addr().unwrap().port();
    let mut probe6 = Probe::new(spec("::1", port6, ""));
    let s = probe6.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(probe6.spec().target(), format!("[::1]:{port6}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_is_crit_refused() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut probe = Probe::new(spec("127.0.0.1", port, ""));
    let s = probe.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("connection refused"))
    );
    assert_eq!(s.output("connected"), Some(Value::Bool(false)));

    let mut nowhere = Probe::new(spec("no-such-host.invalid", 80, ""));
    let s = nowhere.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert!(
        s.reason
            .unwrap()
            .contains("DNS lookup of no-such-host.invalid failed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_that_never_accepts_times_out_crit() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let _listener = socket.listen(0).unwrap();
    // fill the accept queue: once full, the kernel drops further SYNs and connects hang
    let mut fillers = Vec::new();
    for _ in 0..16 {
        let connect = tokio::net::TcpStream::connect(("127.0.0.1", port));
        match tokio::time::timeout(Duration::from_millis(300), connect).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    assert!(fillers.len() < 16, "the queue never filled");
    let mut probe = Probe::new(spec("127.0.0.1", port, ""));
    let s = probe.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("timeout after 1s"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_against_a_real_redis() {
    let server = redis_support::RedisServer::start();
    let mut pong = Probe::new(spec(
        "127.0.0.1",
        server.port,
        "send = \"PING\\r\\n\"\nexpect = \"+PONG\"",
    ));
    let s = pong.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("matched"), Some(Value::Bool(true)));
    assert_eq!(s.output("response"), Some(Value::Text("+PONG".into())));
    probe_spec::assert_outputs_declared(&pong, &s);

    // an answer without the expected text is CRIT, saying what came back
    let mut wrong = Probe::new(spec(
        "127.0.0.1",
        server.port,
        "send = \"NOSUCHCOMMAND\\r\\n\"\nexpect = \"+PONG\"",
    ));
    let s = wrong.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    let reason = s.reason.unwrap();
    assert!(
        reason.starts_with("expected `+PONG`, got `-ERR unknown command"),
        "{reason}"
    );
}

#[test]
fn config_mistakes_are_located() {
    let text =
        "[[probe]]\nname = \"t\"\nkind = \"tcp\"\nhost = \"db\"\nport = 70000\nsend = \"x\"\n";
    let err = probe_spec::errors("t.toml", text);
    assert!(err.contains("t.toml:5:8"), "{err}");
    assert!(
        err.contains("`port` must be a whole number from 1 to 65535"),
        "{err}"
    );
    assert!(err.contains("t.toml:6:8"), "{err}");
    assert!(err.contains("`send` without `expect`"), "{err}");
}
