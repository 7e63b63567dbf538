//! Pair-watching figures: commit-to-frame in another process (one process appends, a real
//! watching cockpit in a child process draws the frame that shows it; p50/p95/max, SQLite and
//! PostgreSQL), a watcher's idle CPU (the real binary in tmux, a driver beside it), and how long
//! the spool takes to drain after a 30 s PostgreSQL outage with 1,000 events waiting.
//!
//! `cargo bench --bench pair` (add `-- --no-pg` to skip PostgreSQL, `-- --quick` for a shorter
//! idle window). The child is this same binary, started with `PAIR_BENCH_CHILD` set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/postgres.rs"]
mod postgres;
#[path = "../tests/support/store_fixture.rs"]
mod store_fixture;

use flightdeck::app::App;
use flightdeck::checklist::Checklist;
use flightdeck::cockpit::{self, Launch, Wired};
use flightdeck::journal::{EventBody, NewEvent};
use flightdeck::runtime::{self, HeadlessScreen, JournalCmd, JournalSetup};
use flightdeck::store::{Spool, Store};
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COMMITS: usize = 200;

fn checklist() -> Checklist {
    store_fixture::items(20)
}

fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// The child's screen: each frame, every `bench-N` note newly shown is reported with the time
/// of the frame that shows it.
fn reporting(already: usize) -> HeadlessScreen {
    let mut seen = already;
    HeadlessScreen::new(120, 40).observed(Box::new(move |app: &App, _: &HeadlessScreen| {
        let at = now_micros();
        let notes = &app.session.notes;
        let mut out = std::io::stdout().lock();
        for note in notes.iter().skip(seen) {
            if let Some(n) = note.text.strip_prefix("bench-") {
                let _ = writeln!(out, "{n} {at}");
            }
        }
        let _ = out.flush();
        seen = notes.len();
    }))
}

fn tokio_runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap()
}

/// The watching cockpit, in the child process: the real wiring on a headless screen.
fn child(url: &str) {
    tokio_runtime(2).block_on(async {
        let store = Store::open_existing(url).await.unwrap();
        let checklist = store.checklist("bench").await.unwrap();
        let Wired {
            mut app,
            wiring,
            closing,
        } = cockpit::wire(Launch {
            checklist,
            checklist_path: None,
            probes: Vec::new(),
            store,
            session: "bench".into(),
            actor: "watcher".into(),
            env: None,
            read_only: true,
            ascii: false,
            color: true,
            light: false,
            bell: false,
            demo: None,
        })
        .await
        .unwrap();
        flightdeck::app::update(&mut app, flightdeck::app::Msg::Resize(120, 40));
        let mut screen = reporting(app.session.notes.len());
        println!("ready");
        let input = futures_util::stream::pending();
        runtime::run(&mut app, &mut screen, input, wiring).await;
        closing.close(&app).await;
    });
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * (sorted.len().saturating_sub(1)) as f64).round() as usize;
    sorted.get(rank).copied().unwrap_or(0.0)
}

/// Appends `COMMITS` notes, one every 50–100 ms, and times each to the child's frame.
fn commit_to_frame(label: &str, url: &str, dir: &std::path::Path) {
    let rt = tokio_runtime(1);
    let store = rt.block_on(async {
        let store = Store::open(url).await.unwrap();
        store
            .open_session("bench", &checklist(), None, "bench")
            .await
            .unwrap();
        store
    });
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("PAIR_BENCH_CHILD", url)
        .env("FLIGHTDECK_SPOOL", dir.join(format!("{label}-spool.db")))
        .env("XDG_STATE_HOME", dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    let (tx, rx) = std::sync::mpsc::channel::<(usize, i64)>();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut parts = line.split_whitespace();
            if let (Some(n), Some(at)) = (parts.next(), parts.next())
                && let (Ok(n), Ok(at)) = (n.parse(), at.parse())
                && tx.send((n, at)).is_err()
            {
                return;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    let mut lags = Vec::with_capacity(COMMITS);
    for n in 0..COMMITS {
        let committed = rt.block_on(async {
            store
                .append(
                    "bench",
                    NewEvent::new("driver", EventBody::note(format!("bench-{n}"))),
                )
                .await
                .unwrap();
            now_micros()
        });
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok((seen, at)) if seen == n => lags.push((at - committed) as f64 / 1000.0),
            other => panic!("note {n}: the watcher showed {other:?}"),
        }
        std::thread::sleep(Duration::from_millis(50 + (n as u64 * 7) % 50));
    }
    let _ = child.kill();
    let _ = child.wait();
    lags.sort_by(f64::total_cmp);
    println!(
        "{label:<10} commit → frame in another process  n={}  p50 {:.1} ms  p95 {:.1} ms  max {:.1} ms",
        lags.len(),
        percentile(&lags, 50.0),
        percentile(&lags, 95.0),
        lags.last().copied().unwrap_or(0.0)
    );
}

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-S", socket, "-f", "/dev/null"])
        .args(args)
        .output()
        .expect("tmux (install the Debian package `tmux`)");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// CPU seconds (user + system) the process has used so far.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<f64>().ok()))
        .sum::<f64>()
        / 100.0
}

