//! The scheduler: one tokio task per probe, at most one poll in flight each, first polls in
//! batches of `BATCH` spread evenly so 200 probes do not fire in one burst (and a handful poll
//! together: one wake-up, not one each), results sent as owned messages. Every task
//! stops on the cancellation token and when its send fails (the app is gone).

use super::{Probe, Sample};
use crate::config::ProbeSpec;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// First polls are spread over the interval, but over no more than this, so a slow probe (1 m)
/// still shows data soon after start.
pub const MAX_SPREAD: Duration = Duration::from_secs(5);

/// Probes that start together: a burst this small costs nothing, and polling them at one
/// instant wakes the runtime once for all of them.
pub const BATCH: u32 = 8;

/// What probe workers send to the app.
#[derive(Debug, Clone)]
pub enum ProbeMsg {
    /// A poll finished. `lag` is how late the poll started against its schedule (zero for a
    /// poll asked for with `poll_now`); the probes bench reports it as scheduling delay.
    Sample { sample: Arc<Sample>, lag: Duration },
}

impl ProbeMsg {
    pub fn into_sample(self) -> Arc<Sample> {
        match self {
            ProbeMsg::Sample { sample, .. } => sample,
        }
    }
}

/// Controls running probe tasks.
pub struct SchedulerHandle {
    wakers: HashMap<String, Arc<Notify>>,
    tasks: Vec<JoinHandle<()>>,
}

impl SchedulerHandle {
    /// Asks the probe to poll as soon as its current poll (if any) is done; requests made while
    /// one is pending are merged. Returns false for an unknown probe.
    pub fn poll_now(&self, name: &str) -> bool {
        match self.wakers.get(name) {
            Some(waker) => {
                waker.notify_one();
                true
            }
            None => false,
        }
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Waits until every task has stopped (after cancellation, or when the receiver is gone).
    pub async fn join(self) {
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts one task per probe. Must be called inside a tokio runtime.
pub fn spawn(
    specs: Vec<ProbeSpec>,
    tx: mpsc::Sender<ProbeMsg>,
    cancel: CancellationToken,
) -> SchedulerHandle {
    let batches = (specs.len().max(1) as u32).div_ceil(BATCH);
    let start = Instant::now();
    let mut wakers = HashMap::new();
    let mut tasks = Vec::new();
    for (i, spec) in specs.into_iter().enumerate() {
        let waker = Arc::new(Notify::new());
        wakers.insert(spec.name.clone(), waker.clone());
        let batch = i as u32 / BATCH;
        let first = start + spec.interval.min(MAX_SPREAD) * batch / batches;
        let probe = Probe::new(spec);
        tasks.push(tokio::spawn(run_probe(
            probe,
            first,
            tx.clone(),
            cancel.clone(),
            waker,
        )));
    }
    SchedulerHandle { wakers, tasks }
}

async fn run_probe(
    mut probe: Probe,
    first: Instant,
    tx: mpsc::Sender<ProbeMsg>,
    cancel: CancellationToken,
    waker: Arc<Notify>,
) {
    let interval = probe.spec().interval;
    let mut ticker = tokio::time::interval_at(first, interval);
    // after a slow poll, keep the spacing instead of firing the missed ticks in a burst
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let lag = tokio::select! {
            biased;
            () = cancel.cancelled() => return,
            scheduled = ticker.tick() => Instant::now().saturating_duration_since(scheduled),
            () = waker.notified() => {
                ticker.reset();
                Duration::ZERO
            }
        };
        let sample = tokio::select! {
            biased;
            () = cancel.cancelled() => return,
            sample = probe.poll() => Arc::new(sample),
        };
        let sent = tokio::select! {
            biased;
            () = cancel.cancelled() => return,
            sent = tx.send(ProbeMsg::Sample { sample, lag }) => sent,
        };
        if sent.is_err() {
            return;
        }
    }
}
