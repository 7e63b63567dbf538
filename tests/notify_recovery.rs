//! What the notifier does when delivery cannot happen as asked: a receiver that refuses for good
//! is given up on at once, one that keeps failing until the expiry is given up on then — each
//! shown as a quiet header mark and in the record — and a cockpit that starts after an event
//! nobody recorded (a crash between the journal's commit and the record) tells of it, while
//! events older than the expiry stay untold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;
#[path = "support/notify.rs"]
mod notify;

use flightdeck::checklist::Severity;
use flightdeck::journal::{EventBody, NewEvent, TriggerFired};
use flightdeck::store::{DeliveryStatus, Store};
use notify::{Answer, Deck, Receiver, Service};
use std::time::Duration;

const LONG: Duration = Duration::from_secs(30);

async fn setup(
    dir: &std::path::Path,
    hook: &Receiver,
    extra: &str,
) -> (Service, Store, flightdeck::config::Config) {
    let service = Service::start().await;
    let targets = notify::webhook_target(hook, extra);
    let config = notify::config(dir, &notify::config_text(&service, &targets));
    let store = notify::sqlite_store(dir).await;
    (service, store, config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_refusing_for_good_is_given_up_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Receiver::start(|_| Answer::Status(404)).await;
    let (service, store, config) = setup(dir.path(), &hook, "").await;
    let deck = Deck::open_then_fail(&store, "r1", dir.path(), &config, &service).await;
    deck.wait_for("✉ 1 undelivered", LONG).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(hook.all().len(), 1, "no retry after a 404");
    deck.stop().await;
    let list = store.notifications("r1").await.unwrap();
    assert_eq!(
        (list[0].status, list[0].attempts),
        (DeliveryStatus::Failed, 1)
    );
    assert_eq!(list[0].last_error.as_deref(), Some("HTTP 404: try later"));
    let md = flightdeck::report::notifications_markdown(&list);
    assert!(md.contains("| failed: HTTP 404: try later | 1 |"), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_failing_until_its_expiry_is_given_up_then() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Receiver::start(|_| Answer::Status(500)).await;
    let (service, store, config) =
        setup(dir.path(), &hook, "timeout = \"1s\"\nexpire = \"3s\"").await;
    let deck = Deck::open_then_fail(&store, "r2", dir.path(), &config, &service).await;
    deck.wait_for("✉ hook retrying", LONG).await;
    deck.wait_for("1 undelivered", LONG).await;
    let tried = hook.all().len();
    assert!(
        (2..=3).contains(&tried),
        "attempts at 0 s, 1 s (and 3 s): {tried}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(hook.all().len(), tried, "nothing after the expiry");
    deck.stop().await;
    let list = store.notifications("r2").await.unwrap();
    assert_eq!(list[0].status, DeliveryStatus::Expired);
    assert_eq!(list[0].attempts as usize, tried);
    assert_eq!(list[0].last_error.as_deref(), Some("HTTP 500: try later"));
}

fn fired(at: chrono::DateTime<chrono::Utc>, key: &str) -> NewEvent {
    let mut ev = NewEvent::new(
        "flightdeck",
        EventBody::TriggerFired(TriggerFired {
            trigger: "api-down".into(),
            severity: Severity::Critical,
            message: format!("fired {key}"),
            evidence: Vec::new(),
            when: "api.status >= 500".into(),
        }),
    )
    .with_key(key);
    ev.at = Some(at);
    ev
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cockpit_tells_of_recent_events_nobody_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Receiver::ok().await;
    let (_service, store, config) = setup(dir.path(), &hook, "").await;
    let checklist = notify::checklist(dir.path());
    store
        .open_session("r3", &checklist, None, "alice@one")
        .await
        .unwrap();
    // journaled by a cockpit that died before recording their notifications: one two hours ago
    // (past the default 1 h expiry), one a minute ago
    let now = chrono::Utc::now();
    for (ago, key) in [(7200, "old"), (60, "recent")] {
        store
            .append("r3", fired(now - chrono::Duration::seconds(ago), key))
            .await
            .unwrap();
    }
    let deck = Deck::start(&store, "r3", checklist, &config, "alice@one").await;
    // the service answers 200: the trigger clears too, which is news of its own
    hook.wait("the recent one and the clear", LONG, |s| s.len() == 2)
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let kinds: Vec<(String, String)> = hook
        .all()
        .iter()
        .map(|s| {
            let doc = s.json();
            let message = doc["trigger"]["message"].as_str().unwrap_or("").to_owned();
            (doc["kind"].as_str().unwrap().to_owned(), message)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("trigger_fired".to_owned(), "fired recent".to_owned()),
            (
                "trigger_cleared".to_owned(),
                "orders-api answers 5xx: roll back".to_owned()
            ),
        ],
        "the old one stays untold"
    );
    deck.stop().await;
    assert_eq!(store.notifications("r3").await.unwrap().len(), 2);
}
