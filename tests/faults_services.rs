//! Services failing under a running cockpit, mid-window: the real binary in tmux watches a real
//! PostgreSQL (which also holds its journal), Redis and Prometheus, and an HTTP endpoint that
//! accepts and never answers. Each service is frozen (SIGSTOP) and thawed, then killed and
//! restarted: its panel says CRIT with the reason (a frozen one: no answer in time; a stopped one:
//! the connection refused) within two intervals, and OK again within two intervals of its return;
//! the hung endpoint stays CRIT throughout. Keys move the cursor at once all along, and a tick made
//! while the journal's own PostgreSQL is frozen or down shows at once, says it waits, and lands
//! exactly once when the server is back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/freeze.rs"]
mod freeze;
#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/prometheus.rs"]
mod prometheus;
#[path = "support/redis.rs"]
mod redis;
#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use freeze::Frozen;
use std::time::{Duration, Instant};
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");
const INTERVAL: Duration = Duration::from_secs(2);
/// How long a key may take to show on the screen (tmux round trips included).
const KEY: Duration = Duration::from_secs(1);

/// The real services, each named by its panel.
struct Services {
    pg: postgres::PgServer,
    redis: redis::RedisServer,
    prom: prometheus::PromServer,
}

impl Services {
    fn pids(&self, panel: &str) -> Vec<u32> {
        match panel {
            "pgsql" => self.pg.pids(),
            "cache" => self.redis.pid().into_iter().collect(),
            _ => self.prom.pid().into_iter().collect(),
        }
    }

    fn stop(&mut self, panel: &str) {
        match panel {
            "pgsql" => self.pg.stop(),
            "cache" => self.redis.stop(),
            _ => self.prom.stop(),
        }
    }

    fn start_again(&mut self, panel: &str) {
        match panel {
            "pgsql" => self.pg.start_again(),
            "cache" => self.redis.start_again(),
            _ => self.prom.start_again(),
        }
    }
}

/// A panel's state word and the rest of its line (the reason, when it failed).
fn panel(screen: &str, name: &str) -> Option<(String, String)> {
    let needle = format!(" {name} ");
    let line = screen.lines().find(|l| l.contains(&needle))?;
    let after = &line[line.find(&needle)? + needle.len()..];
    let after = after.trim_start();
    let (state, rest) = after.split_once(' ').unwrap_or((after, ""));
    Some((
        state.to_owned(),
        rest.trim_end_matches(['│', '┃', ' ']).trim().to_owned(),
    ))
}

/// A frozen service's reason: the poll's time limit ran out ("timeout after 1s"), or the
/// client's own connect did ("cannot connect: timed out").
fn no_answer_in_time(reason: &str) -> bool {
    reason.contains("timeout after 1s") || reason.contains("timed out")
}

/// A stopped service's reason: nothing listens, or the connection the probe held broke.
fn refused(reason: &str) -> bool {
    ["refused", "broken pipe", "reset", "closed"]
        .iter()
        .any(|r| reason.contains(r))
}

/// Whether the checklist's cursor is on the step reading `text`.
fn cursor_on(screen: &str, text: &str) -> bool {
    screen
        .lines()
        .find(|l| l.contains(text))
        .is_some_and(|l| l[..l.find(text).unwrap_or(0)].contains('>'))
}

