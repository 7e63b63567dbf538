//! Notification tests' parts: a receiver on loopback that records every request and answers as
//! the test scripts it (a status, or no answer at all), a service whose health the test flips, a
//! checklist with a rollback trigger on it, and a cockpit — the real wiring (`cockpit::wire_notifying`)
//! and the real loop on a headless screen — whose frames the test can read.
#![allow(dead_code)]

use crate::http::{Req, Resp, TestServer};
use flightdeck::app::App;
use flightdeck::checklist::Checklist;
use flightdeck::cockpit::{self, Closing, Launch, Wired};
use flightdeck::runtime::{self, HeadlessScreen};
use flightdeck::store::Store;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How the receiver answers its `n`th request (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Status(u16),
    /// Holds the request open for a minute.
    Hang,
}

/// One request as the receiver saw it, and what it answered.
#[derive(Debug, Clone)]
pub struct Seen {
    pub req: Req,
    pub answer: Answer,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.req.body).expect("a JSON body")
    }
}

/// How many of `seen` were answered 2xx.
pub fn delivered_count(seen: &[Seen]) -> usize {
    seen.iter()
        .filter(|s| matches!(s.answer, Answer::Status(c) if c < 300))
        .count()
}

pub struct Receiver {
    server: TestServer,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    pub async fn start(script: impl Fn(usize) -> Answer + Send + Sync + 'static) -> Receiver {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = seen.clone();
        let server = TestServer::start(move |req| {
            let mut log = log.lock().unwrap();
            let answer = script(log.len());
            log.push(Seen {
                req: req.clone(),
                answer,
            });
            match answer {
                Answer::Status(s) => Resp::new(s, if s < 300 { "ok" } else { "try later" }),
                Answer::Hang => Resp::new(200, "late").delayed(Duration::from_secs(60)),
            }
        })
        .await;
        Receiver { server, seen }
    }

    /// Always 200.
    pub async fn ok() -> Receiver {
        Receiver::start(|_| Answer::Status(200)).await
    }

    /// The URL to post to; its path holds a token, as Slack's do.
    pub fn url(&self) -> String {
        self.server.url("/hooks/T0001/B0002/s3cr3tWebhookToken")
    }

