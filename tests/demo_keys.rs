//! The demo's keys exist only in the demo: outside it `0`–`4` do nothing; inside it each becomes
//! an `Effect::Demo` (update stays pure), the strip's faults follow, and the first key hides the
//! first-run hint. The service side: each command changes what `/health` and `/metrics` answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/tiny_app.rs"]
mod tiny_app;

use chrono::{TimeZone, Utc};
use flightdeck::app::demo::DemoState;
use flightdeck::app::{App, Effect, Key, Mode, Msg, update};
use flightdeck::demo::{DemoCommand, Fault};

fn app() -> App {
    tiny_app::one_item_app(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap())
}

#[test]
fn outside_the_demo_the_digits_do_nothing() {
    let mut a = app();
    for c in ['0', '1', '2', '3', '4'] {
        assert!(update(&mut a, Msg::Key(Key::Char(c))).is_empty());
    }
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn demo_keys_become_effects_and_mark_the_strip() {
    let mut a = app();
    a.demo = Some(DemoState::new());
    // Esc only hides the hint
    assert!(update(&mut a, Msg::Key(Key::Esc)).is_empty());
    assert!(!a.demo.as_ref().unwrap().hint);
    let fx = update(&mut a, Msg::Key(Key::Char('1')));
    assert_eq!(
        fx,
        vec![Effect::Demo(DemoCommand::Break(Fault::FailHealth))]
    );
    let fx = update(&mut a, Msg::Key(Key::Char('4')));
    assert_eq!(
        fx,
        vec![Effect::Demo(DemoCommand::Break(Fault::HangHealth))]
    );
    let faults: Vec<Fault> = a.demo.as_ref().unwrap().faults.iter().copied().collect();
    assert_eq!(faults, vec![Fault::FailHealth, Fault::HangHealth]);
    // the footer says what the cockpit will do about it
    assert!(a.flash.as_ref().unwrap().text.contains("timeout"));
    let fx = update(&mut a, Msg::Key(Key::Char('0')));
    assert_eq!(fx, vec![Effect::Demo(DemoCommand::Heal)]);
    assert!(a.demo.as_ref().unwrap().faults.is_empty());
}

#[test]
fn the_first_key_hides_the_hint_and_still_acts() {
    let mut a = app();
    a.demo = Some(DemoState::new());
    update(&mut a, Msg::Key(Key::Char('?')));
    assert_eq!(a.mode, Mode::Help);
    assert!(!a.demo.as_ref().unwrap().hint);
}

#[test]
fn while_typing_a_digit_is_text() {
    let mut a = app();
    a.demo = Some(DemoState::new());
    update(&mut a, Msg::Key(Key::Char('i')));
    assert!(update(&mut a, Msg::Key(Key::Char('1'))).is_empty());
    match &a.mode {
        Mode::Input { buffer, .. } => assert_eq!(buffer, "1"),
        other => panic!("expected the note prompt, got {other:?}"),
    }
}

#[tokio::test]
async fn the_service_answers_as_the_faults_say() {
    let dir = tempfile::tempdir().unwrap();
    let cancel = tokio_util::sync::CancellationToken::new();
    let service = flightdeck::demo::start(dir.path(), cancel.clone())
        .await
        .unwrap();
    let get = |path: &str| {
        let url = format!("{}{path}", service.base_url());
        async move {
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_millis(500))
                .build()
                .unwrap();
            match client.get(url).send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    (status, r.text().await.unwrap_or_default())
                }
                Err(e) if e.is_timeout() => (0, "timeout".to_owned()),
                Err(e) => panic!("{e}"),
            }
        }
    };
    let (status, body) = get("/health").await;
    assert_eq!(status, 200);
    assert!(body.contains(r#""status":"UP""#), "{body}");
    service.world.apply(DemoCommand::Break(Fault::FailHealth));
    assert_eq!(get("/health").await.0, 503);
    service.world.apply(DemoCommand::Break(Fault::HangHealth));
    assert_eq!(get("/health").await, (0, "timeout".to_owned()));
    service.world.apply(DemoCommand::Heal);
    assert_eq!(get("/health").await.0, 200);
    service.world.apply(DemoCommand::Break(Fault::FillQueue));
    let (_, metrics) = get("/metrics").await;
    assert!(metrics.contains("demo_queue_size 480"), "{metrics}");
    service.world.apply(DemoCommand::Break(Fault::ErrorSpike));
    assert!(get("/health").await.1.contains("DEGRADED"));
    assert_eq!(service.world.error_permille(), 120);
    cancel.cancel();
}
