//! A probe kind for tests only, plugged in the way a real kind is (one `ProbeKind` and a registry
//! line): its poll takes `delay`, or never answers (`hang = true`), and it records when each poll
//! starts, how many run at once and each reset, so scheduler tests can run under a paused clock.
#![allow(dead_code)]

use flightdeck::config::{KindSettings, Kinds, Poller, ProbeKind, ProbeSpec, TableReader};
use flightdeck::model::{OutputSpec, OutputType, Outputs, PollResult, ValueUnit};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// What the fake probes did, by probe name.
#[derive(Debug, Default)]
pub struct Log {
    inner: Mutex<LogInner>,
}

#[derive(Debug, Default)]
struct LogInner {
    starts: HashMap<String, Vec<Instant>>,
    in_flight: HashMap<String, usize>,
    most_in_flight: HashMap<String, usize>,
    resets: HashMap<String, usize>,
}

impl Log {
    /// When each poll of `probe` started.
    pub fn starts(&self, probe: &str) -> Vec<Instant> {
        self.lock().starts.get(probe).cloned().unwrap_or_default()
    }

    /// The most polls of `probe` that ever ran at the same time.
    pub fn most_in_flight(&self, probe: &str) -> usize {
        self.lock().most_in_flight.get(probe).copied().unwrap_or(0)
    }

    pub fn resets(&self, probe: &str) -> usize {
        self.lock().resets.get(probe).copied().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The `fake` kind; each registry made by [`registry`] has its own log.
pub struct Fake {
    log: Arc<Log>,
}

/// A registry holding only the fake kind, and the log its probes write.
pub fn registry() -> (Kinds, Arc<Log>) {
    let log = Arc::new(Log::default());
    let fake: &'static dyn ProbeKind = Box::leak(Box::new(Fake { log: log.clone() }));
    (Box::leak(vec![fake].into_boxed_slice()), log)
}

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new("value", OutputType::Number(None), "polls so far"),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "the delay",
    ),
];

impl ProbeKind for Fake {
    fn name(&self) -> &'static str {
        "fake"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["delay", "hang"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let delay = if r.has("delay") {
            r.duration("delay")?
        } else {
            Duration::ZERO
        };
        let hang = r.bool("hang");
        Some(Arc::new(FakeSettings {
            delay,
            hang,
            log: self.log.clone(),
        }))
    }
}

#[derive(Debug)]
pub struct FakeSettings {
    delay: Duration,
    hang: bool,
    log: Arc<Log>,
}

impl KindSettings for FakeSettings {
    fn target(&self) -> String {
        format!("fake (delay {:?})", self.delay)
    }

    fn secret_parts(&self) -> Vec<String> {
        Vec::new()
    }

    fn poller(&self, spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(FakePoller {
            probe: spec.name.clone(),
            delay: self.delay,
            hang: self.hang,
            log: self.log.clone(),
            polls: 0,
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct FakePoller {
    probe: String,
    delay: Duration,
    hang: bool,
    log: Arc<Log>,
    polls: u32,
}

/// Counts a poll as running until it ends or is dropped (timed out, cancelled).
struct InFlight {
    probe: String,
    log: Arc<Log>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(n) = self.log.lock().in_flight.get_mut(&self.probe) {
            *n -= 1;
        }
    }
}

impl Poller for FakePoller {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(async move {
            let _running = {
                let mut log = self.log.lock();
                log.starts
                    .entry(self.probe.clone())
                    .or_default()
                    .push(Instant::now());
                let now = log.in_flight.entry(self.probe.clone()).or_default();
                *now += 1;
                let now = *now;
                let most = log.most_in_flight.entry(self.probe.clone()).or_default();
                *most = (*most).max(now);
                InFlight {
                    probe: self.probe.clone(),
                    log: self.log.clone(),
                }
            };
            if self.hang {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(self.delay).await;
            self.polls += 1;
            let mut out = Outputs::answered_in(self.delay.as_secs_f64() * 1000.0);
            out.number("value", f64::from(self.polls));
            Ok(out)
        })
    }

    fn reset(&mut self) {
        *self
            .log
            .lock()
            .resets
            .entry(self.probe.clone())
            .or_default() += 1;
    }
}
