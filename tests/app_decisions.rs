//! The cockpit's promises about decisions and input, driven by keys with no terminal: the go/no-go
//! prompt takes only GO or NO-GO, the decision shows and ticks the items bound to it, a tick past
//! an undecided or NO-GO gate asks for a reason, number fields refuse what is not a number, and
//! two fast spaces are a tick and an untick.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::app::{App, Effect, Key, Mode, Msg, Prompt, SessionMeta, update};
use flightdeck::checklist::{Checklist, Field, FieldKind, Item, Phase};
use flightdeck::journal::{Event, EventBody};
use flightdeck::runtime::{HeadlessScreen, frame};
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

fn checklist() -> Checklist {
    let mut decided = item("go-recorded", "Go / no-go decision recorded");
    decided.decision = true;
    let mut size = item("backup", "Backup taken");
    size.fields = vec![Field {
        id: "size".into(),
        label: "Backup size".into(),
        kind: FieldKind::Number,
        unit: Some("GB".into()),
        ..Field::default()
    }];
    let mut latency = item("latency", "p95 measured");
    latency.fields = vec![Field {
        id: "p95".into(),
        label: "p95".into(),
        kind: FieldKind::Number,
        unit: Some("ms".into()),
        ..Field::default()
    }];
    Checklist {
        title: "Gates".into(),
        phases: vec![
            Phase {
                id: "final".into(),
                name: "T-1h: Final checks".into(),
                gate: true,
                items: vec![size, latency, decided],
                ..Phase::default()
            },
            Phase {
                id: "deploy".into(),
                name: "T-0: Deploy".into(),
                items: vec![item("ship", "Ship it"), item("smoke", "Smoke tests")],
                ..Phase::default()
            },
        ],
        ..Checklist::default()
    }
}

fn app() -> App {
    let meta = SessionMeta {
        session: "s1".into(),
        actor: "alice@bastion".into(),
        env: None,
        read_only: false,
    };
    let mut app = App::new(checklist(), meta, t0());
    update(&mut app, Msg::Resize(120, 40));
    app
}

/// The journal's part: appended events come back committed.
#[derive(Default)]
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

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    let keys: Vec<Key> = text.chars().map(Key::Char).collect();
    press(app, &keys)
}

fn goto(app: &mut App, id: &str) {
    let i = app.flat.iter().position(|f| f.item.id == id).unwrap();
    let row = app
        .rows
        .iter()
        .position(|r| *r == flightdeck::app::Row::Item(i))
        .unwrap();
    app.cursor = row;
}

fn screen(app: &mut App) -> String {
    let mut s = HeadlessScreen::new(120, 40);
    frame(app, &mut s).unwrap();
    s.text()
}

#[test]
fn the_decision_prompt_takes_go_or_no_go_and_nothing_else() {
    let mut app = app();
    let mut j = Journal::default();
    // D on a phase that is not a gate says so
    goto(&mut app, "ship");
    assert!(press(&mut app, &[Key::Char('D')]).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("not a go/no-go gate")
    );
    // on the gate: nothing is picked, and Enter records nothing
    goto(&mut app, "backup");
    press(&mut app, &[Key::Char('D')]);
    assert!(matches!(
        app.mode,
        Mode::Input {
            prompt: Prompt::Decision { choice: None, .. },
            ..
        }
    ));
    // other words are not answers: `maybe later` picks nothing (m, a, y… are no option's letter)
    assert!(type_text(&mut app, "maybe").is_empty());
    assert!(press(&mut app, &[Key::Enter]).is_empty());
    assert!(matches!(app.mode, Mode::Input { .. }), "still choosing");
    assert!(app.flash.as_ref().unwrap().text.contains("choose one"));
    // `n` picks NO-GO; Enter moves to the note; Enter records both
    press(&mut app, &[Key::Char('n'), Key::Enter]);
    assert!(matches!(
        app.mode,
        Mode::Input {
            prompt: Prompt::DecisionNote { .. },
            ..
        }
    ));
    type_text(&mut app, "replica lag too high");
    let fx = press(&mut app, &[Key::Enter]);
    let events = j.commit(&mut app, fx);
    let EventBody::Decision(d) = &events[0].body else {
        panic!("{events:?}")
    };
    assert_eq!(
        (d.phase.as_str(), d.decision.as_str(), d.note.as_deref()),
        ("final", "NO-GO", Some("replica lag too high"))
    );
    // the item bound to the decision is ticked by it, by the person who decided
    assert_eq!(events.len(), 2);
    assert_eq!(app.session.item_state("go-recorded"), ItemState::Done);
    assert_eq!(events[1].actor, "alice@bastion");
    // the decision shows on the gate's row and in the header
    let text = screen(&mut app);
    assert!(text.contains("NO-GO alice"), "{text}");
    assert!(text.contains("NO-GO by alice"), "{text}");
}

