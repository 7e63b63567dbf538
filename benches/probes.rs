//! Probe benchmarks (figures printed, nothing asserted):
//!   1. 200 and 1,000 http probes at 1 s against an in-process server for ~20 s: CPU of the probe side as %
//!      of one core, and scheduling delay p50 / p99 (scheduled vs actual poll start);
//!   2. 10 http probes at 5 s for ~20 s: idle CPU;
//!   3. 50 probes with a full hour of history: resident memory;
//!   4. 50 probes' latest samples with large JSON bodies kept by the app (Live panel and marker):
//!      resident memory of the one shared copy, and what a second copy per probe (the marker's
//!      own, before samples were shared through `Arc`) adds on top.
//!
//! CPU comes from /proc (utime + stime); the test server runs on its own named threads, whose CPU
//! is reported apart and not counted as the probes'. `cargo bench --bench probes [-- SECONDS]`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/http.rs"]
mod http;
#[path = "support/proc.rs"]
mod proc;

use flightdeck::app::{App, Msg, SessionMeta, update};
use flightdeck::condition::Value;
use flightdeck::config::{self, ProbeSpec};
use flightdeck::probes::{History, ProbeMsg, Sample, scheduler};
use http::{Resp, TestServer};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const SERVER_THREAD: &str = "bench-server";

fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let ticks = proc::clock_ticks();

    // the target service, on its own runtime and threads
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(SERVER_THREAD)
        .enable_all()
        .build()
        .unwrap();
    let server = server_rt.block_on(TestServer::start(|_| Resp::json(200, r#"{"status":"UP"}"#)));
    let url = server.url("/health");

    // flightdeck's side, shaped like the binary's runtime
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();

    println!("probes benchmark ({seconds} s per scenario, clock ticks {ticks}/s)");
    rt.block_on(load(&url, 200, "1s", seconds, ticks));
    rt.block_on(load(&url, 1000, "1s", seconds, ticks));
    rt.block_on(load(&url, 10, "5s", seconds, ticks));
    rt.block_on(memory(&url, 50));
    drop(server);
    shared_samples(50, 1000);
}

fn specs(url: &str, count: usize, interval: &str) -> Vec<ProbeSpec> {
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!(
            "[[probe]]\nname = \"p{i}\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"{interval}\"\ntimeout = \"1s\"\n\
             ok = 'status == 200 && body.status == \"UP\" && latency < 500ms'\n\n"
        ));
    }
    config::parse_str(
        Path::new("bench.toml"),
        &text,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .probes
}

/// One sparkline ring per probe, as the cockpit keeps them.
fn histories(specs: &[ProbeSpec]) -> HashMap<String, History> {
    specs
        .iter()
        .map(|s| (s.name.clone(), History::new(s.interval)))
        .collect()
}

fn record(histories: &mut HashMap<String, History>, spec: &ProbeSpec, sample: &Sample) {
    if let Some(h) = histories.get_mut(&spec.name) {
        h.record(spec, sample);
    }
}

async fn load(url: &str, count: usize, interval: &str, seconds: u64, ticks: f64) {
    let specs = specs(url, count, interval);
    let mut histories = histories(&specs);
    let by_name: HashMap<String, ProbeSpec> =
        specs.iter().map(|s| (s.name.clone(), s.clone())).collect();
    let (tx, mut rx) = mpsc::channel(1024);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(specs, tx, cancel.clone());

    // let the first polls (spread over the interval) pass before measuring
    let warmup = Duration::from_secs(6);
    let warm_until = Instant::now() + warmup;
    while Instant::now() < warm_until {
        if let Ok(Some(ProbeMsg::Sample { sample, .. })) =
            tokio::time::timeout(warm_until - Instant::now(), rx.recv()).await
        {
            record(&mut histories, &by_name[&sample.probe], &sample);
        }
    }

    let (cpu0, server0) = proc::cpu_ticks(SERVER_THREAD);
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut lags = Vec::new();
    let mut not_ok = 0usize;
    while Instant::now() < until {
        match tokio::time::timeout(until - Instant::now(), rx.recv()).await {
            Ok(Some(ProbeMsg::Sample { sample, lag })) => {
                if sample.state != flightdeck::probes::ProbeState::Ok {
                    not_ok += 1;
                }
                record(&mut histories, &by_name[&sample.probe], &sample);
                lags.push(lag);
            }
            Ok(None) => break,
            Err(_) => {}
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let (cpu1, server1) = proc::cpu_ticks(SERVER_THREAD);
    cancel.cancel();
    handle.join().await;

    let total = (cpu1 - cpu0) / ticks / wall * 100.0;
    let server = (server1 - server0) / ticks / wall * 100.0;
    lags.sort();
    let pct = |p: f64| {
        lags.get(((lags.len() as f64 - 1.0) * p).round() as usize)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{count} http probes at {interval}: {} polls in {wall:.1} s ({not_ok} not OK); \
         CPU probes {:.2} % of one core (process {total:.2} %, test server {server:.2} %); \
         scheduling delay p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lags.len(),
        total - server,
        pct(0.5),
        pct(0.99),
        pct(1.0),
    );
    println!("BENCH\tsched.p{count}.p99_ms\t{:.3}", pct(0.99));
    println!("BENCH\tsched.p{count}.cpu_pct\t{:.3}", total - server);
}

async fn memory(url: &str, count: usize) {
    let rss_before = proc::rss_kib();
    let specs = specs(url, count, "1s");
    let mut histories = histories(&specs);
    let by_name: HashMap<String, ProbeSpec> =
        specs.iter().map(|s| (s.name.clone(), s.clone())).collect();
    let (tx, mut rx) = mpsc::channel(1024);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(specs.clone(), tx, cancel.clone());
    // real samples for a few seconds, then fill the rest of the hour at 1 s per point
    let until = Instant::now() + Duration::from_secs(4);
    let mut last = HashMap::new();
    while Instant::now() < until {
        if let Ok(Some(ProbeMsg::Sample { sample, .. })) =
            tokio::time::timeout(until - Instant::now(), rx.recv()).await
        {
            record(&mut histories, &by_name[&sample.probe], &sample);
            last.insert(sample.probe.clone(), sample);
        }
    }
    let mut points = 0;
    for spec in &specs {
        let Some(sample) = last.get(&spec.name) else {
            continue;
        };
        let mut s = Sample::clone(sample);
        for i in 0..3600 {
            s.at = sample.at - chrono::Duration::seconds(3600 - i);
            record(&mut histories, spec, &s);
        }
        points += histories.get(&spec.name).map_or(0, |h| h.len());
    }
    let rss_after = proc::rss_kib();
    println!(
        "{count} probes at 1 s with a full hour of history ({points} points, {} per probe): \
         RSS {:.1} MiB (process before the probes {:.1} MiB)",
        points / count.max(1),
        rss_after / 1024.0,
        rss_before / 1024.0
    );
    println!("BENCH\trss.p{count}_hour_mib\t{:.2}", rss_after / 1024.0);
    cancel.cancel();
    handle.join().await;
}

/// `count` probes' latest samples, each with a JSON body of `rows` objects (as the http kind
/// parses it), fed through the app's `update` with a marker judging them.
fn shared_samples(count: usize, rows: usize) {
    let specs = specs("http://127.0.0.1:1/", count, "1s");
    let checklist = flightdeck::checklist::toml_format::parse(
        "title = \"t\"\n[[phase]]\nname = \"p\"\n[[phase.item]]\nid = \"a\"\ntext = \"a\"\nauto = \"p0.status == 200 for 5s\"\n",
        Path::new("bench.toml"),
    )
    .unwrap();
    let intervals = specs.iter().map(|s| (s.name.clone(), s.interval)).collect();
    let marker = flightdeck::marking::Marker::new(&checklist, &intervals).unwrap();
    let meta = SessionMeta {
        session: "bench".into(),
        actor: "bench".into(),
        env: None,
        read_only: true,
    };
    let now = chrono::Utc::now();
    let mut app = App::new(checklist, meta, now);
    app.set_probes(&specs);
    app.marker = Some(marker);

    let body_text = format!(
        "[{}]",
        (0..rows)
            .map(|i| format!(r#"{{"id":{i},"name":"item-{i}","status":"UP"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    let rss0 = proc::rss_kib();
    for spec in &specs {
        let body: serde_json::Value = serde_json::from_str(&body_text).unwrap();
        let sample = Sample {
            probe: spec.name.clone(),
            at: now,
            latency_ms: Some(1.0),
            outputs: [
                ("status".to_string(), Value::Number(200.0)),
                ("body".to_string(), Value::Json(body)),
            ]
            .into_iter()
            .collect(),
            state: flightdeck::probes::ProbeState::Ok,
            reason: None,
        };
        update(&mut app, Msg::Probe(sample.into()));
    }
    let rss1 = proc::rss_kib();
    // what the marker used to keep besides the panel's: a deep copy of every latest sample
    let copies: Vec<Sample> = app
        .probes
        .iter()
        .filter_map(|p| p.latest.as_deref().cloned())
        .collect();
    let rss2 = proc::rss_kib();
    println!(
        "{count} probes' latest samples with {} KiB JSON bodies kept by the app (panel and \
         marker share each): RSS +{:.1} MiB; a second copy per probe (the marker's own, as before \
         samples were shared) would add +{:.1} MiB",
        body_text.len() / 1024,
        (rss1 - rss0) / 1024.0,
        (rss2 - rss1) / 1024.0,
    );
    drop(copies);
}