    pub fn all(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests answered 2xx.
    pub fn delivered(&self) -> Vec<Seen> {
        self.all()
            .into_iter()
            .filter(|s| matches!(s.answer, Answer::Status(c) if c < 300))
            .collect()
    }

    /// Waits until `ok` holds for what was received, or panics with it after `limit`.
    pub async fn wait(&self, what: &str, limit: Duration, ok: impl Fn(&[Seen]) -> bool) {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let seen = self.all();
            if ok(&seen) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; received {} requests: {:?}",
                seen.len(),
                seen.iter()
                    .map(|s| String::from_utf8_lossy(&s.req.body).into_owned())
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// A service whose `/health` answers the status the test sets, with a body that carries the
/// secrets a careless condition could read.
pub struct Service {
    server: TestServer,
    pub status: Arc<AtomicU16>,
}

/// What the service's body and the config plant, and no request may carry.
pub const PASSWORD: &str = "hunter2pw";
pub const TOKEN: &str = "sekret-token-8421";

impl Service {
    pub async fn start() -> Service {
        let status = Arc::new(AtomicU16::new(200));
        let s = status.clone();
        let server = TestServer::start(move |_| {
            let code = s.load(Ordering::Relaxed);
            let body = format!(
                r#"{{"status": "{}", "dsn": "postgres://app:{PASSWORD}@db.internal/orders", "echo": "{TOKEN}"}}"#,
                if code < 300 { "UP" } else { "DOWN" }
            );
            Resp::json(code, &body)
        })
        .await;
        Service { server, status }
    }

    pub fn set(&self, code: u16) {
        self.status.store(code, Ordering::Relaxed);
    }

    /// The health URL with a password in it, as a probe might carry one.
    pub fn url(&self) -> String {
        self.server
            .url("/health")
            .replace("http://", &format!("http://ops:{PASSWORD}@"))
    }
}

/// One phase with two items, and a critical trigger on the service's status that reads the body's
/// secrets too (they must be redacted on their way out).
pub const CHECKLIST: &str = r#"
title = "Orders API deploy"

[[phase]]
id = "deploy"
name = "T-0: Deploy"

[[phase.item]]
id = "deployed"
text = "Deploy orders-api v2"

[[phase.item]]
id = "smoke"
text = "Smoke tests pass"

[[trigger]]
name = "api-down"
when = 'api.status >= 500 && api.body.dsn != "" && api.body.echo != ""'
severity = "critical"
message = "orders-api answers 5xx: roll back"
"#;

pub fn checklist(dir: &Path) -> Checklist {
    let path = dir.join("deploy.toml");
    std::fs::write(&path, CHECKLIST).unwrap();
    flightdeck::checklist::load(&path).unwrap()
}

/// The probe on `service` (its URL with a password, a token header) and `targets` (TOML).
pub fn config_text(service: &Service, targets: &str) -> String {
    format!(
        r#"
[[probe]]
name = "api"
kind = "http"
url = "{}"
headers = {{ Authorization = "Bearer {TOKEN}" }}
interval = "200ms"
timeout = "150ms"

{targets}
"#,
        service.url()
    )
}

pub fn config(dir: &Path, text: &str) -> flightdeck::config::Config {
    let path = dir.join("flightdeck.toml");
    std::fs::write(&path, text).unwrap();
    flightdeck::config::load(Some(&path), None, flightdeck::probes::KINDS).unwrap()
}

/// A `[[notify]]` webhook target named `hook` posting to `receiver`, with `extra` keys.
pub fn webhook_target(receiver: &Receiver, extra: &str) -> String {
    format!(
        "[[notify]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{}\"\n{extra}\n",
        receiver.url()
    )
}

pub async fn sqlite_store(dir: &Path) -> Store {
    Store::open(&format!("sqlite://{}", dir.join("j.db").display()))
        .await
        .unwrap()
}

/// A cockpit without a terminal: the real wiring and loop; each frame's text is kept.
pub struct Deck {
    keys: mpsc::UnboundedSender<std::io::Result<crossterm::event::Event>>,
    pub text: Arc<Mutex<String>>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<App>,
    closing: Closing,
}

impl Deck {
    /// alice@one's cockpit on session `session` of the checklist; once it shows, `service`
    /// starts failing, so the trigger fires.
    pub async fn open_then_fail(
        store: &Store,
        session: &str,
        dir: &Path,
        config: &flightdeck::config::Config,
        service: &Service,
    ) -> Deck {
        let deck = Deck::start(store, session, checklist(dir), config, "alice@one").await;
        deck.wait_for("Orders API deploy", Duration::from_secs(30))
            .await;
        service.set(503);
        deck
    }

    pub async fn start(
        store: &Store,
        session: &str,
        checklist: Checklist,
        config: &flightdeck::config::Config,
        actor: &str,
    ) -> Deck {
        let Wired {
            mut app,
            wiring,
            closing,
        } = cockpit::wire_notifying(
            Launch {
                checklist,
                checklist_path: None,
                probes: config.probes.clone(),
                store: store.clone(),
                session: session.to_owned(),
                actor: actor.to_owned(),
                env: Some("production".into()),
                read_only: false,
                ascii: false,
                color: false,
                light: false,
                bell: false,
                demo: None,
            },
            config.notify.clone(),
        )
        .await
        .unwrap();
        flightdeck::app::update(&mut app, flightdeck::app::Msg::Resize(140, 40));
        let text: Arc<Mutex<String>> = Arc::default();
        let shown = text.clone();
        let mut screen = HeadlessScreen::new(140, 40).observed(Box::new(
            move |_app: &App, screen: &HeadlessScreen| {
                *shown.lock().unwrap() = screen.text();
            },
        ));
        let cancel = wiring.cancel.clone();
        let (keys, mut key_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            let input = Box::pin(futures_util::stream::poll_fn(move |cx| {
                key_rx.poll_recv(cx)
            }));
            runtime::run(&mut app, &mut screen, input, wiring).await;
            app
        });
        Deck {
            keys,
            text,
            cancel,
            task,
            closing,
        }
    }

    pub fn key(&self, code: crossterm::event::KeyCode) {
        use crossterm::event::{Event, KeyEvent, KeyModifiers};
        let _ = self
            .keys
            .send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }

    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    /// Waits until the screen shows `needle`; answers how long it took.
    pub async fn wait_for(&self, needle: &str, limit: Duration) -> Duration {
        self.wait_until(needle, true, limit).await
    }

    /// Waits until the screen no longer shows `needle`; answers how long it took.
    pub async fn wait_gone(&self, needle: &str, limit: Duration) -> Duration {
        self.wait_until(needle, false, limit).await
    }

    async fn wait_until(&self, needle: &str, shown: bool, limit: Duration) -> Duration {
        let started = tokio::time::Instant::now();
        loop {
            if self.text().contains(needle) == shown {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < limit,
                "timed out waiting for {needle:?} to be {} on screen:\n{}",
                if shown { "shown" } else { "gone" },
                self.text()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Quits the way `q` does, and closes (the leave, the notifier's grace).
    pub async fn stop(self) {
        self.cancel.cancel();
        let app = self.task.await.unwrap();
        self.closing.close(&app).await;
    }
}
