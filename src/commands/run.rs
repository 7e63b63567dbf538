//! `flightdeck run`.

use crate::cli::RunArgs;
use std::process::ExitCode;

pub async fn run(_args: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`flightdeck run` is not built yet")
}
