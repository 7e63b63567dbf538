//! Pair-watching with the real binary in real terminals: `run` drives and `watch` follows on one
//! session — the driver in the watcher's header at once, ticks without a key press, every key
//! that would write refused with a message; the wheel handed over and both spells in the record;
//! a killed watcher dropping off; one cockpit shown to two tmux clients of different sizes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;
use std::time::{Duration, Instant};
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

struct Pair {
    dir: tempfile::TempDir,
    checklist: std::path::PathBuf,
    store: String,
}

fn pair() -> Pair {
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.md");
    std::fs::write(
        &checklist,
        "# Window\n## Steps\n- [ ] alpha step\n- [ ] beta step\n- [ ] version recorded: ___\n",
    )
    .unwrap();
    let store = format!("sqlite://{}/j.db", dir.path().display());
    Pair {
        dir,
        checklist,
        store,
    }
}

impl Pair {
    /// A terminal of its own (and a spool of its own) for `who`, running `args`.
    fn screen(&self, who: &str, args: &str, w: u16, h: u16) -> Tmux {
        let home = self.dir.path().join(who);
        std::fs::create_dir_all(&home).unwrap();
        let cmd = format!(
            "XDG_STATE_HOME={} {BIN} {args} --session s --store {} --as {who}; echo EXITED-$?; sleep 60",
            home.display(),
            self.store
        );
        Tmux::start(&home, &cmd, w, h)
    }

    fn run(&self, who: &str) -> Tmux {
        self.screen(who, &format!("run {}", self.checklist.display()), 120, 30)
    }

    fn watch(&self, who: &str) -> Tmux {
        self.screen(who, "watch", 110, 30)
    }
}

fn quit(t: &Tmux) {
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    t.wait_for("EXITED-0", Duration::from_secs(10));
}

/// Waits for `needle` and says how long it took.
fn time_to(t: &Tmux, needle: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    t.wait_for(needle, limit);
    start.elapsed()
}

#[test]
fn the_watcher_follows_the_driver_and_writes_nothing() {
    let p = pair();
    let alice = p.run("alice@one");
    alice.wait_for("alpha step", Duration::from_secs(20));
    let bob = p.watch("bob@two");
    bob.wait_for("alpha step", Duration::from_secs(20));
    let shown = time_to(&bob, "alice@one driving", Duration::from_secs(2));
    eprintln!("driver in the watcher's header {shown:?} after its first frame");
    alice.wait_for("bob@two watching", Duration::from_secs(5));

    // a tick in the driver shows in the watcher without a key press, with who ticked it
    alice.send(&["Space"]);
    let seen = time_to(&bob, "✔ alpha step", Duration::from_secs(2));
    let screen = bob.capture();
    let row = screen.lines().find(|l| l.contains("✔ alpha step")).unwrap();
    assert!(row.contains("alice"), "the actor on the row: {row}");
    eprintln!("tick in the watcher {seen:?} after the key in the driver");

    // every key that would write is refused, each time with the message (`y` in between
    // replaces it, so each refusal is seen afresh)
    bob.send(&["j", "j"]);
    let refusal = "watching: alice@one drives — w asks for the wheel";
    for key in ["Space", "s", "i", "I", "e", "Enter", "A", "D"] {
        bob.send(&[key]);
        let screen = bob.wait_for(refusal, Duration::from_secs(3));
        assert!(
            !screen.contains("reason") && !screen.contains("Note") && !screen.contains("GO"),
            "{key} opened a prompt:\n{screen}"
        );
        bob.send(&["y"]);
        bob.wait_for("no command on this item", Duration::from_secs(3));
    }
    bob.send(&["c"]);
    bob.wait_for("nothing to co-sign here", Duration::from_secs(3));

    quit(&bob);
    quit(&alice);
    let report = report::report_json(&p.store, Some("s"));
    let by_bob: Vec<&str> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "bob@two")
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        by_bob,
        ["joined", "left"],
        "a watcher writes its presence only"
    );
    assert_eq!(report::state(&report, "beta-step"), "todo");
}

