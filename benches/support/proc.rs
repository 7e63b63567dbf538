//! What /proc says about this process, for the benchmarks: CPU ticks of all its threads (and of
//! the threads whose name starts with a prefix, to report a test server's or a writer's apart),
//! CPU of its reaped children, resident memory, and the clock tick rate.
#![allow(dead_code)]

/// (all threads' utime + stime, those of threads named `prefix…`) in clock ticks.
pub fn cpu_ticks(prefix: &str) -> (f64, f64) {
    let total = stat_field_sum("/proc/self/stat", 11, 12).unwrap_or(0.0);
    let mut named = 0.0;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let dir = task.path();
            let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
            // a thread's comm holds at most 15 bytes of its name
            if name.trim().starts_with(&prefix[..prefix.len().min(15)]) {
                named += stat_field_sum(&dir.join("stat").to_string_lossy(), 11, 12).unwrap_or(0.0);
            }
        }
    }
    (total, named)
}

/// utime + stime of the children this process waited for, in clock ticks.
pub fn children_ticks() -> f64 {
    stat_field_sum("/proc/self/stat", 13, 14).unwrap_or(0.0)
}

/// Two fields of a stat line, counted after the `(comm)`.
fn stat_field_sum(path: &str, a: usize, b: usize) -> Option<f64> {
    let text = std::fs::read_to_string(path).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let x: f64 = fields.get(a)?.parse().ok()?;
    let y: f64 = fields.get(b)?.parse().ok()?;
    Some(x + y)
}

pub fn rss_kib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(f64::NAN)
}

pub fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// The `p` quantile of sorted durations, in milliseconds.
pub fn percentile_ms(sorted: &[std::time::Duration], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}
