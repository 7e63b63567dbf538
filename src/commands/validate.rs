//! `flightdeck validate`.

use crate::cli::ValidateArgs;
use std::process::ExitCode;

pub async fn run(_args: ValidateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`flightdeck validate` is not built yet")
}
