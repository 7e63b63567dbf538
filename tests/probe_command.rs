//! The command probe against real processes: `true`, `false`, `sleep 10` under a 1 s timeout (the
//! whole group gone, no zombie), JSON and numbers with units on stdout, a group that ignores
//! SIGTERM, secrets kept out of reasons, cancellation by the scheduler, and 10,000 runs without a
//! leaked file descriptor or process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState, scheduler};
use rustix::process::{Pid, test_kill_process_group};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The tests count this process's children and descriptors, so they run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn spec(keys: &str) -> ProbeSpec {
    probe_spec::one(&format!(
        "[[probe]]\nname = \"c\"\nkind = \"command\"\ninterval = \"5s\"\n{keys}\n"
    ))
}

/// Child processes of this test process that are zombies (exited, never reaped).
fn zombies() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 1 && fields[0] == "Z" && fields[1] == me {
            out.push(stat);
        }
    }
    out
}

/// Children of this test process, living or not.
fn children() -> usize {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
            rest.split_whitespace().nth(1) == Some(me.as_str())
        })
        .count()
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Waits until the process group `pgid` has no member left.
async fn group_gone(pgid: i32, within: Duration) -> bool {
    let pid = Pid::from_raw(pgid).unwrap();
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if test_kill_process_group(pid).is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// The pid the command's shell wrote (the group leader, so the group id too).
async fn leader(file: &Path) -> i32 {
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(file)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the command never wrote its pid to {}", file.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn true_is_ok_false_is_crit() {
    let _serial = SERIAL.lock().await;
    let mut ok = Probe::new(spec("argv = [\"true\"]"));
    let s = ok.poll().await;
    assert_eq!((s.state, s.reason.clone()), (ProbeState::Ok, None));
    assert_eq!(s.output("exit_code"), Some(Value::Number(0.0)));
    probe_spec::assert_outputs_declared(&ok, &s);

    let mut bad = Probe::new(spec("argv = [\"false\"]"));
    let s = bad.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert_eq!(s.reason.as_deref(), Some("exit 1"));

    // the first line of stderr says why
    let mut why = Probe::new(spec("shell = 'echo \"no rollout\" >&2; exit 3'"));
    let s = why.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("exit 3: no rollout"))
    );

    // conditions say more than the exit code
    let mut judged = Probe::new(spec("argv = [\"false\"]\nok = 'exit_code == 1'"));
    assert_eq!(judged.poll().await.state, ProbeState::Ok);

    // a program that is not there is a setup problem, not an answer
    let mut missing = Probe::new(spec("argv = [\"/nonexistent/kubectl\", \"get\"]"));
    let s = missing.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(
        s.reason
            .unwrap()
            .contains("cannot run `/nonexistent/kubectl`")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sleep_under_a_timeout_is_crit_and_leaves_nothing() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let mut probe = Probe::new(spec(&format!(
        "timeout = \"1s\"\nshell = 'echo $$ > {}; sleep 10 & sleep 10; wait'",
        pidfile.display()
    )));
    let started = Instant::now();
    let s = probe.poll().await;
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("timeout after 1s"))
    );
    let pgid = leader(&pidfile).await;
    assert!(
        group_gone(pgid, Duration::from_secs(2)).await,
        "process group {pgid} still has members"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(zombies(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_ignores_sigterm_is_killed_after_the_grace() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let mut probe = Probe::new(spec(&format!(
        "timeout = \"500ms\"\nkill_grace = \"700ms\"\n\
         shell = \"trap '' TERM; echo $$ > {}; sleep 30\"",
        pidfile.display()
    )));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    let pgid = leader(&pidfile).await;
    let killed_at = Instant::now();
    // SIGTERM alone does nothing: still there well into the grace period
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = Pid::from_raw(pgid).unwrap();
    assert!(
        test_kill_process_group(pid).is_ok(),
        "ignored SIGTERM yet gone"
    );
    assert!(
        group_gone(pgid, Duration::from_secs(3)).await,
        "never SIGKILLed"
    );
    assert!(killed_at.elapsed() >= Duration::from_millis(300));
    // the next run waits for the kill to finish: never two runs of one probe
    let next = probe.poll().await;
    assert_eq!(next.state, ProbeState::Crit);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(zombies(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_paths_and_numbers_with_units() {
    let _serial = SERIAL.lock().await;
    let json = r#"{"items":[{"status":"Running","ready":3}],"phase":"Complete"}"#;
    let mut probe = Probe::new(spec(&format!(
        "argv = [\"echo\", '{json}']\nok = 'json.items.0.status == \"Running\" && json.items.0.ready >= 3'"
    )));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("json.phase"), Some(Value::Text("Complete".into())));
    assert_eq!(s.output("lines"), Some(Value::Number(1.0)));
    probe_spec::assert_outputs_declared(&probe, &s);

    let mut timed = Probe::new(spec(
        "argv = [\"printf\", \"250ms\"]\nunit = \"ms\"\nwarn = 'value > 200ms'",
    ));
    let s = timed.poll().await;
    assert_eq!(s.output("value"), Some(Value::Number(250.0)));
    assert_eq!(s.state, ProbeState::Warn);
    assert_eq!(
        flightdeck::probes::headline(timed.spec(), &s).map(|h| h.1),
        Some("250 ms".into())
    );

    let mut size = Probe::new(spec("shell = 'echo 1.5GB; echo'"));
    let s = size.poll().await;
    assert_eq!(s.output("value"), Some(Value::Number(1.5e9)));
    assert_eq!(s.output("lines"), Some(Value::Number(2.0)));

    // a text answer has no value; a condition on it is UNKNOWN, never OK
    let mut text = Probe::new(spec("argv = [\"echo\", \"active\"]\nok = 'value > 0'"));
    let s = text.poll().await;
    assert_eq!(s.output("stdout"), Some(Value::Text("active".into())));
    assert_eq!(s.state, ProbeState::Unknown);
    // without a unit the panel shows what the command said
    let shown = flightdeck::probes::headline(text.spec(), &s).map(|h| h.1);
    assert_eq!(shown.as_deref(), Some("active"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_dir_bounded_output_and_secrets() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("marker.txt"), "here").unwrap();
    let mut probe = Probe::new(spec(&format!(
        "shell = 'cat marker.txt; echo \" $REGION\"; echo \"token $API_TOKEN\" >&2; exit 2'\n\
         dir = \"{}\"\nenv = {{ REGION = \"eu-1\", API_TOKEN = \"Tk-9f8e7d6c\" }}",
        dir.path().display()
    )));
    let s = probe.poll().await;
    assert_eq!(s.output("stdout"), Some(Value::Text("here eu-1".into())));
    assert_eq!(s.state, ProbeState::Crit);
    let reason = s.reason.unwrap();
    assert!(reason.starts_with("exit 2: token "), "{reason}");
    assert!(
        !reason.contains("Tk-9f8e7d6c"),
        "secret in the reason: {reason}"
    );
    assert!(!format!("{:?}", probe.spec()).contains("Tk-9f8e7d6c"));

    let mut chatty = Probe::new(spec(
        "shell = 'yes flightdeck | head -c 1000000'\nmax_output = \"4KiB\"",
    ));
    let s = chatty.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("stdout_truncated"), Some(Value::Bool(true)));
    assert!(s.output("stdout").unwrap().to_string().len() <= 4096);
    // every line was counted, not only the kept ones
    assert_eq!(s.output("lines"), Some(Value::Number(90910.0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_scheduler_kills_the_group() {
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let spec = spec(&format!(
        "timeout = \"5s\"\nshell = 'echo $$ > {}; exec sleep 30'",
        pidfile.display()
    ));
    let (tx, _rx) = mpsc::channel(8);
    let cancel = CancellationToken::new();
    let handle = scheduler::spawn(vec![spec], tx, cancel.clone());
    let pgid = leader(&pidfile).await;
    cancel.cancel();
    handle.join().await;
    assert!(group_gone(pgid, Duration::from_secs(3)).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(zombies(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_runs_leak_nothing() {
    let _serial = SERIAL.lock().await;
    let mut probe = Probe::new(spec("argv = [\"true\"]"));
    // warm up: the runtime's own pipes and signal handler are opened once
    for _ in 0..10 {
        probe.poll().await;
    }
    let fds = open_fds();
    let started = Instant::now();
    for i in 0..10_000 {
        let s = probe.poll().await;
        assert_eq!(s.state, ProbeState::Ok, "run {i}: {:?}", s.reason);
    }
    eprintln!("10,000 runs of `true` in {:?}", started.elapsed());
    assert_eq!(open_fds(), fds, "file descriptors leaked");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(children(), 0, "processes left behind");
}
