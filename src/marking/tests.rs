//! Unit tests of the marker's parts: which samples move a condition, its gap rule, and when an
//! in-flight mark is forgotten.

use super::in_flight::{InFlight, Mark};
use super::watch::Watch;
use crate::condition::{self, HoldStatus, SampleLookup, Truth};
use crate::journal::{Baseline, BaselineValue, Event, EventBody};
use crate::probes::{ProbeState, Sample};
use crate::session::SessionState;
use chrono::{DateTime, TimeZone, Utc};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0)
        .single()
        .unwrap_or_default()
}

fn intervals() -> HashMap<String, Duration> {
    HashMap::from([
        ("fast".to_string(), Duration::from_secs(1)),
        ("slow".to_string(), Duration::from_secs(10)),
        ("base".to_string(), Duration::from_secs(60)),
    ])
}

fn watch(src: &str) -> Watch {
    match condition::parse(src) {
        Ok(cond) => Watch::new(cond, &intervals()),
        Err(e) => panic!("{src}: {e}"),
    }
}

fn ok(probe: &str, secs: i64) -> Sample {
    Sample {
        probe: probe.into(),
        at: t(secs),
        latency_ms: Some(1.0),
        outputs: BTreeMap::new(),
        state: ProbeState::Ok,
        reason: None,
    }
}

#[test]
fn a_condition_moves_with_the_probes_it_reads_not_its_baselines() {
    let w = watch("fast.ok && slow.value <= baseline(base.value)");
    assert!(w.reads("fast") && w.reads("slow"));
    assert!(!w.reads("base"));
}

#[test]
fn the_slowest_probe_read_sets_the_gap() {
    // slow polls every 10 s: a 12 s silence is not a gap (1.5 × 10 s = 15 s), 16 s is
    let mut w = watch("fast.ok && slow.ok for 1m");
    let samples = HashMap::from([
        ("fast".to_string(), ok("fast", 0)),
        ("slow".to_string(), ok("slow", 0)),
    ]);
    let lookup = SampleLookup::new(&samples);
    w.observe(&lookup, t(0));
    assert!(
        matches!(w.observe(&lookup, t(12)).status, HoldStatus::Pending { since, .. } if since == t(0))
    );
    assert!(
        matches!(w.observe(&lookup, t(28)).status, HoldStatus::Pending { since, .. } if since == t(28))
    );
}

#[test]
fn unknown_without_samples() {
    let mut w = watch("fast.ok");
    let none = HashMap::new();
    assert!(matches!(
        w.observe(&SampleLookup::new(&none), t(0)).truth,
        Truth::Unknown(_)
    ));
}

fn event(seq: i64, item: Option<&str>, body: EventBody) -> Event {
    Event {
        seq,
        session: "s".into(),
        at: t(seq),
        actor: "flightdeck".into(),
        item: item.map(str::to_owned),
        body,
        key: None,
    }
}

#[test]
fn a_mark_is_forgotten_when_the_session_shows_it_or_after_a_minute() {
    let mut session = SessionState::default();
    let mut marks = InFlight::default();
    marks.insert(Mark::Tick("a".into()), t(0));
    marks.insert(Mark::Fired("rollback".into()), t(0));
    marks.insert(Mark::Baseline("session".into(), "api".into()), t(0));
    marks.settle(&session, t(30));
    assert_eq!(marks.len(), 3);
    session.apply(&event(1, Some("a"), EventBody::tick()));
    let values = [(
        "api".to_owned(),
        BaselineValue::Other(serde_json::json!({})),
    )];
    session.apply(&event(
        2,
        None,
        EventBody::Baseline(Baseline {
            scope: "session".into(),
            values: values.into_iter().collect(),
        }),
    ));
    marks.settle(&session, t(30));
    assert!(!marks.contains(&Mark::Tick("a".into())));
    assert!(!marks.contains(&Mark::Baseline("session".into(), "api".into())));
    assert!(marks.contains(&Mark::Fired("rollback".into())));
    marks.settle(&session, t(61));
    assert_eq!(marks.len(), 0);
}
