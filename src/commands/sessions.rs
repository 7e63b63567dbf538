//! `flightdeck sessions`.

use crate::cli::SessionsArgs;
use std::process::ExitCode;

pub async fn run(_args: SessionsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`flightdeck sessions` is not built yet")
}
