//! `flightdeck check`: polls every probe once, concurrently, prints a table or JSON, and exits with
//! the Nagios code of the worst state: CRIT (2) over WARN (1) over UNKNOWN (3) over OK (0) — a
//! CRIT probe is never hidden behind an UNKNOWN one.
//!
//! A config that does not load, or one without probes, exits 4 (`CONFIG_ERROR`): nothing was
//! checked, and that is not a probe state. Probes whose value needs two scrapes (`metrics` rates
//! and ratios) are polled twice, a second apart.

use crate::cli::{CheckArgs, CheckFormat};
use crate::config::{self, ProbeSpec};
use crate::model::Value;
use crate::probes::{Probe, ProbeState, Sample, headline, output_unit};
use crate::redact::{redact_json, redact_text};
use std::process::ExitCode;
use std::time::Duration;

const WARMUP_GAP: Duration = Duration::from_secs(1);

/// The exit code when the config cannot be loaded or holds no probe.
pub const CONFIG_ERROR: u8 = 4;

pub async fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let config = match config::load(
        args.config.config.as_deref(),
        args.config.env.as_deref(),
        crate::probes::KINDS,
    ) {
        Ok(c) => c,
        Err(errors) => {
            crate::warn_line!("{errors}");
            return Ok(ExitCode::from(CONFIG_ERROR));
        }
    };
    for warning in &config.warnings {
        crate::console::err(warning);
    }
    if config.probes.is_empty() {
        let place = match &config.file {
            Some(f) => format!("{} has no [[probe]] entries", f.display()),
            None => format!(
                "no config file found (looked in: {})",
                config::default_paths()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        crate::warn_line!(
            "flightdeck check: nothing to check: {place}.\n  hint: add [[probe]] tables (see \
             config.example.toml) or pass --config FILE"
        );
        return Ok(ExitCode::from(CONFIG_ERROR));
    }
    let samples = poll_all(&config.probes).await;
    let text = match args.format {
        CheckFormat::Table => render_table(&config.probes, &samples),
        CheckFormat::Json => render_json(&config.probes, &samples),
    };
    crate::say!("{text}");
    Ok(ExitCode::from(exit_code(samples.iter().map(|s| s.state))))
}

/// Polls every probe once, all at the same time; results in the order of `specs`.
pub async fn poll_all(specs: &[ProbeSpec]) -> Vec<Sample> {
    let mut set = tokio::task::JoinSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let mut probe = Probe::new(spec.clone());
        set.spawn(async move {
            let mut sample = probe.poll().await;
            if probe.needs_two_polls() && sample.state == ProbeState::Unknown {
                tokio::time::sleep(WARMUP_GAP).await;
                sample = probe.poll().await;
            }
            (i, sample)
        });
    }
    let mut samples: Vec<Option<Sample>> = vec![None; specs.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, sample)) = joined {
            samples[i] = Some(sample);
        }
    }
    samples
        .into_iter()
        .zip(specs)
        .map(|(s, spec)| {
            s.unwrap_or_else(|| Sample {
                probe: spec.name.clone(),
                at: chrono::Utc::now(),
                latency_ms: None,
                outputs: Default::default(),
                state: ProbeState::Unknown,
                reason: Some("the poll task failed".into()),
            })
        })
        .collect()
}

/// Nagios code of the worst state: OK 0, WARN 1, CRIT 2, UNKNOWN or STALE 3; CRIT outranks
/// UNKNOWN only in the sense that both are bad — the worst by code wins.
pub fn exit_code(states: impl IntoIterator<Item = ProbeState>) -> u8 {
    // worst first: CRIT, WARN, UNKNOWN, OK (the Nagios plugins' precedence)
    let rank = |s: ProbeState| match s {
        ProbeState::Crit => 3,
        ProbeState::Warn => 2,
        ProbeState::Unknown | ProbeState::Stale => 1,
        ProbeState::Ok => 0,
    };
    match states.into_iter().max_by_key(|s| rank(*s)) {
        Some(ProbeState::Crit) => 2,
        Some(ProbeState::Warn) => 1,
        Some(ProbeState::Unknown | ProbeState::Stale) | None => 3,
        Some(ProbeState::Ok) => 0,
    }
}

fn latency_text(sample: &Sample) -> String {
    match sample.latency_ms {
        Some(ms) if ms < 10.0 => format!("{ms:.1} ms"),
        Some(ms) => format!("{ms:.0} ms"),
        None => "-".into(),
    }
}

/// The table: name, kind, state, value, latency, error.
pub fn render_table(specs: &[ProbeSpec], samples: &[Sample]) -> String {
    let mut rows = vec![[
        "NAME".to_string(),
        "KIND".to_string(),
        "STATE".to_string(),
        "VALUE".to_string(),
        "LATENCY".to_string(),
        "ERROR".to_string(),
    ]];
    for (spec, sample) in specs.iter().zip(samples) {
        rows.push([
            spec.name.clone(),
            spec.kind().name().to_string(),
            sample.state.as_str().to_string(),
            headline(spec, sample).map_or_else(|| "-".into(), |(_, text)| text),
            latency_text(sample),
            redact_text(sample.reason.as_deref().unwrap_or("")),
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i == 5 {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// The JSON array: objects with `name`, `kind`, `state`, `value` (the headline), `latency_ms`,
/// `error`, every output of the poll in `outputs` (redacted), and the unit of each number
/// that has one in `units` (`ms`, `fraction`, `bytes`, `per_second`, `days`).
pub fn render_json(specs: &[ProbeSpec], samples: &[Sample]) -> String {
    let items: Vec<serde_json::Value> = specs
        .iter()
        .zip(samples)
        .map(|(spec, sample)| {
            let value = headline(spec, sample)
                .and_then(|(v, _)| serde_json::to_value(v).ok())
                .map_or(serde_json::Value::Null, |v| redact_json(&v));
            let mut outputs = serde_json::Map::new();
            let mut units = serde_json::Map::new();
            for (name, v) in &sample.outputs {
                let shown = serde_json::to_value(v)
                    .map(|j| redact_json(&j))
                    .unwrap_or(serde_json::Value::Null);
                outputs.insert(name.clone(), shown);
                if let (Value::Number(_), Some(unit)) = (v, output_unit(spec, name)) {
                    units.insert(name.clone(), unit.as_str().into());
                }
            }
            serde_json::json!({
                "name": spec.name,
                "kind": spec.kind().name(),
                "state": sample.state.as_str(),
                "value": value,
                "latency_ms": sample.latency_ms.map(|ms| (ms * 1000.0).round() / 1000.0),
                "error": sample.reason.as_deref().map(redact_text),
                "outputs": outputs,
                "units": units,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}
