//! The scheduler, under a paused tokio clock with the fake kind (no wall-clock checks): first
//! polls are spread, one poll is in flight per probe, poll-now requests merge, a timeout becomes
//! UNKNOWN and resets the poller, hung probes do not delay a healthy one, and tasks stop on
//! cancel and when the receiver is gone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake_kind.rs"]
mod fake_kind;

use fake_kind::Log;
use flightdeck::config::{self, ProbeSpec};
use flightdeck::probes::{ProbeMsg, ProbeState, Sample, scheduler};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Fake probes from `(name, interval, timeout, extra keys)`, read by the config loader with a
/// registry that holds the fake kind.
fn specs(probes: &[(&str, &str, &str, &str)]) -> (Vec<ProbeSpec>, Arc<Log>) {
    let (kinds, log) = fake_kind::registry();
    let mut text = String::new();
    for (name, interval, timeout, extra) in probes {
        text.push_str(&format!(
            "[[probe]]\nname = \"{name}\"\nkind = \"fake\"\ninterval = \"{interval}\"\n\
             timeout = \"{timeout}\"\n{extra}\n\n"
        ));
    }
    let config = config::parse_str(Path::new("test.toml"), &text, None, &|_| None, kinds)
        .unwrap_or_else(|e| panic!("{e}"));
    (config.probes, log)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn next(rx: &mut mpsc::Receiver<ProbeMsg>) -> (Arc<Sample>, Duration) {
    let ProbeMsg::Sample { sample, lag } = rx.recv().await.expect("a sample");
    (sample, lag)
}

#[tokio::test(start_paused = true)]
async fn first_polls_start_in_batches_spread_over_the_interval_capped_at_five_seconds() {
    // 32 probes at 1 m: four batches of eight, spread over MAX_SPREAD (5 s): 0, 1.25, 2.5, 3.75 s
    let names: Vec<String> = (0..32).map(|i| format!("p{i}")).collect();
    let rows: Vec<(&str, &str, &str, &str)> =
        names.iter().map(|n| (n.as_str(), "1m", "2s", "")).collect();
    let (slow, log) = specs(&rows);
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let t0 = Instant::now();
    let handle = scheduler::spawn(slow, tx, cancel.clone());
    for _ in 0..32 {
        next(&mut rx).await;
    }
    for (i, name) in names.iter().enumerate() {
        let want = [0, 1250, 2500, 3750][i / scheduler::BATCH as usize];
        assert_eq!(log.starts(name), [t0 + ms(want)], "{name}");
    }
    cancel.cancel();
    handle.join().await;

    // a short interval spreads over the interval itself; a handful of probes poll together
    let names: Vec<String> = (0..16).map(|i| format!("q{i}")).collect();
    let rows: Vec<(&str, &str, &str, &str)> =
        names.iter().map(|n| (n.as_str(), "2s", "1s", "")).collect();
    let (fast, log) = specs(&rows);
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let t0 = Instant::now();
    let handle = scheduler::spawn(fast, tx, cancel.clone());
    for _ in 0..32 {
        next(&mut rx).await;
    }
    assert_eq!(log.starts("q0"), [t0, t0 + ms(2000)]);
    assert_eq!(log.starts("q7"), [t0, t0 + ms(2000)]);
    assert_eq!(log.starts("q8"), [t0 + ms(1000), t0 + ms(3000)]);
    cancel.cancel();
    handle.join().await;
}

#[tokio::test(start_paused = true)]
async fn one_poll_in_flight_and_poll_now_requests_merge() {
    let (specs, log) = specs(&[("p", "1s", "1s", "delay = \"300ms\"")]);
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let t0 = Instant::now();
    let handle = scheduler::spawn(specs, tx, cancel.clone());
    // three requests while the first poll runs: one more poll, at once when it ends
    tokio::time::sleep(ms(100)).await;
    for _ in 0..3 {
        assert!(handle.poll_now("p"));
    }
    assert!(!handle.poll_now("nope"));
    let (first, _) = next(&mut rx).await;
    assert_eq!(first.state, ProbeState::Ok, "{:?}", first.reason);
    let (second, lag) = next(&mut rx).await;
    assert_eq!(second.state, ProbeState::Ok);
    assert_eq!(lag, Duration::ZERO, "a poll asked for is never late");
    // the schedule restarts from the asked-for poll: next at 0.3 s + 1 s
    next(&mut rx).await;
    assert_eq!(log.starts("p"), [t0, t0 + ms(300), t0 + ms(1300)]);
    // polls asked for back to back wait for each other, never overlap
    for _ in 0..5 {
        assert!(handle.poll_now("p"));
        next(&mut rx).await;
    }
    assert_eq!(log.most_in_flight("p"), 1);
    cancel.cancel();
    handle.join().await;
}

#[tokio::test(start_paused = true)]
async fn a_timeout_is_crit_with_the_reason_and_resets_the_poller() {
    let (specs, log) = specs(&[("hung", "2s", "1s", "hang = true")]);
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let t0 = Instant::now();
    let handle = scheduler::spawn(specs, tx, cancel.clone());
    let (sample, _) = next(&mut rx).await;
    assert_eq!(
        Instant::now(),
        t0 + ms(1000),
        "the sample comes at the timeout"
    );
    assert_eq!(sample.state, ProbeState::Crit);
    assert_eq!(sample.reason.as_deref(), Some("timeout after 1s"));
    assert_eq!(sample.latency_ms, None);
    assert_eq!(log.resets("hung"), 1);
    // the next poll keeps to the schedule
    next(&mut rx).await;
    assert_eq!(log.starts("hung"), [t0, t0 + ms(2000)]);
    assert_eq!(log.resets("hung"), 2);
    cancel.cancel();
    handle.join().await;
}

#[tokio::test(start_paused = true)]
async fn ten_hung_probes_do_not_delay_a_healthy_one() {
    let mut probes: Vec<(String, &str, &str, &str)> = (0..10)
        .map(|i| (format!("hung{i}"), "1s", "1s", "hang = true"))
        .collect();
    probes.push(("healthy".into(), "200ms", "200ms", "delay = \"5ms\""));
    let probes: Vec<(&str, &str, &str, &str)> = probes
        .iter()
        .map(|(n, i, t, e)| (n.as_str(), *i, *t, *e))
        .collect();
    let (specs, log) = specs(&probes);
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let t0 = Instant::now();
    let handle = scheduler::spawn(specs, tx, cancel.clone());
    let mut hung = 0;
    while Instant::now() < t0 + ms(3000) {
        let (sample, _) = next(&mut rx).await;
        if sample.probe == "healthy" {
            assert_eq!(sample.state, ProbeState::Ok, "{:?}", sample.reason);
        } else {
            assert_eq!(sample.reason.as_deref(), Some("timeout after 1s"));
            hung += 1;
        }
    }
    // the healthy probe is last of 11: its first poll is 10/11 of 200 ms in, then every 200 ms
    let starts = log.starts("healthy");
    assert!(starts.len() >= 14, "only {} healthy polls", starts.len());
    for pair in starts.windows(2) {
        assert_eq!(
            pair[1] - pair[0],
            ms(200),
            "healthy polls keep their interval"
        );
    }
    assert!(hung >= 10, "{hung}");
    cancel.cancel();
    handle.join().await;
}

#[tokio::test(start_paused = true)]
async fn tasks_stop_on_cancel_even_mid_poll() {
    let (specs, log) = specs(&[("hung", "10s", "10s", "hang = true")]);
    let (tx, _rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(specs, tx, cancel.clone());
    tokio::time::sleep(ms(100)).await;
    assert_eq!(log.starts("hung").len(), 1, "the poll is running");
    cancel.cancel();
    let stopped = Instant::now();
    // under the paused clock, a join that waited on anything would let time run to the timeout
    tokio::time::timeout(ms(1), handle.join())
        .await
        .expect("tasks stop on cancel, mid-poll, without waiting");
    assert_eq!(Instant::now(), stopped);
}

#[tokio::test(start_paused = true)]
async fn tasks_stop_when_the_receiver_is_gone() {
    let (specs, _log) = specs(&[("p", "100ms", "100ms", "")]);
    let (tx, rx) = mpsc::channel(1);
    let handle = scheduler::spawn(specs, tx, CancellationToken::new());
    drop(rx);
    tokio::time::timeout(Duration::from_secs(2), handle.join())
        .await
        .expect("the task stops when its send fails");
}
