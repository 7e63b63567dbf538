//! The prometheus probe against a real Prometheus scraping an in-process /metrics page (the 5xx
//! ratio equals the page's), and its errors: a bad query, an unavailable server, no data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/http.rs"]
mod http;
#[path = "support/prometheus.rs"]
mod prometheus;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use http::{ERRORS_PER_STEP, ErrorRateMetrics, REQUESTS_PER_STEP, Resp, TestServer};
use std::time::{Duration, Instant};

fn spec(url: &str, query: &str) -> ProbeSpec {
    let text = format!(
        "[[probe]]\nname = \"p\"\nkind = \"prometheus\"\nurl = \"{url}\"\nquery = '''{query}'''\ntimeout = \"3s\"\n"
    );
    probe_spec::one(&text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_prometheus_error_ratio_bad_query_and_no_data() {
    let metrics = ErrorRateMetrics::new();
    let page = metrics.clone();
    let app = TestServer::start(move |req| match req.path.as_str() {
        "/metrics" => {
            Resp::new(200, page.scrape()).header("content-type", "text/plain; version=0.0.4")
        }
        _ => Resp::new(404, ""),
    })
    .await;
    let prom = tokio::task::spawn_blocking({
        let addr = app.addr;
        move || prometheus::PromServer::start(&[addr])
    })
    .await
    .unwrap();

    let query =
        r#"sum(rate(http_requests_total{code=~"5.."}[10s])) / sum(rate(http_requests_total[10s]))"#;
    let mut probe = Probe::new(spec(&prom.url(), query));
    let deadline = Instant::now() + Duration::from_secs(40);
    let sample = loop {
        let s = probe.poll().await;
        if s.state == ProbeState::Ok {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "no data from Prometheus: {:?}",
            s.reason
        );
        assert!(
            s.reason.as_deref().unwrap_or("").starts_with("no data"),
            "{:?}",
            s.reason
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let want = ERRORS_PER_STEP as f64 / REQUESTS_PER_STEP as f64;
    let got = sample.output("value").and_then(|v| v.as_f64()).unwrap();
    assert!(
        (got - want).abs() / want < 0.01,
        "ratio {got}, page's {want}"
    );

    // several series: the first by labels, each by its label set
    let mut by_code = Probe::new(spec(&prom.url(), r#"sum by (code) (http_requests_total)"#));
    let s = by_code.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    probe_spec::assert_outputs_declared(&by_code, &s);
    assert_eq!(s.output("series"), Some(Value::Number(4.0)));
    assert_eq!(
        s.output("labels"),
        Some(Value::Text(r#"{code="200"}"#.into()))
    );
    assert!(s.output(r#"value{code="503"}"#).is_some());

    let mut bad = Probe::new(spec(&prom.url(), "sum(rate(http_requests_total[5m]"));
    let s = bad.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    let reason = s.reason.unwrap();
    assert!(
        reason.starts_with("Prometheus bad_data (HTTP 400): "),
        "{reason}"
    );
    assert!(reason.contains("parse error"), "{reason}");

    let mut empty = Probe::new(spec(&prom.url(), "no_such_metric_total"));
    let s = empty.poll().await;
    assert_eq!(s.state, ProbeState::Unknown);
    assert!(s.reason.unwrap().starts_with("no data"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_answering_errors() {
    let server = TestServer::start(|req| match req.path.as_str() {
        "/unavailable/api/v1/query" => Resp::json(
            503,
            r#"{"status":"error","errorType":"unavailable","error":"too many queries in flight"}"#,
        ),
        "/timeout/api/v1/query" => Resp::json(
            422,
            r#"{"status":"error","errorType":"execution","error":"query timed out in expression evaluation"}"#,
        ),
        "/proxy/api/v1/query" => Resp::new(502, "<html>Bad Gateway</html>"),
        "/nan/api/v1/query" => Resp::json(
            200,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#,
        ),
        _ => Resp::new(404, ""),
    })
    .await;
    let cases = [
        (
            "/unavailable",
            "Prometheus unavailable (HTTP 503): too many queries in flight",
        ),
        (
            "/timeout",
            "Prometheus execution (HTTP 422): query timed out in expression evaluation",
        ),
        ("/proxy", "HTTP 502 Bad Gateway: <html>Bad Gateway</html>"),
        (
            "/nan",
            "no data: the value is NaN (no traffic in the window?)",
        ),
    ];
    for (path, want) in cases {
        let mut probe = Probe::new(spec(&server.url(path), "up"));
        let s = probe.poll().await;
        assert_eq!(s.state, ProbeState::Unknown, "{path}");
        assert_eq!(s.reason.as_deref(), Some(want), "{path}");
    }
}
