//! `flightdeck validate CHECKLIST [--config F]`: every error with file:line:column and a hint, or
//! one summary line `ok: P phases, N items, F fields`.

use crate::checklist::{self, Loaded};
use crate::cli::ValidateArgs;
use crate::error::{SourceError, SourceErrors};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let options = checklist::markdown::Options {
        read_fenced: args.read_fenced,
    };
    let loaded = match checklist::load_located_with(&args.checklist, options) {
        Ok(loaded) => loaded,
        Err(errors) => {
            crate::warn_line!("{errors}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut errors = check_conditions(&loaded);
    // probe names resolve against the config (given, or found in the default places) plus the
    // checklist's own probes, exactly as `run` would see them
    let (config_errors, config) = check_against_config(
        &loaded,
        args.config.config.as_deref(),
        args.config.env.as_deref(),
    );
    errors.extend(config_errors);
    let checklist_warning =
        crate::redact::exposed_file_warning(&loaded.source.file, &loaded.source.text);
    let file_warnings = config.iter().flat_map(|c| c.warnings.iter());
    for w in file_warnings.chain(checklist_warning.iter()) {
        crate::warn_line!("{w}");
    }
    if let Some(config) = &config {
        for w in checklist::references::ok_warnings(&loaded, config) {
            crate::warn_line!("{}", w.to_string().replacen(": error: ", ": warning: ", 1));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.file.clone(), e.line, e.column));
        crate::warn_line!("{}", SourceErrors(errors));
        return Ok(ExitCode::from(1));
    }
    crate::say!("{}", summary(&loaded.checklist));
    Ok(ExitCode::SUCCESS)
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
/// must resolve, after the checklist's own `[[probe]]` tables are added. The config comes back
/// when it loaded, for the warnings.
fn check_against_config(
    loaded: &Loaded,
    config: Option<&Path>,
    env: Option<&str>,
) -> (Vec<SourceError>, Option<crate::config::Config>) {
    let mut config = match crate::config::load(config, env, crate::probes::KINDS) {
        Ok(c) => c,
        Err(errors) => return (errors.0, None),
    };
    if let Err(errors) =
        config.merge_checklist_probes(&loaded.checklist.probes, &loaded.source.file)
    {
        return (errors.0, None);
    }
    let errors = checklist::references::probe_errors(loaded, &config);
    (errors, Some(config))
}
