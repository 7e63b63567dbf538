//! Phases: started at the first touch of one of their items, finished when every item is done or
//! skipped (again, if an item was unticked meanwhile); and the time budget's one rule.

use super::ACTOR;
use super::in_flight::{InFlight, Mark};
use crate::checklist::{Checklist, Item, Phase};
use crate::journal::{EventBody, NewEvent};
use crate::session::{ItemState, ItemStatus, SessionState};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashSet;
use std::time::Duration;

#[derive(Debug, Clone)]
struct PhaseItems {
    id: String,
    items: Vec<String>,
    /// A go/no-go gate: the phases after it wait for its GO.
    gate: bool,
}

#[derive(Debug, Clone)]
pub(super) struct PhaseWatch {
    phases: Vec<PhaseItems>,
    /// Phases whose completion is journaled and that have stayed complete since.
    finished: HashSet<String>,
    /// The first look at the session adopts what it already says.
    primed: bool,
}

impl PhaseWatch {
    pub fn new(checklist: &Checklist) -> PhaseWatch {
        PhaseWatch {
            phases: checklist
                .phases
                .iter()
                .map(|p| PhaseItems {
                    id: p.id.clone(),
                    items: item_ids(p),
                    gate: p.gate,
                })
                .collect(),
            finished: HashSet::new(),
            primed: false,
        }
    }

    pub fn on_journal(
        &mut self,
        session: &SessionState,
        now: DateTime<Utc>,
        in_flight: &mut InFlight,
    ) -> Vec<NewEvent> {
        let mut out = Vec::new();
        for p in self.phases.iter().filter(|p| !p.items.is_empty()) {
            let status = session.phases.get(&p.id);
            let started = status.is_some_and(|s| s.started_at.is_some());
            let touched = p.items.iter().any(|i| session.item(i).is_some_and(touched));
            let mark = Mark::PhaseStarted(p.id.clone());
            if touched && !started && !in_flight.contains(&mark) {
                in_flight.insert(mark, now);
                out.push(NewEvent::new(ACTOR, EventBody::phase_started(&p.id)));
            }
            let complete = p.items.iter().all(|i| settled(session.item_state(i)));
            if !self.primed && complete && status.is_some_and(|s| s.finished_at.is_some()) {
                self.finished.insert(p.id.clone());
            }
            if !complete {
                self.finished.remove(&p.id);
            } else if self.finished.insert(p.id.clone()) {
                out.push(NewEvent::new(ACTOR, EventBody::phase_finished(&p.id)));
            }
        }
        self.primed = true;
        out
    }

    /// The phase people are working in, as the header counts it: the first with anything left.
    pub fn current(&self, session: &SessionState) -> usize {
        self.phases
            .iter()
            .position(|p| p.items.iter().any(|i| !settled(session.item_state(i))))
            .unwrap_or(self.phases.len())
    }

    /// The team has moved past `phase`: a later phase (with items) has started. A ticked item of
    /// an earlier phase is no longer watched for regressions then — "queue drained" in T-0 step 1
    /// must not turn REGRESSED when step 7 turns the sync back on; rollback criteria are what
    /// watches the rest of the window (`[[trigger]]`).
    pub fn moved_past(&self, phase: usize, session: &SessionState) -> bool {
        self.phases.iter().skip(phase + 1).any(|p| {
            !p.items.is_empty()
                && session
                    .phases
                    .get(&p.id)
                    .is_some_and(|s| s.started_at.is_some())
        })
    }

    /// A phase whose auto items may tick: started by someone, or reached with every gate before
    /// it at GO (an automatic tick never goes past an undecided or NO-GO gate).
    pub fn open(&self, phase: usize, current: usize, session: &SessionState) -> bool {
        let started = self.phases.get(phase).is_some_and(|p| {
            session
                .phases
                .get(&p.id)
                .is_some_and(|s| s.started_at.is_some())
        });
        let gates_go = self.phases.iter().take(phase).filter(|p| p.gate).all(|p| {
            super::gates::decision_of(session, &p.id)
                .is_some_and(|d| d.decision.eq_ignore_ascii_case("GO"))
        });
        started || (phase <= current && gates_go)
    }
}

/// A person (or the engine) did something to the item.
fn touched(status: &ItemStatus) -> bool {
    status.state != ItemState::Todo || !status.notes.is_empty() || !status.fields.is_empty()
}

fn settled(state: ItemState) -> bool {
    matches!(state, ItemState::Done | ItemState::Skipped)
}

fn item_ids(phase: &Phase) -> Vec<String> {
    fn walk(item: &Item, out: &mut Vec<String>) {
        out.push(item.id.clone());
        for c in &item.children {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for item in &phase.items {
        walk(item, &mut out);
    }
    out
}

/// Where a phase stands against its time budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetLevel {
    Ok,
    /// 80 % of the budget or more used.
    Warning,
    /// Past the budget.
    Overrun,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetStatus {
    /// Since the phase started; frozen at its finish while it stays finished.
    pub used: Duration,
    pub budget: Duration,
    pub level: BudgetLevel,
}

/// The phase's budget at `now`; `None` when it has no budget or has not started.
pub fn budget_status(
    phase: &Phase,
    session: &SessionState,
    now: DateTime<Utc>,
) -> Option<BudgetStatus> {
    let budget = phase.budget?;
    let status = session.phases.get(&phase.id)?;
    let started = status.started_at?;
    let complete = item_ids(phase)
        .iter()
        .all(|i| settled(session.item_state(i)));
    let end = match status.finished_at {
        Some(finished) if complete && finished >= started => finished,
        _ => now,
    };
    let used = (end - started).to_std().unwrap_or_default();
    let level = if used > budget {
        BudgetLevel::Overrun
    } else if used.as_nanos() * 5 >= budget.as_nanos() * 4 {
        BudgetLevel::Warning
    } else {
        BudgetLevel::Ok
    };
    Some(BudgetStatus {
        used,
        budget,
        level,
    })
}
