//! Fuzzing in CI, with proptest: the entry points the `cargo fuzz` targets drive (`fuzz/entry.rs`:
//! Markdown importer, checklist TOML and config loaders, `${…}` interpolation, conditions parsed
//! and evaluated, the metrics text parser, durations and sizes) on arbitrary bytes and on
//! mutations of their seeds; every input a fuzzer ever crashed (`fuzz/regressions/TARGET/`)
//! replays first. No panic, no hang (each input within a time limit), memory bounded.
//! `FLIGHTDECK_FAULTS=long` runs ten times the cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../fuzz/entry.rs"]
mod entry;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Cases per target in CI; `FLIGHTDECK_FAULTS=long` multiplies them by ten.
const CASES: u32 = 3000;
/// One input's time limit: generous for a debug build on a loaded 2-core machine; a hang (a loop
/// that never ends, a quadratic blow-up on a few kilobytes) is far past it.
const PER_INPUT: Duration = Duration::from_secs(20);
/// The whole test binary's peak resident memory after every case.
const MEMORY_LIMIT_KB: u64 = 1024 * 1024;

fn long() -> bool {
    std::env::var("FLIGHTDECK_FAULTS").is_ok_and(|v| v == "long")
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn target(name: &str) -> fn(&[u8]) {
    entry::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no fuzz target `{name}`"))
}

/// The files of `fuzz/DIR/TARGET/`, sorted (symlinks to fixtures followed).
fn inputs(dir: &str, name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let path = fuzz_dir().join(dir).join(name);
    let Ok(entries) = std::fs::read_dir(&path) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

/// Runs `f` on `input` in a thread of its own: a panic or a run past [`PER_INPUT`] fails with the
/// input, escaped, ready to be saved under `fuzz/regressions/`.
fn one(name: &str, f: fn(&[u8]), input: &[u8]) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let data = input.to_vec();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| f(&data));
            let _ = tx.send(outcome.map_err(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "a panic".to_owned())
            }));
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    let shown = || String::from_utf8_lossy(input).escape_debug().to_string();
    match rx.recv_timeout(PER_INPUT) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(panic)) => Err(format!("{name}: panicked: {panic}\ninput: \"{}\"", shown())),
        Err(_) => Err(format!(
            "{name}: no answer within {PER_INPUT:?} (a hang)\ninput: \"{}\"",
            shown()
        )),
    }
}

/// A seed changed a little: bytes flipped, removed, repeated, or tokens that parsers care about
/// put in.
fn mutated(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    const TOKENS: &[&str] = &[
        "\n",
        "\r\n",
        "\t",
        "\"",
        "'",
        "`",
        "```",
        "${",
        "}",
        "$${",
        "[[phase]]",
        "[[phase.item]]",
        "[[probe]]",
        "- [ ] ",
        "  - [x] ",
        "# ",
        "#### ",
        "for ",
        "1e20s",
        "9999999999d",
        "&&",
        "||",
        "!",
        "(",
        ")",
        "{",
        "==",
        "=~",
        "\\",
        "\u{0}",
        "\u{feff}",
        "ðŸš€",
        "é",
        "NaN",
        "-Inf",
        "___",
        "Yes / No",
        "(target: < 500ms)",
        "%",
        "ms",
        "GiB",
        ".",
        "0.",
        "=",
        "[",
        "]",
    ];
    let edits =
        proptest::collection::vec((any::<usize>(), 0u8..6, any::<u8>(), 0..TOKENS.len()), 1..8);
    (prop::sample::select(seeds), edits).prop_map(|(mut bytes, edits)| {
        for (at, how, byte, token) in edits {
            let at = if bytes.is_empty() {
                0
            } else {
                at % (bytes.len() + 1)
            };
            match how {
                0 if at < bytes.len() => bytes[at] = byte,
                1 if at < bytes.len() => {
                    bytes.remove(at);
                }
                2 => bytes.splice(at..at, TOKENS[token].bytes()).for_each(drop),
                3 => {
                    // repeat a stretch: nesting and long lines
                    let end = (at + usize::from(byte)).min(bytes.len());
                    let piece: Vec<u8> = bytes[at.min(end)..end].to_vec();
                    for _ in 0..(byte % 8) {
                        bytes.splice(at..at, piece.iter().copied()).for_each(drop);
                    }
                }
                4 => bytes.truncate(at),
                _ => bytes.splice(at..at, [byte]).for_each(drop),
            }
        }
        bytes
    })
}

/// Replays the target's regressions and seeds, then `cases` generated inputs (arbitrary bytes and
/// mutated seeds); returns how many inputs ran.
fn fuzz(name: &str) -> u32 {
    let f = target(name);
    let mut ran = 0;
    for dir in ["regressions", "seeds"] {
        for (path, bytes) in inputs(dir, name) {
            one(name, f, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            ran += 1;
        }
    }
    let seeds: Vec<Vec<u8>> = inputs("seeds", name).into_iter().map(|(_, b)| b).collect();
    assert!(!seeds.is_empty(), "fuzz/seeds/{name}/ is empty");
    let cases = if long() { CASES * 10 } else { CASES };
    let strategy = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..512),
        1 => "\\PC{0,256}".prop_map(String::into_bytes),
        3 => mutated(seeds),
    ];
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    // a seed per run, printed, so a failure can be replayed with FLIGHTDECK_FUZZ_SEED
    let seed: u64 = std::env::var("FLIGHTDECK_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let started = Instant::now();
    let result = runner.run(&strategy, |input| {
        one(name, f, &input).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{name} (FLIGHTDECK_FUZZ_SEED={seed}): {e}");
    }
    ran += cases;
    eprintln!(
        "fuzz {name}: {ran} inputs, 0 panics, {:.1}s (seed {seed})",
        started.elapsed().as_secs_f64()
    );
    ran
}

/// Peak resident memory of this process so far, in kB (`VmHWM`).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn bounded(name: &str) {
    fuzz(name);
    let peak = peak_rss_kb();
    assert!(
        peak < MEMORY_LIMIT_KB,
        "{name}: peak memory {peak} kB, over {MEMORY_LIMIT_KB} kB"
    );
}

#[test]
fn markdown_importer() {
    bounded("markdown");
}

#[test]
fn checklist_toml_loader() {
    bounded("checklist_toml");
}

#[test]
fn config_loader() {
    bounded("config");
}

#[test]
fn interpolation() {
    bounded("interpolation");
}

#[test]
fn condition_parser_and_evaluator() {
    bounded("condition");
}

#[test]
fn metrics_text_parser() {
    bounded("metrics");
}

#[test]
fn durations_and_sizes() {
    bounded("units");
}

/// Every target has seeds, and every regression directory names a target.
#[test]
fn every_target_has_seeds_and_every_regression_a_target() {
    for (name, _) in entry::TARGETS {
        assert!(!inputs("seeds", name).is_empty(), "fuzz/seeds/{name}/");
    }
    if let Ok(dirs) = std::fs::read_dir(fuzz_dir().join("regressions")) {
        for dir in dirs.flatten().filter(|d| d.path().is_dir()) {
            let name = dir.file_name().to_string_lossy().into_owned();
            assert!(
                entry::TARGETS.iter().any(|(n, _)| *n == name),
                "fuzz/regressions/{name}/ names no target"
            );
        }
    }
}
