//! The cockpit driven by keys and journal messages, with no terminal: what each key asks the
//! journal to write, and that nothing shows as done before the journal hands it back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::app::{App, Effect, Focus, Key, Mode, Msg, Row, update};
use flightdeck::checklist::{Checklist, Field, FieldKind, Item, Phase};
use flightdeck::journal::{Event, EventBody, EventKind};
use flightdeck::session::ItemState;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn item(id: &str, text: &str) -> Item {
    Item {
        id: id.into(),
        text: text.into(),
        ..Item::default()
    }
}

pub fn sample_checklist() -> Checklist {
    let mut backup = item("backup", "Database backup created");
    backup.commands = vec!["pg_dump $DATABASE_URL > backup.sql".into()];
    backup.fields = vec![
        Field {
            id: "backup-created".into(),
            label: "Backup created".into(),
            kind: FieldKind::Choice,
            options: vec!["Yes".into(), "No".into()],
            ..Field::default()
        },
        Field {
            id: "backup-size".into(),
            label: "Backup size".into(),
            kind: FieldKind::Number,
            unit: Some("GB".into()),
            ..Field::default()
        },
    ];
    let mut parent = item("deploy", "Deploy backend");
    parent.children = vec![item("deploy-build", "Build"), item("deploy-start", "Start")];
    Checklist {
        title: "Test window".into(),
        phases: vec![
            Phase {
                id: "prep".into(),
                name: "T-24h Preparation".into(),
                items: vec![item("tag", "Git tag created"), backup],
                ..Phase::default()
            },
            Phase {
                id: "t0".into(),
                name: "T-0 Deployment".into(),
                items: vec![parent, item("smoke", "Smoke tests pass")],
                ..Phase::default()
            },
        ],
        ..Checklist::default()
    }
}

fn app() -> App {
    let meta = flightdeck::app::SessionMeta {
        session: "s1".into(),
        actor: "alice@bastion".into(),
        env: None,
        read_only: false,
    };
    let mut app = App::new(sample_checklist(), meta, t0());
    update(&mut app, Msg::Resize(80, 24));
    app
}

/// Plays the journal's part: turns appended events into committed ones.
struct Journal {
    seq: i64,
}

impl Journal {
    fn commit(&mut self, app: &mut App, fx: Vec<Effect>) -> Vec<Event> {
        let events: Vec<Event> = fx
            .into_iter()
            .filter_map(|e| match e {
                Effect::Append(ev) => {
                    self.seq += 1;
                    Some(ev.committed("s1", self.seq, t0()))
                }
                _ => None,
            })
            .collect();
        let acked = events.len();
        update(
            app,
            Msg::Journaled {
                events: events.clone(),
                acked,
            },
        );
        events
    }
}

fn press(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(app, Msg::Key(*k)))
        .collect()
}

fn chars(s: &str) -> Vec<Key> {
    s.chars().map(Key::Char).collect()
}

#[test]
fn cursor_starts_on_the_first_item() {
    let app = app();
    assert_eq!(app.selected_item().map(|f| f.item.id.as_str()), Some("tag"));
}

#[test]
fn tick_is_shown_only_after_the_journal_commits() {
    let mut app = app();
    let mut j = Journal { seq: 0 };
    let fx = press(&mut app, &[Key::Char(' ')]);
    assert_eq!(fx.len(), 1);
    assert_eq!(
        app.session.item_state("tag"),
        ItemState::Todo,
        "not shown before commit"
    );
    assert_eq!(app.pending_writes, 1);
    let events = j.commit(&mut app, fx);
    assert_eq!(events[0].kind(), EventKind::Tick);
    assert_eq!(events[0].actor, "alice@bastion");
    assert_eq!(app.session.item_state("tag"), ItemState::Done);
    assert_eq!(app.pending_writes, 0);
    // space again unticks
    let fx = press(&mut app, &[Key::Char(' ')]);
    j.commit(&mut app, fx);
    assert_eq!(app.session.item_state("tag"), ItemState::Todo);
}