/// The real binary: a driver and a watcher in tmux on one SQLite journal; the watcher's CPU.
fn watcher_idle(dir: &std::path::Path, window: Duration) {
    let checklist = dir.join("c.md");
    std::fs::write(&checklist, "# W\n## S\n- [ ] a\n- [ ] b\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_flightdeck");
    let store = format!("sqlite://{}/idle.db", dir.display());
    let socket = dir.join("idle.sock").display().to_string();
    let start = |name: &str, args: &str| {
        let cmd = format!(
            "XDG_STATE_HOME={}/{name} exec {bin} {args} --session idle --store {store} --as {name}",
            dir.display()
        );
        tmux(
            &socket,
            &[
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "160",
                "-y",
                "48",
                &cmd,
            ],
        );
    };
    start("driver", &format!("run {}", checklist.display()));
    std::thread::sleep(Duration::from_secs(2));
    start("watcher", "watch");
    std::thread::sleep(Duration::from_secs(3));
    let pid = tmux(
        &socket,
        &["display-message", "-p", "-t", "watcher", "#{pane_pid}"],
    );
    let pid = pid.trim().to_owned();
    let cpu0 = cpu_seconds(&pid);
    let t = Instant::now();
    std::thread::sleep(window);
    let cpu = cpu_seconds(&pid) - cpu0;
    let secs = t.elapsed().as_secs_f64();
    tmux(&socket, &["kill-server"]);
    println!(
        "watcher idle (real binary, a driver beside it, SQLite) over {secs:.0} s: CPU {:.2} % of one core",
        cpu * 100.0 / secs
    );
}

/// PostgreSQL stopped; 1,000 events spooled; 30 s later it starts again: time to empty.
fn spool_drain(dir: &std::path::Path) {
    let pg = postgres::PgServer::start();
    let url = pg.create_db("drain");
    tokio_runtime(2).block_on(async {
        let store = Store::open(&url).await.unwrap();
        store
            .open_session("s", &checklist(), None, "bench")
            .await
            .unwrap();
        let spool = Spool::open(&dir.join("drain-spool.db"), &store, "s")
            .await
            .unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(8192);
        tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let journal = runtime::spawn_journal(
            JournalSetup {
                store: store.clone(),
                session: "s".into(),
                last_seq: 0,
                spool: Some(spool.clone()),
                key_prefix: "drain".into(),
            },
            tx,
        );
        pg.stop();
        let stopped = Instant::now();
        for i in 0..1000 {
            let ev = NewEvent::on_item("bench", "i1", Some("Item 1"), EventBody::note(format!("n{i}")));
            journal.send(JournalCmd::Append(Box::new(ev))).unwrap();
        }
        while spool.waiting().await.unwrap().len() < 1000 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!("1,000 events spooled (fsynced) during the outage in {:?}", stopped.elapsed());
        tokio::time::sleep(Duration::from_secs(30).saturating_sub(stopped.elapsed())).await;
        pg.start_again();
        let restarted = Instant::now();
        loop {
            if spool.waiting().await.unwrap().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let drained = restarted.elapsed();
        let landed = store.events_after("s", 0).await.unwrap().len();
        println!(
            "spool drain after a 30 s PostgreSQL outage: 1,000 events delivered in {drained:?} after the restart ({landed} events in the journal)"
        );
    });
}

fn main() {
    if let Ok(url) = std::env::var("PAIR_BENCH_CHILD") {
        child(&url);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let skip_pg = args.iter().any(|a| a == "--no-pg");
    let quick = args.iter().any(|a| a == "--quick");
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}/bench.db", dir.path().display());
    commit_to_frame("sqlite", &sqlite, dir.path());
    if !skip_pg {
        let pg = postgres::PgServer::start();
        commit_to_frame("postgres", &pg.create_db("bench"), dir.path());
    }
    watcher_idle(dir.path(), Duration::from_secs(if quick { 10 } else { 30 }));
    if !skip_pg {
        spool_drain(dir.path());
    }
}
