//! Rollback and alert criteria: fired once their condition has held for its `for`, cleared when it
//! is plainly false again. Acknowledging is a person's key press, not the engine's business.

use super::ACTOR;
use super::in_flight::{InFlight, Mark};
use super::watch::Watch;
use crate::checklist::{Severity, Trigger};
use crate::condition::Lookup;
use crate::session::SessionState;
use crate::store::{EventKind, NewEvent};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub(super) struct TriggerWatch {
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub watch: Watch,
}

impl TriggerWatch {
    pub fn new(trigger: &Trigger, watch: Watch) -> TriggerWatch {
        TriggerWatch {
            name: trigger.name.clone(),
            severity: trigger.severity,
            message: trigger.message.clone(),
            watch,
        }
    }

    /// An Unknown neither fires nor clears: a blind probe is not an all-clear.
    pub fn on_sample(
        &mut self,
        lookup: &dyn Lookup,
        at: DateTime<Utc>,
        session: &SessionState,
        in_flight: &mut InFlight,
    ) -> Option<NewEvent> {
        let seen = self.watch.observe(lookup, at);
        let active = session.triggers.get(&self.name).is_some_and(|t| t.active);
        let (mark, event) = if seen.status.is_held() && !active {
            let message = if self.message.is_empty() {
                self.watch.cond.source().to_owned()
            } else {
                self.message.clone()
            };
            (
                Mark::Fired(self.name.clone()),
                NewEvent::new(ACTOR, EventKind::TriggerFired, None)
                    .with("trigger", self.name.as_str())
                    .with("severity", severity_name(self.severity))
                    .with("message", message),
            )
        } else if seen.truth.is_false() && active {
            (
                Mark::Cleared(self.name.clone()),
                NewEvent::new(ACTOR, EventKind::TriggerCleared, None)
                    .with("trigger", self.name.as_str()),
            )
        } else {
            return None;
        };
        if in_flight.contains(&mark) {
            return None;
        }
        in_flight.insert(mark, at);
        Some(
            event
                .with("evidence", self.watch.evidence(lookup))
                .with("when", self.watch.cond.source()),
        )
    }
}

pub(super) fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}
