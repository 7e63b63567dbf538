//! `flightdeck validate CHECKLIST [--config F]`: every error with file:line:column and a hint, or
//! one summary line `ok: P phases, N items, F fields`.

use crate::checklist::{self, Loaded};
use crate::cli::ValidateArgs;
use crate::error::{SourceError, SourceErrors};
use std::path::Path;
use std::process::ExitCode;

/// Every error in one pass: the checklist's structure, its conditions (parsed, and read against
/// the probes' kinds) and the config's, together, in file order.
pub async fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let options = checklist::markdown::Options {
        read_fenced: args.read_fenced,
    };
    let (loaded, mut errors) = checklist::load_partial(&args.checklist, options);
    if let Some(loaded) = &loaded {
        errors.extend(check_conditions(loaded));
    }
    // probe names and outputs resolve against the config (given, or found in the default
    // places) plus the checklist's own probes, exactly as `run` would see them
    let (config_errors, config) = check_against_config(
        loaded.as_ref(),
        args.config.config.as_deref(),
        args.config.env.as_deref(),
    );
    errors.extend(config_errors);
    if let Some(loaded) = &loaded {
        let checklist_warning =
            crate::redact::exposed_file_warning(&loaded.source.file, &loaded.source.text);
        let file_warnings = config.iter().flat_map(|c| c.warnings.iter());
        for w in file_warnings.chain(checklist_warning.iter()) {
            crate::warn_line!("{w}");
        }
        if let Some(config) = &config {
            for w in checklist::references::ok_warnings(loaded, config) {
                crate::warn_line!("{}", w.to_string().replacen(": error: ", ": warning: ", 1));
            }
        }
    }
    match loaded {
        Some(loaded) if errors.is_empty() => {
            crate::say!("{}", summary(&loaded.checklist));
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            errors.sort_by_key(|e| (e.file.clone(), e.line, e.column));
            errors.dedup();
            crate::warn_line!("{}", SourceErrors(errors));
            Ok(ExitCode::from(1))
        }
    }
}

/// `ok: 9 phases, 120 items, 210 fields`.
pub fn summary(checklist: &checklist::Checklist) -> String {
    format!(
        "ok: {} phases, {} items, {} fields",
        checklist.phases.len(),
        checklist.item_count(),
        checklist.field_count()
    )
}

/// Parses every `auto` and trigger `when` condition.
fn check_conditions(loaded: &Loaded) -> Vec<SourceError> {
    checklist::references::condition_errors(loaded)
}

/// Checks the checklist against a config file: every probe named in `uses` and in conditions
/// must resolve, after the checklist's own `[[probe]]` tables are added, and every output read
/// must be one its kind gives. The config's own errors come back even when the checklist could
/// not be read; the config comes back when it loaded, for the warnings.
fn check_against_config(
    loaded: Option<&Loaded>,
    config: Option<&Path>,
    env: Option<&str>,
) -> (Vec<SourceError>, Option<crate::config::Config>) {
    let mut config = match crate::config::load(config, env, crate::probes::KINDS) {
        Ok(c) => c,
        Err(errors) => return (errors.0, None),
    };
    let Some(loaded) = loaded else {
        return (Vec::new(), Some(config));
    };
    if let Err(errors) =
        config.merge_checklist_probes(&loaded.checklist.probes, &loaded.source.file)
    {
        return (errors.0, None);
    }
    let errors = checklist::references::probe_errors(loaded, &config);
    (errors, Some(config))
}
