//! A `command` target's attempt: the program (no shell) in its own process group with the JSON
//! document on stdin; exit 0 is delivered. One that outlives the timeout is ended whole (SIGTERM,
//! then SIGKILL) and retried; one that cannot be started is refused for good.

use super::outcome::Outcome;
use rustix::process::Pid;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a program that ran out of time gets between SIGTERM and SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(2);
/// How much of stderr an error quotes.
const STDERR_KEPT: usize = 2048;

pub(super) async fn attempt(argv: &[String], input: Vec<u8>, timeout: Duration) -> Outcome {
    let Some((program, args)) = argv.split_first() else {
        return Outcome::Refused("no program to run".into());
    };
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .process_group(0)
        .kill_on_drop(true)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::Refused(format!("cannot run `{program}`: {e}")),
    };
    let group = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .and_then(Pid::from_raw);
    // written beside the wait: a program that never reads stdin must not block the attempt
    let stdin = child.stdin.take();
    let feed = tokio::spawn(async move {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(&input).await;
        }
    });
    let mut stderr = child.stderr.take();
    let run = async {
        let mut kept = Vec::new();
        if let Some(err) = stderr.as_mut() {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let room = STDERR_KEPT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
        (child.wait().await, kept)
    };
    let finished = tokio::time::timeout(timeout, run).await;
    feed.abort();
    match finished {
        Ok((Ok(status), _)) if status.success() => Outcome::Delivered("exit 0".into()),
        Ok((Ok(status), stderr)) => {
            let said = String::from_utf8_lossy(&stderr);
            let first = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let how = match status.code() {
                Some(code) => format!("exit {code}"),
                None => "killed by a signal".to_owned(),
            };
            let error = if first.is_empty() {
                how
            } else {
                format!("{how}: {}", first.trim())
            };
            Outcome::Retry(error, None)
        }
        Ok((Err(e), _)) => Outcome::Retry(format!("waiting for `{program}`: {e}"), None),
        Err(_) => {
            match group {
                Some(group) => {
                    crate::probes::command::terminate(&mut child, Some(group), KILL_GRACE).await
                }
                None => {
                    let _ = child.kill().await;
                }
            }
            Outcome::Retry(
                format!(
                    "`{program}` did not finish within {}",
                    crate::units::format_duration(timeout)
                ),
                None,
            )
        }
    }
}