#[test]
fn skip_asks_for_a_reason() {
    let mut app = app();
    let mut j = Journal { seq: 0 };
    let mut keys = vec![Key::Char('s')];
    keys.extend(chars("no tags in this repo"));
    keys.push(Key::Enter);
    let fx = press(&mut app, &keys);
    let events = j.commit(&mut app, fx);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind(), EventKind::Skip);
    let EventBody::Skip(skip) = &events[0].body else {
        panic!("{:?}", events[0]);
    };
    assert_eq!(skip.reason.as_deref(), Some("no tags in this repo"));
    assert_eq!(skip.item_text.as_deref(), Some("Git tag created"));
    assert_eq!(app.session.item_state("tag"), ItemState::Skipped);
    // Esc cancels without writing
    let fx = press(
        &mut app,
        &[Key::Char('j'), Key::Char('s'), Key::Char('x'), Key::Esc],
    );
    assert!(fx.is_empty());
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn note_and_fields_are_journaled() {
    let mut app = app();
    let mut j = Journal { seq: 0 };
    press(&mut app, &[Key::Char('j')]);
    assert_eq!(
        app.selected_item().map(|f| f.item.id.as_str()),
        Some("backup")
    );
    let mut keys = vec![Key::Char('i')];
    keys.extend(chars("dump took 4 min"));
    keys.push(Key::Enter);
    let fx = press(&mut app, &keys);
    j.commit(&mut app, fx);
    // e opens the first field (a choice) with nothing picked: → picks the first option (Yes),
    // → again No; Enter saves and moves to the next field
    let mut keys = vec![Key::Char('e'), Key::Right, Key::Right, Key::Enter];
    keys.extend(chars("12.5"));
    keys.push(Key::Enter);
    let fx = press(&mut app, &keys);
    let events = j.commit(&mut app, fx);
    assert_eq!(events.len(), 2);
    let status = app.session.item("backup").unwrap();
    assert_eq!(status.notes[0].text, "dump took 4 min");
    assert_eq!(status.fields["backup-created"].value, "No");
    assert_eq!(status.fields["backup-size"].value, "12.5");
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn copy_emits_the_command() {
    let mut app = app();
    let fx = press(&mut app, &[Key::Char('j'), Key::Char('y')]);
    assert_eq!(
        fx,
        vec![Effect::Copy("pg_dump $DATABASE_URL > backup.sql".into())]
    );
}

#[test]
fn folding_and_phase_jumps() {
    let mut app = app();
    press(&mut app, &[Key::Char(']')]);
    assert_eq!(app.rows[app.cursor], Row::Phase(1));
    press(&mut app, &[Key::Char('[')]);
    assert_eq!(app.rows[app.cursor], Row::Phase(0));
    let before = app.rows.len();
    press(&mut app, &[Key::Char('h')]);
    assert_eq!(app.rows.len(), before - 2, "phase folded");
    press(&mut app, &[Key::Char('l')]);
    assert_eq!(app.rows.len(), before);
    // space on a phase header folds too, and writes nothing
    let fx = press(&mut app, &[Key::Char(' ')]);
    assert!(fx.is_empty());
    assert!(app.folded.contains(&0));
}

#[test]
fn search_jumps_and_esc_returns() {
    let mut app = app();
    let start = app.cursor;
    let mut keys = vec![Key::Char('/')];
    keys.extend(chars("smoke"));
    press(&mut app, &keys);
    assert_eq!(
        app.selected_item().map(|f| f.item.id.as_str()),
        Some("smoke")
    );
    press(&mut app, &[Key::Esc]);
    assert_eq!(app.cursor, start);
    let mut keys = vec![Key::Char('/')];
    keys.extend(chars("build"));
    keys.push(Key::Enter);
    press(&mut app, &keys);
    assert_eq!(
        app.selected_item().map(|f| f.item.id.as_str()),
        Some("deploy-build")
    );
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn quit_asks_first() {
    let mut app = app();
    let fx = press(&mut app, &[Key::Char('q')]);
    assert!(fx.is_empty());
    assert_eq!(app.mode, Mode::ConfirmQuit);
    press(&mut app, &[Key::Char('n')]);
    assert_eq!(app.mode, Mode::Normal);
    let fx = press(&mut app, &[Key::Char('q'), Key::Char('y')]);
    assert_eq!(fx, vec![Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn read_only_refuses_writes() {
    let mut app = app();
    app.meta.read_only = true;
    let fx = press(&mut app, &[Key::Char(' '), Key::Char('s'), Key::Char('i')]);
    assert!(fx.is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.flash.is_some());
}

#[test]
fn focus_without_probes_stays_on_checklist() {
    let mut app = app();
    press(&mut app, &[Key::Tab]);
    assert_eq!(app.focus, Focus::Checklist);
}

#[test]
fn events_from_another_instance_show_up() {
    let mut app = app();
    let ev = Event {
        seq: 42,
        session: "s1".into(),
        at: t0(),
        actor: "bob@laptop".into(),
        item: Some("smoke".into()),
        body: EventBody::tick(),
        key: None,
    };
    update(
        &mut app,
        Msg::Journaled {
            events: vec![ev],
            acked: 0,
        },
    );
    assert_eq!(app.session.item_state("smoke"), ItemState::Done);
    assert_eq!(app.pending_writes, 0);
}
