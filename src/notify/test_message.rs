//! `flightdeck notify test`: one test message to each target, at once, each result reported —
//! nothing recorded, nothing retried.

use super::document::{Facts, Scrub};
use super::send::{self, Outcome};
use crate::config::{Level, Notice, NotifyTarget};
use std::time::{Duration, Instant};

/// How one target answered.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    pub target: String,
    pub outcome: Outcome,
    pub took: Duration,
}

/// Sends a test message from `actor` to every target; `secrets` are the config's probes'.
pub async fn test_targets(
    targets: &[NotifyTarget],
    actor: &str,
    env: Option<String>,
    secrets: Vec<String>,
) -> Vec<TestResult> {
    let mut all = secrets;
    all.extend(targets.iter().flat_map(NotifyTarget::secret_parts));
    let scrub = Scrub::new(all);
    let now = chrono::Utc::now();
    let sends = targets.iter().map(|target| {
        let facts = Facts {
            kind: Notice::Test,
            severity: Level::Info,
            session: "test".into(),
            checklist: String::new(),
            env: env.clone(),
            seq: now.timestamp(),
            time: now,
            actor: actor.to_owned(),
            phase: None,
            item: None,
            trigger: None,
            decision: None,
            note: Some(format!("to target `{}`", target.name)),
            evidence: Vec::new(),
        };
        let doc = facts.document(&scrub);
        let scrub = scrub.clone();
        async move {
            let started = Instant::now();
            let outcome = send::attempt(target, &doc, &scrub).await;
            TestResult {
                target: target.name.clone(),
                outcome,
                took: started.elapsed(),
            }
        }
    });
    futures_util::future::join_all(sends).await
}
