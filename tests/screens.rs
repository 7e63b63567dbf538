//! Screens as a person sees them, without a terminal: the app rendered into a ratatui
//! `TestBackend`, one insta snapshot per state, at 80x24 (must stay usable) and 160x48.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::app::{App, Effect, Key, Msg, SessionMeta, update};
use flightdeck::condition::Value;
use flightdeck::journal::{Event, EventBody, NewEvent, SessionStarted};
use flightdeck::probes::{ProbeState, Sample};
use flightdeck::runtime::{HeadlessScreen, frame};
use std::collections::BTreeMap;
use std::path::Path;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn seed_app() -> App {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/pfa-vanguard-production.toml");
    let checklist = flightdeck::checklist::load(&path).expect("curated seed checklist loads");
    let meta = SessionMeta {
        session: "pfa-2026-11-23".into(),
        actor: "alice@bastion".into(),
        env: Some("production".into()),
        read_only: false,
    };
    let mut app = App::new(checklist, meta, t0());
    // the session started at t0 and the clock reads 41 minutes later
    commit(
        &mut app,
        vec![Effect::Append(NewEvent::new(
            "alice@bastion",
            EventBody::SessionStarted(SessionStarted::default()),
        ))],
        t0(),
    );
    update(&mut app, Msg::Clock(t0() + chrono::Duration::minutes(41)));
    app
}

static SEQ: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Plays the journal: commits appended events at `at` and hands them back.
fn commit(app: &mut App, fx: Vec<Effect>, at: DateTime<Utc>) {
    let events: Vec<Event> = fx
        .into_iter()
        .filter_map(|e| match e {
            Effect::Append(ev) => Some(ev.committed(
                "pfa-2026-11-23",
                SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                at,
            )),
            _ => None,
        })
        .collect();
    let acked = events.len();
    update(app, Msg::Journaled { events, acked });
}

fn keys(app: &mut App, keys: &[Key], at: DateTime<Utc>) {
    for k in keys {
        let fx = update(app, Msg::Key(*k));
        commit(app, fx, at);
    }
}

fn text(app: &mut App, s: &str, at: DateTime<Utc>) {
    let ks: Vec<Key> = s.chars().map(Key::Char).collect();
    keys(app, &ks, at);
}

/// A frame as the cockpit's loop draws it (the app learns the list height from each frame).
fn render(app: &mut App, w: u16, h: u16) -> String {
    update(app, Msg::Resize(w, h));
    let mut screen = HeadlessScreen::new(w, h);
    frame(app, &mut screen).unwrap();
    screen.text()
}

fn partly_done(app: &mut App) {
    let at = t0() + chrono::Duration::minutes(5);
    keys(
        app,
        &[
            Key::Char(' '),
            Key::Char('j'),
            Key::Char(' '),
            Key::Char('j'),
        ],
        at,
    );
    keys(app, &[Key::Char('s')], at);
    text(app, "done in staging already", at);
    keys(
        app,
        &[Key::Enter, Key::Char('j'), Key::Char('e'), Key::Enter],
        at,
    );
    keys(app, &[Key::Esc, Key::Char('i')], at);
    text(app, "window opened 01:00", at);
    keys(app, &[Key::Enter], at);
}

