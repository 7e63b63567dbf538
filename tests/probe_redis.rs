//! The redis probe against a real redis-server: PING, memory, clients, LLEN/XLEN of a key, auth
//! from the URL, a wrong password, and recovery after a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/redis.rs"]
mod redis_support;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState, scheduler};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn spec(url: &str, extra: &str) -> ProbeSpec {
    let text = format!("[[probe]]\nname = \"r\"\nkind = \"redis\"\nurl = \"{url}\"\n{extra}\n");
    probe_spec::one(&text)
}

fn num(v: Option<Value>) -> f64 {
    v.and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_redis_with_password_list_and_stream() {
    let server = redis_support::RedisServer::start_with(Some("Rd-Pass-77"));
    for i in 0..42 {
        server.cli(&["RPUSH", "jobs:pending", &format!("job-{i}")]);
    }
    for i in 0..5 {
        server.cli(&["XADD", "events", "*", "n", &i.to_string()]);
    }
    let mut probe = Probe::new(spec(&server.url(), "key = \"jobs:pending\""));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("connected"), Some(Value::Bool(true)));
    probe_spec::assert_outputs_declared(&probe, &s);
    assert_eq!(s.output("len"), Some(Value::Number(42.0)));
    assert!(num(s.output("latency")) > 0.0);
    let used = num(s.output("used_memory"));
    assert!(used > 100_000.0, "{used}");
    let ratio = num(s.output("used_memory_ratio"));
    assert!(
        ratio > 0.0 && ratio < 0.5,
        "no maxmemory: ratio of host memory, {ratio}"
    );
    assert!(num(s.output("connected_clients")) >= 1.0);

    let mut judged = Probe::new(spec(
        &server.url(),
        "key = \"jobs:pending\"\nok = 'connected && used_memory_ratio < 90% && latency < 1s'\nwarn = 'len > 40'",
    ));
    let s = judged.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Warn, Some("warn: len > 40"))
    );

    let mut stream = Probe::new(spec(&server.url(), "key = \"events\""));
    assert_eq!(stream.poll().await.output("len"), Some(Value::Number(5.0)));
    let mut missing = Probe::new(spec(&server.url(), "key = \"nothing\""));
    assert_eq!(missing.poll().await.output("len"), Some(Value::Number(0.0)));

    // with maxmemory set, the ratio is against it
    server.cli(&["CONFIG", "SET", "maxmemory", "100000000"]);
    let s = probe.poll().await;
    let ratio = num(s.output("used_memory_ratio"));
    let used = num(s.output("used_memory"));
    assert!((ratio - used / 1e8).abs() < 1e-3, "{ratio} vs {used}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_unknown_and_never_shown() {
    // the server answered (it refused the password): UNKNOWN, a setup to fix, not an outage
    wrong_password_case().await;
}

async fn wrong_password_case() {
    let server = redis_support::RedisServer::start_with(Some("right-pass"));
    let url = format!("redis://:Wrong-Pass-55@127.0.0.1:{}/0", server.port);
    let mut probe = Probe::new(spec(&url, ""));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert_eq!(s.output("connected"), Some(Value::Bool(false)));
    let reason = s.reason.unwrap();
    assert!(!reason.contains("Wrong-Pass-55"), "{reason}");
    assert!(!reason.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restart_is_crit_then_ok_within_two_intervals() {
    let mut server = redis_support::RedisServer::start();
    let interval = Duration::from_secs(1);
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(
        vec![spec(
            &server.url(),
            "interval = \"1s\"\ntimeout = \"500ms\"",
        )],
        tx,
        cancel.clone(),
    );
    let first = rx.recv().await.unwrap().into_sample();
    assert_eq!(first.state, ProbeState::Ok, "{:?}", first.reason);

    server.stop();
    let down = loop {
        let s = rx.recv().await.unwrap().into_sample();
        if s.state != ProbeState::Ok {
            break s;
        }
    };
    // a stopped server does not answer: CRIT
    assert_eq!(down.state, ProbeState::Crit);
    assert!(down.reason.is_some());
    assert_eq!(down.output("connected"), Some(Value::Bool(false)));

    server.start_again();
    let restarted = Instant::now();
    loop {
        let s = rx.recv().await.unwrap().into_sample();
        if s.state == ProbeState::Ok {
            break;
        }
    }
    let took = restarted.elapsed();
    assert!(took <= interval * 2, "OK again only after {took:?}");
    cancel.cancel();
    handle.join().await;
}