#[test]
fn the_wheel_changes_hands_and_the_record_shows_both_spells() {
    let p = pair();
    let alice = p.run("alice@one");
    alice.wait_for("alpha step", Duration::from_secs(20));
    let bob = p.watch("bob@two");
    bob.wait_for("alice@one driving", Duration::from_secs(20));
    alice.send(&["Space"]);
    bob.wait_for("✔ alpha step", Duration::from_secs(3));

    bob.send(&["w"]);
    bob.wait_for("asked alice@one for the wheel", Duration::from_secs(3));
    alice.wait_for("bob@two asks for the wheel", Duration::from_secs(5));
    alice.send(&["w"]);
    // roles swap on both screens
    bob.wait_for("bob@two (you) driving", Duration::from_secs(3));
    alice.wait_for(
        "bob@two driving · alice@one (you) watching",
        Duration::from_secs(3),
    );
    bob.send(&["j", "Space"]);
    alice.wait_for("✔ beta step", Duration::from_secs(3));
    alice.send(&["j", "Space"]);
    alice.wait_for("watching: bob@two drives", Duration::from_secs(3));

    quit(&alice);
    quit(&bob);
    let report = report::report_json(&p.store, Some("s"));
    assert_eq!(report::item(&report, "beta-step")["by"], "bob@two");
    let wheels: Vec<(String, String)> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "wheel")
        .map(|e| {
            (
                e["payload"]["to"].as_str().unwrap().to_owned(),
                e["payload"]["how"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        wheels,
        [
            ("alice@one".to_owned(), "first".to_owned()),
            ("bob@two".to_owned(), "handed".to_owned())
        ]
    );
    let people = report["people"].as_array().unwrap();
    let spells = |who: &str| {
        people.iter().find(|p| p["actor"] == who).unwrap()["spells"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!((spells("alice@one"), spells("bob@two")), (1, 1));
    let md = std::process::Command::new(BIN)
        .args(["report", "--store", &p.store, "--session", "s"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("**alice@one** — driving, watching; drove"),
        "{md}"
    );
    assert!(md.contains("(handed)"), "{md}");
}

#[test]
fn a_killed_watcher_drops_off_within_20_seconds() {
    let p = pair();
    let alice = p.run("alice@one");
    alice.wait_for("alpha step", Duration::from_secs(20));
    let bob = p.watch("bob@two");
    alice.wait_for("bob@two watching", Duration::from_secs(20));
    let pid = bob.program_pid("flightdeck").expect("the watcher's pid");
    let killed = Instant::now();
    std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    let deadline = killed + Duration::from_secs(20);
    while alice.capture().contains("bob@two") {
        assert!(
            Instant::now() < deadline,
            "the killed watcher is still listed after 20 s:\n{}",
            alice.capture()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!("killed watcher dropped off after {:?}", killed.elapsed());
    quit(&alice);
    let report = report::report_json(&p.store, Some("s"));
    let left: Vec<&serde_json::Value> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "left" && e["actor"] == "bob@two")
        .collect();
    assert_eq!(left.len(), 1, "its leave journaled once: {left:?}");
    assert_eq!(left[0]["payload"]["silent"], true);
}

/// The cockpit as a client of size `w`×`h` sees it: a terminal (an outer tmux) attached to the
/// cockpit's tmux session.
fn client(dir: &Path, name: &str, inner: &Tmux, w: u16, h: u16) -> Tmux {
    let home = dir.join(name);
    std::fs::create_dir_all(&home).unwrap();
    let cmd = format!(
        "env -u TMUX tmux -S {} -f /dev/null attach -t {}",
        inner.socket(),
        inner.session
    );
    Tmux::start(&home, &cmd, w, h)
}

#[test]
fn two_tmux_clients_of_different_sizes_both_render() {
    let p = pair();
    let cockpit = p.run("alice@one");
    cockpit.wait_for("alpha step", Duration::from_secs(20));
    // the smaller client wins, as teams set it for pairing
    cockpit.set_option("window-size", "smallest");
    let big = client(p.dir.path(), "big", &cockpit, 140, 40);
    let small = client(p.dir.path(), "small", &cockpit, 82, 25);
    big.wait_for("alpha step", Duration::from_secs(10));
    small.wait_for("alpha step", Duration::from_secs(10));
    // one status line of the inner tmux: the cockpit gets 82x24
    let whole = |t: &Tmux| {
        let screen = t.capture();
        let lines: Vec<String> = screen.lines().map(str::to_owned).collect();
        lines
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let inner = cockpit.capture();
        let width = inner.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        if width <= 82 && inner.contains("q quit") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not redrawn at 82 wide:\n{inner}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    cockpit.send(&["Space"]);
    for t in [&big, &small] {
        t.wait_for("✔ alpha step", Duration::from_secs(5));
        // the outer client repaints from the inner tmux a moment later than the line we waited
        // for: wait for a capture that has the header and the footer, then judge them
        let deadline = Instant::now() + Duration::from_secs(5);
        let lines = loop {
            let lines = whole(t);
            let complete = lines.iter().any(|l| l.contains("flightdeck"))
                && lines.iter().any(|l| l.contains("q quit"));
            if complete || Instant::now() > deadline {
                break lines;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let header = lines
            .iter()
            .find(|l| l.contains("flightdeck"))
            .unwrap_or_else(|| panic!("no header:\n{}", lines.join("\n")));
        assert!(
            header.contains("T+"),
            "the header whole in each client: {header}"
        );
        let footer = lines
            .iter()
            .find(|l| l.contains("q quit"))
            .unwrap_or_else(|| panic!("no footer:\n{}", lines.join("\n")));
        assert!(
            footer.contains("? help"),
            "the footer whole in each client: {footer}"
        );
        // the frame's right corner sits at the same column in both: drawn 82 wide (a bigger
        // client shows tmux's border and dots past the window)
        let border = lines.iter().find(|l| l.contains("Checklist")).unwrap();
        let corner = border.chars().position(|c| c == '┓').unwrap();
        assert_eq!(corner, 81, "drawn for the smaller client: {border}");
    }
    // the small client leaves: the cockpit grows to the big one and redraws whole
    drop(small);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines = whole(&big);
        let footer = lines.iter().find(|l| l.contains("q quit"));
        if footer.is_some_and(|f| f.trim_end().chars().count() > 100)
            && lines.iter().any(|l| l.contains("✔ alpha step"))
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not redrawn for the big client:\n{}",
            lines.join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    quit(&cockpit);
}
