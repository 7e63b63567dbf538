//! `flightdeck validate CHECKLIST [--config F]`: every error with file:line:column and a hint, or
//! one summary line `ok: P phases, N items, F fields`.

use crate::checklist::{self, Loaded};
use crate::cli::ValidateArgs;
use crate::error::{SourceError, SourceErrors};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let loaded = match checklist::load_located(&args.checklist) {
        Ok(loaded) => loaded,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut errors = check_conditions(&loaded);
    if let Some(config) = &args.config.config {
        errors.extend(check_against_config(
            &loaded,
            config,
            args.config.env.as_deref(),
        ));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.file.clone(), e.line, e.column));
        eprintln!("{}", SourceErrors(errors));
        return Ok(ExitCode::from(1));
    }
    println!("{}", summary(&loaded.checklist));
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
///
/// HOOK(condition): the condition language (`crate::condition`) is being built in parallel. Wire it
/// here: for each `(item_id, offset)` in `loaded.source.auto` parse the item's `auto` string, and for
/// each trigger `i` parse `checklist.triggers[i].when` at `loaded.source.trigger_when[i]`; turn a
/// parse error into a located one with `ConditionError::locate(&source.file, &source.text, offset)`.
fn check_conditions(loaded: &Loaded) -> Vec<SourceError> {
    let _ = loaded;
    Vec::new()
}

/// Checks the checklist against a config file: every probe named in `uses`, in conditions and in
/// the checklist's own `[[probe]]` tables must resolve.
///
/// HOOK(config): the config module is being built in parallel. Wire it here: load `config` (with
/// `env`), then report each unknown probe name at `loaded.source.uses[i]` (or at the condition's
/// offset), with the closest known probe name as the hint.
fn check_against_config(loaded: &Loaded, config: &Path, env: Option<&str>) -> Vec<SourceError> {
    let _ = (loaded, config, env);
    Vec::new()
}
