//! One condition being watched: parsed once, its `for` window, and which probes' samples move it.

use crate::condition::{
    Condition, Evidence, HoldStatus, HoldWindow, Lookup, RefKind, Truth, evidence,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::time::Duration;

#[derive(Debug, Clone)]
pub(super) struct Watch {
    pub cond: Condition,
    pub window: HoldWindow,
    /// Probes whose outputs or state the condition reads (a baseline alone does not move it).
    reads: Vec<String>,
}

/// What one sample did to a watched condition.
pub(super) struct Seen {
    pub truth: Truth,
    pub status: HoldStatus,
}

impl Watch {
    /// The window's gap rule uses the longest interval of the probes read: the slowest decides
    /// when a silence is a gap.
    pub fn new(cond: Condition, intervals: &HashMap<String, Duration>) -> Watch {
        let mut reads: Vec<String> = Vec::new();
        for r in cond.reference_slice() {
            if r.kind != RefKind::Baseline && !reads.contains(&r.probe) {
                reads.push(r.probe.clone());
            }
        }
        let interval = reads
            .iter()
            .filter_map(|p| intervals.get(p))
            .max()
            .copied()
            .unwrap_or_default();
        Watch {
            window: HoldWindow::for_condition(&cond, interval),
            cond,
            reads,
        }
    }

    pub fn reads(&self, probe: &str) -> bool {
        self.reads.iter().any(|p| p == probe)
    }

    /// Evaluates now and feeds the window with the sample taken at `at`.
    pub fn observe(&mut self, ctx: &dyn Lookup, at: DateTime<Utc>) -> Seen {
        let truth = self.cond.eval(ctx);
        let status = self.window.observe(at, &truth, at);
        Seen { truth, status }
    }

    /// What the condition read, as the journal keeps it.
    pub fn evidence(&self, ctx: &dyn Lookup) -> Vec<Evidence> {
        evidence(&self.cond, ctx)
    }
}
