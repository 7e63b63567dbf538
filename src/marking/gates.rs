//! Go/no-go gates: a gate phase's decision stands between it and the phases after it. Until a GO
//! is recorded — or after a NO-GO — a later item is ticked only with a reason (journaled), and no
//! later auto item ticks itself.

use crate::checklist::Checklist;
use crate::session::SessionState;

/// The decisions a go/no-go prompt offers, in order.
pub const DECISIONS: [&str; 2] = ["GO", "NO-GO"];

/// A gate before a phase that has not said GO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateBlock {
    /// The gate phase's index, id and name.
    pub phase: usize,
    pub id: String,
    pub name: String,
    /// `true`: its decision was NO-GO; `false`: no decision yet.
    pub nogo: bool,
}

impl GateBlock {
    /// `gate "T-1h" has no decision` / `gate "T-1h" said NO-GO`.
    pub fn describe(&self) -> String {
        if self.nogo {
            format!("gate “{}” said NO-GO", self.name)
        } else {
            format!("gate “{}” has no GO / NO-GO decision yet", self.name)
        }
    }
}

/// The latest decision recorded for phase `id` (`GO`, `NO-GO`), if any.
pub fn decision_of<'a>(
    session: &'a SessionState,
    id: &str,
) -> Option<&'a crate::session::Decision> {
    session.decisions.iter().rev().find(|d| d.phase == id)
}

/// The first gate phase before `phase` whose latest decision is not GO.
pub fn gate_before(
    checklist: &Checklist,
    session: &SessionState,
    phase: usize,
) -> Option<GateBlock> {
    checklist
        .phases
        .iter()
        .enumerate()
        .take(phase)
        .filter(|(_, p)| p.gate)
        .find_map(|(i, p)| {
            let decision = decision_of(session, &p.id).map(|d| d.decision.to_uppercase());
            match decision.as_deref() {
                Some("GO") => None,
                other => Some(GateBlock {
                    phase: i,
                    id: p.id.clone(),
                    name: p.name.clone(),
                    nogo: other.is_some(),
                }),
            }
        })
}
