//! "Complete outage" means down, not slow: the curated checklist's outage trigger (`!api.up for
//! 5m`) stays quiet while a real HTTP API answers 200 slowly (the probe WARN on latency), and
//! fires once it refuses connections (CRIT: no answer). The polls are real; the marker sees them
//! at five-second steps of a simulated clock, so five minutes pass in no time. The report of the
//! window then shows the probe's change of state, readably.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;
#[path = "support/marking.rs"]
mod marking;

use flightdeck::journal::{EventBody, EventKind};
use flightdeck::probes::{Probe, ProbeState, Sample};
use http::{Resp, TestServer, closed_port};
use marking::{Rig, at};
use std::path::Path;
use std::time::Duration;

fn api_probe(url: &str) -> Probe {
    // the curated config's api probe, with the latency warning that made `!api.ok` fire on slow
    let text = format!(
        "[[probe]]\nname = \"api\"\nkind = \"http\"\nurl = \"{url}\"\ninterval = \"5s\"\n\
         timeout = \"2s\"\nok = \"status == 200\"\nwarn = \"latency > 300ms\"\n"
    );
    let config = flightdeck::config::parse_str(
        Path::new("flightdeck.toml"),
        &text,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .unwrap();
    Probe::new(config.probes[0].clone())
}

/// The curated checklist's outage trigger, on its own.
fn rig() -> Rig {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/pfa-vanguard-production.toml");
    let mut checklist = flightdeck::checklist::load(&path).unwrap();
    checklist
        .triggers
        .retain(|t| t.name == "rollback-if-outage-5m");
    assert_eq!(checklist.triggers.len(), 1, "the curated outage trigger");
    assert_eq!(checklist.triggers[0].when, "!api.up for 5m");
    for phase in &mut checklist.phases {
        for item in &mut phase.items {
            item.auto = None;
        }
    }
    Rig::new(checklist)
}

/// Feeds `sample` as if taken every 5 s from `from` for `secs` seconds.
fn feed_for(
    rig: &mut Rig,
    sample: &Sample,
    from: i64,
    secs: i64,
) -> Vec<flightdeck::journal::Event> {
    let mut out = Vec::new();
    let mut t = from;
    while t <= from + secs {
        let mut s = sample.clone();
        s.at = at(t);
        out.extend(rig.feed_all(s));
        t += 5;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_api_is_not_an_outage_and_a_refusing_one_is() {
    let slow = TestServer::start(|_| {
        Resp::json(200, r#"{"status":"UP"}"#).delayed(Duration::from_millis(800))
    })
    .await;
    let sample = api_probe(&slow.url("/health")).poll().await;
    assert_eq!(
        sample.state,
        ProbeState::Warn,
        "slow but answering: {:?}",
        sample.reason
    );
    let mut rig = rig();
    let events = feed_for(&mut rig, &sample, 0, 360);
    assert!(
        !events.iter().any(|e| e.kind() == EventKind::TriggerFired),
        "six minutes of a slow API fired the outage trigger: {events:?}"
    );

    let down = api_probe(&format!("http://127.0.0.1:{}/health", closed_port()))
        .poll()
        .await;
    assert_eq!(down.state, ProbeState::Crit, "refused: {:?}", down.reason);
    let events = feed_for(&mut rig, &down, 365, 360);
    let fired: Vec<_> = events
        .iter()
        .filter(|e| e.kind() == EventKind::TriggerFired)
        .collect();
    assert_eq!(fired.len(), 1, "{events:?}");
    assert!(fired[0].at >= at(365 + 300), "after its five minutes");

    // the window's record: the probe went WARN, then CRIT, each once, readably
    let changes: Vec<_> = rig
        .journal
        .events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::ProbeChanged(p) => Some((p.from, p.to)),
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        [
            (None, ProbeState::Warn),
            (Some(ProbeState::Warn), ProbeState::Crit)
        ]
    );
    let md = flightdeck::report::markdown(&rig.checklist, &rig.session);
    assert!(md.contains("| probe changed |  | api WARN → CRIT"), "{md}");
    assert!(md.contains("connection refused"), "{md}");
    assert!(
        !md.contains("\"latency_ms\""),
        "no raw JSON in the report:\n{md}"
    );
    assert!(!md.contains("{\""), "no raw JSON in the report:\n{md}");
}
