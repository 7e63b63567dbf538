//! Notifications against real receivers: a real http probe sees the service fail, the real
//! marker fires the trigger, the real journal commits it, and the notifier — recorded first,
//! leased, retried — reaches a receiver on loopback exactly once per session, whatever the
//! receiver does and however many screens watch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;
#[path = "support/notify.rs"]
mod notify;
#[path = "support/postgres.rs"]
mod postgres;

use flightdeck::store::{DeliveryStatus, Store};
use notify::{Answer, Deck, PASSWORD, Receiver, Service, TOKEN, sqlite_store};
use serde_json::Value;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(30);

fn targets(webhook: &Receiver, slack: Option<&Receiver>, extra: &str) -> String {
    let mut t = notify::webhook_target(webhook, extra);
    if let Some(slack) = slack {
        t.push_str(&format!(
            "\n[[notify]]\nname = \"chat\"\nkind = \"slack\"\nurl = \"{}\"\n{extra}\n",
            slack.url()
        ));
    }
    t
}

/// Messages about the trigger firing (webhook, Slack or command: each says it in its text).
fn fired(seen: &[notify::Seen]) -> usize {
    seen.iter()
        .filter(|s| String::from_utf8_lossy(&s.req.body).contains("api-down fired"))
        .count()
}

fn assert_no_secrets(receivers: &[&Receiver]) {
    for r in receivers {
        for s in r.all() {
            let body = String::from_utf8_lossy(&s.req.body);
            for secret in [PASSWORD, TOKEN, "s3cr3tWebhookToken"] {
                assert!(!body.contains(secret), "{secret} in a request body: {body}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fired_trigger_reaches_each_target_once_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let (service, hook, chat) = (
        Service::start().await,
        Receiver::ok().await,
        Receiver::ok().await,
    );
    let config = notify::config(
        dir.path(),
        &notify::config_text(&service, &targets(&hook, Some(&chat), "")),
    );
    let store = sqlite_store(dir.path()).await;
    let deck = Deck::open_then_fail(&store, "w1", dir.path(), &config, &service).await;
    deck.wait_for("api-down", LONG).await;
    hook.wait("the webhook", LONG, |s| fired(s) == 1).await;
    chat.wait("the slack message", LONG, |s| fired(s) == 1)
        .await;
    // a few more polls of the failing service: nothing more to tell
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hook.all().len(), 1, "one request to the webhook");
    assert_eq!(chat.all().len(), 1, "one request to slack");

    let req = &hook.all()[0];
    assert_eq!(req.req.method, "POST");
    assert_eq!(req.req.header("content-type"), Some("application/json"));
    let doc = req.json();
    let id = "w1:".to_owned() + &doc["seq"].to_string() + ":trigger_fired";
    assert_eq!(req.req.header("idempotency-key"), Some(id.as_str()));
    assert_eq!(doc["flightdeck"], 1);
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["kind"], "trigger_fired");
    assert_eq!(doc["severity"], "critical");
    assert_eq!(doc["session"], "w1");
    assert_eq!(doc["checklist"], "Orders API deploy");
    assert_eq!(doc["env"], "production");
    assert_eq!(doc["actor"], "flightdeck");
    assert!(doc["seq"].as_i64().unwrap() > 0);
    assert!(doc["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(doc["trigger"]["name"], "api-down");
    assert_eq!(
        doc["trigger"]["message"],
        "orders-api answers 5xx: roll back"
    );
    assert!(
        doc["trigger"]["when"]
            .as_str()
            .unwrap()
            .starts_with("api.status >= 500")
    );
    assert_eq!(doc["item"], Value::Null);
    let status = doc["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["output"] == "status")
        .expect("the status in the evidence");
    assert_eq!(status["probe"], "api");
    assert_eq!(status["value"], 503.0);
    assert!(status["at"].is_string());
    let summary = doc["summary"].as_str().unwrap();
    assert!(
        summary.starts_with(
            "CRITICAL api-down fired: orders-api answers 5xx: roll back (api.status = 503"
        ),
        "{summary}"
    );
    assert_eq!(doc["text"], summary);

    let slack = chat.all()[0].json();
    assert!(
        slack["text"]
            .as_str()
            .unwrap()
            .starts_with("CRITICAL api-down fired")
    );
    let blocks = slack["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "section");
    assert_eq!(blocks[0]["text"]["type"], "mrkdwn");
    assert!(
        blocks[0]["text"]["text"]
            .as_str()
            .unwrap()
            .starts_with(":rotating_light: CRITICAL")
    );
    assert!(
        blocks[1]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("api.status = 503")
    );
    assert_eq!(blocks.last().unwrap()["type"], "context");
    assert_no_secrets(&[&hook, &chat]);
    deck.stop().await;

    // the record: each target's notification, delivered at the first attempt
    let list = store.notifications("w1").await.unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    for n in &list {
        assert_eq!(
            (n.status, n.attempts, n.kind.as_str()),
            (DeliveryStatus::Delivered, 1, "trigger_fired")
        );
    }
    let report = flightdeck::report::notifications_json(&list);
    assert_eq!(report[0]["target"], "hook");
    assert_eq!(report[1]["target"], "chat");
    assert_eq!(report[0]["status"], "delivered");
    let md = flightdeck::report::notifications_markdown(&list);
    assert!(md.contains("## Notifications"), "{md}");
    assert!(md.contains("| hook | trigger_fired (seq "), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_failing_three_times_gets_one_delivered_message() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start().await;
    let hook = Receiver::start(|n| Answer::Status(if n < 3 { 500 } else { 200 })).await;
    let config = notify::config(
        dir.path(),
        &notify::config_text(&service, &targets(&hook, None, "")),
    );
    let store = sqlite_store(dir.path()).await;
    let deck = Deck::open_then_fail(&store, "w2", dir.path(), &config, &service).await;
    // while it fails, the header says so, quietly
    deck.wait_for("✉ hook retrying", LONG).await;
    hook.wait("the delivery", LONG, |s| notify::delivered_count(s) == 1)
        .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let all = hook.all();
    assert_eq!(all.len(), 4, "three refusals and one delivery");
    let ids: Vec<Value> = all.iter().map(|s| s.json()["id"].clone()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    // the mark goes once the message is through
    deck.wait_gone("✉", LONG).await;
    deck.stop().await;
    let list = store.notifications("w2").await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].status, list[0].attempts),
        (DeliveryStatus::Delivered, 4)
    );
    assert_eq!(list[0].last_error, None);
}

async fn two_screens(store: Store, session: &str) {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start().await;
    let hook = Receiver::start(|n| Answer::Status(if n < 2 { 503 } else { 200 })).await;
    let config = notify::config(
        dir.path(),
        &notify::config_text(&service, &targets(&hook, None, "")),
    );
    let a = Deck::start(
        &store,
        session,
        notify::checklist(dir.path()),
        &config,
        "alice@one",
    )
    .await;
    a.wait_for("alice@one (you) driving", LONG).await;
    let b = Deck::start(
        &store,
        session,
        notify::checklist(dir.path()),
        &config,
        "bob@two",
    )
    .await;
    b.wait_for("bob@two (you) watching", LONG).await;
    service.set(503);
    a.wait_for("api-down", LONG).await;
    b.wait_for("api-down", LONG).await;
    hook.wait("the delivery", LONG, |s| notify::delivered_count(s) == 1)
        .await;
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(
        hook.all().len(),
        3,
        "two refusals and one delivery, from either screen"
    );
    assert_eq!(fired(&hook.delivered()), 1);
    a.stop().await;
    b.stop().await;
    let list = store.notifications(session).await.unwrap();
    assert_eq!(list.len(), 1, "one row for both screens: {list:?}");
    assert_eq!(
        (list[0].status, list[0].attempts),
        (DeliveryStatus::Delivered, 3)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_screens_on_sqlite_deliver_once() {
    let dir = tempfile::tempdir().unwrap();
    two_screens(sqlite_store(dir.path()).await, "pair-sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_screens_on_postgres_deliver_once() {
    let pg = tokio::task::spawn_blocking(postgres::PgServer::start)
        .await
        .unwrap();
    let url = pg.create_db("notify_pair");
    two_screens(Store::open(&url).await.unwrap(), "pair-pg").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_secrets_never_reach_a_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let (service, hook, chat, cmd) = (
        Service::start().await,
        Receiver::ok().await,
        Receiver::ok().await,
        Receiver::ok().await,
    );
    let out = dir.path().join("command-stdin.json");
    // a command target too: what it reads on stdin is posted to a third receiver by curl, so
    // one check covers all three kinds
    let command = format!(
        "\n[[notify]]\nname = \"pager\"\nkind = \"command\"\non = [\"note\", \"trigger_fired\"]\n\
         argv = [\"sh\", \"-c\", \"tee -a {} | curl -fsS -X POST --data-binary @- {}\"]\n",
        out.display(),
        cmd.url()
    );
    let text = targets(&hook, Some(&chat), "on = [\"note\", \"trigger_fired\"]") + &command;
    let config = notify::config(dir.path(), &notify::config_text(&service, &text));
    let store = sqlite_store(dir.path()).await;
    let deck = Deck::start(
        &store,
        "w3",
        notify::checklist(dir.path()),
        &config,
        "alice@one",
    )
    .await;
    deck.wait_for("Orders API deploy", LONG).await;
    // a note on the whole window with a connection string in it
    use crossterm::event::KeyCode;
    deck.key(KeyCode::Char('I'));
    for c in format!("paged the DBA, dsn postgres://app:{PASSWORD}@db/orders").chars() {
        deck.key(KeyCode::Char(c));
    }
    deck.key(KeyCode::Enter);
    service.set(503);
    for r in [&hook, &chat, &cmd] {
        r.wait("the note and the trigger", LONG, |s| s.len() == 2)
            .await;
    }
    assert_no_secrets(&[&hook, &chat, &cmd]);
    let stdin = std::fs::read_to_string(&out).unwrap();
    assert!(
        !stdin.contains(PASSWORD) && !stdin.contains(TOKEN),
        "{stdin}"
    );
    // the note and the trigger race each other; find each by its kind
    let of_kind = |kind: &str| {
        hook.all()
            .iter()
            .map(notify::Seen::json)
            .find(|d| d["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let note = of_kind("note");
    assert_eq!(
        note["note"],
        "paged the DBA, dsn postgres://app:***@db/orders"
    );
    let fired = of_kind("trigger_fired");
    let evidence = fired["evidence"].to_string();
    assert!(
        evidence.contains("postgres://app:***@db.internal/orders"),
        "{evidence}"
    );
    assert!(
        evidence.contains("\"value\":\"***\""),
        "the echoed token: {evidence}"
    );
    deck.stop().await;
    // nor does the record
    let list = store.notifications("w3").await.unwrap();
    let report = flightdeck::report::notifications_json(&list).to_string();
    assert!(!report.contains(PASSWORD) && !report.contains("s3cr3tWebhookToken"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_stays_responsive_while_the_receiver_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start().await;
    let hook = Receiver::start(|_| Answer::Hang).await;
    let config = notify::config(
        dir.path(),
        &notify::config_text(&service, &targets(&hook, None, "timeout = \"2s\"")),
    );
    let store = sqlite_store(dir.path()).await;
    let deck = Deck::open_then_fail(&store, "w4", dir.path(), &config, &service).await;
    hook.wait("a hanging attempt", LONG, |s| !s.is_empty())
        .await;
    // keys answer at once while the attempt hangs: help on, help off, a tick
    use crossterm::event::KeyCode;
    let mut worst = Duration::ZERO;
    for _ in 0..3 {
        deck.key(KeyCode::Char('?'));
        worst = worst.max(deck.wait_for(" Keys ", LONG).await);
        deck.key(KeyCode::Esc);
        worst = worst.max(deck.wait_gone(" Keys ", LONG).await);
    }
    deck.key(KeyCode::Char(' '));
    worst = worst.max(deck.wait_for("✔ Deploy orders-api v2", LONG).await);
    assert!(
        worst < Duration::from_millis(500),
        "a key took {worst:?} to show"
    );
    // the attempt times out, is retried, and the header says so quietly
    deck.wait_for("✉ hook retrying", LONG).await;
    hook.wait("a second attempt", LONG, |s| s.len() >= 2).await;
    deck.stop().await;
    let list = store.notifications("w4").await.unwrap();
    assert_eq!(list[0].status, DeliveryStatus::Pending);
    assert!(
        list[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("timed out")),
        "{list:?}"
    );
}
