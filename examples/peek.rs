use chrono::{TimeZone, Utc};
use flightdeck::app::{App, Msg, SessionMeta, update};
use ratatui::{Terminal, backend::TestBackend};
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let cl: flightdeck::checklist::Checklist = toml::from_str(&text).unwrap_or_default();
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 1, 42, 13)
        .single()
        .unwrap_or_default();
    let mut app = App::new(
        cl,
        SessionMeta {
            session: "s".into(),
            actor: "alice@bastion".into(),
            env: Some("production".into()),
            read_only: false,
        },
        now,
    );
    let w: u16 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let h: u16 = std::env::args()
        .nth(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    update(&mut app, Msg::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|_| std::process::exit(1));
    let _ = t.draw(|f| flightdeck::view::draw(f, &app));
    println!("{}", t.backend());
}
