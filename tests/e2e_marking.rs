//! Auto-marking end to end: the real binary in tmux against a real PostgreSQL, a real Redis and an
//! in-process HTTP service; the test changes the world and reads the ticks, the regression, the
//! trigger and their evidence back from `flightdeck report --format json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/http.rs"]
mod http;
#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/redis.rs"]
mod redis;
#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");
const SESSION: &str = "e2e";
const ACTOR: &str = "alice@bastion";
/// Generous: every step needs a few polls and a 1 s `for`, a loaded CI machine may be slow.
const DEADLINE: Duration = Duration::from_secs(20);
const QUEUED_JOBS: usize = 5;

/// The service the probes look at: `/health` and `/metrics`, both switchable from the test.
struct Service {
    healthy: Arc<AtomicBool>,
    /// Percent of the requests served between two scrapes that fail with a 500.
    error_pct: Arc<AtomicU64>,
    server: http::TestServer,
}

impl Service {
    fn start(rt: &tokio::runtime::Runtime) -> Service {
        let healthy = Arc::new(AtomicBool::new(false));
        let error_pct = Arc::new(AtomicU64::new(0));
        let ok_total = Arc::new(AtomicU64::new(10_000));
        let err_total = Arc::new(AtomicU64::new(20));
        let (h, e) = (healthy.clone(), error_pct.clone());
        let server = rt.block_on(http::TestServer::start(move |req| {
            match req.path.as_str() {
                "/health" if h.load(Ordering::SeqCst) => {
                    http::Resp::json(200, r#"{"status":"UP"}"#)
                }
                "/health" => http::Resp::json(503, r#"{"status":"DOWN"}"#),
                "/metrics" => {
                    // every scrape sees 100 more requests, `error_pct` of them 500s
                    let pct = e.load(Ordering::SeqCst).min(100);
                    let ok = ok_total.fetch_add(100 - pct, Ordering::SeqCst) + 100 - pct;
                    let err = err_total.fetch_add(pct, Ordering::SeqCst) + pct;
                    http::Resp::new(
                        200,
                        format!(
                            "# TYPE http_requests_total counter\n\
                         http_requests_total{{code=\"200\"}} {ok}\n\
                         http_requests_total{{code=\"500\"}} {err}\n"
                        ),
                    )
                    .header("content-type", "text/plain; version=0.0.4")
                }
                _ => http::Resp::new(404, "not found"),
            }
        }));
        Service {
            healthy,
            error_pct,
            server,
        }
    }

    fn set_healthy(&self, up: bool) {
        self.healthy.store(up, Ordering::SeqCst);
    }

    fn set_error_pct(&self, pct: u64) {
        self.error_pct.store(pct, Ordering::SeqCst);
    }
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/e2e")
        .join(name)
        .display()
        .to_string()
}

/// Polls the report until `done` holds; on timeout fails with what the journal and screen said.
fn wait_report(t: &tmux::Tmux, store: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let r = report::report_json(store, Some(SESSION));
        if done(&r) {
            return r;
        }
        if Instant::now() > deadline {
            panic!(
                "timed out ({DEADLINE:?}) waiting for {what}\nitems: {:#}\ntriggers: {:#}\nevents: {}\nscreen:\n{}",
                r["items"],
                r["triggers"],
                event_lines(&r),
                t.capture()
            );
        }
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn event_lines(r: &Value) -> String {
    r["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "\n  {} {} {} {} {}",
                e["seq"], e["at"], e["actor"], e["kind"], e["item"]
            )
        })
        .collect()
}

fn trigger<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no trigger {name} in the report"))
}

