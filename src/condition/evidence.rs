//! What a condition read, and when it was sampled: journaled with every automatic tick, regression
//! and trigger, so the report can show why flightdeck decided.

use super::Value;
use super::ast::{Condition, RefKind};
use super::eval::Lookup;
use super::lookup::SESSION_SCOPE;
use crate::model::ProbeState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One probe output a condition read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub probe: String,
    /// The output read (`status`, `body.queue.size`), or `ok` for the probe's state.
    pub path: String,
    /// The value read; absent when there was none (no sample, no such output).
    pub value: Option<Value>,
    /// When the sample (or, for a baseline, the capture) was taken.
    pub at: Option<DateTime<Utc>>,
    /// The probe's state when read; for `NAME.ok` this is what was judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ProbeState>,
    /// True when this is the baseline captured at session or phase start, not the latest sample.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
    /// For a baseline, when it was captured: `session`, or the id of the phase whose start it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Each output the condition reads, once, in the order first written.
pub fn evidence(cond: &Condition, ctx: &dyn Lookup) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::with_capacity(cond.refs.len());
    for (i, r) in cond.refs.iter().enumerate() {
        let seen = cond.refs[..i].iter().any(|p| {
            p.probe == r.probe && p.path == r.path && p.kind == r.kind && p.scope == r.scope
        });
        if seen {
            continue;
        }
        let state = ctx.state(&r.probe);
        let (value, at) = match r.kind {
            RefKind::Output => (ctx.output(&r.probe, &r.path), ctx.sampled_at(&r.probe)),
            RefKind::State => (
                state.map(|s| Value::Bool(s == ProbeState::Ok)),
                ctx.sampled_at(&r.probe),
            ),
            RefKind::Up => (
                state
                    .filter(|s| *s != ProbeState::Stale)
                    .map(|s| Value::Bool(s != ProbeState::Crit)),
                ctx.sampled_at(&r.probe),
            ),
            RefKind::StateName => (
                state.map(|s| Value::Text(s.as_str().to_owned())),
                ctx.sampled_at(&r.probe),
            ),
            RefKind::Baseline => {
                let scope = r.scope.as_deref();
                (
                    ctx.baseline(&r.probe, &r.path, scope),
                    ctx.baseline_at(&r.probe, scope),
                )
            }
        };
        let baseline = r.kind == RefKind::Baseline;
        out.push(Evidence {
            probe: r.probe.clone(),
            path: r.path.clone(),
            value,
            at,
            state: if baseline { None } else { state },
            baseline,
            scope: baseline.then(|| r.scope.as_deref().unwrap_or(SESSION_SCOPE).to_owned()),
        });
    }
    out
}
