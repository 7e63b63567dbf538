//! The cockpit's select loop: terminal input, journal events, probe samples and the clock come in
//! as messages; `update` turns them into state and effects; a frame is drawn only when something
//! shown changed. Bursts are coalesced: every ready message is applied before one draw.

use crate::app::{self, App, Effect, Key, Msg};
use crate::store::{NewEvent, Store};
use crate::terminal::TerminalGuard;
use chrono::Utc;
use crossterm::event::{
    Event as TermEvent, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What the journal worker is asked to do.
pub enum JournalCmd {
    Append(NewEvent),
    /// Look for events other instances wrote.
    Refresh,
}

/// Owns the store for one session: appends (committed before anything is shown), and hands back
/// every new event in seq order — ours and other instances' alike.
pub fn spawn_journal(
    store: Store,
    session: String,
    mut last_seq: i64,
    tx: mpsc::Sender<Msg>,
) -> mpsc::Sender<JournalCmd> {
    let (cmd_tx, mut cmd_rx) = mpsc::channel::<JournalCmd>(256);
    tokio::spawn(async move {
        while let Some(cmd) = cmd_rx.recv().await {
            let acked = match cmd {
                JournalCmd::Append(ev) => match store.append(&session, ev).await {
                    Ok(_) => 1,
                    Err(e) => {
                        let text = crate::redact::redact_text(&e.to_string());
                        tracing::error!(error = %text, "journal append failed");
                        if tx.send(Msg::JournalError(text)).await.is_err() {
                            return;
                        }
                        continue;
                    }
                },
                JournalCmd::Refresh => 0,
            };
            match store.events_after(&session, last_seq).await {
                Ok(events) => {
                    if let Some(last) = events.last() {
                        last_seq = last.seq;
                    }
                    if (acked > 0 || !events.is_empty())
                        && tx.send(Msg::Journaled { events, acked }).await.is_err()
                    {
                        return;
                    }
                }
                Err(e) => {
                    let text = crate::redact::redact_text(&e.to_string());
                    if tx.send(Msg::JournalError(text)).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    cmd_tx
}

pub fn key_from_terminal(k: KeyEvent) -> Option<Key> {
    if k.kind != KeyEventKind::Press && k.kind != KeyEventKind::Repeat {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(match k.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => return None,
    })
}

/// Extra sources the loop listens to (probe samples, …) push into `msgs`; `effects` lets the
/// caller act on effects the runtime does not own (polling a probe now).
pub struct Wiring {
    pub msgs: mpsc::Receiver<Msg>,
    pub journal: mpsc::Sender<JournalCmd>,
    pub on_effect: Box<dyn FnMut(&Effect) + Send>,
    pub cancel: CancellationToken,
    /// Look for other instances' events on every clock tick (when the store cannot notify us).
    pub refresh_on_clock: bool,
}

/// Runs the cockpit until the user quits or a signal arrives. The terminal guard restores the
/// screen on every path out.
pub async fn run(
    app: &mut App,
    guard: &mut TerminalGuard,
    mut wiring: Wiring,
) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut input = EventStream::new();
    if let Ok((w, h)) = crossterm::terminal::size() {
        app::update(app, Msg::Resize(w, h));
    }
    guard.draw(app)?;
    app.dirty = false;
    loop {
        let next_second = 1000 - (Utc::now().timestamp_subsec_millis() as u64 % 1000);
        let mut batch = Vec::new();
        tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(TermEvent::Key(k))) => {
                    if let Some(key) = key_from_terminal(k) {
                        batch.push(Msg::Key(key));
                    }
                }
                Some(Ok(TermEvent::Resize(w, h))) => batch.push(Msg::Resize(w, h)),
                Some(Ok(_)) => {}
                // the terminal went away (ssh dropped): everything is journaled, just leave
                Some(Err(_)) | None => break,
            },
            Some(msg) = wiring.msgs.recv() => batch.push(msg),
            _ = tokio::time::sleep(Duration::from_millis(next_second)) => {
                if wiring.refresh_on_clock {
                    let _ = wiring.journal.try_send(JournalCmd::Refresh);
                }
            }
            _ = sigterm.recv() => break,
            _ = sighup.recv() => break,
            _ = sigint.recv() => break,
            _ = wiring.cancel.cancelled() => break,
        }
        while let Ok(msg) = wiring.msgs.try_recv() {
            batch.push(msg);
        }
        app::update(app, Msg::Clock(Utc::now()));
        for msg in batch {
            for effect in app::update(app, msg) {
                match &effect {
                    Effect::Append(ev) => {
                        if wiring
                            .journal
                            .send(JournalCmd::Append(ev.clone()))
                            .await
                            .is_err()
                        {
                            app::update(
                                app,
                                Msg::JournalError("the journal worker stopped".into()),
                            );
                        }
                    }
                    Effect::Copy(text) => {
                        let _ = guard.copy(text);
                    }
                    Effect::Bell => {
                        let _ = guard.bell();
                    }
                    Effect::PollNow(_) => {}
                    Effect::Quit => {}
                }
                (wiring.on_effect)(&effect);
            }
        }
        if app.quit {
            break;
        }
        if app.dirty {
            guard.draw(app)?;
            app.dirty = false;
        }
    }
    finish_writes(app, &mut wiring.msgs).await;
    wiring.cancel.cancel();
    Ok(())
}

/// Before leaving, waits (a few seconds at most) for writes already sent to the journal, so a
/// tick pressed just before `q` is not dropped with the process.
async fn finish_writes(app: &mut App, msgs: &mut mpsc::Receiver<Msg>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.pending_writes > 0 {
        match tokio::time::timeout_at(deadline, msgs.recv()).await {
            Ok(Some(Msg::Journaled { acked, .. })) => {
                app.pending_writes = app.pending_writes.saturating_sub(acked);
            }
            Ok(Some(Msg::JournalError(_))) | Ok(None) | Err(_) => return,
            Ok(Some(_)) => {}
        }
    }
}
