//! Entry point: parse arguments, run the subcommand, turn errors into one clear message and an exit code.

use clap::Parser as _;
use flightdeck::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    flightdeck::argv_secret::move_store_secret_out_of_argv();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // one clear line, not a wall of usage text
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("error: bad arguments");
            flightdeck::warn_line!("{first} (see `flightdeck --help`)");
            return ExitCode::from(2);
        }
    };
    // one TLS crypto provider for reqwest, sqlx and redis alike, before any connection is made
    flightdeck::probes::web::ensure_crypto_provider();
    // one worker beside the main thread (which runs the screen's loop): probes and the journal
    // are I/O-bound, and a second worker mostly woke up to steal work it did not need — a third of
    // an idle cockpit's CPU went to those wake-ups
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            flightdeck::warn_line!("error: cannot start the async runtime: {e}");
            return ExitCode::from(70);
        }
    };
    match runtime.block_on(flightdeck::commands::dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            flightdeck::warn_line!("{}", flightdeck::report_error(&e));
            ExitCode::from(2)
        }
    }
}
