//! Renders a checklist into a test backend and prints it: `cargo run --example peek -- FILE [W H]`.
use chrono::{TimeZone, Utc};
use flightdeck::app::{App, Msg, SessionMeta, update};
use ratatui::{Terminal, backend::TestBackend};
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let cl = match flightdeck::checklist::load(std::path::Path::new(&path)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 1, 42, 13)
        .single()
        .unwrap_or_default();
    let meta = SessionMeta {
        session: "s".into(),
        actor: "alice@bastion".into(),
        env: Some("production".into()),
        read_only: false,
    };
    let mut app = App::new(cl, meta, now);
    let w: u16 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let h: u16 = std::env::args()
        .nth(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    update(&mut app, Msg::Resize(w, h));
    let Ok(mut t) = Terminal::new(TestBackend::new(w, h));
    let _ = t.draw(|f| {
        flightdeck::view::draw(f, &app);
    });
    println!("{}", t.backend());
}