/// Sends keys and waits until the screen shows `ok`; how long that took.
fn press(t: &Tmux, keys: &[&str], what: &str, ok: impl Fn(&str) -> bool) -> Duration {
    let start = Instant::now();
    t.send_burst(keys);
    loop {
        let screen = t.capture();
        if ok(&screen) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < KEY,
            "{what} not shown within {KEY:?}:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Bounces the cursor between the first two steps, one move per call; how long the move took to
/// show.
fn move_cursor(t: &Tmux, down: &mut bool) -> Duration {
    *down = !*down;
    let (keys, step): (&[&str], _) = if *down {
        (&["g", "j", "j"], "second step")
    } else {
        (&["g", "j"], "first step")
    };
    press(t, keys, &format!("the cursor on {step}"), |s| {
        cursor_on(s, step)
    })
}

/// Polls the screen, moving the cursor between captures, until `panel_ok` holds for `name`'s
/// panel; how long that took. Fails after twice the bound, so a miss says by how much — and what
/// the panel showed on the way.
fn until_panel(
    t: &Tmux,
    name: &str,
    what: &str,
    keys: &mut (bool, Duration),
    panel_ok: impl Fn(&str, &str) -> bool,
) -> Duration {
    let start = Instant::now();
    let mut seen: Vec<(Duration, String)> = Vec::new();
    loop {
        keys.1 = keys.1.max(move_cursor(t, &mut keys.0));
        let screen = t.capture();
        if let Some((state, rest)) = panel(&screen, name) {
            if panel_ok(&state, &rest) {
                if start.elapsed() > INTERVAL * 2 {
                    eprintln!(
                        "{name}: {what} after {:?}; on the way: {seen:?}",
                        start.elapsed()
                    );
                }
                return start.elapsed();
            }
            let rest = rest.split("  ").next().unwrap_or("").to_owned();
            let line = format!("{state} {rest}");
            if seen.last().is_none_or(|(_, l)| *l != line) {
                seen.push((start.elapsed(), line));
            }
        }
        assert!(
            start.elapsed() < INTERVAL * 4,
            "{name}: {what} not shown; on the way: {seen:?}\n{screen}"
        );
    }
}

/// Waits (up to `limit`) until the screen shows `needle`, or — with `gone` — no longer does.
fn until_screen(t: &Tmux, needle: &str, gone: bool, limit: Duration) {
    let start = Instant::now();
    loop {
        let screen = t.capture();
        if screen.contains(needle) != gone {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "{needle:?} {} within {limit:?}:\n{screen}",
            if gone { "still shown" } else { "not shown" }
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn frozen_and_stopped_services_show_crit_with_the_reason_and_recover() {
    // accepts every connection and never answers
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hung = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let mut services = Services {
        pg: postgres::PgServer::start(),
        redis: redis::RedisServer::start(),
        prom: prometheus::PromServer::start(&[]),
    };
    let dir = tempfile::tempdir().unwrap();
    let probe = |name: &str, kind: &str, url: &str, extra: &str| {
        format!(
            "[[probe]]\nname = \"{name}\"\nkind = \"{kind}\"\nurl = \"{url}\"\n{extra}\
             interval = \"2s\"\ntimeout = \"1s\"\n\n"
        )
    };
    let config = [
        probe("pgsql", "sql", &services.pg.url(), "query = \"SELECT 1\"\n"),
        probe("cache", "redis", &services.redis.url(), ""),
        probe(
            "metrics",
            "prometheus",
            &services.prom.url(),
            "query = \"vector(1)\"\n",
        ),
        probe(
            "hung",
            "http",
            &format!("http://127.0.0.1:{hung}/health"),
            "",
        ),
    ]
    .concat();
    std::fs::write(dir.path().join("flightdeck.toml"), config).unwrap();
    let checklist = dir.path().join("c.md");
    std::fs::write(
        &checklist,
        "# Window\n## Steps\n- [ ] first step\n- [ ] second step\n- [ ] third step\n",
    )
    .unwrap();
    let store = services.pg.url();
    let cmd = format!(
        "XDG_STATE_HOME={dir} {BIN} run {} --config {dir}/flightdeck.toml --session s --store {store} --as alice",
        checklist.display(),
        dir = dir.path().display(),
    );
    let t = Tmux::start(dir.path(), &cmd, 120, 30);
    t.wait_for("first step", Duration::from_secs(30));
    let mut keys = (false, Duration::ZERO);
    for name in ["pgsql", "cache", "metrics"] {
        until_panel(&t, name, "OK at the start", &mut keys, |s, _| s == "OK");
    }
    until_panel(&t, "hung", "CRIT at the start", &mut keys, |s, r| {
        s == "CRIT" && r.contains("timeout after 1s")
    });

    let started = Instant::now();
    let mut figures = Vec::new();
    let mut ticked = Vec::new();
    for name in ["pgsql", "cache", "metrics"] {
        // frozen: it accepts connections (the kernel does) and never answers
        let frozen = Frozen::new(services.pids(name));
        let crit = until_panel(&t, name, "CRIT once frozen", &mut keys, |s, r| {
            s == "CRIT" && no_answer_in_time(r)
        });
        if name == "pgsql" {
            // the journal's server is frozen too: the tick shows at once and says it waits
            press(&t, &["g", "j", "Space"], "the tick", |s| {
                s.contains("✔ first step")
            });
            ticked.push("first");
            until_screen(&t, "syncing", false, INTERVAL * 2);
        }
        drop(frozen);
        let ok = until_panel(&t, name, "OK once thawed", &mut keys, |s, _| s == "OK");
        figures.push(format!("{name} frozen: CRIT in {crit:.1?}, OK in {ok:.1?}"));
        assert!(
            crit <= INTERVAL * 2,
            "{name} frozen: CRIT only after {crit:?}"
        );
        assert!(ok <= INTERVAL * 2, "{name} thawed: OK only after {ok:?}");

        // stopped: nothing listens, the connection is refused
        services.stop(name);
        let crit = until_panel(&t, name, "CRIT once stopped", &mut keys, |s, r| {
            s == "CRIT" && refused(r)
        });
        let reason = panel(&t.capture(), name).map(|p| p.1).unwrap_or_default();
        let reason = reason.split("  ").next().unwrap_or("").to_owned();
        if name == "pgsql" {
            press(&t, &["g", "j", "j", "Space"], "the tick", |s| {
                s.contains("✔ second step")
            });
            ticked.push("second");
            // "syncing" while the store's pool tries to connect (5 s), then what it is
            until_screen(&t, "store unreachable", false, Duration::from_secs(10));
        }
        services.start_again(name);
        let ok = until_panel(&t, name, "OK once restarted", &mut keys, |s, _| s == "OK");
        figures.push(format!(
            "{name} stopped: CRIT in {crit:.1?} ({reason}), OK in {ok:.1?} after the restart"
        ));
        assert!(
            crit <= INTERVAL * 2,
            "{name} stopped: CRIT only after {crit:?}"
        );
        assert!(ok <= INTERVAL * 2, "{name} restarted: OK only after {ok:?}");
        // the endpoint that never answers never looks better meanwhile
        let (state, reason) = panel(&t.capture(), "hung").unwrap();
        assert!(
            state == "CRIT" && reason.contains("timeout"),
            "hung: {state} {reason}"
        );
    }
    // everything the person did while the journal's server was away is in it, once
    until_screen(&t, "unreachable", true, Duration::from_secs(10));
    until_screen(&t, "syncing", true, Duration::from_secs(10));
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    let r = report::report_json(&store, Some("s"));
    let ticks: Vec<&str> = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "tick")
        .filter_map(|e| e["item"].as_str())
        .collect();
    assert_eq!(ticks.len(), ticked.len(), "each tick once: {ticks:?}");
    for item in ticks {
        assert_eq!(report::state(&r, item), "done");
    }
    eprintln!(
        "services suite ({:.0?}): {}; worst key-to-screen {:?}",
        started.elapsed(),
        figures.join("; "),
        keys.1
    );
}
