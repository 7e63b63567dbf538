//! The cockpit's real select loop, run headless under a paused tokio clock: frames are paced
//! (value-only samples wait for the once-a-second beat; keys and state changes draw at once), and
//! the loop never waits for the journal (a journal that never answers does not stop the keys).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use flightdeck::app::Viewport;
use flightdeck::app::{App, Msg, SessionMeta};
use flightdeck::checklist::{Checklist, Item, Phase};
use flightdeck::condition::Value;
use flightdeck::probes::{ProbeState, Sample};
use flightdeck::runtime::{self, Clock, Exit, HeadlessScreen, JournalCmd, Screen, Wiring};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

/// Each frame: when it was drawn (tokio time since start) and its text.
type Frames = Arc<Mutex<Vec<(Duration, String)>>>;

/// A headless screen that records every frame.
struct Recorder {
    inner: HeadlessScreen,
    frames: Frames,
    start: tokio::time::Instant,
}

impl Screen for Recorder {
    fn draw(&mut self, app: &App) -> std::io::Result<Viewport> {
        let drawn = self.inner.draw(app)?;
        let at = tokio::time::Instant::now() - self.start;
        self.frames.lock().unwrap().push((at, self.inner.text()));
        Ok(drawn)
    }
    fn resize(&mut self, w: u16, h: u16) -> std::io::Result<()> {
        self.inner.resize(w, h)
    }
    fn copy(&mut self, text: &str) -> std::io::Result<()> {
        self.inner.copy(text)
    }
    fn bell(&mut self) -> std::io::Result<()> {
        self.inner.bell()
    }
}

fn checklist() -> Checklist {
    let items = (0..40)
        .map(|i| Item {
            id: format!("step-{i}"),
            text: format!("Step {i}"),
            ..Item::default()
        })
        .collect();
    Checklist {
        title: "Loop".into(),
        phases: vec![Phase {
            id: "p".into(),
            name: "Phase".into(),
            items,
            ..Phase::default()
        }],
        ..Checklist::default()
    }
}

const PROBES: [&str; 4] = ["api", "queue", "cache", "errors"];

fn app() -> App {
    let meta = SessionMeta {
        session: "s".into(),
        actor: "alice".into(),
        env: None,
        read_only: false,
    };
    let mut app = App::new(checklist(), meta, t0());
    let config = PROBES
        .iter()
        .map(|name| {
            format!(
                "[[probe]]\nname = \"{name}\"\nkind = \"sql\"\nurl = \"sqlite:x.db\"\nquery = \"select 1\"\ninterval = \"1s\"\ntimeout = \"500ms\"\n"
            )
        })
        .collect::<String>();
    let probes = probe_spec::all(&config);
    app.set_probes(&probes);
    flightdeck::app::update(&mut app, Msg::Resize(120, 40));
    app
}

fn sample(probe: &str, at: DateTime<Utc>, value: f64, state: ProbeState) -> Sample {
    Sample {
        probe: probe.into(),
        at,
        latency_ms: Some(1.0),
        outputs: BTreeMap::from([("value".to_string(), Value::Number(value))]),
        state,
        reason: None,
    }
}

