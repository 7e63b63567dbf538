//! Cockpits without terminals on a real store: each is the real select loop (`runtime::run`) on
//! a headless screen, with the real journal worker (spool and delivery) and the store's follower,
//! so several of them in one test are several screens on one session. The test types keys and
//! feeds probe samples; each frame publishes what the screen shows.
#![allow(dead_code)]

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use flightdeck::app::{App, Msg};
use flightdeck::probes::Sample;
use flightdeck::runtime::{self, Clock, Exit, HeadlessScreen, JournalCmd, JournalSetup, Wiring};
use flightdeck::store::{Spool, Store};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What the last frame showed.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub frames: usize,
    pub last_seq: i64,
    pub unsynced: usize,
    pub pending_writes: usize,
    pub reachable: bool,
    pub text: String,
}

/// Each frame publishes what it shows; the text (what costs) every tenth frame, and whenever
/// nothing is on its way.
fn publishing(shown: Arc<Mutex<Shown>>) -> HeadlessScreen {
    HeadlessScreen::new(120, 40).observed(Box::new(move |app: &App, screen: &HeadlessScreen| {
        let mut shown = shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.frames += 1;
        shown.last_seq = app.session.last_seq;
        shown.unsynced = app.unsynced.waiting();
        shown.pending_writes = app.pending_writes;
        shown.reachable = app.store.reachable;
        if shown.frames.is_multiple_of(10) || app.pending_writes == 0 {
            shown.text = screen.text();
        }
    }))
}

pub struct Cockpit {
    keys: mpsc::UnboundedSender<std::io::Result<TermEvent>>,
    pub msgs: mpsc::Sender<Msg>,
    pub journal: mpsc::UnboundedSender<JournalCmd>,
    pub shown: Arc<Mutex<Shown>>,
    pub cancel: CancellationToken,
    task: tokio::task::JoinHandle<(App, Exit)>,
}

/// Starts a cockpit on `store`'s `session` (already open) with `app` (its journal folded in, or
/// not: it reads the journal from seq 0).
pub async fn start(mut app: App, store: &Store, spool: Option<Spool>, prefix: &str) -> Cockpit {
    let session = app.meta.session.clone();
    let (msg_tx, msg_rx) = mpsc::channel(4096);
    let journal = runtime::spawn_journal(
        JournalSetup {
            store: store.clone(),
            session: session.clone(),
            last_seq: app.session.last_seq,
            spool,
            key_prefix: prefix.to_owned(),
        },
        msg_tx.clone(),
    );
    let cancel = CancellationToken::new();
    let mut news = store
        .subscribe(&session, app.session.last_seq)
        .await
        .unwrap();
    {
        let journal = journal.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    seq = news.recv() => match seq {
                        Some(_) => { let _ = journal.send(JournalCmd::Refresh); }
                        None => return,
                    },
                }
            }
        });
    }
    let _ = journal.send(JournalCmd::Refresh);
    let shown = Arc::new(Mutex::new(Shown {
        reachable: true,
        ..Shown::default()
    }));
    let (key_tx, mut key_rx) = mpsc::unbounded_channel();
    let wiring = Wiring {
        msgs: msg_rx,
        journal: journal.clone(),
        on_effect: Box::new(|_| {}),
        cancel: cancel.clone(),
        refresh_on_clock: false,
        clock: Clock::System,
    };
    let mut screen = publishing(shown.clone());
    flightdeck::app::update(&mut app, Msg::Resize(120, 40));
    let task = tokio::spawn(async move {
        let input = Box::pin(futures_util::stream::poll_fn(move |cx| {
            key_rx.poll_recv(cx)
        }));
        let exit = runtime::run(&mut app, &mut screen, input, wiring).await;
        (app, exit)
    });
    Cockpit {
        keys: key_tx,
        msgs: msg_tx,
        journal,
        shown,
        cancel,
        task,
    }
}

fn key_event(code: KeyCode) -> TermEvent {
    TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

impl Cockpit {
    pub fn key(&self, c: char) {
        let _ = self.keys.send(Ok(key_event(KeyCode::Char(c))));
    }

    pub fn enter(&self) {
        let _ = self.keys.send(Ok(key_event(KeyCode::Enter)));
    }

    pub fn text(&self, text: &str) {
        for c in text.chars() {
            self.key(c);
        }
    }

    pub async fn sample(&self, sample: Sample) {
        let _ = self.msgs.send(Msg::Probe(sample.into())).await;
    }

    pub fn shown(&self) -> Shown {
        self.shown.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until `ok` holds for what the screen shows, or panics with it after `limit`.
    pub async fn wait(&self, what: &str, limit: Duration, ok: impl Fn(&Shown) -> bool) -> Shown {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let shown = self.shown();
            if ok(&shown) {
                return shown;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; shown: {:?}\n{}",
                Shown {
                    text: String::new(),
                    ..shown.clone()
                },
                shown.text
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the loop and hands the app back.
    pub async fn stop(self) -> App {
        self.cancel.cancel();
        let (app, _) = self.task.await.unwrap();
        app
    }
}
