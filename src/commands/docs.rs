//! `flightdeck completions SHELL` and `flightdeck man`: generated from the clap definitions, so
//! they never disagree with `--help`.

use crate::cli::{Cli, CompletionsArgs, Shell};
use clap::CommandFactory as _;
use std::io::Write as _;
use std::process::ExitCode;

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    write_completions(args.shell, &mut out);
    std::io::stdout().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The completion script for `shell`.
pub fn write_completions(shell: Shell, out: &mut Vec<u8>) {
    use clap_complete::{Shell as S, generate};
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
    };
    generate(shell, &mut Cli::command(), "flightdeck", out);
}

pub fn man() -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    write_man(&mut out)?;
    std::io::stdout().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The man page (section 1): the top command, then each subcommand's synopsis, description and
/// options under a heading of its own (and so for a subcommand's own, `notify test`).
pub fn write_man(out: &mut Vec<u8>) -> std::io::Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for sub in cmd.get_subcommands() {
        let name = format!("flightdeck {}", sub.get_name());
        write_section(out, sub, &name)?;
        for inner in sub.get_subcommands().filter(|c| c.get_name() != "help") {
            write_section(out, inner, &format!("{name} {}", inner.get_name()))?;
        }
    }
    Ok(())
}

fn write_section(out: &mut Vec<u8>, cmd: &clap::Command, name: &str) -> std::io::Result<()> {
    writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
    let man = clap_mangen::Man::new(cmd.clone().bin_name(name));
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)
}
