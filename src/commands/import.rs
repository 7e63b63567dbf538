//! `flightdeck import`.

use crate::cli::ImportArgs;
use std::process::ExitCode;

pub async fn run(_args: ImportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`flightdeck import` is not built yet")
}
