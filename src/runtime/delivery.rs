//! Delivery: takes spooled events to the store, oldest first, one at a time, and clears each from
//! the spool once the store has it; reads back what is new in the journal. While the store
//! cannot be reached (or refuses: a full disk) it keeps the events, tells the app — lastingly,
//! with the count waiting — and tries again with a growing pause; when the store answers again
//! the spool drains by itself. Every event carries its key, so a retry never doubles one.

use crate::app::{Msg, StoreHealth};
use crate::redact::redact_text;
use crate::store::{NewEvent, Spool, Store};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Events read back from the journal while draining, at most this many deliveries apart, so a
/// long drain shows its progress.
const NEWS_EVERY: usize = 200;
/// A delivery this soon after spooling keeps the store's clock; a later one keeps the time the
/// event happened.
const PROMPT: Duration = Duration::from_secs(2);
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_MAX: Duration = Duration::from_secs(2);

pub(super) struct Waiting {
    /// Its spool row (`None`: the spool could not take it; kept in memory).
    pub id: Option<i64>,
    pub event: NewEvent,
    /// It was left by an earlier cockpit: it keeps the time it happened.
    pub waited: bool,
}

pub(super) enum Input {
    Waiting(Box<Waiting>),
    Refresh,
    Flush(oneshot::Sender<usize>),
}

pub(super) struct Deliver {
    pub store: Store,
    pub session: String,
    pub last_seq: i64,
    pub spool: Option<Spool>,
}

struct State {
    d: Deliver,
    queue: VecDeque<Waiting>,
    /// Since when the store has failed us, and why (redacted).
    down: Option<(DateTime<Utc>, String)>,
    retry: Duration,
    tx: mpsc::Sender<Msg>,
}

pub(super) fn spawn(d: Deliver, mut rx: mpsc::UnboundedReceiver<Input>, tx: mpsc::Sender<Msg>) {
    tokio::spawn(async move {
        let mut st = State {
            d,
            queue: VecDeque::new(),
            down: None,
            retry: RETRY_FIRST,
            tx,
        };
        let mut open = true;
        while open || !st.queue.is_empty() {
            let mut inputs = Vec::new();
            if st.down.is_none() && !st.queue.is_empty() {
                // the store answers and events wait: deliver now, with whatever else came in
            } else if st.down.is_some() {
                tokio::select! {
                    got = rx.recv(), if open => match got {
                        Some(i) => inputs.push(i),
                        None => open = false,
                    },
                    () = tokio::time::sleep(st.retry) => {
                        st.retry = (st.retry * 2).min(RETRY_MAX);
                    }
                }
            } else {
                match rx.recv().await {
                    Some(i) => inputs.push(i),
                    // the cockpit is closing: one last attempt at what waits, then stop
                    None if open => open = false,
                    None => {}
                }
            }
            while let Ok(more) = rx.try_recv() {
                inputs.push(more);
            }
            let mut flushes = Vec::new();
            let mut refresh = st.down.is_some();
            for input in inputs {
                match input {
                    Input::Waiting(w) => st.queue.push_back(*w),
                    Input::Refresh => refresh = true,
                    Input::Flush(answer) => flushes.push(answer),
                }
            }
            let delivered = st.drain().await;
            let app_gone = (delivered > 0 || refresh) && st.news().await.is_err();
            // a closing cockpit waits for this answer before it exits
            for answer in flushes {
                let _ = answer.send(st.queue.len());
            }
            if app_gone && !open {
                return;
            }
            if !open && st.down.is_some() {
                // nobody is left to show it; the spool keeps what waits for the next cockpit
                return;
            }
        }
    });
}

impl State {
    /// Delivers what waits, oldest first, until it is all in or the store fails; returns how
    /// many landed.
    async fn drain(&mut self) -> usize {
        let mut delivered = 0;
        while let Some(front) = self.queue.front() {
            let mut event = front.event.clone();
            let happened = event.at.take();
            if front.waited
                || happened.is_some_and(|t| (Utc::now() - t).to_std().unwrap_or_default() > PROMPT)
            {
                event.at = happened;
            }
            match self.d.store.append(&self.d.session, event).await {
                Ok(_) => {
                    if let (Some(spool), Some(id)) = (&self.d.spool, front.id)
                        && let Err(e) = spool.remove(id).await
                    {
                        // delivered twice at worst: its key makes the second a no-op
                        tracing::warn!(error = %e, "spool: a delivered event stays");
                    }
                    self.queue.pop_front();
                    delivered += 1;
                    self.up().await;
                    if delivered % NEWS_EVERY == 0 && self.news().await.is_err() {
                        return delivered;
                    }
                }
                Err(e) => {
                    self.failed(e.to_string()).await;
                    break;
                }
            }
        }
        delivered
    }

    /// Reads the journal past the last seen seq and hands it to the app. `Err`: the app is gone.
    async fn news(&mut self) -> Result<(), ()> {
        match self
            .d
            .store
            .events_after(&self.d.session, self.d.last_seq)
            .await
        {
            Ok(events) => {
                // while events wait, only appends say whether the store takes them
                if self.queue.is_empty() {
                    self.up().await;
                }
                if let Some(last) = events.last() {
                    self.d.last_seq = last.seq;
                }
                if !events.is_empty() {
                    let msg = Msg::Journaled { events, acked: 0 };
                    self.tx.send(msg).await.map_err(|_| ())?;
                }
            }
            Err(e) => self.failed(e.to_string()).await,
        }
        Ok(())
    }

    async fn failed(&mut self, error: String) {
        let error = redact_text(&error);
        if self.down.as_ref().is_none_or(|(_, e)| *e != error) {
            tracing::warn!(error = %error, waiting = self.queue.len(), "journal store failed; events wait in the spool");
            let since = self.down.as_ref().map_or_else(Utc::now, |(s, _)| *s);
            self.down = Some((since, error.clone()));
            let health = StoreHealth {
                reachable: false,
                since: Some(since),
                error: Some(error),
            };
            let _ = self.tx.send(Msg::Store(health)).await;
        }
    }

    async fn up(&mut self) {
        self.retry = RETRY_FIRST;
        if let Some((since, _)) = self.down.take() {
            tracing::info!(since = %since, waiting = self.queue.len(), "journal store answers again");
            let _ = self.tx.send(Msg::Store(StoreHealth::default())).await;
        }
    }
}
