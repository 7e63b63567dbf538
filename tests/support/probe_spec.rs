//! One probe from its `[[probe]]` TOML, read by the real loader with the real kinds; and the
//! check that a poll gave only outputs its kind declares.
#![allow(dead_code)]

use flightdeck::config::{self, ProbeSpec};
use flightdeck::probes::{Probe, Sample};
use std::path::Path;

/// The one probe `text` defines, as `test.toml`; a config error fails the test with its text.
pub fn one(text: &str) -> ProbeSpec {
    all(text).into_iter().next().expect("one probe")
}

/// Every probe `text` defines, as `test.toml`; a config error fails the test with its text.
pub fn all(text: &str) -> Vec<ProbeSpec> {
    config::parse_str(
        Path::new("test.toml"),
        text,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .probes
}

/// The errors of a config that must not load, read as `file`, as `validate` prints them.
pub fn errors(file: &str, text: &str) -> String {
    match config::parse_str(
        Path::new(file),
        text,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    ) {
        Ok(_) => panic!("{file} loaded, but it has mistakes"),
        Err(e) => e.to_string(),
    }
}

/// Every output of `sample` is one the probe's kind declares (what `validate` checks against).
pub fn assert_outputs_declared(probe: &Probe, sample: &Sample) {
    let kind = probe.spec().kind();
    let undeclared: Vec<&String> = sample
        .outputs
        .keys()
        .filter(|k| !kind.knows_output(k))
        .collect();
    assert!(
        undeclared.is_empty(),
        "outputs the {} kind does not declare: {undeclared:?}",
        kind.name()
    );
}
