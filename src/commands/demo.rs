//! `flightdeck demo`.

use crate::cli::DemoArgs;
use std::process::ExitCode;

pub async fn run(_args: DemoArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`flightdeck demo` is not built yet")
}
