//! Idle cost of the real cockpit in a real terminal (tmux): frames drawn, bytes written to the
//! terminal and thread wake-ups per second while nobody touches anything. Run with
//! `cargo bench --bench idle`; needs tmux. Two scenarios: no probes, and four real SQL probes
//! polling every second on a static checklist (frames are paced: values wait for the clock's beat).

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
    name: &'static str,
    /// Extra arguments to `run` (a config with probes).
    args: String,
}

fn main() {
    let Ok(dir) = tempfile::tempdir() else { return };
    // four real probes polling every second: SQL queries against a SQLite file
    let db = dir.path().join("target.db");
    let config = dir.path().join("probes.toml");
    let probes: String = ["api", "queue", "cache", "errors"]
        .iter()
        .map(|name| {
            format!(
                "[[probe]]\nname = \"{name}\"\nkind = \"sql\"\nurl = \"sqlite://{}\"\nquery = \"SELECT abs(random() % 100)\"\ninterval = \"1s\"\ntimeout = \"500ms\"\n\n",
                db.display()
            )
        })
        .collect();
    if std::fs::write(&config, probes).is_err() || std::fs::write(&db, b"").is_err() {
        eprintln!("cannot write the bench's files in {}", dir.path().display());
        return;
    }
    let scenarios = [
        Scenario {
            name: "no probes",
            args: String::new(),
        },
        Scenario {
            name: "4 sql probes at 1s",
            args: format!("--config {}", config.display()),
        },
    ];
    for (i, scenario) in scenarios.iter().enumerate() {
        measure(dir.path(), i, scenario);
    }
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
    tmux(&socket, &["kill-server"]);
    println!(
        "[{}] idle over {secs:.1}s at 160x48: {:.2} frames/s, {:.0} bytes/s to the terminal ({:.1} KB/min), {:.1} wake-ups/s (context switches, all threads), CPU {:.2} % of one core",
        scenario.name,
        frames as f64 / secs,
        bytes as f64 / secs,
        bytes as f64 * 60.0 / secs / 1024.0,
        ctx as f64 / secs,
        cpu * 100.0 / secs
    );
}

/// Frames are drawn inside synchronized updates: count their openings.
fn count_frames(path: &std::path::Path) -> u64 {
    let data = std::fs::read(path).unwrap_or_default();
    let needle = b"\x1b[?2026h";
    data.windows(needle.len()).filter(|w| w == needle).count() as u64
}
