//! The log probe against real files: appends (and a line written in two parts), rotation by
//! rename, copytruncate, a glob, a missing file that appears, a 1 GB file read from its end at
//! once, a burst of 100,000 lines counted with bounded memory, and the window.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// The burst test reads this process's memory, so the tests run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn spec(path: &Path, extra: &str) -> ProbeSpec {
    probe_spec::one(&format!(
        "[[probe]]\nname = \"errors\"\nkind = \"log\"\npath = \"{}\"\nmatch = \"ERROR|FATAL\"\n\
         ignore = \"healthcheck\"\n{extra}\n",
        path.display()
    ))
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

fn num(s: &flightdeck::probes::Sample, name: &str) -> f64 {
    s.output(name).and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_counted_from_the_end() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, "ERROR before the session\nINFO start\n");
    let mut probe = Probe::new(spec(&log, ""));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!((num(&s, "matches"), num(&s, "files")), (0.0, 1.0));
    probe_spec::assert_outputs_declared(&probe, &s);

    append(
        &log,
        "INFO fine\nERROR db down password=hunter2\nERROR healthcheck failed\nFATAL out of memory\n",
    );
    let s = probe.poll().await;
    assert_eq!((num(&s, "matches"), num(&s, "total")), (2.0, 2.0));
    assert_eq!(
        s.output("last"),
        Some(Value::Text("FATAL out of memory".into()))
    );

    // a line written in two parts counts once, when it ends
    append(&log, "ERROR db down url=postgres://app:s3cretpw@db/x pa");
    assert_eq!(num(&probe.poll().await, "total"), 2.0);
    append(&log, "rt two\n");
    let s = probe.poll().await;
    assert_eq!((num(&s, "matches"), num(&s, "total")), (3.0, 3.0));
    let last = s.output("last").unwrap().to_string();
    assert!(
        last.ends_with("part two") && !last.contains("s3cretpw"),
        "{last}"
    );

    // the curated rule: no errors in the window
    let mut rule = Probe::new(spec(&log, "crit = 'matches > 0'"));
    assert_eq!(rule.poll().await.state, ProbeState::Ok);
    append(&log, "ERROR again\n");
    let s = rule.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("crit: matches > 0"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_by_rename_and_copytruncate() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    append(&log, "INFO old\n");
    let mut probe = Probe::new(spec(&log, ""));
    probe.poll().await;

    // logrotate's rename: the writer still appends to the renamed file until it reopens
    append(&log, "ERROR one\n");
    std::fs::rename(&log, dir.path().join("app.log.1")).unwrap();
    append(
        &dir.path().join("app.log.1"),
        "ERROR two, late in the old file\n",
    );
    append(&log, "ERROR three, first in the new file\nINFO x\n");
    let s = probe.poll().await;
    assert_eq!(num(&s, "total"), 3.0);
    assert_eq!(
        s.output("last"),
        Some(Value::Text("ERROR three, first in the new file".into()))
    );
    append(&log, "ERROR four\n");
    assert_eq!(num(&probe.poll().await, "total"), 4.0);

    // copytruncate: copied away, emptied in place, written again from 0
    append(&log, &"INFO filler line\n".repeat(50));
    assert_eq!(num(&probe.poll().await, "total"), 4.0);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(0)
        .unwrap();
    append(&log, "ERROR after truncate\n");
    let s = probe.poll().await;
    assert_eq!(num(&s, "total"), 5.0);
    assert_eq!(
        s.output("last"),
        Some(Value::Text("ERROR after truncate".into()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_file_is_unknown_until_it_appears_and_globs_follow_many() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("late.log");
    let mut probe = Probe::new(spec(&log, ""));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert_eq!(s.reason, Some(format!("no file at {}", log.display())));
    // a file that appears later is new: all of it counts
    append(&log, "ERROR first\n");
    let s = probe.poll().await;
    assert_eq!((s.state, num(&s, "total")), (ProbeState::Ok, 1.0));

    let glob = dir.path().join("svc-*.log");
    append(&dir.path().join("svc-a.log"), "INFO\n");
    let mut many = Probe::new(spec(&glob, ""));
    assert_eq!(num(&many.poll().await, "files"), 1.0);
    append(&dir.path().join("svc-a.log"), "ERROR a\n");
    append(&dir.path().join("svc-b.log"), "ERROR b1\nERROR b2\n");
    append(&dir.path().join("other.txt"), "ERROR not followed\n");
    let s = many.poll().await;
    assert_eq!((num(&s, "files"), num(&s, "total")), (2.0, 3.0));
    // renamed within the glob: the same file, not read again
    std::fs::rename(
        dir.path().join("svc-b.log"),
        dir.path().join("svc-b-old.log"),
    )
    .unwrap();
    append(&dir.path().join("svc-b-old.log"), "ERROR b3\n");
    let s = many.poll().await;
    assert_eq!((num(&s, "files"), num(&s, "total")), (2.0, 4.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_gigabyte_file_is_read_from_its_end_at_once() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("big.log");
    {
        let f = std::fs::File::create(&log).unwrap();
        f.set_len(1 << 30).unwrap();
    }
    append(&log, "ERROR the last line already there\n");
    let mut probe = Probe::new(spec(&log, ""));
    let started = Instant::now();
    let s = probe.poll().await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(200),
        "first poll took {took:?}"
    );
    assert_eq!((s.state, num(&s, "matches")), (ProbeState::Ok, 0.0));
    append(&log, "ERROR new\n");
    let s = probe.poll().await;
    assert_eq!(num(&s, "matches"), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_100000_lines_is_counted_with_bounded_memory() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("burst.log");
    append(&log, "");
    let mut probe = Probe::new(spec(&log, "timeout = \"2s\""));
    probe.poll().await;
    let mut text = String::new();
    for i in 0..100_000 {
        let level = if i % 4 == 0 { "ERROR" } else { "INFO " };
        text.push_str(&format!(
            "2026-12-01T01:00:00.{i:06}Z {level} request {i} took 12ms path=/api/v4/items\n"
        ));
    }
    let before = rss_kib();
    let started = Instant::now();
    append(&log, &text);
    drop(text);
    let s = probe.poll().await;
    eprintln!(
        "100,000 lines written and counted in {:?}",
        started.elapsed()
    );
    assert_eq!(num(&s, "matches"), 25_000.0);
    assert!(started.elapsed() < Duration::from_secs(1));
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 16 * 1024, "memory grew by {grown} KiB");

    // one 20 MB line without a newline: judged on its first 64 KiB, memory stays bounded
    let before = rss_kib();
    append(&log, &format!("ERROR {}", "x".repeat(20 << 20)));
    probe.poll().await;
    append(&log, "\n");
    let s = probe.poll().await;
    assert_eq!(num(&s, "total"), 25_001.0);
    assert!(s.output("last").unwrap().to_string().chars().count() <= 300);
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 16 * 1024, "memory grew by {grown} KiB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matches_leave_the_window_total_stays() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("w.log");
    append(&log, "");
    let mut probe = Probe::new(spec(&log, "window = \"1s\"\ninterval = \"1s\""));
    probe.poll().await;
    append(&log, "ERROR a\nERROR b\n");
    let s = probe.poll().await;
    assert_eq!((num(&s, "matches"), num(&s, "rate")), (2.0, 120.0));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let s = probe.poll().await;
    assert_eq!((num(&s, "matches"), num(&s, "total")), (0.0, 2.0));
}

#[test]
fn a_bad_regex_is_located() {
    let text = "[[probe]]\nname = \"e\"\nkind = \"log\"\npath = \"/var/log/*/x.log\"\nmatch = \"ERROR|(FATAL\"\n";
    let err = probe_spec::errors("l.toml", text);
    assert!(
        err.contains("l.toml:5:16: error: bad regex in `match`"),
        "{err}"
    );
    assert!(
        err.contains("l.toml:4:8: error: a glob may only be in the file name"),
        "{err}"
    );
}
