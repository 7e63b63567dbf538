//! `flightdeck check` as a whole binary: table and JSON output, Nagios exit codes, and a password
//! placed in every URL that never appears in any output, error text or Debug print.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;
#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/redis.rs"]
mod redis_support;

use flightdeck::commands::check::exit_code;
use flightdeck::config;
use flightdeck::probes::{Probe, ProbeState};
use http::{ErrorRateMetrics, HangServer, Resp, TestServer, closed_port};
use std::path::Path;

const PW: &str = "Zq9-Sekret-Pw";

async fn run_check(config: &Path, format: &str) -> (i32, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(["check", "--config"])
        .arg(config)
        .args(["--format", format])
        .env("FD_CHECK_TEST_PW", PW)
        .output()
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn app() -> TestServer {
    let metrics = ErrorRateMetrics::new();
    TestServer::start(move |req| match req.path.as_str() {
        "/health" => Resp::json(200, r#"{"status":"UP"}"#),
        "/down" => Resp::new(503, "down"),
        "/metrics" => Resp::new(200, metrics.scrape()),
        "/api/v1/query" => Resp::json(
            200,
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"0.5"]}}"#,
        ),
        _ => Resp::new(404, ""),
    })
    .await
}

#[test]
fn worst_state_wins() {
    use ProbeState::*;
    assert_eq!(exit_code([Ok, Ok]), 0);
    assert_eq!(exit_code([Ok, Warn]), 1);
    assert_eq!(exit_code([Warn, Crit, Ok]), 2);
    // the Nagios precedence: CRIT over WARN over UNKNOWN over OK
    assert_eq!(exit_code([Crit, Unknown]), 2);
    assert_eq!(exit_code([Unknown, Warn]), 1);
    assert_eq!(exit_code([Ok, Unknown, Stale]), 3);
    assert_eq!(exit_code([]), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_json_and_exit_codes() {
    let server = app().await;
    let dir = tempfile::tempdir().unwrap();
    let ok_only = dir.path().join("ok.toml");
    std::fs::write(
        &ok_only,
        format!(
            "[[probe]]\nname = \"api\"\nkind = \"http\"\nurl = \"{}\"\n\n\
             [[probe]]\nname = \"errors\"\nkind = \"metrics\"\nurl = \"{}\"\n\
             query = 'ratio(http_requests_total{{code=~\"5..\"}}, http_requests_total)'\n",
            server.url("/health"),
            server.url("/metrics")
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = run_check(&ok_only, "table").await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[0].contains("LATENCY"),
        "{stdout}"
    );
    assert!(lines[1].starts_with("api ") && lines[1].contains(" OK ") && lines[1].contains("200"));
    assert!(
        lines[2].starts_with("errors") && lines[2].contains("3.7 %"),
        "{stdout}"
    );

    let mixed = dir.path().join("mixed.toml");
    std::fs::write(
        &mixed,
        format!(
            "[[probe]]\nname = \"api\"\nkind = \"http\"\nurl = \"{}\"\n\n\
             [[probe]]\nname = \"down\"\nkind = \"http\"\nurl = \"{}\"\n",
            server.url("/health"),
            server.url("/down"),
        ),
    )
    .unwrap();
    let (code, stdout, _) = run_check(&mixed, "json").await;
    assert_eq!(code, 2, "{stdout}");
    let items: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "error",
                "kind",
                "latency_ms",
                "name",
                "outputs",
                "state",
                "units",
                "value"
            ]
        );
    }
    // every output of the poll, with the unit of each number that has one
    assert_eq!(items[0]["outputs"]["status"], 200.0);
    assert_eq!(items[0]["outputs"]["body"]["status"], "UP");
    assert_eq!(items[0]["units"]["latency"], "ms");
    assert_eq!(items[0]["units"]["body_bytes"], "bytes");
    assert_eq!(items[0]["units"].get("status"), None);
    assert_eq!(items[0]["state"], "OK");
    assert_eq!(items[0]["value"], 200.0);
    assert!(items[0]["latency_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(items[0]["error"], serde_json::Value::Null);
    assert_eq!(items[1]["state"], "CRIT");
    assert_eq!(items[1]["error"], "HTTP 503");

    let refused = dir.path().join("refused.toml");
    std::fs::write(
        &refused,
        format!(
            "[[probe]]\nname = \"down\"\nkind = \"http\"\nurl = \"{}\"\n\n\
             [[probe]]\nname = \"gone\"\nkind = \"redis\"\nurl = \"redis://127.0.0.1:{}/0\"\n",
            server.url("/down"),
            closed_port()
        ),
    )
    .unwrap();
    // one CRIT (HTTP 503) and one refused (no answer: CRIT too) exit 2, not 3
    let (code, stdout, _) = run_check(&refused, "table").await;
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("CRIT") && stdout.contains("refused"),
        "{stdout}"
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[probe]]\nname = \"x\"\nkind = \"smtp\"\n").unwrap();
    // a config that does not load has its own code, never mistaken for a probe state
    let (code, _, stderr) = run_check(&bad, "table").await;
    assert_eq!(code, 4);
    assert!(
        stderr.contains("bad.toml:3:8: error: unknown probe kind `smtp`"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_in_every_url_never_shows() {
    let server = app().await;
    let hang = HangServer::start().await;
    let pg = postgres::PgServer::start();
    let redis = redis_support::RedisServer::start_with(Some(PW));
    let closed = closed_port();
    let host = |s: &TestServer| s.addr.to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.toml");
    let text = format!(
        r#"
[store]
url = "postgres://journal:${{FD_CHECK_TEST_PW}}@127.0.0.1:{closed}/journal"

[env.production]
db_password = "{PW}"

[[probe]]
name = "api"
kind = "http"
url = "http://ops:{PW}@{api}/health"
headers = {{ Authorization = "Bearer {PW}", X-Api-Key = "{PW}" }}

[[probe]]
name = "api_hung"
kind = "http"
url = "http://ops:{PW}@{hang}/health?token={PW}"
timeout = "500ms"

[[probe]]
name = "api_refused"
kind = "http"
url = "https://ops:{PW}@127.0.0.1:{closed}/health"

[[probe]]
name = "db"
kind = "sql"
url = "postgres://postgres:${{env.production.db_password}}@127.0.0.1:{pg}/postgres"
query = "SELECT 1"

[[probe]]
name = "db_down"
kind = "sql"
url = "postgres://postgres:{PW}@127.0.0.1:{closed}/postgres?sslmode=disable"
query = "SELECT 1"

[[probe]]
name = "redis"
kind = "redis"
url = "redis://:{PW}@127.0.0.1:{redis}/0"

[[probe]]
name = "redis_down"
kind = "redis"
url = "redis://default:{PW}@127.0.0.1:{closed}/0"

[[probe]]
name = "prom"
kind = "prometheus"
url = "http://ops:{PW}@{api}"
query = "up"

[[probe]]
name = "errors"
kind = "metrics"
url = "http://ops:{PW}@{api}/metrics"
query = "queue_depth"
"#,
        api = host(&server),
        hang = hang.addr,
        pg = pg.port,
        redis = redis.port,
    );
    std::fs::write(&path, text).unwrap();

    for format in ["table", "json"] {
        let (code, stdout, stderr) = run_check(&path, format).await;
        // a hung endpoint and a stopped Redis do not answer: CRIT
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(
            !stdout.contains(PW) && !stderr.contains(PW),
            "{format}:\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains("api_hung") && stdout.contains("timeout after 500ms"),
            "{stdout}"
        );
    }

    let vars = |name: &str| (name == "FD_CHECK_TEST_PW").then(|| PW.to_string());
    let config = config::load_with(
        Some(&path),
        Some("production"),
        &vars,
        flightdeck::probes::KINDS,
    )
    .unwrap();
    let debug = format!("{config:?}");
    assert!(!debug.contains(PW), "{debug}");
    let mut states = Vec::new();
    for spec in &config.probes {
        assert!(!format!("{spec:?}").contains(PW));
        assert!(!spec.target().contains(PW));
        let sample = Probe::new(spec.clone()).poll().await;
        assert!(!format!("{sample:?}").contains(PW), "{sample:?}");
        states.push((spec.name.clone(), sample.state));
    }
    let ok: Vec<&str> = states
        .iter()
        .filter(|(_, s)| *s == ProbeState::Ok)
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(ok, ["api", "db", "redis", "prom", "errors"], "{states:?}");

    // a config error that quotes a URL hides its password too
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!("[[probe]]\nname = \"x\"\nkind = \"redis\"\nurl = \"http://u:{PW}@h/\"\n"),
    )
    .unwrap();
    let (code, stdout, stderr) = run_check(&bad, "table").await;
    assert_eq!(code, 4, "a config error");
    assert!(stderr.contains("unsupported scheme"), "{stderr}");
    assert!(!stdout.contains(PW) && !stderr.contains(PW), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lists_every_output_of_the_new_kinds_with_units() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, "ERROR before\n").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = dir.path().join("kinds.toml");
    std::fs::write(
        &config,
        format!(
            "[[probe]]\nname = \"pods\"\nkind = \"command\"\n\
             argv = [\"echo\", '{{\"ready\": 3, \"token\": \"postgres://u:pw123456@db/x\"}}']\n\n\
             [[probe]]\nname = \"port\"\nkind = \"tcp\"\nhost = \"127.0.0.1\"\nport = {port}\n\n\
             [[probe]]\nname = \"errors\"\nkind = \"log\"\npath = \"{}\"\nmatch = \"ERROR\"\n",
            log.display()
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = run_check(&config, "json").await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let items: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let pods = &items[0];
    assert_eq!(pods["outputs"]["exit_code"], 0.0);
    assert_eq!(pods["outputs"]["json"]["ready"], 3.0);
    assert_eq!(pods["outputs"]["lines"], 1.0);
    assert!(
        !stdout.contains("pw123456"),
        "a password in stdout is redacted: {stdout}"
    );
    assert_eq!(pods["units"]["latency"], "ms");
    let port = &items[1];
    assert_eq!(port["outputs"]["connected"], true);
    assert_eq!(port["value"], port["outputs"]["latency"]);
    let errors = &items[2];
    assert_eq!(errors["outputs"]["matches"], 0.0);
    assert_eq!(errors["outputs"]["files"], 1.0);
    // the table stays short: one line per probe
    let (_, table, _) = run_check(&config, "table").await;
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(!table.contains("pw123456"), "{table}");
}
