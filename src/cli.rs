//! Command-line definitions (clap) — nothing but the shape of the arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "flightdeck",
    version,
    about = "A terminal deployment cockpit: walk a checklist, watch live probes, journal everything",
    long_about = "flightdeck walks a deployment checklist phase by phase, polls the systems being \
changed (HTTP, SQL, Redis, Prometheus, /metrics, commands, TCP, DNS, TLS certificates, \
logs) and journals every tick, value, note and decision, so nothing is lost when the ssh link \
drops. Start with `flightdeck demo`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the cockpit on a checklist (TOML or Markdown); resumes the session if it exists
    Run(RunArgs),
    /// Watch a session from a second screen: the same cockpit, read-only; `w` asks for the
    /// wheel, `c` co-signs
    Watch(WatchArgs),
    /// Start a built-in demo service on loopback and run the bundled demo checklist against it
    Demo(DemoArgs),
    /// Poll every probe once, print the result; exit with the worst state: 2 CRIT, 1 WARN,
    /// 3 UNKNOWN, 0 OK (a CRIT is never hidden by an UNKNOWN); 4 when the config cannot be loaded
    /// or has no probes
    Check(CheckArgs),
    /// Convert a Markdown checklist to flightdeck's TOML format on stdout
    Import(ImportArgs),
    /// Load a checklist (and config), report every error with file:line:column
    Validate(ValidateArgs),
    /// Print the record of a session: the filled-in checklist, then the timeline
    Report(ReportArgs),
    /// List the sessions in the store
    Sessions(SessionsArgs),
    /// The config's [[notify]] targets (webhook, slack, command)
    Notify(NotifyArgs),
    /// Print a shell completion script (bash, zsh or fish) on stdout
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout: `flightdeck man | man -l -`
    Man,
}

#[derive(Debug, Clone, Args)]
pub struct StoreArg {
    /// Journal store URL: sqlite:///path/to/file.db or postgres://… [default: SQLite in the XDG state dir]
    #[arg(long, value_name = "URL", env = "FLIGHTDECK_STORE")]
    pub store: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Config file [default: ./flightdeck.toml, then the XDG config dir]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Environment whose `[env.NAME]` variables fill `${env.NAME.var}` references
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Checklist file: .toml, or a Markdown checklist (.md, .txt, …) imported on the fly
    pub checklist: PathBuf,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Session name [default: the checklist's file name and today's date; a session of the same
    /// checklist active in the last 12 hours is resumed]
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    /// Who you are in the journal [default: $USER@hostname]
    #[arg(long = "as", value_name = "USER")]
    pub actor: Option<String>,
    #[command(flatten)]
    pub store: StoreArg,
    /// Use ASCII glyphs instead of Unicode symbols
    #[arg(long)]
    pub ascii: bool,
    /// Read the boxes inside fenced code blocks too (a checklist pasted inside a ```markdown fence)
    #[arg(long)]
    pub read_fenced: bool,
    /// Watch instead of driving: the same screen, and nothing written but this screen's
    /// presence (and a co-sign) until it takes the wheel (`w`)
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Session name [default: the most recent session in the store]
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Who you are in the journal [default: $USER@hostname]
    #[arg(long = "as", value_name = "USER")]
    pub actor: Option<String>,
    /// Use ASCII glyphs instead of Unicode symbols
    #[arg(long)]
    pub ascii: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Use ASCII glyphs instead of Unicode symbols
    #[arg(long)]
    pub ascii: bool,
    /// Redis the demo's cache probe polls: a real one when it answers, else the panel says it is
    /// unreachable
    #[arg(
        long,
        value_name = "URL",
        env = "FLIGHTDECK_DEMO_REDIS",
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Markdown checklist to convert
    pub file: PathBuf,
    /// Read the boxes inside fenced code blocks too (a checklist pasted inside a ```markdown fence)
    #[arg(long)]
    pub read_fenced: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Checklist file: .toml, or a Markdown checklist (.md, .txt, …)
    pub checklist: PathBuf,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Read the boxes inside fenced code blocks too (a checklist pasted inside a ```markdown fence)
    #[arg(long)]
    pub read_fenced: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Session name [default: the most recent session]
    #[arg(long, value_name = "NAME")]
    pub session: Option<String>,
    #[command(flatten)]
    pub store: StoreArg,
    /// Config file whose [store] is read when --store is not given, as `run` does [default:
    /// ./flightdeck.toml, then the XDG config dir]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Args)]
pub struct SessionsArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Config file whose [store] is read when --store is not given, as `run` does [default:
    /// ./flightdeck.toml, then the XDG config dir]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct NotifyArgs {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum NotifyCommand {
    /// Send one test message to each [[notify]] target and report each result; exit 1 when any
    /// target failed, 2 when the config cannot be loaded or has no target
    Test(NotifyTestArgs),
}

#[derive(Debug, Clone, Args)]
pub struct NotifyTestArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Who the test message says it is from [default: $USER@hostname]
    #[arg(long = "as", value_name = "USER")]
    pub actor: Option<String>,
}
