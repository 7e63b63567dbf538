//! One attempt at one target, against real receivers and real programs: what counts as delivered,
//! what is worth another try (and when the receiver asks us to wait), what is refused for good;
//! a command that outlives its timeout is ended with its whole process group; no error text
//! carries the target's secrets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;

use flightdeck::config::{Level, Notice, NotifyTarget};
use flightdeck::notify::{Facts, Outcome, Scrub, send};
use http::{Resp, TestServer};
use std::path::Path;
use std::time::{Duration, Instant};

fn target(toml: &str) -> NotifyTarget {
    let config = flightdeck::config::parse_str(
        Path::new("f.toml"),
        &format!("[[notify]]\nname = \"t\"\n{toml}"),
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap();
    config.notify.into_iter().next().unwrap()
}

fn doc() -> serde_json::Value {
    Facts {
        kind: Notice::PhaseStarted,
        severity: Level::Info,
        session: "s".into(),
        checklist: "Deploy".into(),
        env: None,
        seq: 7,
        time: chrono::Utc::now(),
        actor: "flightdeck".into(),
        phase: Some(("go".into(), "Go live".into())),
        item: None,
        trigger: None,
        decision: None,
        note: None,
        evidence: Vec::new(),
    }
    .document(&Scrub::default())
}

async fn attempt(t: &NotifyTarget) -> Outcome {
    let scrub = Scrub::new(t.secret_parts());
    send::attempt(t, &doc(), &scrub).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_sort_into_delivered_retry_and_refused() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/ok/tok3n" => {
            assert_eq!(req.header("authorization"), Some("Bearer abc-123-xyz"));
            Resp::new(204, "")
        }
        "/busy/tok3n" => Resp::new(429, "slow down").header("retry-after", "7"),
        "/moved/tok3n" => Resp::new(301, "").header("location", "https://new.example/tok3n"),
        "/gone/tok3n" => Resp::new(410, "channel_is_archived"),
        _ => Resp::new(502, "bad gateway"),
    })
    .await;
    let hook = |path: &str| {
        target(&format!(
            "kind = \"webhook\"\nurl = \"{}\"\nheaders = {{ Authorization = \"Bearer abc-123-xyz\" }}\n",
            server.url(path)
        ))
    };
    assert_eq!(
        attempt(&hook("/ok/tok3n")).await,
        Outcome::Delivered("HTTP 204".into())
    );
    assert_eq!(
        attempt(&hook("/busy/tok3n")).await,
        Outcome::Retry("HTTP 429: slow down".into(), Some(Duration::from_secs(7)))
    );
    assert_eq!(
        attempt(&hook("/other/tok3n")).await,
        Outcome::Retry("HTTP 502: bad gateway".into(), None)
    );
    let Outcome::Refused(moved) = attempt(&hook("/moved/tok3n")).await else {
        panic!("a redirect is refused");
    };
    assert!(
        moved.starts_with("HTTP 301 (redirected to https://new.example/***"),
        "{moved}"
    );
    assert!(!moved.contains("tok3n"), "{moved}");
    assert_eq!(
        attempt(&hook("/gone/tok3n")).await,
        Outcome::Refused("HTTP 410: channel_is_archived".into())
    );
    // nobody listening: worth another try, and the URL's token stays out of the error
    let port = http::closed_port();
    let down = target(&format!(
        "kind = \"slack\"\nurl = \"http://127.0.0.1:{port}/services/T1/B2/tok3nPart\"\n"
    ));
    let Outcome::Retry(error, None) = attempt(&down).await else {
        panic!("refused connection is retried");
    };
    assert!(
        error.contains("connection refused") && !error.contains("tok3n"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_target_runs_without_a_shell_and_is_ended_whole_on_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    // `sh` is the program here, by the user's choice: flightdeck itself runs argv as it is
    let slow = target(&format!(
        "kind = \"command\"\ntimeout = \"500ms\"\nargv = [\"sh\", \"-c\", \"sleep 30 & echo $! > {}; wait\"]\n",
        pid_file.display()
    ));
    let started = Instant::now();
    let Outcome::Retry(error, None) = attempt(&slow).await else {
        panic!("a timeout is retried");
    };
    assert!(error.contains("did not finish within 500ms"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // the background `sleep` was in the group: it is gone too
    let deadline = Instant::now() + Duration::from_secs(3);
    while Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
    {
        assert!(
            Instant::now() < deadline,
            "sleep {pid} outlived its target's timeout"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let failing =
        target("kind = \"command\"\nargv = [\"sh\", \"-c\", \"echo boom >&2; exit 3\"]\n");
    assert_eq!(
        attempt(&failing).await,
        Outcome::Retry("exit 3: boom".into(), None)
    );
    let missing = target("kind = \"command\"\nargv = [\"/nonexistent/page-oncall\"]\n");
    let Outcome::Refused(error) = attempt(&missing).await else {
        panic!("a program that cannot start is refused");
    };
    assert!(
        error.starts_with("cannot run `/nonexistent/page-oncall`"),
        "{error}"
    );
    // the document on stdin, with the line for the target
    let out = dir.path().join("stdin.json");
    let cat = target(&format!(
        "kind = \"command\"\ntemplate = \"[{{severity}}] {{phase}}\"\nargv = [\"sh\", \"-c\", \"cat > {}\"]\n",
        out.display()
    ));
    assert_eq!(attempt(&cat).await, Outcome::Delivered("exit 0".into()));
    let stdin: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(stdin["kind"], "phase_started");
    assert_eq!(stdin["text"], "[info] Go live");
    assert_eq!(stdin["summary"], "phase started: Go live");
}
