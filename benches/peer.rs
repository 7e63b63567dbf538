//! flightdeck against the peer teams run today, in the same run on the same targets: four tmux
//! panes of `watch -n1` over `curl` (health), `psql -c` (queue depth), `redis-cli ping` and `curl`
//! of a Prometheus query, beside flightdeck polling the same four every second in a tmux window of
//! the same size. Real PostgreSQL, Redis and Prometheus, and an HTTP service on loopback.
//!
//! Measured: CPU seconds of each side's processes, children included (from /proc: utime, stime,
//! cutime, cstime over each pane's process tree); bytes written to the terminal (tmux
//! `pipe-pane`); time from a fault injected into the HTTP service (`/health` turns 503) to its
//! appearance on each screen (`capture-pane` every few ms). Prints figures and `BENCH` lines for
//! `scripts/bench`. `cargo bench --bench peer [-- SECONDS]` (default 30 s of steady state).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/postgres.rs"]
mod postgres;
#[path = "../tests/support/prometheus.rs"]
mod prometheus;
#[path = "../tests/support/redis.rs"]
mod redis;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const WIDTH: &str = "160";
const HEIGHT: &str = "48";
const FAULTS: usize = 7;

/// The HTTP service both sides watch: `/health` (200 UP, or 503 DOWN while `failing`) and
/// `/metrics` for Prometheus to scrape.
fn serve(failing: Arc<AtomicBool>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::Builder::new()
        .name("bench-target".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let failing = failing.clone();
                std::thread::spawn(move || answer(stream, &failing));
            }
        })
        .unwrap();
    addr
}

