//! The cockpit's select loop: terminal input, journal events, probe samples and the clock come in
//! as messages; `update` turns them into state and effects; frames are paced.
//!
//! Pacing: input and state changes (a key, a journal event, a probe changing state, a countdown)
//! draw at once, after every message already waiting has been applied, so a burst is one frame.
//! A probe sample that only moves values and sparklines waits for the next beat — the clock's
//! second, when the header clock changes anyway — so four probes at 1 s cost one frame a second,
//! not five. The loop never awaits the journal: appends are queued, and the header counts them
//! ("saving… N") until the journal hands them back.

mod delivery;
mod headless;
mod journal;
mod keys;
mod presence;

pub use headless::{HeadlessScreen, Observer};
pub use journal::{JournalCmd, JournalSetup, spawn_journal};
pub use keys::key_from_terminal;
pub use presence::{identity, spawn_presence};

use crate::app::Viewport;
use crate::app::{self, App, Effect, Msg};
use chrono::{DateTime, Utc};
use crossterm::event::Event as TermEvent;
use futures_util::{Stream, StreamExt};
use std::io;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Where frames go: the real terminal, or a `TestBackend` in tests.
pub trait Screen {
    /// Draws one frame of `app`.
    fn draw(&mut self, app: &App) -> io::Result<Viewport>;
    /// The terminal is now `w` × `h`: the next frame is drawn whole at that size.
    fn resize(&mut self, w: u16, h: u16) -> io::Result<()>;
    /// Puts text on the clipboard (OSC 52).
    fn copy(&mut self, text: &str) -> io::Result<()>;
    fn bell(&mut self) -> io::Result<()>;
}

/// The wall clock the loop reads. `Tokio` follows tokio's clock from a fixed start, so tests
/// run the loop under a paused clock.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Tokio {
        wall: DateTime<Utc>,
        start: tokio::time::Instant,
    },
}

impl Clock {
    /// A clock that reads `wall` now and moves with tokio's (pausable) time.
    pub fn tokio_from(wall: DateTime<Utc>) -> Clock {
        Clock::Tokio {
            wall,
            start: tokio::time::Instant::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Tokio { wall, start } => {
                let elapsed = tokio::time::Instant::now().saturating_duration_since(*start);
                *wall + chrono::Duration::from_std(elapsed).unwrap_or_default()
            }
        }
    }
}

/// Extra sources the loop listens to (probe samples, journal news) push into `msgs`;
/// `on_effect` lets the caller act on effects the loop does not own (polling a probe now).
pub struct Wiring {
    pub msgs: mpsc::Receiver<Msg>,
    pub journal: mpsc::UnboundedSender<JournalCmd>,
    pub on_effect: Box<dyn FnMut(&Effect) + Send>,
    /// Cancelled by a signal, or by the loop when it ends.
    pub cancel: CancellationToken,
    /// Look for other instances' events on every clock tick (when the store cannot notify us).
    pub refresh_on_clock: bool,
    pub clock: Clock,
}

/// How the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal (or the caller) cancelled the loop.
    Cancelled,
    /// The terminal went away (ssh dropped, tmux session killed): nothing more can be shown.
    TerminalLost(String),
}

/// Runs the cockpit until the user quits, the token is cancelled or the terminal goes away.
/// Journal writes already queued are waited for (5 s at most) before returning.
pub async fn run<S, I>(app: &mut App, screen: &mut S, input: I, mut wiring: Wiring) -> Exit
where
    S: Screen,
    I: Stream<Item = io::Result<TermEvent>> + Unpin,
{
    let exit = run_loop(app, screen, input, &mut wiring).await;
    finish_writes(app, &mut wiring.msgs).await;
    wiring.cancel.cancel();
    exit
}

async fn run_loop<S, I>(app: &mut App, screen: &mut S, mut input: I, wiring: &mut Wiring) -> Exit
where
    S: Screen,
    I: Stream<Item = io::Result<TermEvent>> + Unpin,
{
    app::update(app, Msg::Clock(wiring.clock.now()));
    if let Err(e) = frame(app, screen) {
        return Exit::TerminalLost(e.to_string());
    }
    loop {
        let now = wiring.clock.now();
        let next_second = 1000 - u64::from(now.timestamp_subsec_millis() % 1000);
        let mut batch = Vec::new();
        let mut beat = false;
        tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(TermEvent::Key(k))) => {
                    if let Some(key) = key_from_terminal(k) {
                        batch.push(Msg::Key(key));
                    }
                }
                Some(Ok(TermEvent::Resize(w, h))) => {
                    if let Err(e) = screen.resize(w, h) {
                        return Exit::TerminalLost(e.to_string());
                    }
                    batch.push(Msg::Resize(w, h));
                }
                Some(Ok(_)) => {}
                // the terminal went away (ssh dropped): everything is journaled, just leave
                Some(Err(e)) => return Exit::TerminalLost(e.to_string()),
                None => return Exit::TerminalLost("end of input".into()),
            },
            Some(msg) = wiring.msgs.recv() => batch.push(msg),
            () = tokio::time::sleep(Duration::from_millis(next_second)) => {
                beat = true;
                if wiring.refresh_on_clock {
                    let _ = wiring.journal.send(JournalCmd::Refresh);
                }
            }
            () = wiring.cancel.cancelled() => return Exit::Cancelled,
        }
        while let Ok(msg) = wiring.msgs.try_recv() {
            batch.push(msg);
        }
        app::update(app, Msg::Clock(wiring.clock.now()));
        for msg in batch {
            for effect in app::update(app, msg) {
                carry_out(app, screen, wiring, &effect);
            }
        }
        if app.quit {
            return Exit::Quit;
        }
        if (app.dirty || (beat && app.dirty_on_beat))
            && let Err(e) = frame(app, screen)
        {
            return Exit::TerminalLost(e.to_string());
        }
    }
}

/// Draws a frame and tells the app what it laid out (as the loop does after every frame).
pub fn frame<S: Screen>(app: &mut App, screen: &mut S) -> io::Result<()> {
    let drawn = screen.draw(app)?;
    app.dirty = false;
    app.dirty_on_beat = false;
    if drawn != app.viewport {
        app::update(app, Msg::Viewport(drawn));
    }
    Ok(())
}

fn carry_out<S: Screen>(app: &mut App, screen: &mut S, wiring: &mut Wiring, effect: &Effect) {
    match effect {
        Effect::Append(ev) => {
            if wiring
                .journal
                .send(JournalCmd::Append(Box::new(ev.clone())))
                .is_err()
            {
                app::update(app, Msg::JournalError("the journal worker stopped".into()));
            }
        }
        Effect::Copy(text) => {
            let _ = screen.copy(text);
        }
        Effect::Bell => {
            let _ = screen.bell();
        }
        Effect::PollNow(_) | Effect::Presence(_) | Effect::Demo(_) | Effect::Quit => {}
    }
    (wiring.on_effect)(effect);
}

/// Before leaving, waits (a few seconds at most) for writes already sent to the journal, so a
/// tick pressed just before `q` is not dropped with the process.
async fn finish_writes(app: &mut App, msgs: &mut mpsc::Receiver<Msg>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.pending_writes > 0 {
        match tokio::time::timeout_at(deadline, msgs.recv()).await {
            Ok(Some(Msg::Journaled { acked, .. } | Msg::Spooled { acked, .. })) => {
                app.pending_writes = app.pending_writes.saturating_sub(acked);
            }
            Ok(Some(Msg::JournalError(_))) | Ok(None) | Err(_) => return,
            Ok(Some(_)) => {}
        }
    }
}
