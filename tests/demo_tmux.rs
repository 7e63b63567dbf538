//! `flightdeck demo`, the newcomer's first command, in a real terminal: the demo service answers,
//! every panel fills in, the demo keys break and heal it with the cockpit reacting within a poll,
//! a tick is journaled, and the demo writes nowhere but its temp dir and the state dir.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/redis.rs"]
mod redis;
#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

/// Waits until the screen has a line containing both `name` and `word`; returns how long it took.
fn wait_line(t: &tmux::Tmux, name: &str, word: &str, timeout: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let screen = t.capture();
        if screen.lines().any(|l| l.contains(name) && l.contains(word)) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < timeout,
            "no line with {name:?} and {word:?} within {timeout:?}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Hides the first-run hint with Escape and waits until it is gone (a key sent right after
/// Escape would read as Alt-key).
fn dismiss_hint(t: &tmux::Tmux) {
    t.wait_for("Press 1-4 to break the service", Duration::from_secs(20));
    t.send(&["Escape"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.capture().contains("Press 1-4") {
        assert!(Instant::now() < deadline, "the hint did not close");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn demo_runs_and_is_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/journal.db", dir.path().display());
    let cmd = format!("{BIN} demo --store {store} --redis redis://127.0.0.1:1; sleep 30");
    let t = tmux::Tmux::start(dir.path(), &cmd, 140, 40);
    t.wait_for("Maintenance window announced", Duration::from_secs(20));
    // the first-run hint says what is on screen and what to press, under the demo's description
    let screen = t.wait_for("Press 1-4 to break the service", Duration::from_secs(5));
    assert!(screen.contains("live probes of a demo service"), "{screen}");
    assert!(screen.contains("A built-in demo"), "{screen}");
    // the demo starts healthy: api, the short queue and the error ratio are OK
    t.wait_for("● api", Duration::from_secs(15));
    t.wait_for("● jobs queued", Duration::from_secs(15));
    t.wait_for("● 5xx ratio", Duration::from_secs(15));
    // the first key hides the hint and does its job
    t.send(&["Space"]);
    t.wait_for("✔ Maintenance window announced", Duration::from_secs(10));
    assert!(!t.capture().contains("Press 1-4"), "{}", t.capture());
    // the demo keys are on `?` too
    t.send(&["?"]);
    t.wait_for("Demo keys: 1 fail health", Duration::from_secs(5));
    // any key closes help (Escape then q at once would read as Alt-q)
    t.send(&["j"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.capture().contains("Demo keys") {
        assert!(Instant::now() < deadline, "help did not close");
        std::thread::sleep(Duration::from_millis(50));
    }
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    // (the quit prompt also says "is saved": wait for the goodbye line itself)
    t.wait_for("demo session", Duration::from_secs(10));
    // the store holds this one session: the report's default (the most recent) is it
    let r = report::report_json(&store, None);
    assert_eq!(report::state(&r, "announce"), "done");
}

/// Each demo key and the cockpit's reaction: shown within one poll interval (1 s) plus the
/// probe's timeout for a hung endpoint, with a margin for a loaded test machine.
#[test]
fn demo_keys_break_and_heal_the_service() {
    let redis = redis::RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}/journal.db", dir.path().display());
    let cmd = format!(
        "{BIN} demo --store {store} --redis {}; sleep 30",
        redis.url()
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 140, 40);
    // a Redis that answers is used: the cache panel is OK
    t.wait_for("● cache (Redis)", Duration::from_secs(20));
    t.wait_for("● api /health", Duration::from_secs(10));
    dismiss_hint(&t);
    let poll = Duration::from_secs(1);
    let margin = Duration::from_millis(1500);

    t.send(&["1"]);
    // (the footer says what the key did, naming the probe: match the panel's line, glyph first)
    let took = wait_line(&t, "✖ api /health", "503", poll + margin);
    wait_line(&t, "DEMO", "✖1 fail health", Duration::from_secs(2));
    eprintln!("503 on screen after {took:?}");
    t.send(&["0"]);
    wait_line(&t, "● api /health", "200", poll + margin);

    t.send(&["2"]);
    let took = wait_line(&t, "✖ 5xx ratio", "CRIT", poll + margin);
    eprintln!("error spike on screen after {took:?}");
    // the rollback criterion holds for 5 s: its banner follows
    t.wait_for("CRITICAL rollback-error-rate", Duration::from_secs(10));
    t.send(&["0"]);
    wait_line(&t, "● 5xx ratio", "%", 2 * poll + margin);

    t.send(&["3"]);
    let took = wait_line(&t, "✖ jobs queued", "480", poll + margin);
    eprintln!("full queue on screen after {took:?}");
    t.send(&["0"]);

    t.send(&["4"]);
    let took = wait_line(&t, "✖ api /health", "timeout", poll + poll / 2 + margin);
    eprintln!("hung health check on screen after {took:?}");
    t.send(&["0"]);
    wait_line(&t, "● api /health", "200", 2 * poll + margin);
    // healed: the queue drains below the warning again
    wait_line(&t, "● jobs queued", "", Duration::from_secs(40));
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    t.wait_for("demo session", Duration::from_secs(10));
}

/// Every file under `root`, relative, except the tmux socket.
fn tree(root: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    out.remove(Path::new("tmux.sock"));
    out
}

/// With HOME, the XDG dirs and TMPDIR pointed into a temp dir, the demo writes only under the
/// state dir (the journal, the log) and its own temp dir, which it removes on the way out; and
/// with no Redis on the URL, the cache panel says so.
#[test]
fn demo_writes_only_its_temp_dir_and_the_state_dir() {
    let root = tempfile::tempdir().unwrap();
    let (home, tmp, cwd) = (
        root.path().join("home"),
        root.path().join("tmp"),
        root.path().join("cwd"),
    );
    for d in [&home, &tmp, &cwd] {
        std::fs::create_dir_all(d).unwrap();
    }
    let before = tree(root.path());
    let cmd = format!(
        "cd {cwd} && env -u XDG_STATE_HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_CACHE_HOME \
         -u XDG_RUNTIME_DIR -u FLIGHTDECK_STORE -u FLIGHTDECK_LOG_DIR -u FLIGHTDECK_DEMO_REDIS \
         HOME={home} TMPDIR={tmp} {BIN} demo --redis redis://127.0.0.1:1; sleep 30",
        cwd = cwd.display(),
        home = home.display(),
        tmp = tmp.display(),
    );
    let t = tmux::Tmux::start(root.path(), &cmd, 140, 40);
    dismiss_hint(&t);
    // nobody answers on the Redis URL: the panel says so, it does not hide the probe
    wait_line(&t, "cache (Redis)", "CRIT", Duration::from_secs(20));
    wait_line(&t, "cache (Redis)", "refused", Duration::from_secs(5));
    t.send(&["Space"]);
    t.wait_for("✔ Maintenance window announced", Duration::from_secs(10));
    let running = tree(root.path());
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    t.wait_for("demo session", Duration::from_secs(10));
    let after = tree(root.path());
    let state = Path::new("home/.local/state/flightdeck");
    for f in running.difference(&before) {
        assert!(
            f.starts_with(state) || f.starts_with("tmp"),
            "the running demo wrote {} (only the state dir and its temp dir)",
            f.display()
        );
    }
    for f in after.difference(&before) {
        assert!(
            f.starts_with(state),
            "the demo left {} behind (only the state dir keeps files)",
            f.display()
        );
    }
    assert!(
        after.iter().any(|f| f.starts_with(state)),
        "the journal is in the state dir: {after:?}"
    );
    assert!(
        running.iter().any(|f| f.starts_with("tmp")),
        "the demo service's queue lives in TMPDIR while it runs: {running:?}"
    );
}

/// The README's one command for the demo, run as written from the checkout (build included: cargo
/// builds whatever is not built yet). CI runs the suite in a fresh clone, so there this is exactly
/// the newcomer's first minute.
#[test]
fn readme_demo_command_starts_the_demo() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run") && l.contains("-- demo"))
        .expect("the README gives a `cargo run … -- demo` command");
    let command = line.split('#').next().unwrap().trim();
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("state");
    let cmd = format!(
        "cd {} && env XDG_STATE_HOME={} FLIGHTDECK_DEMO_REDIS=redis://127.0.0.1:1 \
         CARGO_NET_OFFLINE=true {command}; sleep 30",
        env!("CARGO_MANIFEST_DIR"),
        state.display()
    );
    let t = tmux::Tmux::start(root.path(), &cmd, 100, 30);
    t.wait_for("Press 1-4 to break the service", Duration::from_secs(600));
    dismiss_hint(&t);
    t.wait_for("● api /health", Duration::from_secs(15));
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    t.wait_for("demo session", Duration::from_secs(10));
}