fn key(c: char) -> TermEvent {
    TermEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

struct Harness {
    msgs: mpsc::Sender<Msg>,
    keys: mpsc::UnboundedSender<std::io::Result<TermEvent>>,
    /// The journal's queue: held, never read, as if the store hung.
    journal: mpsc::UnboundedReceiver<JournalCmd>,
    frames: Frames,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<(App, Exit)>,
    clock: Clock,
}

fn start(mut app: App) -> Harness {
    let (msg_tx, msg_rx) = mpsc::channel(1024);
    let (key_tx, mut key_rx) = mpsc::unbounded_channel();
    let (journal_tx, journal_rx) = mpsc::unbounded_channel();
    let frames: Frames = Arc::default();
    let cancel = CancellationToken::new();
    let clock = Clock::tokio_from(t0());
    let wiring = Wiring {
        msgs: msg_rx,
        journal: journal_tx,
        on_effect: Box::new(|_| {}),
        cancel: cancel.clone(),
        refresh_on_clock: false,
        clock,
    };
    let mut screen = Recorder {
        inner: HeadlessScreen::new(120, 40),
        frames: frames.clone(),
        start: tokio::time::Instant::now(),
    };
    let task = tokio::spawn(async move {
        let input = Box::pin(async_stream(&mut key_rx));
        let exit = runtime::run(&mut app, &mut screen, input, wiring).await;
        (app, exit)
    });
    Harness {
        msgs: msg_tx,
        keys: key_tx,
        journal: journal_rx,
        frames,
        cancel,
        task,
        clock,
    }
}

/// The key channel as the loop's input stream.
fn async_stream(
    rx: &mut mpsc::UnboundedReceiver<std::io::Result<TermEvent>>,
) -> impl futures_util::Stream<Item = std::io::Result<TermEvent>> + '_ {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

fn frame_count(h: &Harness) -> usize {
    h.frames.lock().unwrap().len()
}

fn last_frame(h: &Harness) -> String {
    h.frames
        .lock()
        .unwrap()
        .last()
        .map(|f| f.1.clone())
        .unwrap_or_default()
}

#[tokio::test(start_paused = true)]
async fn value_only_samples_are_drawn_on_the_beat_not_each() {
    let h = start(app());
    // four probes at 1 s, each sample a new value in the same state, for 20 s
    for tick in 0..20u32 {
        for (i, p) in PROBES.iter().enumerate() {
            let at = h.clock.now();
            let value = f64::from(tick * 10 + i as u32);
            h.msgs
                .send(Msg::Probe(sample(p, at, value, ProbeState::Ok).into()))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    let frames = frame_count(&h);
    // one frame a second (the clock's beat) plus the first frame and the first sample of each
    // probe (waiting → OK is a state change); drawing each sample would be about 80
    assert!(
        (20..=27).contains(&frames),
        "80 value-only samples in 20 s drew {frames} frames"
    );
    let text = last_frame(&h);
    assert!(text.contains("OK"), "{text}");
    h.cancel.cancel();
    let (_, exit) = h.task.await.unwrap();
    assert_eq!(exit, Exit::Cancelled);
}

#[tokio::test(start_paused = true)]
async fn a_state_change_and_a_key_draw_at_once() {
    let h = start(app());
    for p in PROBES {
        h.msgs
            .send(Msg::Probe(
                sample(p, h.clock.now(), 1.0, ProbeState::Ok).into(),
            ))
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // half-way between beats, the queue probe goes CRIT
    tokio::time::sleep(Duration::from_millis(
        500 - u64::from(h.clock.now().timestamp_subsec_millis() % 500),
    ))
    .await;
    let before = frame_count(&h);
    let sent_at = tokio::time::Instant::now();
    h.msgs
        .send(Msg::Probe(
            sample("queue", h.clock.now(), 900.0, ProbeState::Crit).into(),
        ))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1)).await;
    assert_eq!(
        frame_count(&h),
        before + 1,
        "the CRIT sample drew a frame at once"
    );
    assert!(last_frame(&h).contains("CRIT"));
    assert!(tokio::time::Instant::now() - sent_at < Duration::from_millis(5));
    // a key moves the cursor at once, too
    let before = frame_count(&h);
    h.keys.send(Ok(key('j'))).unwrap();
    tokio::time::sleep(Duration::from_millis(1)).await;
    assert_eq!(frame_count(&h), before + 1, "the key drew a frame at once");
    assert!(last_frame(&h).contains(">  ☐ Step 1"), "{}", last_frame(&h));
    h.cancel.cancel();
    h.task.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn keys_keep_working_while_the_journal_hangs() {
    let h = start(app());
    // 300 ticks: each is an append the journal never answers
    for _ in 0..300 {
        h.keys.send(Ok(key(' '))).unwrap();
        h.keys.send(Ok(key('j'))).unwrap();
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    let text = last_frame(&h);
    assert!(text.contains("saving… 300"), "{text}");
    assert!(
        text.contains(">  ☐ Step 39"),
        "the cursor went down to the last step: {text}"
    );
    // and a key after all that still moves it (to the top: the phase's row)
    h.keys.send(Ok(key('g'))).unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(last_frame(&h).contains(">▾ Phase"), "{}", last_frame(&h));
    // nothing shows as done: the journal has not handed anything back
    assert!(!last_frame(&h).contains('✔'));
    let mut journal = h.journal;
    let mut queued = 0;
    while let Ok(cmd) = journal.try_recv() {
        if matches!(cmd, JournalCmd::Append(_)) {
            queued += 1;
        }
    }
    assert_eq!(queued, 300, "every tick was queued for the journal");
    // quitting waits (5 s at most) for the writes in flight, then leaves
    h.keys.send(Ok(key('q'))).unwrap();
    h.keys.send(Ok(key('y'))).unwrap();
    let (app, exit) = h.task.await.unwrap();
    assert_eq!(exit, Exit::Quit);
    assert_eq!(app.pending_writes, 300);
}
