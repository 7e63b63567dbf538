//! The journal worker: owns the store for one session, appends what the app asks for (committed
//! before anything is shown) and hands back every new event in seq order — ours and other
//! instances' alike. The UI loop never waits for it: commands go through an unbounded queue.

use crate::app::Msg;
use crate::redact::redact_text;
use crate::store::{NewEvent, Store};
use tokio::sync::mpsc;

/// What the journal worker is asked to do.
pub enum JournalCmd {
    Append(NewEvent),
    /// Look for events other instances wrote.
    Refresh,
}

/// Starts the worker; it stops when every sender is dropped or the app's queue is gone.
pub fn spawn_journal(
    store: Store,
    session: String,
    mut last_seq: i64,
    tx: mpsc::Sender<Msg>,
) -> mpsc::UnboundedSender<JournalCmd> {
    let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel::<JournalCmd>();
    tokio::spawn(async move {
        while let Some(cmd) = cmd_rx.recv().await {
            let acked = match cmd {
                JournalCmd::Append(ev) => match store.append(&session, ev).await {
                    Ok(_) => 1,
                    Err(e) => {
                        let text = redact_text(&e.to_string());
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
                    let text = redact_text(&e.to_string());
                    if tx.send(Msg::JournalError(text)).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    cmd_tx
}
