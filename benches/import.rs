//! Markdown import at scale: a generated 5 MB checklist (~70,000 boxes, with headings, groups,
//! fields, code blocks, quotes and tables) loaded by `checklist::load`, timed, with the peak
//! memory of a child process that does nothing else. `cargo bench --bench import`.
//!
//! Targets (issue 11): under 0.5 s and under 100 MB.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const SIZE: usize = 5 * 1024 * 1024;
const RUNS: usize = 5;

/// A realistic section, repeated with varying words until the file reaches `SIZE`.
fn generate() -> (String, usize) {
    let mut out = String::with_capacity(SIZE + 4096);
    out.push_str(
        "---\ntitle: Generated runbook\nversion: 1.0\nowner: ops\n---\n\n# Generated runbook\n\n",
    );
    let mut boxes = 0;
    let mut n = 0usize;
    while out.len() < SIZE {
        n += 1;
        let _ = write!(
            out,
            "## Phase {n}: Deploy service {n} (30-60 minutes)\n\n\
             Run this phase with the on-call lead on the bridge. Keep the status page updated and\n\
             post every step in the channel as it happens, with the time and who did it.\n\n\
             ### Preparation\n\
             - [ ] Verify the nightly backup of the primary database cluster in us-east-{n}\n\
             - [ ] Verify the nightly backup of the primary database cluster in eu-west-{n}\n\
             - [x] Announce the window in #ops-{n}\n\
             - [ ] Backup size: `_____ GB` (target: > 1)\n\
             \x20 - [ ] Checksum recorded: ____ at ____\n\
             \x20 - [ ] Restore tested on staging {n}\n\
             - [ ] Run the migration\n\
             \x20 ```bash\n\
             \x20 psql $DATABASE_URL -f migrations/{n}.sql\n\
             \x20 ```\n\
             > **WARNING:** point of no return for service {n}.\n\
             - [ ] Switch traffic: `GO / NO-GO`\n\n\
             **If issues found:**\n\
             - [ ] Roll back service {n}\n\
             - [ ] Notify the team\n\n\
             ### Verification\n\
             | Metric | Target | Actual |\n\
             |---|---|---|\n\
             | Error rate | < 1% | |\n\n\
             - [ ] Error rate below 1% *for 10 minutes*\n\
             - [ ] P95 latency: ___ ms (baseline: ___)\n\
             - [ ] Health check `CPU/RAM` usage normal\n\
             - [ ] Smoke tests pass: `PASS / FAIL`\n\
             - [ ] Dashboard link: [Grafana](https://grafana.example/d/{n})\n\n"
        );
        boxes += 15;
    }
    (out, boxes)
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of this process so far, in seconds (clock ticks of 1/100 s): on a
/// shared, busy machine it says what the import costs better than the wall clock does.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    fields.iter().sum::<u64>() as f64 / 100.0
}

/// In the child: load the file once, print items, seconds, CPU seconds and peak memory.
fn child(path: &Path) {
    let cpu = cpu_seconds();
    let start = Instant::now();
    let checklist = flightdeck::checklist::load(path).expect("the generated file imports");
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    println!("{} {seconds} {cpu} {}", checklist.item_count(), peak_kib());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        child(Path::new(&args[pos + 1]));
        return;
    }
    let (text, boxes) = generate();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.md");
    std::fs::write(&path, &text).expect("write");
    println!(
        "import: {:.1} MB, {boxes} boxes, {RUNS} runs, each in a fresh process",
        text.len() as f64 / (1024.0 * 1024.0)
    );
    let exe = std::env::current_exe().expect("own path");
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..RUNS {
        let out = Command::new(&exe)
            .arg("--child")
            .arg(&path)
            .output()
            .expect("run child");
        let line = String::from_utf8_lossy(&out.stdout).to_string();
        let parts: Vec<&str> = line.split_whitespace().collect();
        if !out.status.success() || parts.len() != 4 {
            eprintln!(
                "child failed: {line}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::process::exit(1);
        }
        assert_eq!(
            parts[0].parse::<usize>().unwrap(),
            boxes,
            "every box is an item"
        );
        times.push(parts[1].parse::<f64>().unwrap());
        cpus.push(parts[2].parse::<f64>().unwrap());
        peaks.push(parts[3].parse::<u64>().unwrap());
    }
    times.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    peaks.sort_unstable();
    println!(
        "time: median {:.3} s, worst {:.3} s (target < 0.5 s)",
        times[RUNS / 2],
        times[RUNS - 1]
    );
    println!(
        "cpu (user + system): median {:.2} s, worst {:.2} s",
        cpus[RUNS / 2],
        cpus[RUNS - 1]
    );
    println!(
        "peak memory (VmHWM of the whole process): median {:.1} MB, worst {:.1} MB (target < 100 MB)",
        peaks[RUNS / 2] as f64 / 1024.0,
        peaks[RUNS - 1] as f64 / 1024.0
    );
}
