//! Rollback and alert criteria: fired once their condition has held for its `for`, cleared when it
//! is plainly false again. Acknowledging is a person's key press, not the engine's business.

use super::ACTOR;
use super::in_flight::{InFlight, Mark};
use super::watch::Watch;
use crate::checklist::{Severity, Trigger};
use crate::condition::Lookup;
use crate::journal::{EventBody, NewEvent, TriggerCleared, TriggerFired};
use crate::session::SessionState;
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
        let fire = seen.status.is_held() && !active;
        let mark = if fire {
            Mark::Fired(self.name.clone())
        } else if seen.truth.is_false() && active {
            Mark::Cleared(self.name.clone())
        } else {
            return None;
        };
        if in_flight.contains(&mark) {
            return None;
        }
        in_flight.insert(mark, at);
        let (evidence, when) = (
            self.watch.evidence(lookup),
            self.watch.cond.source().to_owned(),
        );
        let body = if fire {
            let message = if self.message.is_empty() {
                when.clone()
            } else {
                self.message.clone()
            };
            EventBody::TriggerFired(TriggerFired {
                trigger: self.name.clone(),
                severity: self.severity,
                message,
                evidence,
                when,
            })
        } else {
            EventBody::TriggerCleared(TriggerCleared {
                trigger: self.name.clone(),
                evidence,
                when,
            })
        };
        Some(NewEvent::new(ACTOR, body))
    }
}
