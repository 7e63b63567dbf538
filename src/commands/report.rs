//! `flightdeck report`.

use crate::cli::ReportArgs;
use std::process::ExitCode;

pub async fn run(_args: ReportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`flightdeck report` is not built yet")
}