#[test]
fn a_tick_past_an_undecided_or_no_go_gate_asks_for_a_reason() {
    let mut app = app();
    let mut j = Journal::default();
    goto(&mut app, "ship");
    // no decision yet: space asks why
    assert!(press(&mut app, &[Key::Char(' ')]).is_empty());
    let Mode::Input {
        prompt: Prompt::PastGate { gate, .. },
        ..
    } = &app.mode
    else {
        panic!("{:?}", app.mode)
    };
    assert!(!gate.nogo);
    // an empty reason is refused
    assert!(press(&mut app, &[Key::Enter]).is_empty());
    assert!(matches!(app.mode, Mode::Input { .. }));
    type_text(&mut app, "hotfix, approved on the bridge");
    let fx = press(&mut app, &[Key::Enter]);
    let events = j.commit(&mut app, fx);
    let EventBody::Tick(t) = &events[0].body else {
        panic!("{events:?}")
    };
    assert_eq!(t.past_gate.as_deref(), Some("final"));
    assert_eq!(t.reason.as_deref(), Some("hotfix, approved on the bridge"));
    // NO-GO recorded: every later tick asks again
    goto(&mut app, "backup");
    let fx = press(
        &mut app,
        &[Key::Char('D'), Key::Char('n'), Key::Enter, Key::Enter],
    );
    j.commit(&mut app, fx);
    goto(&mut app, "smoke");
    press(&mut app, &[Key::Char(' ')]);
    assert!(matches!(
        &app.mode,
        Mode::Input { prompt: Prompt::PastGate { gate, .. }, .. } if gate.nogo
    ));
    press(&mut app, &[Key::Esc]);
    // after GO, a tick is a tick
    goto(&mut app, "backup");
    let fx = press(
        &mut app,
        &[Key::Char('D'), Key::Char('g'), Key::Enter, Key::Enter],
    );
    j.commit(&mut app, fx);
    goto(&mut app, "smoke");
    let fx = press(&mut app, &[Key::Char(' ')]);
    let events = j.commit(&mut app, fx);
    assert!(matches!(&events[0].body, EventBody::Tick(t) if t.past_gate.is_none()));
}

#[test]
fn number_fields_refuse_what_is_not_a_number_and_convert_units() {
    let mut app = app();
    let mut j = Journal::default();
    goto(&mut app, "backup");
    press(&mut app, &[Key::Char('e')]);
    type_text(&mut app, "abc");
    assert!(press(&mut app, &[Key::Enter]).is_empty(), "abc is refused");
    assert!(app.flash.as_ref().unwrap().text.contains("not a number"));
    assert!(matches!(app.mode, Mode::Input { .. }), "the prompt stays");
    press(&mut app, &[Key::Ctrl('u')]);
    type_text(&mut app, "1e999NaN");
    assert!(
        press(&mut app, &[Key::Enter]).is_empty(),
        "1e999NaN is refused"
    );
    press(&mut app, &[Key::Ctrl('u')]);
    type_text(&mut app, "5 kg");
    assert!(press(&mut app, &[Key::Enter]).is_empty(), "kg is not GB");
    press(&mut app, &[Key::Ctrl('u')]);
    type_text(&mut app, "12.5");
    let fx = press(&mut app, &[Key::Enter]);
    j.commit(&mut app, fx);
    assert_eq!(
        app.session.item("backup").unwrap().fields["size"].value,
        "12.5"
    );
    // 800ms in a field in ms is 800, and 0.8s is too
    goto(&mut app, "latency");
    press(&mut app, &[Key::Char('e')]);
    type_text(&mut app, "800ms");
    let fx = press(&mut app, &[Key::Enter]);
    j.commit(&mut app, fx);
    assert_eq!(
        app.session.item("latency").unwrap().fields["p95"].value,
        "800"
    );
    press(&mut app, &[Key::Char('e'), Key::Ctrl('u')]);
    type_text(&mut app, "0.75s");
    let fx = press(&mut app, &[Key::Enter]);
    j.commit(&mut app, fx);
    assert_eq!(
        app.session.item("latency").unwrap().fields["p95"].value,
        "750"
    );
}

#[test]
fn two_fast_spaces_are_a_tick_and_an_untick() {
    let mut app = app();
    let mut j = Journal::default();
    goto(&mut app, "backup");
    // both keys arrive before the journal hands the first one back
    let fx = press(&mut app, &[Key::Char(' '), Key::Char(' ')]);
    let kinds: Vec<&str> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Append(ev) => Some(ev.body.kind().as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["tick", "untick"]);
    j.commit(&mut app, fx);
    assert_eq!(app.session.item_state("backup"), ItemState::Todo);
    assert!(app.in_flight.is_empty());
}

#[test]
fn skipping_a_required_item_needs_a_reason() {
    let mut c = checklist();
    c.phases[0].items[0].required = true;
    let meta = SessionMeta {
        session: "s1".into(),
        actor: "alice@bastion".into(),
        env: None,
        read_only: false,
    };
    let mut app = App::new(c, meta, t0());
    goto(&mut app, "backup");
    press(&mut app, &[Key::Char('s')]);
    assert!(
        press(&mut app, &[Key::Enter]).is_empty(),
        "no N/A for a required item"
    );
    assert!(matches!(app.mode, Mode::Input { .. }));
    type_text(&mut app, "restored from yesterday's");
    let fx = press(&mut app, &[Key::Enter]);
    assert_eq!(fx.len(), 1);
}
