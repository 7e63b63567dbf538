//! Nothing red is ever off screen: 31 probes, the one CRIT listed last in the config, at 120x40
//! and at 80x24 — it is shown first, counted in the title, and the strip names it when the panel
//! is hidden or clipped. And `--ascii` screens are pure ASCII.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::app::{App, Key, Msg, SessionMeta, update};
use flightdeck::condition::Value;
use flightdeck::probes::{ProbeState, Sample};
use flightdeck::runtime::{HeadlessScreen, frame};
use std::collections::BTreeMap;
use std::path::Path;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn app_with_31_probes() -> App {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/pfa-vanguard-production.toml");
    let checklist = flightdeck::checklist::load(&path).unwrap();
    let meta = SessionMeta {
        session: "s".into(),
        actor: "alice@bastion".into(),
        env: None,
        read_only: false,
    };
    let mut app = App::new(checklist, meta, t0());
    let config: String = (0..31)
        .map(|i| {
            let name = if i == 30 {
                "payments_db".to_owned()
            } else {
                format!("svc_{i:02}")
            };
            format!(
                "[[probe]]\nname = \"{name}\"\nkind = \"sql\"\nurl = \"sqlite:x.db\"\nquery = \"select 1\"\ninterval = \"5s\"\n"
            )
        })
        .collect();
    let probes = probe_spec::all(&config);
    app.set_probes(&probes);
    for p in &probes {
        let crit = p.name == "payments_db";
        let sample = Sample {
            probe: p.name.clone(),
            at: t0(),
            latency_ms: (!crit).then_some(2.0),
            outputs: if crit {
                BTreeMap::new()
            } else {
                BTreeMap::from([("value".to_string(), Value::Number(1.0))])
            },
            state: if crit {
                ProbeState::Crit
            } else {
                ProbeState::Ok
            },
            reason: crit.then(|| "connection refused".to_string()),
        };
        update(&mut app, Msg::Probe(sample.into()));
    }
    update(&mut app, Msg::Clock(t0()));
    app
}

fn render(app: &mut App, w: u16, h: u16) -> String {
    update(app, Msg::Resize(w, h));
    let mut screen = HeadlessScreen::new(w, h);
    frame(app, &mut screen).unwrap();
    screen.text()
}

#[test]
fn a_crit_probe_listed_last_is_shown_first_and_counted_at_120x40() {
    let mut app = app_with_31_probes();
    let text = render(&mut app, 120, 40);
    assert!(text.contains("Live 1✖ 30●"), "{text}");
    let first_probe_row = text.lines().find(|l| l.contains("payments_db"));
    assert!(
        first_probe_row.is_some_and(|l| l.contains("✖") && l.contains("connection refused")),
        "{text}"
    );
    // the panel cannot show 31 rows: it says how many are below, and the strip names the worst
    assert!(text.contains("more"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains(" Live 1✖ 30●") && l.contains("payments_db")),
        "the strip: {text}"
    );
    insta::assert_snapshot!("probes_31_120x40", text);
}

#[test]
fn at_80x24_the_strip_keeps_the_crit_probe_on_the_checklist_screen() {
    let mut app = app_with_31_probes();
    let text = render(&mut app, 80, 24);
    let strip = text
        .lines()
        .find(|l| l.contains(" Live "))
        .unwrap_or_else(|| panic!("no probe strip at 80x24:\n{text}"));
    assert!(
        strip.contains("1✖") && strip.contains("payments_db"),
        "{strip}"
    );
    insta::assert_snapshot!("probes_31_80x24", text);
    // tab: the panel, scrolled to the selection as it moves down past the bottom
    update(&mut app, Msg::Key(Key::Tab));
    let text = render(&mut app, 80, 24);
    assert!(text.contains("▶ Live"), "{text}");
    for _ in 0..30 {
        update(&mut app, Msg::Key(Key::Char('j')));
    }
    let text = render(&mut app, 80, 24);
    let selected = app.probes[app.probe_cursor].spec.name.clone();
    assert!(
        text.contains(&selected),
        "the selection {selected} is on screen:\n{text}"
    );
    assert!(text.contains("↑"), "it says what is above:\n{text}");
}

#[test]
fn ascii_screens_hold_no_byte_above_0x7f() {
    let mut app = app_with_31_probes();
    app.ascii = true;
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let text = render(&mut app, w, h);
        assert!(
            text.bytes().all(|b| b < 0x80),
            "non-ASCII at {w}x{h}:\n{text}"
        );
        for key in [
            Key::Char('?'),
            Key::Esc,
            Key::Tab,
            Key::Enter,
            Key::Esc,
            Key::Tab,
        ] {
            update(&mut app, Msg::Key(key));
            let text = render(&mut app, w, h);
            assert!(text.bytes().all(|b| b < 0x80), "after {key:?}:\n{text}");
        }
    }
}
