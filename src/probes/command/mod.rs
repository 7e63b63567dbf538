//! The `command` kind: runs `argv` (or `shell` through `sh -c`, when asked) under the probe's
//! timeout in its own process group, killed whole on timeout or cancellation; outputs
//! `exit_code`, `stdout`, `stderr`, `value` (stdout as a number, units read), `json` (stdout as
//! JSON), `lines` and `latency`. Without conditions, exit 0 is OK and anything else CRIT.

mod run;

pub(crate) use run::terminate;

use crate::config::{
    Headline, KindSettings, Poller, ProbeKind, ProbeSpec, SecretText, TableReader,
};
use crate::model::{OutputSpec, OutputType, PollResult, ProbeState, Value, ValueUnit};
use crate::redact::{is_secret_name, redact_text};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Bytes of stdout (and of stderr) kept at most; the rest is read and dropped, so a chatty
/// command never blocks on a full pipe.
pub const DEFAULT_MAX_OUTPUT: u64 = 64 * 1024;

/// How long a process group has after SIGTERM before SIGKILL.
pub const DEFAULT_KILL_GRACE: Duration = Duration::from_secs(2);

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "exit_code",
        OutputType::Number(None),
        "the exit status (absent when killed by a signal)",
    ),
    OutputSpec::new(
        "signal",
        OutputType::Number(None),
        "the signal that ended it, if one did",
    ),
    OutputSpec::new(
        "stdout",
        OutputType::Text,
        "stdout, trimmed, up to max_output",
    ),
    OutputSpec::new(
        "stderr",
        OutputType::Text,
        "stderr, trimmed, up to max_output",
    ),
    OutputSpec::new(
        "stdout_truncated",
        OutputType::Bool,
        "stdout was longer than max_output",
    ),
    OutputSpec::new(
        "value",
        OutputType::Number(None),
        "stdout as a number (`250ms`, `1.5GB`, `70%` read with their unit)",
    ),
    OutputSpec::new(
        "json",
        OutputType::Json,
        "stdout as JSON (reach in with json.items.0.status)",
    ),
    OutputSpec::new("lines", OutputType::Number(None), "lines of stdout"),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "start to exit",
    ),
];

/// The `command` kind in the registry.
pub struct Command;

impl ProbeKind for Command {
    fn name(&self) -> &'static str {
        "command"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["argv", "shell", "env", "dir", "max_output", "kill_grace"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let example = "argv = [\"systemctl\", \"is-active\", \"nginx\"]";
        let program = match (r.has("argv"), r.has("shell")) {
            (true, true) => {
                r.fail(
                    "shell",
                    "a command probe takes `argv` or `shell`, not both",
                    "keep `argv` (no shell) unless you need pipes or globs",
                );
                None
            }
            (false, false) => {
                r.required("argv", example);
                None
            }
            (true, false) => match r.string_list("argv", example) {
                Some(argv) if argv.first().is_some_and(|p| !p.trim().is_empty()) => {
                    Some(Program::Argv(argv))
                }
                Some(_) => {
                    r.fail(
                        "argv",
                        "`argv` is empty",
                        format!("name the program: {example}"),
                    );
                    None
                }
                None => None,
            },
            (false, true) => r.optional_str("shell").map(Program::Shell),
        };
        let env = r
            .string_table(
                "env",
                "variable",
                "env = { KUBECONFIG = \"${HOME}/.kube/prod\" }",
            )
            .into_iter()
            .map(|(name, value)| {
                let value = if is_secret_name(&name) {
                    SecretText::whole(value)
                } else {
                    SecretText::new(value)
                };
                (name, value)
            })
            .collect();
        let dir = r.path("dir");
        if let Some(d) = &dir
            && !d.is_dir()
        {
            r.fail(
                "dir",
                format!("`{}` is not a directory", d.display()),
                "give the working directory (relative paths start at the config file's folder)",
            );
        }
        let max_output = r.size("max_output", DEFAULT_MAX_OUTPUT);
        let kill_grace = r.duration("kill_grace").unwrap_or(DEFAULT_KILL_GRACE);
        Some(Arc::new(CommandSettings {
            program: program?,
            env,
            dir,
            max_output,
            kill_grace,
        }))
    }
}

