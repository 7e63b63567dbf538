//! One run of a command: spawned in its own process group, its output read within bounds, and —
//! when the poll that asked for it is dropped — the whole group sent SIGTERM, then SIGKILL after
//! the grace period, and the child reaped, so nothing is left running and no zombie stays.

use super::{CommandSettings, Program};
use crate::model::{Failure, Outputs, PollResult, Value};
use crate::units;
use rustix::process::{Pid, Signal, kill_process_group, test_kill_process_group};
use std::future::Future;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Child;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Starts a run as a task of its own. The returned future gives its result; dropping that
/// future before it is ready (a timeout, a cancellation) makes the task kill the group.
pub(super) fn start(
    settings: Arc<CommandSettings>,
) -> (JoinHandle<()>, impl Future<Output = PollResult>) {
    let cancel = CancellationToken::new();
    let (tx, rx) = oneshot::channel();
    let handle = tokio::spawn(run(settings, cancel.clone(), tx));
    let guard = cancel.drop_guard();
    let result = async move {
        let result = rx.await;
        guard.disarm();
        result.unwrap_or_else(|_| {
            Err(Failure::cannot_judge(
                "the command's run stopped without a result",
            ))
        })
    };
    (handle, result)
}

async fn run(
    settings: Arc<CommandSettings>,
    cancel: CancellationToken,
    tx: oneshot::Sender<PollResult>,
) {
    let mut command = match &settings.program {
        Program::Argv(argv) => {
            let mut c = tokio::process::Command::new(&argv[0]);
            c.args(&argv[1..]);
            c
        }
        Program::Shell(line) => {
            let mut c = tokio::process::Command::new("sh");
            c.arg("-c").arg(line);
            c
        }
    };
    command
        .process_group(0)
        .kill_on_drop(true)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in &settings.env {
        command.env(name, value.expose());
    }
    if let Some(dir) = &settings.dir {
        command.current_dir(dir);
    }
    let started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            let program = match &settings.program {
                Program::Argv(argv) => argv[0].clone(),
                Program::Shell(_) => "sh".into(),
            };
            let _ = tx.send(Err(Failure::cannot_judge(format!(
                "cannot run `{program}`: {e}"
            ))));
            return;
        }
    };
    let group = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .and_then(Pid::from_raw);
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let collected = tokio::select! {
        biased;
        () = cancel.cancelled() => None,
        done = collect(&mut child, stdout, stderr, settings.max_output) => Some(done),
    };
    match collected {
        None => terminate(&mut child, group, settings.kill_grace).await,
        Some(done) => {
            let latency = started.elapsed().as_secs_f64() * 1000.0;
            // whatever the command left running in its group goes too: a probe leaves nothing
            if let Some(group) = group {
                let _ = kill_process_group(group, Signal::KILL);
            }
            let _ = tx.send(done.map(|d| d.outputs(latency)));
        }
    }
}

/// SIGTERM to the group; SIGKILL when it is still there after `grace`; the child reaped. (A
/// `command` notify target ends a run that outlives its timeout the same way.)
pub(crate) async fn terminate(child: &mut Child, group: Option<Pid>, grace: Duration) {
    let Some(group) = group else {
        let _ = child.kill().await;
        return;
    };
    let _ = kill_process_group(group, Signal::TERM);
    let deadline = Instant::now() + grace;
    loop {
        // reap the leader as soon as it ends: a zombie would keep the group alive
        let _ = child.try_wait();
        if test_kill_process_group(group).is_err() {
            break;
        }
        if Instant::now() >= deadline {
            let _ = kill_process_group(group, Signal::KILL);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = child.wait().await;
}

/// What a finished run gave.
struct Done {
    status: ExitStatus,
    stdout: Captured,
    stderr: Captured,
}

async fn collect(
    child: &mut Child,
    stdout: Option<impl AsyncRead + Unpin>,
    stderr: Option<impl AsyncRead + Unpin>,
    max: u64,
) -> Result<Done, Failure> {
    let (stdout, stderr, status) = tokio::join!(
        Captured::read(stdout, max),
        Captured::read(stderr, max),
        child.wait()
    );
    let status =
        status.map_err(|e| Failure::cannot_judge(format!("waiting for the command: {e}")))?;
    Ok(Done {
        status,
        stdout,
        stderr,
    })
}

/// A stream read to its end, keeping at most `max` bytes and counting its lines.
#[derive(Default)]
struct Captured {
    kept: Vec<u8>,
    truncated: bool,
    lines: u64,
}

impl Captured {
    async fn read(stream: Option<impl AsyncRead + Unpin>, max: u64) -> Captured {
        let mut out = Captured::default();
        let Some(mut stream) = stream else {
            return out;
        };
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        let mut buf = vec![0u8; 16 * 1024];
        let mut last = b'\n';
        loop {
            let n = match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &buf[..n];
            out.lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            last = chunk[n - 1];
            let room = max.saturating_sub(out.kept.len());
            out.kept.extend_from_slice(&chunk[..n.min(room)]);
            out.truncated |= n > room;
        }
        if last != b'\n' {
            out.lines += 1;
        }
        out
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.kept).trim().to_string()
    }
}

impl Done {
    fn outputs(&self, latency_ms: f64) -> Outputs {
        let mut out = Outputs::answered_in(latency_ms);
        match (self.status.code(), self.status.signal()) {
            (Some(code), _) => out.number("exit_code", f64::from(code)),
            (None, Some(signal)) => out.number("signal", f64::from(signal)),
            (None, None) => {}
        }
        let stdout = self.stdout.text();
        out.number("lines", self.stdout.lines as f64);
        if self.stdout.truncated {
            out.set("stdout_truncated", Value::Bool(true));
        } else {
            if let Some(n) = number_with_unit(&stdout) {
                out.number("value", n);
            }
            if let Ok(json @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) =
                serde_json::from_str::<serde_json::Value>(&stdout)
            {
                out.set("json", Value::Json(json));
            }
        }
        out.set("stdout", Value::Text(stdout));
        out.set("stderr", Value::Text(self.stderr.text()));
        out
    }
}

/// `42`, `-1.5`, `250ms`, `1.5 GB`, `70%` — normalised as conditions compare them (ms, bytes,
/// a fraction); `None` for anything else.
pub(crate) fn number_with_unit(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<f64>() {
        return n.is_finite().then_some(n);
    }
    let split = text.find(|c: char| c.is_alphabetic() || c == '%')?;
    let number: f64 = text[..split].trim().parse().ok()?;
    let (_, factor) = units::lookup(text[split..].trim())?;
    // 70% is 70 / 100, not 70 * 0.01 (which is 0.7000000000000001)
    let n = if factor < 1.0 {
        number / (1.0 / factor).round()
    } else {
        number * factor
    };
    n.is_finite().then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_units() {
        assert_eq!(number_with_unit(" 42\n"), Some(42.0));
        assert_eq!(number_with_unit("250ms"), Some(250.0));
        assert_eq!(number_with_unit("2 s"), Some(2000.0));
        assert_eq!(number_with_unit("1.5GB"), Some(1.5e9));
        assert_eq!(number_with_unit("70%"), Some(0.7));
        assert_eq!(number_with_unit("NaN"), None);
        assert_eq!(number_with_unit("active"), None);
        assert_eq!(number_with_unit("3 pods"), None);
    }
}
