//! Idle cost of the real cockpit in a real terminal (tmux): frames drawn, bytes written to the
//! terminal, thread wake-ups, CPU and resident memory while nobody touches anything. Run with
//! `cargo bench --bench idle`; needs tmux. Scenarios: no probes, then 4, 50 and 200 http probes
//! polling every second (against a server in this process) on a static checklist. Frames are
//! paced: values wait for the clock's beat. Prints figures and `BENCH` lines for `scripts/bench`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/http.rs"]
mod http;

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(["-S", socket, "-f", "/dev/null"])
        .args(args)
        .output();
    match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout).to_string(),
        Err(e) => {
            eprintln!("tmux: {e} (install the Debian package `tmux`)");
            std::process::exit(1);
        }
    }
}

/// Voluntary + involuntary context switches of every thread of `pid`: each is a wake-up.
fn context_switches(pid: &str) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
        .flat_map(|s| {
            s.lines()
                .filter(|l| l.contains("ctxt_switches"))
                .filter_map(|l| {
                    l.split_whitespace()
                        .last()
                        .and_then(|n| n.parse::<u64>().ok())
                })
                .collect::<Vec<_>>()
        })
        .sum()
}

/// CPU seconds (user + system) the process has used so far.
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // fields after the command's closing parenthesis: utime is the 12th, stime the 13th
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

struct Scenario {
    name: String,
    /// How many probes (the BENCH key says it).
    probes: usize,
    /// Extra arguments to `run` (a config with probes).
    args: String,
}

fn main() {
    let Ok(dir) = tempfile::tempdir() else { return };
    // the probes' target, on its own runtime (its CPU is this process's, not the cockpit's)
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(http::TestServer::start(|_| {
        http::Resp::json(200, r#"{"status":"UP"}"#)
    }));
    let url = server.url("/health");
    let mut scenarios = vec![Scenario {
        name: "no probes".into(),
        probes: 0,
        args: String::new(),
    }];
    for count in [4, 50, 200] {
        let config = dir.path().join(format!("probes{count}.toml"));
        let probes: String = (0..count)
            .map(|i| {
                format!(
                    "[[probe]]\nname = \"p{i}\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"1s\"\ntimeout = \"900ms\"\nok = \"status == 200\"\n\n"
                )
            })
            .collect();
        if std::fs::write(&config, probes).is_err() {
            eprintln!("cannot write the bench's files in {}", dir.path().display());
            return;
        }
        scenarios.push(Scenario {
            name: format!("{count} http probes at 1s"),
            probes: count,
            args: format!("--config {}", config.display()),
        });
    }
    for (i, scenario) in scenarios.iter().enumerate() {
        measure(dir.path(), i, scenario);
    }
    drop(server);
}

fn measure(dir: &std::path::Path, n: usize, scenario: &Scenario) {
    let socket = dir.join(format!("tmux{n}.sock")).display().to_string();
    let log = dir.join(format!("pane{n}.out"));
    let checklist = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seeds/001_14ae320941f2eb32.txt"
    );
    let cmd = format!(
        "{} run {checklist} --session idle{n} --store sqlite://{}/j.db {}",
        env!("CARGO_BIN_EXE_flightdeck"),
        dir.display(),
        scenario.args
    );
    // the pane starts on a shell; the pipe is attached; then the cockpit is launched, so its
    // first frame is timed from the launch
    tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-s",
            "b",
            "-x",
            "160",
            "-y",
            "48",
            "sh",
        ],
    );
    let pipe = format!("cat >> {}", log.display());
    tmux(&socket, &["pipe-pane", "-t", "b", "-o", &pipe]);
    std::thread::sleep(Duration::from_millis(500));
    let launched = Instant::now();
    tmux(
        &socket,
        &["send-keys", "-t", "b", &format!("exec {cmd}"), "Enter"],
    );
    let mut first_frame = None;
    while launched.elapsed() < Duration::from_secs(10) {
        if count_frames(&log) > 0 {
            first_frame = Some(launched.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    match first_frame {
        Some(t) => println!(
            "[{}] process start to first frame (real binary, new SQLite journal, via tmux): {t:?}",
            scenario.name
        ),
        None => println!("[{}] no frame within 10 s", scenario.name),
    }
    std::thread::sleep(Duration::from_secs(3));
    let pid = tmux(
        &socket,
        &["display-message", "-p", "-t", "b", "#{pane_pid}"],
    );
    let pid = pid.trim().to_owned();
    let bytes0 = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    let frames0 = count_frames(&log);
    let ctx0 = context_switches(&pid);
    let cpu0 = cpu_seconds(&pid);
    let start = Instant::now();
    let window = Duration::from_secs(20);
    std::thread::sleep(window);
    let secs = start.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) - bytes0;
    let frames = count_frames(&log) - frames0;
    let ctx = context_switches(&pid) - ctx0;
    let cpu = cpu_seconds(&pid) - cpu0;
    let rss = rss_mib(&pid);
    tmux(&socket, &["kill-server"]);
    println!(
        "[{}] idle over {secs:.1}s at 160x48: {:.2} frames/s, {:.0} bytes/s to the terminal ({:.1} KB/min), {:.1} wake-ups/s (context switches, all threads), CPU {:.2} % of one core, RSS {rss:.1} MiB",
        scenario.name,
        frames as f64 / secs,
        bytes as f64 / secs,
        bytes as f64 * 60.0 / secs / 1024.0,
        ctx as f64 / secs,
        cpu * 100.0 / secs
    );
    let n = scenario.probes;
    println!("BENCH\tidle.p{n}.cpu_pct\t{:.4}", cpu * 100.0 / secs);
    println!("BENCH\tidle.p{n}.rss_mib\t{rss:.2}");
    println!("BENCH\tidle.p{n}.fps\t{:.4}", frames as f64 / secs);
    println!("BENCH\tidle.p{n}.bytes_per_s\t{:.1}", bytes as f64 / secs);
}

/// Resident memory of `pid` in MiB.
fn rss_mib(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Frames are drawn inside synchronized updates: count their openings.
fn count_frames(path: &std::path::Path) -> u64 {
    let data = std::fs::read(path).unwrap_or_default();
    let needle = b"\x1b[?2026h";
    data.windows(needle.len()).filter(|w| w == needle).count() as u64
}
