//! The notifier, off the screen's loop: committed journal events come in, the notices they make
//! for each target are recorded in the store first (every screen records the same rows once),
//! and one task per target leases its oldest pending notification, attempts it, and records the
//! outcome — retried with a growing pause until delivered or expired. The app hears only a
//! lasting health summary; the log has each failure once and each delivery.

use super::derive::Deriver;
use super::document::{Facts, Scrub};
use super::send::{self, Outcome};
use crate::app::{Msg, NotifyHealth};
use crate::checklist::Checklist;
use crate::config::NotifyTarget;
use crate::journal::Event;
use crate::store::{Attempted, DeliveryStatus, Lease, NewNotification, Notification, Store};
use chrono::Utc;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How often an idle target looks for notifications other screens recorded, or left.
const POLL: Duration = Duration::from_secs(2);
/// A lease outlives one attempt by this much, so only a screen that died gives it up.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(60);
/// Pauses between tries at the store itself while it fails.
const STORE_RETRY_MAX: Duration = Duration::from_secs(5);

/// The pause before attempt `n + 1`, after `n` failed ones: 1 s, 2 s, 4 s … 60 s.
pub fn backoff(failed: i64) -> Duration {
    let doublings = u32::try_from(failed.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    (RETRY_FIRST * 2u32.pow(doublings)).min(RETRY_MAX)
}

/// What a notifier needs.
pub struct Setup {
    pub store: Store,
    pub session: String,
    /// This cockpit's id: the lease holder's name.
    pub screen: String,
    pub targets: Vec<NotifyTarget>,
    pub checklist: Checklist,
    pub env: Option<String>,
    /// Literal secrets of the config's probes, scrubbed from documents and errors.
    pub secrets: Vec<String>,
    /// The journal as the cockpit joined it: notices of the last `expire` that no screen
    /// recorded yet (a restart between an event and its record) are recorded now.
    pub journal: Vec<Event>,
}

/// A running notifier.
pub struct Notifier {
    events: mpsc::UnboundedSender<Vec<Event>>,
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

#[derive(Default)]
struct Health {
    failing: BTreeMap<String, String>,
    undelivered: usize,
}

/// What every task shares.
struct Shared {
    store: Store,
    session: String,
    screen: String,
    scrub: Scrub,
    health: Mutex<Health>,
    status: mpsc::Sender<Msg>,
    cancel: CancellationToken,
}

impl Shared {
    async fn publish(&self, change: impl FnOnce(&mut Health) -> bool) {
        let snapshot = {
            let mut h = self.health.lock().unwrap_or_else(|e| e.into_inner());
            if !change(&mut h) {
                return;
            }
            NotifyHealth {
                failing: h
                    .failing
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                undelivered: h.undelivered,
            }
        };
        let _ = self.status.send(Msg::Notify(snapshot)).await;
    }

    /// Sleeps `d`, or less when woken or cancelled; `false` when cancelled.
    async fn pause(&self, d: Duration, wake: &Notify) -> bool {
        tokio::select! {
            () = self.cancel.cancelled() => false,
            () = wake.notified() => true,
            () = tokio::time::sleep(d) => true,
        }
    }
}

impl Notifier {
    /// Starts recording and sending; `status` is the app's queue (health, for the header).
    pub fn spawn(setup: Setup, status: mpsc::Sender<Msg>) -> Notifier {
        let mut secrets = setup.secrets;
        secrets.extend(setup.targets.iter().flat_map(NotifyTarget::secret_parts));
        let cancel = CancellationToken::new();
        let shared = Arc::new(Shared {
            store: setup.store,
            session: setup.session.clone(),
            screen: setup.screen,
            scrub: Scrub::new(secrets),
            health: Mutex::new(Health::default()),
            status,
            cancel: cancel.clone(),
        });
        let targets: Vec<Arc<NotifyTarget>> = setup.targets.into_iter().map(Arc::new).collect();
        let wakes: Vec<Arc<Notify>> = targets.iter().map(|_| Arc::new(Notify::new())).collect();
        let mut tasks: Vec<JoinHandle<()>> = targets
            .iter()
            .zip(&wakes)
            .map(|(t, w)| tokio::spawn(send_loop(shared.clone(), t.clone(), w.clone())))
            .collect();
        let (events, rx) = mpsc::unbounded_channel();
        let mut deriver = Deriver::new(&setup.session, &setup.checklist, setup.env);
        let first = notices(&mut deriver, &setup.journal, &targets, &shared.scrub);
        tasks.push(tokio::spawn(record_loop(
            shared, deriver, targets, wakes, first, rx,
        )));
        Notifier {
            events,
            cancel,
            tasks,
        }
    }

    /// Where the cockpit hands committed events (in seq order, as the journal gives them).
    pub fn events(&self) -> mpsc::UnboundedSender<Vec<Event>> {
        self.events.clone()
    }

    /// Stops: no new attempt starts, one in flight gets `grace` to finish (its outcome
    /// recorded); after that it is dropped, and its lease lets another screen retry it.
    pub async fn close(self, grace: Duration) {
        self.cancel.cancel();
        let deadline = tokio::time::Instant::now() + grace;
        for mut task in self.tasks {
            if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}

/// The notifications `events` make for `targets`; those already past their expiry are left out.
fn notices(
    deriver: &mut Deriver,
    events: &[Event],
    targets: &[Arc<NotifyTarget>],
    scrub: &Scrub,
) -> Vec<NewNotification> {
    let now = Utc::now();
    let mut out = Vec::new();
    for event in events {
        for facts in deriver.on_event(event) {
            push_for_targets(&facts, targets, scrub, now, &mut out);
        }
    }
    out
}

fn push_for_targets(
    facts: &Facts,
    targets: &[Arc<NotifyTarget>],
    scrub: &Scrub,
    now: chrono::DateTime<Utc>,
    out: &mut Vec<NewNotification>,
) {
    let mut document: Option<String> = None;
    for t in targets
        .iter()
        .filter(|t| t.wants(facts.kind, facts.severity))
    {
        let expires_at = facts.time + chrono::Duration::from_std(t.expire).unwrap_or_default();
        if expires_at <= now {
            continue;
        }
        let document = document
            .get_or_insert_with(|| facts.document(scrub).to_string())
            .clone();
        out.push(NewNotification {
            target: t.name.clone(),
            notice: format!("{}:{}", facts.seq, facts.kind.as_str()),
            seq: facts.seq,
            kind: facts.kind.as_str().to_owned(),
            happened_at: facts.time,
            expires_at,
            document,
        });
    }
}

/// Records what each batch of events makes; while the store refuses, keeps it and tries again.
async fn record_loop(
    shared: Arc<Shared>,
    mut deriver: Deriver,
    targets: Vec<Arc<NotifyTarget>>,
    wakes: Vec<Arc<Notify>>,
    mut waiting: Vec<NewNotification>,
    mut rx: mpsc::UnboundedReceiver<Vec<Event>>,
) {
    let mut retry = Duration::from_millis(250);
    let mut failing: Option<String> = None;
    loop {
        if !waiting.is_empty() {
            match shared
                .store
                .record_notifications(&shared.session, &waiting)
                .await
            {
                Ok(_) => {
                    waiting.clear();
                    retry = Duration::from_millis(250);
                    if failing.take().is_some() {
                        tracing::info!("notifications: the store records them again");
                    }
                    wakes.iter().for_each(|w| w.notify_one());
                }
                Err(e) => {
                    let text = e.to_string();
                    if failing.as_deref() != Some(&text) {
                        tracing::warn!(error = %text, waiting = waiting.len(), "notifications: cannot record them yet; retrying");
                        failing = Some(text);
                    }
                }
            }
        }
        let pause = if waiting.is_empty() {
            Duration::from_secs(3600)
        } else {
            retry = (retry * 2).min(STORE_RETRY_MAX);
            retry
        };
        tokio::select! {
            () = shared.cancel.cancelled() => return,
            got = rx.recv() => match got {
                Some(events) => {
                    let more = notices(&mut deriver, &events, &targets, &shared.scrub);
                    waiting.extend(more);
                }
                None => return,
            },
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// One target: lease, attempt, record, in the journal's order, until cancelled.
async fn send_loop(shared: Arc<Shared>, target: Arc<NotifyTarget>, wake: Arc<Notify>) {
    let hold = target.timeout + LEASE_MARGIN;
    let mut store_retry = Duration::from_millis(250);
    while !shared.cancel.is_cancelled() {
        let lease = shared
            .store
            .lease_notification(&shared.session, &target.name, &shared.screen, hold)
            .await;
        let pause = match lease {
            Ok(Lease::Got(note)) => {
                store_retry = Duration::from_millis(250);
                attempt(&shared, &target, *note).await;
                continue;
            }
            Ok(Lease::Wait(d)) => d.min(POLL),
            Ok(Lease::Idle) => POLL,
            Err(e) => {
                tracing::warn!(notify = %target.name, error = %e, "notifications: cannot read the store");
                store_retry = (store_retry * 2).min(STORE_RETRY_MAX);
                store_retry
            }
        };
        if !shared.pause(pause, &wake).await {
            return;
        }
    }
}

async fn attempt(shared: &Shared, target: &NotifyTarget, note: Notification) {
    let outcome = match serde_json::from_str::<serde_json::Value>(&note.document) {
        Ok(doc) => {
            let bound = target.timeout + LEASE_MARGIN / 2;
            tokio::time::timeout(bound, send::attempt(target, &doc, &shared.scrub))
                .await
                .unwrap_or_else(|_| Outcome::Retry("no answer in time".into(), None))
        }
        Err(e) => Outcome::Refused(format!("the stored document is unreadable: {e}")),
    };
    let attempts = note.attempts + 1;
    let recorded = match &outcome {
        Outcome::Delivered(_) => Attempted::Delivered,
        Outcome::Retry(error, after) => Attempted::Retry {
            error: error.clone(),
            after: after.unwrap_or_else(|| backoff(attempts)),
        },
        Outcome::Refused(error) => Attempted::Failed {
            error: error.clone(),
        },
    };
    let status = finish(shared, note.id, &recorded).await;
    let (name, kind) = (target.name.as_str(), note.kind.as_str());
    match (&outcome, status) {
        (Outcome::Delivered(said), _) => {
            tracing::info!(notify = name, kind, attempts, answer = %said, "notification delivered");
            shared.publish(|h| h.failing.remove(name).is_some()).await;
        }
        (Outcome::Retry(error, _), Some(DeliveryStatus::Pending)) => {
            let after = match &recorded {
                Attempted::Retry { after, .. } => *after,
                _ => Duration::ZERO,
            };
            let changed = {
                let h = shared.health.lock().unwrap_or_else(|e| e.into_inner());
                h.failing.get(name) != Some(error)
            };
            if changed {
                tracing::warn!(notify = name, kind, attempts, error = %error, retry_in_s = after.as_secs(), "notification not delivered; retrying");
            }
            let error = error.clone();
            shared
                .publish(|h| h.failing.insert(name.to_owned(), error.clone()) != Some(error))
                .await;
        }
        (Outcome::Retry(error, _) | Outcome::Refused(error), Some(status)) => {
            tracing::error!(notify = name, kind, attempts, error = %error, status = status.as_str(), "notification given up");
            shared
                .publish(|h| {
                    h.undelivered += 1;
                    true
                })
                .await;
        }
        (_, None) => {
            tracing::warn!(
                notify = name,
                kind,
                "notification: the attempt's outcome was not recorded (its lease lapsed, or the cockpit closed)"
            );
        }
    }
}

/// Records an attempt's outcome, trying again while the store fails (until cancelled): left
/// unrecorded, the notification would be sent again once its lease runs out.
async fn finish(shared: &Shared, id: i64, recorded: &Attempted) -> Option<DeliveryStatus> {
    let mut pause = Duration::from_millis(100);
    loop {
        match shared
            .store
            .finish_notification(id, &shared.screen, recorded)
            .await
        {
            Ok(status) => return status,
            Err(e) => {
                tracing::warn!(error = %e, "notifications: cannot record an attempt yet");
                if shared.cancel.is_cancelled() {
                    return None;
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(STORE_RETRY_MAX);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_minute() {
        let secs: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(0).as_secs(), 1);
        assert_eq!(backoff(i64::MAX).as_secs(), 60);
    }
}
