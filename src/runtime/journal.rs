//! The journal worker: owns the store for one session. Every event the app asks for is first
//! made durable in the spool (fsynced; the app shows it as done-but-unsynced at once), then
//! delivered to the store in order by `delivery`, which also hands back every new event in seq
//! order — ours and other instances' alike. The UI loop never waits for either: commands go
//! through an unbounded queue, and spooling never waits behind a slow or dead store. The worker
//! outlives the loop: what closing sends (the screen's `left`, a flush) is still spooled and
//! delivered after nobody reads the app's queue any more.

use super::delivery::{self, Waiting};
use crate::app::Msg;
use crate::redact::redact_text;
use crate::store::{NewEvent, Spool, Store, StoreError};
use chrono::Utc;
use tokio::sync::{mpsc, oneshot};

/// What the journal worker is asked to do.
pub enum JournalCmd {
    Append(Box<NewEvent>),
    /// Look for events other instances wrote.
    Refresh,
    /// Try to deliver everything waiting now; answers how many events still wait.
    Flush(oneshot::Sender<usize>),
}

/// Where the worker writes.
pub struct JournalSetup {
    pub store: Store,
    pub session: String,
    /// The newest seq the app has already folded.
    pub last_seq: i64,
    /// The local spool; `None` delivers straight from memory (tests, and a spool that cannot be
    /// opened — said on screen).
    pub spool: Option<Spool>,
    /// Prefix of the keys given to a person's events (this screen's id): unique per cockpit.
    pub key_prefix: String,
}

/// Starts the worker; it stops when every sender is dropped or the app's queue is gone.
pub fn spawn_journal(
    setup: JournalSetup,
    tx: mpsc::Sender<Msg>,
) -> mpsc::UnboundedSender<JournalCmd> {
    let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel::<JournalCmd>();
    let JournalSetup {
        store,
        session,
        last_seq,
        spool,
        key_prefix,
    } = setup;
    let (deliver_tx, deliver_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        // What an earlier cockpit left in the spool goes first, and shows as unsynced.
        if let Some(spool) = &spool {
            match spool.waiting().await {
                Ok(rows) if !rows.is_empty() => {
                    let events = rows.iter().map(|r| r.event.clone()).collect();
                    // the screen may be gone already (closing): the events are delivered anyway
                    let _ = tx.send(Msg::Spooled { events, acked: 0 }).await;
                    for row in rows {
                        let _ = deliver_tx.send(delivery::Input::Waiting(Box::new(Waiting {
                            id: Some(row.id),
                            event: row.event,
                            waited: true,
                        })));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = tx.send(Msg::JournalError(e.to_string())).await;
                }
            }
        }
        delivery::spawn(
            delivery::Deliver {
                store,
                session,
                last_seq,
                spool: spool.clone(),
            },
            deliver_rx,
            tx.clone(),
        );
        let mut next_key: u64 = 0;
        while let Some(first) = cmd_rx.recv().await {
            let mut cmds = vec![first];
            while let Ok(more) = cmd_rx.try_recv() {
                cmds.push(more);
            }
            let mut spooled = Vec::new();
            for cmd in cmds {
                match cmd {
                    JournalCmd::Append(event) => {
                        let mut event = *event;
                        if event.key.is_none() {
                            next_key += 1;
                            event.key = Some(format!("{key_prefix}-{next_key}"));
                        }
                        event.at = Some(event.at.unwrap_or_else(Utc::now));
                        let id = match &spool {
                            Some(spool) => match spool.push(&event).await {
                                Ok(row) => Some(row.id),
                                Err(e) => {
                                    // Not durable here: delivered from memory, and said so —
                                    // what it means first, as the footer cuts a long line.
                                    tracing::error!(error = %redact_text(&e.to_string()), "spool write failed");
                                    let text = redact_text(&format!(
                                        "the spool cannot write ({}): kept in memory until the store takes it",
                                        why(&e)
                                    ));
                                    let _ = tx.send(Msg::JournalError(text)).await;
                                    None
                                }
                            },
                            None => None,
                        };
                        spooled.push(event.clone());
                        let _ = deliver_tx.send(delivery::Input::Waiting(Box::new(Waiting {
                            id,
                            event,
                            waited: false,
                        })));
                    }
                    JournalCmd::Refresh => {
                        let _ = deliver_tx.send(delivery::Input::Refresh);
                    }
                    JournalCmd::Flush(answer) => {
                        let _ = deliver_tx.send(delivery::Input::Flush(answer));
                    }
                }
            }
            if !spooled.is_empty() {
                let acked = spooled.len();
                let msg = Msg::Spooled {
                    events: spooled,
                    acked,
                };
                // a closing cockpit's screen is gone, but its last events (its leave) and the
                // flush that waits for them still go through: the worker stops only when every
                // sender has let go
                let _ = tx.send(msg).await;
            }
        }
    });
    cmd_tx
}

/// The database's own words for a failure (`database or disk is full`), without the wrapping
/// that names the file and the driver's error code.
fn why(e: &StoreError) -> String {
    match e {
        StoreError::Database { message, .. } => message
            .rsplit_once(") ")
            .filter(|(head, _)| head.contains("(code:"))
            .map_or(message.as_str(), |(_, tail)| tail)
            .to_owned(),
        other => other.to_string(),
    }
}
