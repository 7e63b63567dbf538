//! A Markdown checklist edited mid-window: ticks journaled on the first version, the file edited
//! (items inserted above, one removed, one reworded), the session resumed by the real binary with
//! the new file — every tick stays on its step (read back with `report --format json`), the
//! reworded step is not silently ticked, and `checklist::diff` names each change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/report.rs"]
mod report;
#[path = "support/tmux.rs"]
mod tmux;

use flightdeck::checklist::{self, Checklist};
use flightdeck::journal::{EventBody, NewEvent};
use flightdeck::store::Store;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

const FIRST: &str = "# Orders API release

## Preparation
- [ ] Announce the window in #ops
- [ ] Take a database backup
  - [ ] Backup size: `___ GB`
- [ ] Notify the team
- [ ] Check the replica lag

## Staging
- [ ] Deploy to staging
- [ ] Notify the team
- [ ] Smoke tests pass: `PASS / FAIL`

## Production
- [ ] Deploy to production
- [ ] Verify the error rate stays below one percent
";

/// Two steps inserted above, the replica check removed, the error-rate step reworded.
fn edited() -> String {
    FIRST
        .replace(
            "## Preparation\n",
            "## Preparation\n- [ ] Freeze merges to main\n- [ ] Page the on-call lead\n",
        )
        .replace("- [ ] Check the replica lag\n", "")
        .replace(
            "Verify the error rate stays below one percent",
            "Verify the 5xx rate stays below one percent",
        )
}

fn id_of(c: &Checklist, phase: &str, text: &str) -> String {
    let p = c.phases.iter().position(|p| p.name == phase).unwrap();
    c.walk()
        .into_iter()
        .find(|r| r.phase == p && r.item.text == text)
        .unwrap_or_else(|| panic!("no {text:?} in {phase}"))
        .item
        .id
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticks_stay_on_their_steps_when_the_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("release.md");
    std::fs::write(&path, FIRST).unwrap();
    let store_url = format!("sqlite://{}/journal.db", dir.path().display());
    let first = checklist::load(&path).unwrap();

    // The window so far: five steps ticked, a value recorded, through the real store.
    let ticked = [
        ("Preparation", "Announce the window in #ops"),
        ("Preparation", "Take a database backup"),
        ("Preparation", "Notify the team"),
        ("Staging", "Notify the team"),
        (
            "Production",
            "Verify the error rate stays below one percent",
        ),
    ];
    let store = Store::open(&store_url).await.unwrap();
    let path_text = path.display().to_string();
    store
        .open_session("window", &first, Some(&path_text), "alice")
        .await
        .unwrap();
    for (phase, text) in ticked {
        let id = id_of(&first, phase, text);
        store
            .append(
                "window",
                NewEvent::on_item("alice", &id, None, EventBody::tick()),
            )
            .await
            .unwrap();
    }
    let size = id_of(&first, "Preparation", "Backup size: `___ GB`");
    let field = first.item(&size).unwrap().item.fields[0].id.clone();
    store
        .append(
            "window",
            NewEvent::on_item("alice", &size, None, EventBody::field(field.as_str(), "42")),
        )
        .await
        .unwrap();
    store.close().await;

    // The file is edited mid-window, and the cockpit resumes the session with it.
    std::fs::write(&path, edited()).unwrap();
    let second = checklist::load(&path).unwrap();
    let cmd = format!(
        "{BIN} run {} --session window --store {store_url} --as bob@bastion; echo EXITED-$?; sleep 30",
        path.display()
    );
    let t = tmux::Tmux::start(dir.path(), &cmd, 120, 40);
    // the cockpit opens on what changed: added, removed, reworded
    let screen = t.wait_for(
        "The checklist changed since this session last ran",
        Duration::from_secs(20),
    );
    for line in [
        "+ added Freeze merges to main",
        "+ added Page the on-call lead",
        "- removed Check the replica lag",
        "~ reworded: Verify the error rate stays below one percent → Verify the 5xx rate",
    ] {
        assert!(screen.contains(line), "{line}:\n{screen}");
    }
    t.send(&["Escape"]);
    t.wait_for("Freeze merges to main", Duration::from_secs(20));
    t.send(&["q"]);
    t.wait_for("Quit?", Duration::from_secs(5));
    t.send(&["y"]);
    t.wait_for("EXITED-0", Duration::from_secs(10));

    let r = report::report_json(&store_url, Some("window"));
    for (phase, text) in ticked.iter().take(4) {
        let id = id_of(&second, phase, text);
        assert_eq!(
            id,
            id_of(&first, phase, text),
            "{text}: the id did not move"
        );
        assert_eq!(report::state(&r, &id), "done", "{phase} / {text}");
    }
    for (phase, text) in [
        ("Preparation", "Freeze merges to main"),
        ("Preparation", "Take a database backup"),
        ("Staging", "Deploy to staging"),
        ("Production", "Deploy to production"),
    ] {
        let id = id_of(&second, phase, text);
        let want = if text.starts_with("Take") {
            "done"
        } else {
            "todo"
        };
        assert_eq!(report::state(&r, &id), want, "{phase} / {text}");
    }
    let inserted = second.phases[0].items[1].id.clone();
    assert_eq!(report::state(&r, &inserted), "todo");
    let value = report::item(&r, &size)["fields"].to_string();
    assert!(
        value.contains("42"),
        "the value stays on its field: {value}"
    );

    // The reworded step is not silently ticked; its tick stays in the journal, on the old id.
    let old_error = id_of(
        &first,
        "Production",
        "Verify the error rate stays below one percent",
    );
    let new_error = id_of(
        &second,
        "Production",
        "Verify the 5xx rate stays below one percent",
    );
    assert_ne!(old_error, new_error);
    assert_eq!(report::state(&r, &new_error), "todo");
    let journaled = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "tick" && e["item"] == old_error.as_str());
    assert!(journaled, "the old tick is kept: {}", r["events"]);

    // What the resume screen will show.
    let d = checklist::diff(&first, &second);
    let texts = |items: &[checklist::DiffItem]| -> Vec<String> {
        items.iter().map(|i| i.text.clone()).collect()
    };
    assert_eq!(
        texts(&d.added),
        ["Freeze merges to main", "Page the on-call lead"]
    );
    assert_eq!(texts(&d.removed), ["Check the replica lag"]);
    assert_eq!(d.reworded.len(), 1);
    assert_eq!(d.reworded[0].old.id, old_error);
    assert_eq!(d.reworded[0].new.id, new_error);
}