/// What to run: a program and its arguments, or a shell line (explicitly asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    Argv(Vec<String>),
    Shell(String),
}

#[derive(Debug, Clone)]
pub struct CommandSettings {
    pub program: Program,
    /// Variables added to the inherited environment; secret-named values print as `***`.
    pub env: Vec<(String, SecretText)>,
    /// The working directory (else flightdeck's own).
    pub dir: Option<PathBuf>,
    pub max_output: u64,
    /// SIGTERM, then this long, then SIGKILL for the whole group.
    pub kill_grace: Duration,
}

impl KindSettings for CommandSettings {
    fn target(&self) -> String {
        let line = match &self.program {
            Program::Argv(argv) => argv.iter().map(|a| quoted(a)).collect::<Vec<_>>().join(" "),
            Program::Shell(line) => format!("sh -c {}", quoted(line)),
        };
        redact_text(&line)
    }

    fn secret_parts(&self) -> Vec<String> {
        let mut parts: Vec<String> = self
            .env
            .iter()
            .flat_map(|(_, v)| v.secret_parts())
            .collect();
        let words = match &self.program {
            Program::Argv(argv) => argv.clone(),
            Program::Shell(line) => line.split_whitespace().map(str::to_owned).collect(),
        };
        for word in words {
            parts.extend(SecretText::new(word).secret_parts());
        }
        parts
    }

    fn poller(&self, _spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(CommandProbe {
            settings: Arc::new(self.clone()),
            last_run: None,
        })
    }

    /// With a `unit`, stdout read as a number in it; without, stdout itself (`active`,
    /// `deployment "api" successfully rolled out`).
    fn headline(&self, unit: Option<ValueUnit>) -> Headline {
        match unit {
            Some(_) => Headline {
                output: "value",
                unit,
            },
            None => Headline {
                output: "stdout",
                unit: None,
            },
        }
    }

    fn sparkline(&self) -> &'static str {
        "latency"
    }

    fn default_state(&self, outputs: &BTreeMap<String, Value>) -> Option<(ProbeState, String)> {
        let first_line = |name: &str| {
            outputs
                .get(name)
                .map(|v| v.to_string())
                .and_then(|t| t.lines().find(|l| !l.trim().is_empty()).map(str::to_owned))
        };
        let detail = first_line("stderr").or_else(|| first_line("stdout"));
        let with = |head: String| match &detail {
            Some(d) => format!("{head}: {d}"),
            None => head,
        };
        if let Some(signal) = outputs.get("signal").and_then(Value::as_f64) {
            return Some((ProbeState::Crit, with(format!("killed by signal {signal}"))));
        }
        let code = outputs.get("exit_code").and_then(Value::as_f64)?;
        (code != 0.0).then(|| (ProbeState::Crit, with(format!("exit {code}"))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `arg` as a shell would need it written, for display only.
fn quoted(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Runs the command for each poll; the run itself is a task of its own, so a poll dropped by the
/// timeout (or the scheduler's cancellation) still ends with the group killed and reaped.
pub struct CommandProbe {
    settings: Arc<CommandSettings>,
    /// The previous run, which may still be killing its group: the next run waits for it, so
    /// there is never more than one.
    last_run: Option<JoinHandle<()>>,
}

impl CommandProbe {
    async fn poll_once(&mut self) -> PollResult {
        if let Some(previous) = self.last_run.take() {
            let _ = previous.await;
        }
        let (handle, result) = run::start(self.settings.clone());
        self.last_run = Some(handle);
        result.await
    }
}

impl Poller for CommandProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_like_a_shell_line() {
        assert_eq!(quoted("deploy/api"), "deploy/api");
        assert_eq!(quoted("it's"), r"'it'\''s'");
        assert_eq!(quoted(""), "''");
    }
}
