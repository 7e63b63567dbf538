//! One auto-bound item: pending, then ticked once its condition has held; afterwards watched for a
//! regression and its recovery. The engine never unticks: a person does.

use super::in_flight::{InFlight, Mark};
use super::watch::Watch;
use super::{ACTOR, WaitWhy};
use crate::condition::{HoldStatus, Lookup, Truth};
use crate::journal::{AutoCheck, EventBody, NewEvent, Tick};
use crate::session::{ItemState, SessionState};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A condition that flaps starts a new run on every true sample: journal `pending` no more often
/// than once per `for` duration, and never more often than this.
const QUIET_PENDING: Duration = Duration::from_secs(30);

/// Consecutive Unknown evaluations that count as a regression: one lost poll is not an outage.
const UNKNOWN_REGRESSES_AFTER: u32 = 2;

#[derive(Debug, Clone)]
pub(super) struct AutoItem {
    pub id: String,
    /// The item's text, journaled with every event about it.
    pub text: String,
    pub phase: usize,
    /// The phase's name, for "waits for phase … to start".
    phase_name: String,
    pub watch: Watch,
    /// Why it is not counting down, as of the last sample.
    pub waiting: WaitWhy,
    /// The state as last seen in the session; any change starts the watch over.
    pub state: ItemState,
    /// The run already journaled as pending (its `since`), and when that was.
    announced: Option<DateTime<Utc>>,
    announced_at: Option<DateTime<Utc>>,
    unknown_streak: u32,
    /// The condition has been seen true since the item was ticked.
    seen_true: bool,
}

/// What one sample brings to an item.
pub(super) struct Step<'a> {
    pub lookup: &'a dyn Lookup,
    pub at: DateTime<Utc>,
    pub session: &'a SessionState,
    /// The item's phase is open (started, or every phase before it is complete).
    pub armed: bool,
    /// A later phase has started: no new regressions for this item (a pending one can recover).
    pub moved_past: bool,
}

impl AutoItem {
    pub fn new(id: String, text: String, phase: (usize, String), watch: Watch) -> AutoItem {
        AutoItem {
            id,
            text,
            phase: phase.0,
            phase_name: phase.1,
            watch,
            waiting: WaitWhy::NoSample,
            state: ItemState::Todo,
            announced: None,
            announced_at: None,
            unknown_streak: 0,
            seen_true: false,
        }
    }

    /// Follows the session: ticked, unticked, skipped — each starts the watch over, so an item a
    /// person unticks must hold for its whole `for` again before it ticks itself again.
    pub fn sync(&mut self, session: &SessionState) {
        let state = session.item_state(&self.id);
        if state != self.state {
            self.state = state;
            self.watch.window.reset();
            self.announced = None;
            self.unknown_streak = 0;
            self.seen_true = false;
        }
    }

    pub fn on_sample(&mut self, step: &Step, in_flight: &mut InFlight) -> Option<NewEvent> {
        match self.state {
            ItemState::Todo => self.while_todo(step, in_flight),
            ItemState::Done => self.while_done(step, in_flight),
            ItemState::Skipped | ItemState::AwaitingCosign => None,
        }
    }

    fn while_todo(&mut self, step: &Step, in_flight: &mut InFlight) -> Option<NewEvent> {
        if !step.armed {
            self.watch.window.reset();
            self.announced = None;
            self.waiting = WaitWhy::Phase(self.phase_name.clone());
            return None;
        }
        let seen = self.watch.observe(step.lookup, step.at);
        // shown only once the window is idle: false, undecidable, or true but gone stale
        self.waiting = match &seen.truth {
            Truth::Unknown(why) => WaitWhy::Unknown(crate::redact::redact_text(why)),
            Truth::False => WaitWhy::NotHolding(self.readings(step.lookup)),
            Truth::True => WaitWhy::Gap,
        };
        match seen.status {
            HoldStatus::Held { .. } => {
                let mark = Mark::Tick(self.id.clone());
                if in_flight.contains(&mark) {
                    return None;
                }
                in_flight.insert(mark, step.at);
                let tick = Tick {
                    evidence: Some(self.watch.evidence(step.lookup)),
                    auto: Some(self.watch.cond.source().to_owned()),
                    ..Tick::default()
                };
                Some(self.event(EventBody::Tick(tick)))
            }
            HoldStatus::Pending { since, .. } => {
                let quiet = self.watch.window.hold().max(QUIET_PENDING);
                let recent = self
                    .announced_at
                    .is_some_and(|t| (step.at - t).to_std().unwrap_or_default() < quiet);
                if self.announced == Some(since) || recent {
                    return None;
                }
                self.announced = Some(since);
                self.announced_at = Some(step.at);
                Some(self.event(EventBody::Pending(self.check(step.lookup, None))))
            }
            HoldStatus::Idle => None,
        }
    }

    /// Regression reads the condition without its `for` (one bad sample is enough, or two
    /// Unknowns in a row); recovery needs the whole `for` again, so a flapping probe does not
    /// fill the journal.
    fn while_done(&mut self, step: &Step, in_flight: &mut InFlight) -> Option<NewEvent> {
        let (overridden, regressed) = step
            .session
            .item(&self.id)
            .map_or((false, false), |s| (s.overridden, s.regressed));
        let seen = self.watch.observe(step.lookup, step.at);
        match &seen.truth {
            Truth::True => {
                self.unknown_streak = 0;
                self.seen_true = true;
            }
            Truth::False => self.unknown_streak = 0,
            Truth::Unknown(_) => self.unknown_streak = self.unknown_streak.saturating_add(1),
        }
        let bad = seen.truth.is_false() || self.unknown_streak >= UNKNOWN_REGRESSES_AFTER;
        // An item a person ticked over a condition that never held (the probe was known to be
        // wrong) is not "regressed" until the condition has been good at least once.
        let watched = !overridden || self.seen_true;
        if bad && watched && !regressed && !step.moved_past {
            let mark = Mark::Regressed(self.id.clone());
            if in_flight.contains(&mark) {
                return None;
            }
            in_flight.insert(mark, step.at);
            let reason = match &seen.truth {
                Truth::Unknown(why) => Some(crate::redact::redact_text(why)),
                _ => None,
            };
            let check = self.check(step.lookup, reason);
            return Some(self.event(EventBody::Regressed(check)));
        }
        if regressed && seen.status.is_held() {
            let mark = Mark::Recovered(self.id.clone());
            if in_flight.contains(&mark) {
                return None;
            }
            in_flight.insert(mark, step.at);
            return Some(self.event(EventBody::Recovered(self.check(step.lookup, None))));
        }
        None
    }

    /// What the condition reads now, for a person: `queue.value = 57, api.ok = true`.
    fn readings(&self, lookup: &dyn Lookup) -> String {
        self.watch
            .evidence(lookup)
            .iter()
            .map(|e| {
                let value = e.value.as_ref().map_or("—".to_owned(), ToString::to_string);
                format!("{}.{} = {value}", e.probe, e.path)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn event(&self, body: EventBody) -> NewEvent {
        NewEvent::on_item(ACTOR, &self.id, Some(&self.text), body)
    }

    /// What the condition reads now; `reason` when it could not be read.
    fn check(&self, lookup: &dyn Lookup, reason: Option<String>) -> AutoCheck {
        AutoCheck {
            evidence: self.watch.evidence(lookup),
            auto: self.watch.cond.source().to_owned(),
            reason,
            item_text: None,
        }
    }
}
