//! `[[notify]]` through the real binary: `validate` reports each mistake in a target at its
//! file:line:column with a fix (did-you-mean for event names, kinds and placeholders), every one
//! at once; `flightdeck notify test` sends one message to each target against real receivers,
//! reports each, exits 1 when any failed — and never prints a webhook's token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;
#[path = "support/notify.rs"]
mod notify;

use notify::{Answer, Receiver};
use std::path::Path;
use std::process::{Command, Output};

fn flightdeck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("USER", "tester")
        .output()
        .unwrap()
}

const BAD: &str = r#"[[notify]]
name = "ops"
kind = "slak"
url = "https://hooks.slack.com/services/T1/B2/xyz"

[[notify]]
name = "hook"
kind = "webhook"
on = ["trigger_fired", "trigger_fird", "phase_started"]
template = "{severity}: {sumary}"

[[notify]]
name = "pager"
kind = "command"
url = "https://x.example/"
min_severity = "urgent"

[[notify]]
name = "hook"
kind = "webhook"
url = "ftp://files.example/drop"
timeout = "0s"
"#;

#[test]
fn validate_locates_every_mistake_in_notify_targets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.toml"), notify::CHECKLIST).unwrap();
    std::fs::write(dir.path().join("f.toml"), BAD).unwrap();
    let out = flightdeck(dir.path(), &["validate", "c.toml", "--config", "f.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let expect = [
        (
            "f.toml:3:8: error: unknown notify kind `slak`",
            "did you mean `slack`?",
        ),
        (
            "f.toml:6:1: error: a webhook target needs `url`",
            "add url = ",
        ),
        (
            "f.toml:9:24: error: unknown event `trigger_fird` in `on`",
            "did you mean `trigger_fired`?",
        ),
        (
            "f.toml:10:25: error: bad template: unknown placeholder `{sumary}`",
            "did you mean `{summary}`?",
        ),
        (
            "f.toml:15:1: error: unknown key `url` in a command target",
            "a command target takes:",
        ),
        (
            "f.toml:12:1: error: a command target needs `argv`",
            "add argv = [",
        ),
        (
            "f.toml:16:16: error: unknown severity `urgent`",
            "info, warning, critical",
        ),
        (
            "f.toml:21:7: error: `ftp://files.example/***` is not an http(s) URL",
            "write url =",
        ),
        (
            "f.toml:22:11: error: timeout 0s is out of range",
            "timeout = \"10s\"",
        ),
    ];
    for (line, hint) in expect {
        let at = err
            .find(line)
            .unwrap_or_else(|| panic!("no `{line}` in:\n{err}"));
        let rest = &err[at..];
        let next = rest[1..].find("f.toml:").map_or(rest.len(), |i| i + 1);
        assert!(
            rest[..next].contains(hint),
            "`{line}` without `{hint}`:\n{err}"
        );
    }
    // the Slack URL is a token: never in a message
    assert!(!err.contains("xyz") && !err.contains("T1/B2"), "{err}");
}

#[test]
fn a_duplicate_target_name_is_refused_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "title = \"T\"\n[[phase]]\nname = \"P\"\n[[phase.item]]\nid = \"a\"\ntext = \"A\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("f.toml"),
        "[[notify]]\nname = \"ops\"\nkind = \"command\"\nargv = [\"true\"]\n\n\
         [[notify]]\nname = \"ops\"\nkind = \"command\"\nargv = [\"true\"]\n",
    )
    .unwrap();
    let out = flightdeck(dir.path(), &["validate", "c.toml", "--config", "f.toml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("f.toml:7:8: error: duplicate notify target `ops`")
            && err.contains("the first `ops` is at line 2"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("f.toml"),
        "[[notify]]\nname = \"ops\"\nkind = \"command\"\nargv = [\"true\"]\n",
    )
    .unwrap();
    let out = flightdeck(dir.path(), &["validate", "c.toml", "--config", "f.toml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_config_never_shows_a_webhook_url() {
    let config = flightdeck::config::parse_str(
        Path::new("f.toml"),
        "[[notify]]\nname = \"chat\"\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/T1/B2/xyz123\"\n",
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap();
    let shown = format!("{config:?}");
    assert!(shown.contains("https://hooks.slack.com/***"), "{shown}");
    assert!(!shown.contains("xyz123"), "{shown}");
    assert_eq!(
        config.notify[0].display_target(),
        "https://hooks.slack.com/***"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_test_reports_each_target_and_fails_on_any_failure() {
    let dir = tempfile::tempdir().unwrap();
    let ok = Receiver::ok().await;
    let broken = Receiver::start(|_| Answer::Status(503)).await;
    let gone = Receiver::start(|_| Answer::Status(404)).await;
    let out_file = dir.path().join("stdin.json");
    let config = format!(
        "[[notify]]\nname = \"chat\"\nkind = \"slack\"\nurl = \"{}\"\n\n\
         [[notify]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{}\"\n\n\
         [[notify]]\nname = \"old-hook\"\nkind = \"webhook\"\nurl = \"{}\"\n\n\
         [[notify]]\nname = \"pager\"\nkind = \"command\"\nargv = [\"sh\", \"-c\", \"cat > {}\"]\n",
        ok.url(),
        broken.url(),
        gone.url(),
        out_file.display()
    );
    std::fs::write(dir.path().join("f.toml"), config).unwrap();
    let path = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        flightdeck(&path, &["notify", "test", "--config", "f.toml"])
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no line for {name}:\n{stdout}"))
            .to_owned()
    };
    assert!(line("chat").contains("slack") && line("chat").contains("delivered (HTTP 200"));
    assert!(line("hook").contains("FAILED: HTTP 503") && line("hook").contains("would retry"));
    assert!(line("old-hook").contains("FAILED: HTTP 404") && line("old-hook").contains("refused"));
    assert!(
        line("pager").contains("delivered (exit 0"),
        "{}",
        line("pager")
    );
    assert!(line("chat").contains("http://127.0.0.1:") && line("chat").contains("/***"));
    assert!(stderr.contains("2 of 4 targets failed"), "{stderr}");
    assert!(!stdout.contains("s3cr3tWebhookToken") && !stderr.contains("s3cr3tWebhookToken"));
    // each got one test message, saying who sent it
    assert_eq!(ok.all().len(), 1);
    let slack = ok.all()[0].json();
    assert!(
        slack["text"]
            .as_str()
            .unwrap()
            .starts_with("test message from flightdeck (tester@"),
        "{slack}"
    );
    let stdin: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(stdin["kind"], "test");
    assert_eq!(stdin["note"], "to target `pager`");

    // all well: exit 0
    std::fs::write(
        dir.path().join("g.toml"),
        format!(
            "[[notify]]\nname = \"chat\"\nkind = \"slack\"\nurl = \"{}\"\n",
            ok.url()
        ),
    )
    .unwrap();
    let path = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        flightdeck(&path, &["notify", "test", "--config", "g.toml"])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn notify_test_without_targets_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.toml"), "[ui]\nbell = false\n").unwrap();
    let out = flightdeck(dir.path(), &["notify", "test", "--config", "f.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no [[notify]] target to test") && err.contains("hint:"),
        "{err}"
    );
}