fn answer(mut stream: std::net::TcpStream, failing: &AtomicBool) {
    let mut buf = [0u8; 2048];
    let mut used = 0;
    while used < buf.len() {
        match stream.read(&mut buf[used..]) {
            Ok(0) | Err(_) => return,
            Ok(n) => used += n,
        }
        if buf[..used].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf[..used]);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = match path {
        "/health" if failing.load(Ordering::Relaxed) => ("503 Service Unavailable", "DOWN\n"),
        "/health" => ("200 OK", "UP\n"),
        "/metrics" => ("200 OK", "# TYPE app_up gauge\napp_up 1\n"),
        _ => ("404 Not Found", "not found\n"),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-S", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("tmux: {e} (install the Debian package `tmux`)"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn capture(&self, target: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", target])
    }

    fn pane_pids(&self, session: &str) -> Vec<u32> {
        self.run(&["list-panes", "-s", "-t", session, "-F", "#{pane_pid}"])
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    fn server_pid(&self) -> Option<u32> {
        self.run(&["display-message", "-p", "#{pid}"])
            .trim()
            .parse()
            .ok()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// (pid, parent pid, CPU ticks: utime + stime + cutime + cstime) of every process.
fn processes() -> Vec<(u32, u32, f64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        out.push((pid, num(1) as u32, num(11) + num(12) + num(13) + num(14)));
    }
    out
}

/// CPU seconds of `roots` and every live descendant; the children they waited for are in their
/// cutime / cstime, so each tick is counted once.
fn tree_cpu(roots: &[u32], ticks: f64) -> f64 {
    let all = processes();
    let mut inside: Vec<u32> = roots.to_vec();
    let mut total = 0.0;
    let mut i = 0;
    while i < inside.len() {
        let pid = inside[i];
        for (p, parent, cpu) in &all {
            if *p == pid {
                total += cpu;
            }
            if *parent == pid && !inside.contains(p) {
                inside.push(*p);
            }
        }
        i += 1;
    }
    total / ticks
}

fn file_len(paths: &[PathBuf]) -> u64 {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    let ticks = clock_ticks();
    let dir = tempfile::tempdir().unwrap();
    let failing = Arc::new(AtomicBool::new(false));
    let target = serve(failing.clone());
    let pg = postgres::PgServer::start();
    let db = pg.create_db("bench");
    pg.psql(
        "bench",
        "CREATE TABLE jobs (id serial PRIMARY KEY); INSERT INTO jobs SELECT FROM generate_series(1, 42)",
    );
    let redis = redis::RedisServer::start();
    let prom = prometheus::PromServer::start(&[target]);
    // Prometheus answers the query once it has scraped the target
    let query = "/api/v1/query?query=app_up";
    let deadline = Instant::now() + Duration::from_secs(30);
    while !prom.get(query).1.contains("\"1\"") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }

    // the peer: four panes of watch -n1, one per target
    let health = format!("http://{target}/health");
    let peer_cmds = [
        format!("watch -n1 \"curl -s -m 2 -o /dev/null -w '%{{http_code}}\\n' {health}\""),
        format!(
            "watch -n1 \"psql -h 127.0.0.1 -p {} -U postgres -d bench -X -A -t -c 'SELECT count(*) FROM jobs'\"",
            pg.port
        ),
        format!("watch -n1 \"redis-cli -p {} ping\"", redis.port),
        format!("watch -n1 \"curl -s '{}{query}'\"", prom.url()),
    ];
    let peer = Tmux {
        socket: dir.path().join("peer.sock").display().to_string(),
    };
    peer.run(&[
        "new-session",
        "-d",
        "-s",
        "peer",
        "-x",
        WIDTH,
        "-y",
        HEIGHT,
        &peer_cmds[0],
    ]);
    for cmd in &peer_cmds[1..] {
        peer.run(&["split-window", "-t", "peer", cmd]);
        peer.run(&["select-layout", "-t", "peer", "tiled"]);
    }
    let peer_logs: Vec<PathBuf> = (0..4)
        .map(|i| dir.path().join(format!("peer{i}.out")))
        .collect();
    for (i, log) in peer_logs.iter().enumerate() {
        peer.run(&[
            "pipe-pane",
            "-t",
            &format!("peer:0.{i}"),
            "-o",
            &format!("cat >> {}", log.display()),
        ]);
    }

    // flightdeck: the same four, every second, in a window of the same size
    let config = dir.path().join("bench.toml");
    std::fs::write(
        &config,
        format!(
            "[[probe]]\nname = \"health\"\nkind = \"http\"\nurl = \"{health}\"\ninterval = \"1s\"\ntimeout = \"900ms\"\nok = \"status == 200\"\n\n\
             [[probe]]\nname = \"queue\"\nkind = \"sql\"\nurl = \"{db}\"\nquery = \"SELECT count(*) FROM jobs\"\ninterval = \"1s\"\ntimeout = \"900ms\"\n\n\
             [[probe]]\nname = \"redis\"\nkind = \"redis\"\nurl = \"{}\"\ninterval = \"1s\"\ntimeout = \"900ms\"\n\n\
             [[probe]]\nname = \"up\"\nkind = \"prometheus\"\nurl = \"{}\"\nquery = \"app_up\"\ninterval = \"1s\"\ntimeout = \"900ms\"\n",
            redis.url(),
            prom.url()
        ),
    )
    .unwrap();
    let checklist = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seeds/001_14ae320941f2eb32.txt"
    );
    let fd = Tmux {
        socket: dir.path().join("fd.sock").display().to_string(),
    };
    fd.run(&[
        "new-session",
        "-d",
        "-s",
        "fd",
        "-x",
        WIDTH,
        "-y",
        HEIGHT,
        "sh",
    ]);
    let fd_log = vec![dir.path().join("fd.out")];
    fd.run(&[
        "pipe-pane",
        "-t",
        "fd",
        "-o",
        &format!("cat >> {}", fd_log[0].display()),
    ]);
    // the journal in a directory of its own, as in real use: the panes' logs written beside it
    // would wake its file watcher with every byte either side draws
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let run = format!(
        "exec {} run {checklist} --config {} --session peer --store sqlite://{}/journal.db",
        env!("CARGO_BIN_EXE_flightdeck"),
        config.display(),
        state.display()
    );
    fd.run(&["send-keys", "-t", "fd", &run, "Enter"]);

    // steady state: both warmed up, then the same window for both
    std::thread::sleep(Duration::from_secs(6));
    let peer_pids = peer.pane_pids("peer");
    let fd_pids = fd.pane_pids("fd");
    let servers = [peer.server_pid(), fd.server_pid()];
    let cpu0 = (tree_cpu(&peer_pids, ticks), tree_cpu(&fd_pids, ticks));
    let srv0: Vec<f64> = servers
        .iter()
        .map(|p| p.map_or(0.0, |p| tree_cpu(&[p], ticks) - tree_cpu_children(p, ticks)))
        .collect();
    let bytes0 = (file_len(&peer_logs), file_len(&fd_log));
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    let wall = start.elapsed().as_secs_f64();
    let cpu = (
        tree_cpu(&peer_pids, ticks) - cpu0.0,
        tree_cpu(&fd_pids, ticks) - cpu0.1,
    );
    let srv: Vec<f64> = servers
        .iter()
        .zip(&srv0)
        .map(|(p, s0)| p.map_or(0.0, |p| tree_cpu(&[p], ticks) - tree_cpu_children(p, ticks)) - s0)
        .collect();
    let bytes = (
        file_len(&peer_logs) - bytes0.0,
        file_len(&fd_log) - bytes0.1,
    );

    // fault to screen: /health turns 503; how long until each screen shows it
    let mut lat_peer = Vec::new();
    let mut lat_fd = Vec::new();
    let fd_shows = |code: &str| {
        fd.capture("fd")
            .lines()
            .any(|l| l.contains(" health ") && l.contains(code))
    };
    let peer_shows = |code: &str| peer.capture("peer:0.0").contains(code);
    let mut seed = u64::from(std::process::id());
    for _ in 0..FAULTS {
        // a random phase against both sides' one-second polls
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_millis(500 + (seed >> 33) % 1000));
        failing.store(true, Ordering::Relaxed);
        let t0 = Instant::now();
        let (mut p, mut f) = (None, None);
        while (p.is_none() || f.is_none()) && t0.elapsed() < Duration::from_secs(10) {
            if p.is_none() && peer_shows("503") {
                p = Some(t0.elapsed());
            }
            if f.is_none() && fd_shows("503") {
                f = Some(t0.elapsed());
            }
        }
        lat_peer.push(p.unwrap_or(Duration::from_secs(10)));
        lat_fd.push(f.unwrap_or(Duration::from_secs(10)));
        failing.store(false, Ordering::Relaxed);
        let t1 = Instant::now();
        while !(peer_shows("200") && fd_shows("200")) && t1.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    lat_peer.sort();
    lat_fd.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = |v: &[Duration]| ms(v[v.len() / 2]);
    let max = |v: &[Duration]| ms(v[v.len() - 1]);

    println!(
        "peer (4 panes of watch -n1: curl, psql, redis-cli, curl of Prometheus) vs flightdeck (the same 4 probes at 1 s), {WIDTH}x{HEIGHT}, {wall:.1} s:"
    );
    println!(
        "  CPU, children included: peer {:.3} s ({:.2} % of a core), flightdeck {:.3} s ({:.2} %): ratio {:.3}",
        cpu.0,
        cpu.0 * 100.0 / wall,
        cpu.1,
        cpu.1 * 100.0 / wall,
        cpu.1 / cpu.0
    );
    println!(
        "  their tmux servers (not in the ratio): peer's {:.3} s, flightdeck's {:.3} s",
        srv[0], srv[1]
    );
    println!(
        "  bytes to the terminal: peer {} ({:.0}/s), flightdeck {} ({:.0}/s): ratio {:.2}",
        bytes.0,
        bytes.0 as f64 / wall,
        bytes.1,
        bytes.1 as f64 / wall,
        bytes.1 as f64 / bytes.0 as f64
    );
    println!(
        "  fault (/health 503) to screen over {FAULTS} faults: peer median {:.0} ms max {:.0} ms, flightdeck median {:.0} ms max {:.0} ms",
        median(&lat_peer),
        max(&lat_peer),
        median(&lat_fd),
        max(&lat_fd)
    );
    let bench = |k: &str, v: f64| println!("BENCH\t{k}\t{v:.4}");
    bench("peer.window_s", wall);
    bench("peer.cpu_s", cpu.0);
    bench("fd.cpu_s", cpu.1);
    bench("cpu.ratio", cpu.1 / cpu.0);
    bench("peer.tmux_cpu_s", srv[0]);
    bench("fd.tmux_cpu_s", srv[1]);
    bench("peer.bytes_per_s", bytes.0 as f64 / wall);
    bench("fd.bytes_per_s", bytes.1 as f64 / wall);
    bench("bytes.ratio", bytes.1 as f64 / bytes.0 as f64);
    bench("peer.fault_median_ms", median(&lat_peer));
    bench("peer.fault_max_ms", max(&lat_peer));
    bench("fd.fault_median_ms", median(&lat_fd));
    bench("fd.fault_max_ms", max(&lat_fd));
    bench("fault.ratio", median(&lat_fd) / median(&lat_peer));
}

/// CPU seconds of `pid`'s live children trees (a tmux server's panes), so the server's own is
/// `tree_cpu([pid]) - tree_cpu_children(pid)`.
fn tree_cpu_children(pid: u32, ticks: f64) -> f64 {
    let children: Vec<u32> = processes()
        .into_iter()
        .filter(|(_, parent, _)| *parent == pid)
        .map(|(p, _, _)| p)
        .collect();
    tree_cpu(&children, ticks)
}
