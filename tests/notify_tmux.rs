//! The real binary in a real terminal: a trigger fired in `flightdeck run` reaches a Slack target
//! once and a failing webhook is retried; `kill -9` mid-retry, the receiver recovers, the same
//! command is started again — and the webhook gets exactly one delivered message, Slack none more.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;
#[path = "support/notify.rs"]
mod notify;
#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use notify::{Answer, Receiver, Service};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");
const LONG: Duration = Duration::from_secs(30);

#[test]
fn a_restart_mid_retry_still_delivers_once() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let up = Arc::new(AtomicBool::new(false));
    let receiver_up = up.clone();
    let (service, hook, chat) = rt.block_on(async {
        (
            Service::start().await,
            Receiver::start(move |_| {
                Answer::Status(if receiver_up.load(Ordering::Relaxed) {
                    200
                } else {
                    500
                })
            })
            .await,
            Receiver::ok().await,
        )
    });
    std::fs::write(dir.path().join("deploy.toml"), notify::CHECKLIST).unwrap();
    let targets = format!(
        "[[notify]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{}\"\ntimeout = \"2s\"\n\n\
         [[notify]]\nname = \"chat\"\nkind = \"slack\"\nurl = \"{}\"\n",
        hook.url(),
        chat.url()
    );
    let config = dir.path().join("flightdeck.toml");
    std::fs::write(&config, notify::config_text(&service, &targets)).unwrap();
    let store = format!("sqlite://{}/j.db", dir.path().display());
    let command = format!(
        "XDG_STATE_HOME={state} {BIN} run {checklist} --config {config} --session window \
         --store {store} --as alice@one; echo EXITED-$?; sleep 60",
        state = dir.path().join("state").display(),
        checklist = dir.path().join("deploy.toml").display(),
        config = config.display(),
    );
    let tmux = tmux::Tmux::start(dir.path(), &command, 140, 40);
    tmux.wait_for("Orders API deploy", LONG);
    service.set(503);
    tmux.wait_for("api-down", LONG);
    let fired = |seen: &[notify::Seen]| {
        seen.iter()
            .filter(|s| String::from_utf8_lossy(&s.req.body).contains("api-down fired"))
            .count()
    };
    rt.block_on(chat.wait("slack", LONG, |s| fired(s) == 1));
    rt.block_on(hook.wait("two refused attempts", LONG, |s| s.len() >= 2));
    tmux.wait_for("✉ hook retrying", LONG);

    let pid = tmux
        .program_pid("flightdeck")
        .expect("flightdeck runs in the pane");
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tmux.wait_for("EXITED-137", LONG);
    let refused = hook.all().len();
    up.store(true, Ordering::Relaxed);
    tmux.respawn(&command);
    tmux.wait_for("Orders API deploy", LONG);
    rt.block_on(hook.wait("the delivery", LONG, |s| notify::delivered_count(s) == 1));
    // the restarted cockpit polls on: nothing more is sent to either target
    std::thread::sleep(Duration::from_secs(4));
    let all = hook.all();
    assert_eq!(notify::delivered_count(&all), 1, "exactly one delivered");
    assert_eq!(all.len(), refused + 1, "no attempt after the delivery");
    let first = all[0].json();
    assert!(all.iter().all(|s| s.json()["id"] == first["id"]));
    assert_eq!(first["kind"], "trigger_fired");
    assert_eq!(first["session"], "window");
    assert_eq!(chat.all().len(), 1, "slack had it already: never again");
    wait_gone(&tmux, "✉");

    let report = report::report_json(&store, Some("window"));
    let list = report["notifications"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let hook_row = list.iter().find(|n| n["target"] == "hook").unwrap();
    assert_eq!(hook_row["status"], "delivered");
    assert_eq!(hook_row["attempts"], (refused + 1) as u64);
    assert_eq!(hook_row["kind"], "trigger_fired");
    let chat_row = list.iter().find(|n| n["target"] == "chat").unwrap();
    assert_eq!(
        (chat_row["status"].as_str(), chat_row["attempts"].as_u64()),
        (Some("delivered"), Some(1))
    );
    let text = report.to_string();
    assert!(!text.contains("s3cr3tWebhookToken") && !text.contains(notify::PASSWORD));
}

/// Waits until the pane no longer shows `needle`.
fn wait_gone(tmux: &tmux::Tmux, needle: &str) {
    let deadline = std::time::Instant::now() + LONG;
    loop {
        let screen = tmux.capture();
        if !screen.contains(needle) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{needle:?} still shown:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