fn with_probes(app: &mut App) {
    let config = r#"
[[probe]]
name = "api"
kind = "http"
url = "https://api.example.com/health"
[[probe]]
name = "write_queue"
kind = "sql"
url = "postgres://app:secret-pw@db.example.com/app"
query = "SELECT count(*) FROM pfa_write_queue WHERE status = 'processing'"
[[probe]]
name = "redis"
kind = "redis"
url = "redis://:secret-pw@cache.example.com:6379/0"
[[probe]]
name = "error_rate"
kind = "metrics"
url = "https://api.example.com/metrics"
query = 'ratio(http_requests_total{code=~"5.."}, http_requests_total)'
[[probe]]
name = "replica_lag"
kind = "prometheus"
url = "https://prometheus.example.com"
query = "pg_replication_lag_seconds"
[[probe]]
name = "old_probe"
kind = "http"
url = "https://old.example.com/"
interval = "1s"
timeout = "1s"
"#;
    let config = flightdeck::config::parse_str(
        Path::new("flightdeck.toml"),
        config,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .expect("test config loads");
    app.set_probes(&config.probes);
    let now = app.now;
    let mk = |probe: &str,
              state,
              outputs: &[(&str, Value)],
              latency,
              reason: Option<&str>,
              age_s: i64| Sample {
        probe: probe.into(),
        at: now - chrono::Duration::seconds(age_s),
        latency_ms: latency,
        outputs: outputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        state,
        reason: reason.map(str::to_owned),
    };
    for i in 0..12 {
        update(
            app,
            Msg::Probe(
                mk(
                    "api",
                    ProbeState::Ok,
                    &[
                        ("status", Value::Number(200.0)),
                        ("latency", Value::Number(30.0 + i as f64)),
                    ],
                    Some(30.0 + i as f64),
                    None,
                    2,
                )
                .into(),
            ),
        );
    }
    let samples = [
        mk(
            "write_queue",
            ProbeState::Warn,
            &[("value", Value::Number(57.0))],
            Some(4.0),
            Some("value > 50"),
            1,
        ),
        mk(
            "redis",
            ProbeState::Ok,
            &[
                ("latency", Value::Number(0.4)),
                ("used_memory_ratio", Value::Number(0.41)),
            ],
            Some(0.4),
            None,
            1,
        ),
        mk(
            "error_rate",
            ProbeState::Crit,
            &[("value", Value::Number(0.062))],
            Some(3.0),
            Some("value > 0.05"),
            3,
        ),
        mk(
            "replica_lag",
            ProbeState::Unknown,
            &[],
            None,
            Some("timeout after 2s"),
            9,
        ),
        mk(
            "old_probe",
            ProbeState::Ok,
            &[("status", Value::Number(200.0))],
            Some(12.0),
            None,
            30,
        ),
    ];
    for s in samples {
        update(app, Msg::Probe(s.into()));
    }
}

#[test]
fn fresh() {
    let mut app = seed_app();
    insta::assert_snapshot!("fresh_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("fresh_160x48", render(&mut app, 160, 48));
}

#[test]
fn partly_done_session() {
    let mut app = seed_app();
    partly_done(&mut app);
    insta::assert_snapshot!("partly_done_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("partly_done_160x48", render(&mut app, 160, 48));
}

#[test]
fn help_open() {
    let mut app = seed_app();
    keys(&mut app, &[Key::Char('?')], t0());
    insta::assert_snapshot!("help_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("help_160x48", render(&mut app, 160, 48));
}

#[test]
fn search_active() {
    let mut app = seed_app();
    keys(&mut app, &[Key::Char('/')], t0());
    text(&mut app, "backup", t0());
    insta::assert_snapshot!("search_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("search_160x48", render(&mut app, 160, 48));
}

#[test]
fn live_panels_every_state() {
    let mut app = seed_app();
    with_probes(&mut app);
    insta::assert_snapshot!("probes_160x48", render(&mut app, 160, 48));
    keys(&mut app, &[Key::Tab], t0());
    insta::assert_snapshot!("probes_tab_80x24", render(&mut app, 80, 24));
}

/// The live panels' colours, cell by cell: the light palette never puts yellow text on the
/// (light) background, and marks WARN with a yellow background instead.
#[test]
fn light_palette_reads_on_a_light_background() {
    let mut app = seed_app();
    with_probes(&mut app);
    keys(&mut app, &[Key::Tab], t0());
    app.light = true;
    update(&mut app, Msg::Resize(80, 24));
    let mut screen = HeadlessScreen::new(80, 24);
    frame(&mut app, &mut screen).unwrap();
    let buffer = screen.terminal.backend().buffer().clone();
    for cell in buffer.content() {
        if cell.fg == ratatui::style::Color::Yellow {
            panic!("yellow text on a light background: {cell:?}");
        }
    }
    assert!(
        buffer
            .content()
            .iter()
            .any(|c| c.bg == ratatui::style::Color::Yellow && c.fg == ratatui::style::Color::Black),
        "WARN is marked with a yellow background"
    );
    insta::assert_debug_snapshot!("probes_light_80x24_styles", buffer);
    app.light = false;
    let mut screen = HeadlessScreen::new(80, 24);
    frame(&mut app, &mut screen).unwrap();
    insta::assert_debug_snapshot!(
        "probes_dark_80x24_styles",
        screen.terminal.backend().buffer().clone()
    );
}

#[test]
fn monochrome_ascii_still_reads() {
    let mut app = seed_app();
    app.color = false;
    app.ascii = true;
    partly_done(&mut app);
    insta::assert_snapshot!("ascii_partly_done_80x24", render(&mut app, 80, 24));
}

#[test]
fn probe_detail_and_wide_grid() {
    let mut app = seed_app();
    with_probes(&mut app);
    insta::assert_snapshot!("probes_grid_300x50", render(&mut app, 300, 50));
    keys(&mut app, &[Key::Tab, Key::Down, Key::Enter], t0());
    insta::assert_snapshot!("probe_detail_120x40", render(&mut app, 120, 40));
}

#[test]
fn no_secret_reaches_the_screen() {
    let mut app = seed_app();
    with_probes(&mut app);
    let now = app.now;
    update(
        &mut app,
        Msg::Probe(
            Sample {
                probe: "write_queue".into(),
                at: now,
                latency_ms: None,
                outputs: BTreeMap::new(),
                state: ProbeState::Unknown,
                reason: Some(
                    "error connecting to postgres://app:secret-pw@db.example.com/app: refused"
                        .into(),
                ),
            }
            .into(),
        ),
    );
    for (w, h) in [(80, 24), (160, 48), (300, 50)] {
        let screen = render(&mut app, w, h);
        assert!(!screen.contains("secret-pw"), "{screen}");
    }
    keys(&mut app, &[Key::Tab, Key::Down, Key::Enter], t0());
    let screen = render(&mut app, 160, 48);
    assert!(screen.contains("write_queue"), "{screen}");
    assert!(!screen.contains("secret-pw"), "{screen}");
}

#[test]
fn typed_secrets_are_hidden_on_screen() {
    let mut app = seed_app();
    keys(&mut app, &[Key::Char('i')], t0());
    text(
        &mut app,
        "reached postgres://ops:hunter2-xyz@db.internal/app ok",
        t0(),
    );
    keys(&mut app, &[Key::Enter], t0());
    let screen = render(&mut app, 160, 48);
    assert!(
        screen.contains("postgres://ops:***@db.internal"),
        "{screen}"
    );
    assert!(!screen.contains("hunter2-xyz"), "{screen}");
}