/// Journal events of `kind`, about `item` when given.
fn events<'a>(r: &'a Value, kind: &str, item: Option<&str>) -> Vec<&'a Value> {
    r["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind && item.is_none_or(|i| e["item"] == i))
        .collect()
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("not a time: {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("not a time: {v}: {e}"))
}

/// The entry of an evidence list for `probe.path`: its value, and when it was sampled.
fn evidence(list: &Value, probe: &str, path: &str) -> (Value, DateTime<Utc>) {
    let entry = list
        .as_array()
        .unwrap_or_else(|| panic!("evidence is not a list: {list}"))
        .iter()
        .find(|e| e["probe"] == probe && e["path"] == path)
        .unwrap_or_else(|| panic!("no {probe}.{path} in the evidence: {list}"));
    (entry["value"].clone(), time(&entry["at"]))
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Evidence sampled after the world changed at `changed`: a sample's time is when its poll
/// finished, so one that saw the change is later than it.
fn assert_after(at: DateTime<Utc>, changed: DateTime<Utc>, what: &str) {
    assert!(
        at >= changed,
        "{what}: evidence sampled at {at}, before the world changed at {changed}"
    );
}

/// A ticked auto item: done by the engine, with the condition's evidence, all sampled after the
/// world changed; returns the tick event.
fn assert_auto_tick<'a>(
    r: &'a Value,
    id: &str,
    (probe, path): (&str, &str),
    changed: DateTime<Utc>,
) -> &'a Value {
    let it = report::item(r, id);
    assert_eq!(it["state"], "done", "{id}: {it:#}");
    assert_eq!(it["by"], "flightdeck", "{id}: ticked by the engine: {it:#}");
    evidence(&it["evidence"], probe, path);
    let ticks = events(r, "tick", Some(id));
    assert_eq!(ticks.len(), 1, "{id}: one tick: {}", event_lines(r));
    let tick = ticks[0];
    assert_eq!(tick["actor"], "flightdeck");
    assert_eq!(tick["payload"]["evidence"], it["evidence"]);
    // held for its whole `for` (1 s), measured in sample times: the first true sample was
    // journaled as pending, the tick came with a sample at least 1 s later
    let pending = events(r, "pending", Some(id));
    assert!(
        !pending.is_empty(),
        "{id}: pending first: {}",
        event_lines(r)
    );
    let (_, since) = evidence(&pending[0]["payload"]["evidence"], probe, path);
    let (_, held) = evidence(&tick["payload"]["evidence"], probe, path);
    assert_after(since, changed, id);
    assert!(
        held - since >= chrono::Duration::seconds(1),
        "{id}: ticked after {:?} of holding, its `for` is 1s",
        held - since
    );
    assert!(pending[0]["seq"].as_i64() < tick["seq"].as_i64());
    tick
}

