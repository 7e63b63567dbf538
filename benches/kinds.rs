//! Benchmarks of the command and log kinds (figures printed, nothing asserted):
//!   1. 200 `command` probes running `true` every 5 s: flightdeck's CPU as % of one core (the
//!      `true` processes' own CPU reported apart), and scheduling delay p50 / p99;
//!   2. 50 `log` probes at 1 s on files each receiving 1,000 lines a second: flightdeck's CPU
//!      as % of one core (the writer thread's CPU reported apart), and the lines counted.
//!
//! `cargo bench --bench kinds [-- SECONDS]` (default 30 s per scenario).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/proc.rs"]
mod proc;

use flightdeck::config::{self, ProbeSpec};
use flightdeck::probes::{ProbeMsg, ProbeState, scheduler};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const WRITER_THREAD: &str = "bench-writer";

fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    let ticks = proc::clock_ticks();
    // flightdeck's side, shaped like the binary's runtime
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("kinds benchmark ({seconds} s per scenario, clock ticks {ticks}/s)");
    rt.block_on(commands(200, seconds, ticks));
    rt.block_on(logs(50, 1000, seconds, ticks));
}

fn parse(text: &str) -> Vec<ProbeSpec> {
    config::parse_str(
        Path::new("bench.toml"),
        text,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .probes
}

/// Runs the probes for `seconds` after a warm-up: (samples, not OK, lags, wall seconds, CPU
/// ticks of the process, ticks of the writer threads, ticks of reaped children).
async fn run(specs: Vec<ProbeSpec>, warmup: Duration, seconds: u64) -> Measured {
    let (tx, mut rx) = mpsc::channel(1024);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(specs, tx, cancel.clone());
    let warm_until = Instant::now() + warmup;
    while Instant::now() < warm_until {
        let _ = tokio::time::timeout(warm_until - Instant::now(), rx.recv()).await;
    }
    let (cpu0, named0) = proc::cpu_ticks(WRITER_THREAD);
    let children0 = proc::children_ticks();
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut m = Measured::default();
    while Instant::now() < until {
        match tokio::time::timeout(until - Instant::now(), rx.recv()).await {
            Ok(Some(ProbeMsg::Sample { sample, lag })) => {
                if sample.state != ProbeState::Ok {
                    m.not_ok += 1;
                    m.reason = sample.reason.clone();
                }
                if let Some(total) = sample.output("total").and_then(|v| v.as_f64()) {
                    m.totals.insert(sample.probe.clone(), total);
                }
                m.lags.push(lag);
            }
            Ok(None) => break,
            Err(_) => {}
        }
    }
    m.wall = started.elapsed().as_secs_f64();
    let (cpu1, named1) = proc::cpu_ticks(WRITER_THREAD);
    m.cpu = cpu1 - cpu0;
    m.writer = named1 - named0;
    m.children = proc::children_ticks() - children0;
    cancel.cancel();
    handle.join().await;
    m.lags.sort();
    m
}

#[derive(Default)]
struct Measured {
    lags: Vec<Duration>,
    not_ok: usize,
    reason: Option<String>,
    /// The last `total` of each log probe: matching lines counted since it started.
    totals: std::collections::HashMap<String, f64>,
    wall: f64,
    cpu: f64,
    writer: f64,
    children: f64,
}

async fn commands(count: usize, seconds: u64, ticks: f64) {
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!(
            "[[probe]]\nname = \"c{i}\"\nkind = \"command\"\nargv = [\"true\"]\ninterval = \"5s\"\ntimeout = \"2s\"\n\n"
        ));
    }
    let m = run(parse(&text), Duration::from_secs(6), seconds).await;
    let pct = |t: f64| t / ticks / m.wall * 100.0;
    println!(
        "{count} command probes (`true`) at 5s: {} runs in {:.1} s ({} not OK{}); CPU flightdeck \
         {:.2} % of one core, the `true` children {:.2} %; scheduling delay p50 {:.2} ms, \
         p99 {:.2} ms, max {:.2} ms",
        m.lags.len(),
        m.wall,
        m.not_ok,
        m.reason.map(|r| format!(": {r}")).unwrap_or_default(),
        pct(m.cpu),
        pct(m.children),
        proc::percentile_ms(&m.lags, 0.5),
        proc::percentile_ms(&m.lags, 0.99),
        proc::percentile_ms(&m.lags, 1.0),
    );
}

async fn logs(count: usize, lines_per_second: u64, seconds: u64, ticks: f64) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = (0..count)
        .map(|i| dir.path().join(format!("app-{i}.log")))
        .collect();
    for p in &paths {
        std::fs::write(p, "").unwrap();
    }
    // one writer thread: every 100 ms a tenth of a second's lines to every file, one in
    // twenty an ERROR
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, written, paths) = (stop.clone(), written.clone(), paths.clone());
        std::thread::Builder::new()
            .name(WRITER_THREAD.into())
            .spawn(move || {
                let mut files: Vec<_> = paths
                    .iter()
                    .map(|p| std::fs::OpenOptions::new().append(true).open(p).unwrap())
                    .collect();
                let per_tick = lines_per_second / 10;
                let mut n = 0u64;
                let mut next = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    for f in &mut files {
                        let mut chunk = String::new();
                        for _ in 0..per_tick {
                            n += 1;
                            let level = if n.is_multiple_of(20) { "ERROR" } else { "INFO" };
                            chunk.push_str(&format!(
                                "2026-12-01T01:00:00Z {level} req={n} path=/api/v4/items took=12ms\n"
                            ));
                        }
                        f.write_all(chunk.as_bytes()).unwrap();
                    }
                    written.fetch_add(per_tick * files.len() as u64, Ordering::Relaxed);
                    next += Duration::from_millis(100);
                    std::thread::sleep(next.saturating_duration_since(Instant::now()));
                }
            })
            .unwrap()
    };
    let mut text = String::new();
    for (i, p) in paths.iter().enumerate() {
        text.push_str(&format!(
            "[[probe]]\nname = \"l{i}\"\nkind = \"log\"\npath = \"{}\"\nmatch = \"ERROR|FATAL\"\n\
             interval = \"1s\"\nwindow = \"1m\"\n\n",
            p.display()
        ));
    }
    let m = run(parse(&text), Duration::from_secs(3), seconds).await;
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let lines = written.load(Ordering::Relaxed);
    let counted: f64 = m.totals.values().sum();
    let pct = |t: f64| t / ticks / m.wall * 100.0;
    println!(
        "{count} log probes at 1s, {lines_per_second} lines/s each ({lines} lines written, \
         {counted} ERROR lines counted of about {}): {} polls ({} not OK{}); CPU flightdeck {:.2} % \
         of one core (process {:.2} %, writer {:.2} %); scheduling delay p99 {:.2} ms",
        lines / 20,
        m.lags.len(),
        m.not_ok,
        m.reason.map(|r| format!(": {r}")).unwrap_or_default(),
        pct(m.cpu - m.writer),
        pct(m.cpu),
        pct(m.writer),
        proc::percentile_ms(&m.lags, 0.99),
    );
}
