//! Entry point: parse arguments, run the subcommand, turn errors into one clear message and an exit code.

use clap::Parser;
use flightdeck::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(70);
        }
    };
    match runtime.block_on(flightdeck::commands::dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", flightdeck::report_error(&e));
            ExitCode::from(2)
        }
    }
}
