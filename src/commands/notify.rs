//! `flightdeck notify test`: one test message to each `[[notify]]` target, one line per target
//! with what it answered; exit 0 when every target took it, 1 when any failed.

use crate::cli::{NotifyArgs, NotifyCommand};
use crate::notify::Outcome;
use std::process::ExitCode;

pub async fn run(args: NotifyArgs) -> anyhow::Result<ExitCode> {
    let NotifyCommand::Test(args) = args.command;
    let config = crate::config::load(
        args.config.config.as_deref(),
        args.config.env.as_deref(),
        crate::probes::KINDS,
    )?;
    for w in &config.warnings {
        crate::warn_line!("{w}");
    }
    if config.notify.is_empty() {
        let file = config.file.as_ref().map_or_else(
            || "no config file was found".to_owned(),
            |f| f.display().to_string(),
        );
        anyhow::bail!(
            "no [[notify]] target to test ({file})\n  hint: add a [[notify]] table (see \
             config.example.toml), or pass --config FILE"
        );
    }
    let actor = args.actor.unwrap_or_else(crate::cockpit::default_actor);
    let secrets = config
        .probes
        .iter()
        .flat_map(|p| p.settings.secret_parts())
        .collect();
    let results =
        crate::notify::test_targets(&config.notify, &actor, config.env.clone(), secrets).await;
    let width = config
        .notify
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut failed = 0;
    for (target, result) in config.notify.iter().zip(&results) {
        let ms = result.took.as_millis();
        let verdict = match &result.outcome {
            Outcome::Delivered(said) => format!("delivered ({said}, {ms} ms)"),
            Outcome::Retry(error, _) => {
                failed += 1;
                format!("FAILED: {error} ({ms} ms; the cockpit would retry)")
            }
            Outcome::Refused(error) => {
                failed += 1;
                format!("FAILED: {error} ({ms} ms; refused for good)")
            }
        };
        crate::say!(
            "{:width$}  {:7}  {}  {verdict}",
            target.name,
            target.kind_name(),
            target.display_target()
        );
    }
    if failed > 0 {
        crate::warn_line!("{failed} of {} targets failed", results.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
