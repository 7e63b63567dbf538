//! `flightdeck report` and `flightdeck sessions` through the real binary, on a journal written
//! with the library.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/store_fixture.rs"]
mod store_fixture;

use flightdeck::journal::{EventBody, NewEvent};
use flightdeck::store::Store;
use std::process::{Command, Output};

fn flightdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(args)
        .env_remove("FLIGHTDECK_STORE")
        .output()
        .expect("run flightdeck")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn write_journal(url: &str) {
    let store = Store::open(url).await.unwrap();
    let checklist = store_fixture::checklist();
    store
        .open_session("older", &checklist, None, "alice")
        .await
        .unwrap();
    store
        .open_session(
            "window-1",
            &checklist,
            Some("checklists/orders.toml"),
            "alice",
        )
        .await
        .unwrap();
    for e in [
        NewEvent::on_item("alice", "backup", None, EventBody::tick()),
        NewEvent::on_item("alice", "backup", None, EventBody::field("size", "12")),
        NewEvent::on_item(
            "bob",
            "backup",
            None,
            EventBody::note("copied to s3 via https://u:topsecret@backup.local/x?token=tok999"),
        ),
        NewEvent::on_item("bob", "cdn", None, EventBody::skip("no CDN change")),
    ] {
        store.append("window-1", e).await.unwrap();
    }
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_and_sessions_through_the_binary() {
    let (_dir, url) = store_fixture::sqlite_url();
    write_journal(&url).await;

    let out = flightdeck(&["sessions", "--store", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{table}");
    assert!(
        lines[0].contains("EVENTS") && lines[0].contains("LAST ACTIVITY"),
        "{table}"
    );
    assert!(
        lines[1].starts_with("window-1"),
        "most recent first: {table}"
    );
    assert!(
        lines[1].contains("Orders API — production deploy"),
        "{table}"
    );
    assert!(lines[1].contains(" 5 "), "five events in window-1: {table}");
    assert!(lines[2].starts_with("older"), "{table}");

    // Default session: the most recent one.
    let out = flightdeck(&["report", "--store", &url, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(report["session"], "window-1");
    assert_eq!(report["checklist"], "Orders API — production deploy");
    let states: Vec<(&str, &str)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["state"].as_str().unwrap()))
        .collect();
    assert!(states.contains(&("backup", "done")), "{states:?}");
    assert!(states.contains(&("cdn", "skipped")), "{states:?}");
    assert!(states.contains(&("latency", "todo")), "{states:?}");
    assert_eq!(report["events"].as_array().unwrap().len(), 5);

    let out = flightdeck(&["report", "--store", &url, "--session", "window-1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(
        md.starts_with("# Orders API — production deploy (v2.3.0)"),
        "{md}"
    );
    assert!(md.contains("- [x] Take a database backup — alice "), "{md}");
    assert!(md.contains("  - Backup size: **12 GB** (alice "), "{md}");
    assert!(
        md.contains("- [~] ~~Purge the CDN cache~~ (skipped: no CDN change)"),
        "{md}"
    );
    assert!(md.contains("## Timeline"), "{md}");

    for text in [
        stdout(&flightdeck(&["report", "--store", &url])),
        md,
        report.to_string(),
    ] {
        assert!(
            !text.contains("topsecret") && !text.contains("tok999"),
            "secret leaked: {text}"
        );
        assert!(text.contains("u:***@backup.local"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_session_and_missing_journal_fail_clearly() {
    let (dir, url) = store_fixture::sqlite_url();
    write_journal(&url).await;

    let out = flightdeck(&["report", "--store", &url, "--session", "nope"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("no session named `nope`"), "{err}");
    assert!(
        err.contains("window-1") && err.contains("older"),
        "lists what exists: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let missing = format!("sqlite://{}", dir.path().join("typo.db").display());
    let out = flightdeck(&["report", "--store", &missing]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no journal at"), "{}", stderr(&out));
    assert!(
        !dir.path().join("typo.db").exists(),
        "report does not create journals"
    );

    let out = flightdeck(&["sessions", "--store", &missing]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("no sessions yet"), "{}", stdout(&out));

    let out = flightdeck(&["report", "--store", "mysql://u:pw@h/db"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unsupported journal store"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains(":pw@"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_store_and_the_default_location() {
    let (_dir, url) = store_fixture::sqlite_url();
    Store::open(&url).await.unwrap().close().await;
    let out = flightdeck(&["sessions", "--store", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("no sessions yet in sqlite://"),
        "{}",
        stdout(&out)
    );

    let out = flightdeck(&["report", "--store", &url]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("flightdeck run CHECKLIST"),
        "{}",
        stderr(&out)
    );

    // Without --store: the XDG state dir.
    let state = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .arg("sessions")
        .env_remove("FLIGHTDECK_STORE")
        .env("XDG_STATE_HOME", state.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = state.path().join("flightdeck").join("flightdeck.db");
    assert!(
        stdout(&out).contains(&expected.display().to_string()),
        "{}",
        stdout(&out)
    );
    assert!(
        state.path().join("flightdeck").is_dir(),
        "the directory is created"
    );
}
