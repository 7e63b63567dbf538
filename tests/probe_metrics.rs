//! The metrics probe against an in-process /metrics page: the 5xx ratio equals the page's, a rate
//! is per second, a counter reset is survived, the first scrape warms up, odd pages fail clearly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/http.rs"]
mod http;

use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use http::{ERRORS_PER_STEP, ErrorRateMetrics, REQUESTS_PER_STEP, Resp, TestServer};
use std::sync::Arc;

fn spec(url: &str, query: &str) -> ProbeSpec {
    let text = format!(
        "[[probe]]\nname = \"m\"\nkind = \"metrics\"\nurl = \"{url}\"\nquery = '''{query}'''\n"
    );
    probe_spec::one(&text)
}

async fn metrics_server() -> (TestServer, Arc<ErrorRateMetrics>) {
    let metrics = ErrorRateMetrics::new();
    let page = metrics.clone();
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/metrics" => Resp::new(200, page.scrape()),
        "/garbage" => Resp::new(200, "<html>not metrics</html>"),
        _ => Resp::new(404, ""),
    })
    .await;
    (server, metrics)
}

fn value(s: &flightdeck::probes::Sample) -> f64 {
    s.output("value")
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_ratio_matches_the_page_and_survives_a_reset() {
    let (server, metrics) = metrics_server().await;
    let mut probe = Probe::new(spec(
        &server.url("/metrics"),
        r#"ratio(http_requests_total{code=~"5.."}, http_requests_total)"#,
    ));
    let first = probe.poll().await;
    assert_eq!(first.state, ProbeState::Unknown);
    assert_eq!(
        first.reason.as_deref(),
        Some("warming up (need two scrapes)")
    );
    let want = ERRORS_PER_STEP as f64 / REQUESTS_PER_STEP as f64;
    for _ in 0..3 {
        let s = probe.poll().await;
        assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
        probe_spec::assert_outputs_declared(&probe, &s);
        assert!(
            (value(&s) - want).abs() / want < 0.01,
            "{} vs {want}",
            value(&s)
        );
    }
    metrics.reset();
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert!(
        (value(&s) - want).abs() / want < 0.01,
        "after a reset: {}",
        value(&s)
    );
    assert!(value(&s) >= 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_and_plain_sum() {
    let (server, _metrics) = metrics_server().await;
    let mut rate = Probe::new(spec(
        &server.url("/metrics"),
        r#"rate(http_requests_total{code!="200"})"#,
    ));
    let _ = rate.poll().await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let s = rate.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    // 100 non-200 requests per scrape, scrapes ~0.2 s apart: a few hundred per second
    let v = value(&s);
    assert!(v > 100.0 && v < 600.0, "{v}");

    let mut gauge = Probe::new(spec(&server.url("/metrics"), "queue_depth"));
    let s = gauge.poll().await;
    assert_eq!(s.state, ProbeState::Ok);
    assert_eq!(value(&s), 12.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_pages_fail_clearly() {
    let (server, _metrics) = metrics_server().await;
    let mut probe = Probe::new(spec(&server.url("/garbage"), "x"));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(
        s.reason
            .unwrap()
            .starts_with("not a Prometheus text page (line 1")
    );
    let mut probe = Probe::new(spec(&server.url("/missing"), "x"));
    let s = probe.poll().await;
    assert_eq!(
        s.reason.as_deref(),
        Some("HTTP 404 Not Found from the metrics page")
    );
    let mut probe = Probe::new(spec(&server.url("/metrics"), "nothing_total"));
    assert!(probe.poll().await.reason.unwrap().starts_with("no data"));
}