#[test]
fn the_world_changes_and_the_checklist_follows() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let service = Service::start(&rt);
    let pg = postgres::PgServer::start();
    let pg_url = pg.create_db("e2e");
    pg.psql(
        "e2e",
        &format!(
            "CREATE TABLE jobs (id serial PRIMARY KEY, status text NOT NULL DEFAULT 'queued'); \
             INSERT INTO jobs (status) SELECT 'queued' FROM generate_series(1, {QUEUED_JOBS});"
        ),
    );
    assert_eq!(pg.psql("e2e", "SELECT count(*) FROM jobs"), "5");
    let redis = redis::RedisServer::start();
    assert_eq!(redis.cli(&["RPUSH", "work", "a", "b", "c"]), "3");

    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/j.db", dir.path().display());
    let cmd = format!(
        "env FD_E2E_HTTP={http} FD_E2E_PG={pg_url} FD_E2E_REDIS={redis} {BIN} run {checklist} \
         --config {config} --session {SESSION} --store {store} --as {ACTOR}; \
         echo EXITED-$?; sleep 60",
        http = service.server.url(""),
        redis = redis.url(),
        checklist = fixture("checklist.toml"),
        config = fixture("config.toml"),
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 120, 40);
    t.wait_for("Queue drained", DEADLINE);
    let started = Instant::now();

    // The world at the start: jobs queued, work listed, health 503. Every probe reports (a
    // baseline each), and nothing ticks while no condition holds.
    let r = wait_report(&t, &store, "a baseline from every probe", |r| {
        ["api", "queue", "cache"]
            .iter()
            .all(|p| !r["baselines"]["session"][p].is_null())
    });
    for id in ["queue-drained", "redis-list-empty", "health-passing"] {
        assert_eq!(
            report::state(&r, id),
            "todo",
            "{id} ticked too early: {:#}",
            report::item(&r, id)
        );
    }

    // 1. the queue drains
    let changed = Utc::now();
    pg.psql("e2e", "DELETE FROM jobs");
    let r = wait_report(&t, &store, "queue-drained ticked", |r| {
        report::state(r, "queue-drained") == "done"
    });
    let tick = assert_auto_tick(&r, "queue-drained", ("queue", "value"), changed);
    let (value, _) = evidence(&tick["payload"]["evidence"], "queue", "value");
    assert_eq!(number(&value), 0.0, "{tick:#}");
    assert_eq!(tick["payload"]["auto"], "queue.value == 0 for 1s");
    for id in ["redis-list-empty", "health-passing", "announce"] {
        assert_eq!(report::state(&r, id), "todo", "{id} moved with the queue");
    }

    // 2. the workers empty the Redis list (the key is gone once the list is empty)
    let changed = Utc::now();
    assert_eq!(redis.cli(&["LPOP", "work", "3"]).lines().count(), 3);
    let r = wait_report(&t, &store, "redis-list-empty ticked", |r| {
        report::state(r, "redis-list-empty") == "done"
    });
    let tick = assert_auto_tick(&r, "redis-list-empty", ("cache", "len"), changed);
    let (value, _) = evidence(&tick["payload"]["evidence"], "cache", "len");
    assert_eq!(number(&value), 0.0, "{tick:#}");
    assert_eq!(
        report::state(&r, "health-passing"),
        "todo",
        "health is still 503"
    );

    // 3. the service comes up
    let changed = Utc::now();
    service.set_healthy(true);
    let r = wait_report(&t, &store, "health-passing ticked", |r| {
        report::state(r, "health-passing") == "done"
    });
    let tick = assert_auto_tick(&r, "health-passing", ("api", "status"), changed);
    let ev = &tick["payload"]["evidence"];
    assert_eq!(number(&evidence(ev, "api", "status").0), 200.0, "{ev:#}");
    assert_eq!(evidence(ev, "api", "body.status").0, "UP", "{ev:#}");
    assert_eq!(
        report::state(&r, "announce"),
        "todo",
        "the engine never ticks a manual item"
    );
    t.wait_for("✔ Health check passing", DEADLINE);

    // 4. health goes bad: the item stays ticked, regressed, loudly
    let changed = Utc::now();
    service.set_healthy(false);
    let r = wait_report(&t, &store, "health-passing regressed", |r| {
        report::item(r, "health-passing")["regressed"] == true
    });
    let it = report::item(&r, "health-passing");
    assert_eq!(it["state"], "done", "a regression never unticks: {it:#}");
    assert_eq!(it["regressions"], 1, "{it:#}");
    let regressed = events(&r, "regressed", Some("health-passing"));
    assert_eq!(regressed.len(), 1, "{}", event_lines(&r));
    assert_eq!(regressed[0]["actor"], "flightdeck");
    let ev = &regressed[0]["payload"]["evidence"];
    let (status, at) = evidence(ev, "api", "status");
    assert_eq!(number(&status), 503.0, "{ev:#}");
    assert_after(at, changed, "regressed");
    assert_eq!(evidence(ev, "api", "body.status").0, "DOWN", "{ev:#}");
    let screen = t.wait_for("REGRESSED: Health check passing", DEADLINE);
    assert!(screen.contains("⚠ Health check passing"), "{screen}");

    // 5. and recovers: journaled, still done, no second tick
    service.set_healthy(true);
    let r = wait_report(&t, &store, "health-passing recovered", |r| {
        report::item(r, "health-passing")["regressed"] == false
    });
    let recovered = events(&r, "recovered", Some("health-passing"));
    assert_eq!(recovered.len(), 1, "{}", event_lines(&r));
    assert!(recovered[0]["seq"].as_i64() > regressed[0]["seq"].as_i64());
    let ev = &recovered[0]["payload"]["evidence"];
    assert_eq!(number(&evidence(ev, "api", "status").0), 200.0, "{ev:#}");
    let it = report::item(&r, "health-passing");
    assert_eq!(
        (it["state"].as_str(), it["by"].as_str()),
        (Some("done"), Some("flightdeck"))
    );
    assert_eq!(events(&r, "tick", Some("health-passing")).len(), 1);
    let history = it["regression_history"].as_array().unwrap();
    let kinds: Vec<&str> = history
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["regressed", "recovered"], "{it:#}");

    // 6. the error rate climbs past the rollback criterion
    let changed = Utc::now();
    service.set_error_pct(50);
    let r = wait_report(&t, &store, "rollback-error-rate fired", |r| {
        trigger(r, "rollback-error-rate")["active"] == true
    });
    let trig = trigger(&r, "rollback-error-rate");
    assert_eq!(trig["fired"], true, "{trig:#}");
    assert_eq!(trig["count"], 1, "{trig:#}");
    assert_eq!(trig["severity"], "critical", "{trig:#}");
    assert_eq!(trig["acknowledged"], false, "{trig:#}");
    let fired = events(&r, "trigger_fired", None);
    assert_eq!(fired.len(), 1, "{}", event_lines(&r));
    assert_eq!(fired[0]["actor"], "flightdeck");
    assert_eq!(fired[0]["payload"]["trigger"], "rollback-error-rate");
    assert_eq!(fired[0]["payload"]["when"], "errors.value > 0.2 for 1s");
    let (ratio, at) = evidence(&fired[0]["payload"]["evidence"], "errors", "value");
    assert!((number(&ratio) - 0.5).abs() < 1e-9, "5xx ratio: {ratio}");
    // fired only after holding its `for` (1 s) on samples taken after the change
    assert!(
        at - changed >= chrono::Duration::seconds(1),
        "fired at {at}, the ratio rose at {changed}"
    );
    let screen = t.wait_for("5xx ratio above 20%: roll back", DEADLINE);
    let banner = screen
        .lines()
        .find(|l| l.contains("5xx ratio above 20%"))
        .unwrap();
    assert!(banner.contains("CRITICAL rollback-error-rate"), "{screen}");
    assert!(banner.contains("A acknowledge"), "{screen}");

    // 7. a person acknowledges: the banner stays while the criterion holds, without the hint
    t.send(&["A"]);
    let r = wait_report(&t, &store, "rollback-error-rate acknowledged", |r| {
        trigger(r, "rollback-error-rate")["acknowledged"] == true
    });
    let trig = trigger(&r, "rollback-error-rate");
    assert_eq!(trig["acked_by"], ACTOR, "{trig:#}");
    let acked = events(&r, "trigger_acked", None);
    assert_eq!(acked.len(), 1, "{}", event_lines(&r));
    assert_eq!(acked[0]["actor"], ACTOR);
    let deadline = Instant::now() + DEADLINE;
    loop {
        let screen = t.capture();
        let banner = screen.lines().find(|l| l.contains("5xx ratio above 20%"));
        match banner {
            Some(b) if !b.contains("A acknowledge") => break,
            _ if Instant::now() > deadline => {
                panic!("banner after acknowledge (stays, no hint):\n{screen}")
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }

    // 8. the error rate falls back: cleared, with evidence, and the banner goes
    service.set_error_pct(0);
    let r = wait_report(&t, &store, "rollback-error-rate cleared", |r| {
        trigger(r, "rollback-error-rate")["active"] == false
    });
    let trig = trigger(&r, "rollback-error-rate");
    assert_eq!(trig["cleared"], true, "{trig:#}");
    let cleared = events(&r, "trigger_cleared", None);
    assert_eq!(cleared.len(), 1, "{}", event_lines(&r));
    assert_eq!(cleared[0]["actor"], "flightdeck");
    let (ratio, _) = evidence(&cleared[0]["payload"]["evidence"], "errors", "value");
    assert!(number(&ratio) <= 0.2, "cleared at {ratio}");
    let kinds: Vec<&str> = trig["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["trigger_fired", "trigger_acked", "trigger_cleared"]);
    let deadline = Instant::now() + DEADLINE;
    while t.capture().contains("5xx ratio above 20%") {
        assert!(
            Instant::now() < deadline,
            "banner still up after clear and ack:\n{}",
            t.capture()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // 9. the manual item by keypress (the cursor starts on it): the phase is done
    t.send(&["Space"]);
    let r = wait_report(&t, &store, "announce ticked and the phase finished", |r| {
        report::state(r, "announce") == "done" && !events(r, "phase_finished", None).is_empty()
    });
    assert_eq!(report::item(&r, "announce")["by"], ACTOR);
    let finished = events(&r, "phase_finished", None);
    assert_eq!(
        finished[0]["payload"]["phase"],
        "cutover",
        "{}",
        event_lines(&r)
    );
    assert_eq!(report::state(&r, "close-ticket"), "todo");

    // A shell around the binary keeps the pane's tty open: when the pane's own process exits,
    // tmux may lose its last line of output.
    t.send(&["q", "y"]);
    let screen = t.wait_for("EXITED-", DEADLINE);
    assert!(screen.contains("EXITED-0"), "{screen}");
    assert!(screen.contains("session `e2e` is saved"), "{screen}");
    let r = report::report_json(&store, Some(SESSION));
    assert_eq!(r["summary"]["done"], 4, "{:#}", r["summary"]);
    assert_eq!(r["summary"]["regressed"], 0, "{:#}", r["summary"]);
    eprintln!(
        "e2e: the world's eight changes followed in {:.1?}",
        started.elapsed()
    );
}
