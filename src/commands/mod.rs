//! One handler per subcommand; `dispatch` picks it. Handlers return the process exit code.

pub mod check;
pub mod demo;
pub mod docs;
pub mod import;
pub mod notify;
pub mod prepare;
pub mod report;
pub mod run;
pub mod sessions;
pub mod validate;
pub mod watch;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(args).await,
        Command::Watch(args) => watch::run(args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Check(args) => check::run(args).await,
        Command::Import(args) => import::run(args).await,
        Command::Validate(args) => validate::run(args).await,
        Command::Report(args) => report::run(args).await,
        Command::Sessions(args) => sessions::run(args).await,
        Command::Notify(args) => notify::run(args).await,
        Command::Completions(args) => docs::completions(&args),
        Command::Man => docs::man(),
    }
}
