//! A probe's own `ok` / `warn` / `crit` conditions decide its state: crit first, then warn, then
//! ok; an undecidable condition (a JSON path into a text body) is UNKNOWN with the reason; and
//! `flightdeck check` exits 1 on WARN and 2 on CRIT.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/http.rs"]
mod http;

use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use http::{Resp, TestServer};

fn spec(url: &str, conditions: &str) -> ProbeSpec {
    let text =
        format!("[[probe]]\nname = \"api\"\nkind = \"http\"\nurl = \"{url}\"\n{conditions}\n");
    probe_spec::one(&text)
}

async fn server() -> TestServer {
    TestServer::start(|req| match req.path.as_str() {
        "/health" => Resp::json(200, r#"{"status":"UP","queue":{"size":12}}"#),
        "/text" => Resp::new(200, "UP"),
        "/slow" => {
            Resp::json(200, r#"{"status":"UP"}"#).delayed(std::time::Duration::from_millis(60))
        }
        _ => Resp::new(404, ""),
    })
    .await
}

async fn poll(url: &str, conditions: &str) -> (ProbeState, Option<String>) {
    let s = Probe::new(spec(url, conditions)).poll().await;
    (s.state, s.reason)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditions_decide_the_state() {
    let srv = server().await;
    let health = srv.url("/health");
    let ok = r#"ok = 'status == 200 && body.status == "UP" && latency < 500ms'"#;
    assert_eq!(poll(&health, ok).await, (ProbeState::Ok, None));

    let warn = format!("{ok}\nwarn = 'body.queue.size > 10'");
    assert_eq!(
        poll(&health, &warn).await,
        (ProbeState::Warn, Some("warn: body.queue.size > 10".into()))
    );
    let crit = format!("{warn}\ncrit = 'body.queue.size >= 12'");
    assert_eq!(
        poll(&health, &crit).await,
        (ProbeState::Crit, Some("crit: body.queue.size >= 12".into()))
    );
    let not_ok = r#"ok = 'body.status == "DOWN"'"#;
    assert_eq!(
        poll(&health, not_ok).await,
        (
            ProbeState::Crit,
            Some(r#"not ok: body.status == "DOWN""#.into())
        )
    );
    let slow = poll(&srv.url("/slow"), "ok = 'latency < 50ms'").await;
    assert_eq!(slow.0, ProbeState::Crit, "{slow:?}");
    // gatus's spelling reads the same
    assert_eq!(
        poll(&health, "ok = '[STATUS] == 200'").await.0,
        ProbeState::Ok
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_path_into_a_text_body_is_unknown() {
    let srv = server().await;
    let (state, reason) = poll(&srv.url("/text"), r#"ok = 'body.status == "UP"'"#).await;
    assert_eq!(state, ProbeState::Unknown);
    let reason = reason.unwrap();
    assert!(reason.starts_with("body is not JSON"), "{reason}");
    // the whole text body compares fine
    assert_eq!(
        poll(&srv.url("/text"), r#"ok = 'body == "UP"'"#).await.0,
        ProbeState::Ok
    );
    // a missing output is UNKNOWN too, never OK
    let (state, reason) = poll(&srv.url("/health"), "warn = 'body.nothing > 1'").await;
    assert_eq!(state, ProbeState::Unknown, "{reason:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_exits_1_on_warn_and_2_on_crit() {
    let srv = server().await;
    let dir = tempfile::tempdir().unwrap();
    for (conditions, code) in [
        ("warn = 'body.queue.size > 10'", 1),
        (
            "warn = 'body.queue.size > 10'\ncrit = 'body.queue.size > 11'",
            2,
        ),
        ("ok = 'status == 200'", 0),
    ] {
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            format!(
                "[[probe]]\nname = \"api\"\nkind = \"http\"\nurl = \"{}\"\n{conditions}\n",
                srv.url("/health")
            ),
        )
        .unwrap();
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"))
            .args(["check", "--config"])
            .arg(&path)
            .output()
            .await
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{conditions}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
