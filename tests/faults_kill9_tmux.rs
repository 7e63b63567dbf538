//! kill -9 at random points: the real binary in tmux walks a small checklist by scripted keys —
//! ticks, unticks, skips with a reason, notes, field values, go/no-go decisions — and is killed
//! (SIGKILL) after a random number of actions, at a random moment of the last one (its keys half
//! typed, just sent, being written, just shown). Before each kill the screen is captured; after the
//! restart the screen shows every action the killed one showed as done, and at the end
//! `report --format json` holds each action that landed exactly once: nothing shown is lost,
//! nothing is doubled, nothing half-typed is journaled. 50 kills in CI; `FLIGHTDECK_FAULTS=long`
//! makes it 500. `FLIGHTDECK_FAULTS_SEED` replays a run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/kill9_script.rs"]
mod kill9_script;
#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use kill9_script::{Action, CHECKLIST, ITEMS, Lcg, Script, Shown, read, send};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");
const KILLS: usize = 50;
/// How long a shown action may take to appear (a loaded CI machine, a debug build).
const CONFIRM: Duration = Duration::from_secs(10);

fn wait_shown(t: &Tmux, what: &str, ok: impl Fn(&Shown) -> bool) -> Shown {
    let deadline = Instant::now() + CONFIRM;
    loop {
        let screen = t.capture();
        let shown = read(&screen);
        if ok(&shown) {
            return shown;
        }
        assert!(Instant::now() < deadline, "{what}; screen:\n{screen}");
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// After a start: the screen, once it has settled (the spool's waiting events folded in) and
/// `ok` holds for it.
fn settled(t: &Tmux, what: &str, ok: impl Fn(&Shown) -> bool) -> Shown {
    let mut last = wait_shown(t, what, |s| s.glyphs.len() == ITEMS.len() + 1);
    loop {
        std::thread::sleep(Duration::from_millis(250));
        let now = wait_shown(t, what, &ok);
        if now.glyphs == last.glyphs && now.decision == last.decision {
            return now;
        }
        last = now;
    }
}

/// Waits for the shell around the cockpit to record how it ended, and takes the record away.
fn exit_status(file: &std::path::Path) -> String {
    let deadline = Instant::now() + CONFIRM;
    loop {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if text.ends_with('\n') {
            std::fs::remove_file(file).unwrap();
            return text.trim().to_owned();
        }
        assert!(Instant::now() < deadline, "the cockpit did not end");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// What the run did and saw, for the final check against the journal.
#[derive(Default)]
struct Run {
    kills: usize,
    actions: usize,
    /// Actions seen done before the next began.
    confirmed: usize,
    /// Actions cut off by a kill that the screen already showed done when it came.
    cut_seen_done: usize,
    /// Ticks cut off by a kill that the restarted screen showed done.
    cut_ticks_landed: usize,
    /// Tokens of actions cut off after their last key: in the journal or not, never twice.
    cut_tokens: Vec<String>,
    /// Tokens of actions cut off before their last key: never in the journal.
    half_typed: Vec<String>,
    shown_tokens: BTreeSet<String>,
}

#[test]
fn kill_9_at_random_points_loses_and_doubles_nothing() {
    let long = std::env::var("FLIGHTDECK_FAULTS").is_ok_and(|v| v == "long");
    let kills = if long { KILLS * 10 } else { KILLS };
    let seed = std::env::var("FLIGHTDECK_FAULTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("kill -9 suite: {kills} kills, FLIGHTDECK_FAULTS_SEED={seed}");
    let mut script = Script {
        rng: Lcg(seed),
        n: 0,
        notes: [0; ITEMS.len()],
    };
    let dir = tempfile::tempdir().unwrap();
    let checklist = dir.path().join("c.toml");
    std::fs::write(&checklist, CHECKLIST).unwrap();
    let store = format!("sqlite://{}/j.db", dir.path().display());
    // how the cockpit ended goes to a file: a kill mid-frame can leave an escape sequence half
    // written, which swallows whatever the shell prints next
    let status = dir.path().join("status");
    let cmd = format!(
        "XDG_STATE_HOME={} {BIN} run {} --session s --store {store} --as alice; echo $? > {}; sleep 600",
        dir.path().display(),
        checklist.display(),
        status.display()
    );
    let started = Instant::now();
    let t = Tmux::start(dir.path(), &cmd, 120, 30);
    let mut shown = settled(&t, "the first screen", |_| true);
    let mut run = Run::default();
    for kill in 0..kills {
        // a few actions, each seen done before the next
        for _ in 0..script.rng.below(6) {
            let action = script.pick(&shown);
            send(&t, &action.keys(), true);
            let before = shown.clone();
            shown = wait_shown(&t, &format!("kill {kill}: {action:?} not shown"), |now| {
                action.shows(&before, now)
            });
            run.shown_tokens.extend(shown.tokens.iter().cloned());
            run.actions += 1;
            run.confirmed += 1;
        }
        // the last one is cut off somewhere: its keys half sent, or just sent, or being written
        let action = script.pick(&shown);
        let mut keys = action.keys();
        let half = action.token().is_some() && script.rng.below(4) == 0;
        if half && script.rng.below(2) == 0 {
            keys.pop(); // the prompt is open, nothing typed
        }
        send(&t, &keys, !half);
        std::thread::sleep(Duration::from_millis(script.rng.below(60)));
        let before_kill = read(&t.capture());
        let pid = t.program_pid("flightdeck").expect("flightdeck runs");
        let killed = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        assert_eq!(
            exit_status(&status),
            "137",
            "kill {kill}: killed by SIGKILL"
        );
        run.kills += 1;
        run.actions += 1;
        match (half, action.token()) {
            (true, Some(token)) => run.half_typed.push(token.to_owned()),
            (false, Some(token)) => run.cut_tokens.push(token.to_owned()),
            (_, None) => {}
        }
        let seen_done = !half && action.shows(&shown, &before_kill);
        run.cut_seen_done += usize::from(seen_done);
        run.shown_tokens.extend(before_kill.tokens.iter().cloned());

        t.respawn(&cmd);
        let done = action.done(&shown);
        let (was, cut) = (shown.clone(), half);
        let after = settled(&t, &format!("kill {kill}: the restarted screen"), |now| {
            let same = now.glyphs == was.glyphs && now.decision == was.decision;
            let landed = now.glyphs == done.glyphs && now.decision == done.decision;
            // shown done before the kill: shown done after it; cut off: not done at all
            (same && !seen_done) || (landed && !cut)
        });
        if matches!(action, Action::Tick(_)) && after.glyphs != was.glyphs {
            run.cut_ticks_landed += 1;
        }
        shown = after;
    }
    t.send(&["q"]);
    t.wait_for("Quit?", CONFIRM);
    t.send(&["y"]);
    assert_eq!(exit_status(&status), "0", "a clean quit at the end");
    let cut_landed = check_journal(&report::report_json(&store, Some("s")), &shown, &run);
    eprintln!(
        "kill -9 suite: {} kills, {} actions: {} seen done before the next, {} cut off by the \
         kill ({} already shown done, {} landed, {} half typed); {} values shown; 0 lost, 0 \
         doubled; {:.0}s",
        run.kills,
        run.actions,
        run.confirmed,
        run.kills,
        run.cut_seen_done,
        cut_landed,
        run.half_typed.len(),
        run.shown_tokens.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The journal after all the kills: the last screen's state; every token the screen ever showed
/// exactly once, none more than once, none that was only half typed; ticks never doubled.
/// Returns how many of the actions cut off by a kill landed.
fn check_journal(r: &Value, last: &Shown, run: &Run) -> usize {
    for (id, _, _, _) in ITEMS {
        let want = match last.glyphs.get(id) {
            Some('✔') => "done",
            Some('⊘') => "skipped",
            _ => "todo",
        };
        assert_eq!(report::state(r, id), want, "{id} ends as the screen showed");
    }
    let events = r["events"].as_array().unwrap();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for e in events {
        let payload = e["payload"].to_string();
        for token in payload.split(|c: char| !c.is_alphanumeric()).filter(|w| {
            w.len() == 5 && "nrvd".contains(&w[..1]) && w[1..].bytes().all(|b| b.is_ascii_digit())
        }) {
            *seen.entry(token.to_owned()).or_default() += 1;
        }
    }
    for token in &run.shown_tokens {
        assert_eq!(
            seen.get(token),
            Some(&1),
            "{token} was shown: journaled once"
        );
    }
    for (token, count) in &seen {
        assert_eq!(*count, 1, "{token} journaled {count} times");
    }
    for token in &run.half_typed {
        assert!(
            !seen.contains_key(token),
            "{token} was never entered, yet journaled"
        );
    }
    // each item's ticks and unticks alternate: a doubled tick would tick a done item
    for (id, _, _, _) in ITEMS {
        let mut state = "todo";
        for e in events.iter().filter(|e| e["item"] == *id) {
            state = match (e["kind"].as_str().unwrap(), state) {
                ("tick", "todo") => "done",
                ("tick", s) => panic!("{id}: a tick while {s}: doubled? {e}"),
                ("untick", "done" | "skipped") => "todo",
                ("untick", s) => panic!("{id}: an untick while {s}: doubled? {e}"),
                ("skip", _) => "skipped",
                (_, s) => s,
            };
        }
    }
    let by_person = events
        .iter()
        .filter(|e| e["actor"] == "alice")
        .filter(|e| e["item"] != "foxtrot" || e["kind"] != "tick")
        .filter(|e| {
            ["tick", "untick", "skip", "note", "field", "decision"]
                .contains(&e["kind"].as_str().unwrap())
        })
        .count();
    let cut_landed = run.cut_ticks_landed
        + run
            .cut_tokens
            .iter()
            .filter(|t| seen.contains_key(*t))
            .count();
    assert_eq!(
        by_person,
        run.confirmed + cut_landed,
        "one event per action that landed"
    );
    let joined = events.iter().filter(|e| e["kind"] == "joined").count();
    assert_eq!(joined, run.kills + 1, "each start joined once");
    cut_landed
}
