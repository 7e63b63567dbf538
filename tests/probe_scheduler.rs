//! The scheduler: hung probes do not delay a healthy probe's samples, poll_now polls at once,
//! first polls are spread, and tasks stop on cancel and when the receiver is gone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;

use flightdeck::config::{self, ProbeSpec};
use flightdeck::probes::{ProbeMsg, ProbeState, scheduler};
use http::{HangServer, Resp, TestServer};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn http_spec(name: &str, url: &str, interval: &str, timeout: &str) -> ProbeSpec {
    let text = format!(
        "[[probe]]\nname = \"{name}\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"{interval}\"\ntimeout = \"{timeout}\"\n"
    );
    let config = config::parse_str(
        Path::new("test.toml"),
        &text,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    config.probes.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_hung_probes_do_not_delay_a_healthy_one() {
    let hang = HangServer::start().await;
    let healthy = TestServer::start(|_| Resp::new(200, "ok")).await;
    let mut specs: Vec<ProbeSpec> = (0..10)
        .map(|i| http_spec(&format!("hung{i}"), &hang.url("/"), "1s", "1s"))
        .collect();
    specs.push(http_spec("healthy", &healthy.url("/"), "200ms", "200ms"));
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(specs, tx, cancel.clone());

    let started = Instant::now();
    let mut healthy_samples = Vec::new();
    let mut hung_samples = 0;
    while started.elapsed() < Duration::from_secs(3) {
        let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(500), rx.recv()).await
        else {
            panic!("no message for 500 ms while a 200 ms probe runs");
        };
        let ProbeMsg::Sample { sample, lag } = msg;
        if sample.probe == "healthy" {
            assert_eq!(sample.state, ProbeState::Ok, "{:?}", sample.reason);
            healthy_samples.push((Instant::now(), lag));
        } else {
            assert_eq!(sample.reason.as_deref(), Some("timeout after 1s"));
            hung_samples += 1;
        }
    }
    // 3 s at 200 ms: about 15 polls (the first starts after its spread offset)
    assert!(
        healthy_samples.len() >= 12,
        "only {} healthy samples",
        healthy_samples.len()
    );
    for pair in healthy_samples.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        assert!(
            gap < Duration::from_millis(450),
            "a healthy sample came {gap:?} after the last"
        );
    }
    assert!(hung_samples >= 10, "{hung_samples}");
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(2), handle.join())
        .await
        .expect("tasks stop on cancel, even mid-poll");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poll_now_and_spread_first_polls() {
    let server = TestServer::start(|_| Resp::new(200, "ok")).await;
    let specs: Vec<ProbeSpec> = (0..4)
        .map(|i| http_spec(&format!("p{i}"), &server.url("/"), "1m", "2s"))
        .collect();
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(specs, tx, cancel.clone());
    // a 1 m interval spreads first polls over MAX_SPREAD (5 s): p0 at once, p1 after 1.25 s, …
    let t0 = Instant::now();
    let first = rx.recv().await.unwrap().into_sample();
    assert_eq!(first.probe, "p0");
    assert!(t0.elapsed() < Duration::from_millis(900));
    // p3 is due at 3.75 s; asking for it now polls it at once
    assert!(handle.poll_now("p3"));
    assert!(!handle.poll_now("nope"));
    let msg = tokio::time::timeout(Duration::from_secs(1), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let ProbeMsg::Sample { sample, lag } = msg;
    assert_eq!(sample.probe, "p3");
    assert_eq!(lag, Duration::ZERO);
    cancel.cancel();
    handle.join().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_stop_when_the_receiver_is_gone() {
    let server = TestServer::start(|_| Resp::new(200, "ok")).await;
    let (tx, rx) = mpsc::channel(1);
    let handle = scheduler::spawn(
        vec![http_spec("p", &server.url("/"), "100ms", "100ms")],
        tx,
        CancellationToken::new(),
    );
    drop(rx);
    tokio::time::timeout(Duration::from_secs(2), handle.join())
        .await
        .expect("the task stops when its send fails");
}
