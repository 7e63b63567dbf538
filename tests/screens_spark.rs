//! Sparklines over time buckets: the Live panel says the span it covers, one cell per closed
//! bucket, a cell changes only when its bucket closes, a bad bucket shows its bad reading in the
//! state's colour, and a bucket of timeouts shows `×`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/tiny_app.rs"]
mod tiny_app;

use chrono::{DateTime, Duration, TimeZone, Utc};
use flightdeck::app::{App, Msg, update};
use flightdeck::condition::Value;
use flightdeck::probes::{ProbeState, Sample};
use flightdeck::runtime::{HeadlessScreen, frame};

/// One second past a minute: the 30 s bucket holding it is still open.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 1).unwrap()
}

fn app() -> App {
    app_polling_every("1s")
}

fn app_polling_every(interval: &str) -> App {
    let mut app = tiny_app::one_item_app(t0());
    let config = r#"
[[probe]]
name = "api"
kind = "http"
url = "http://127.0.0.1:9/health"
interval = "INTERVAL"
[[probe]]
name = "errors"
kind = "metrics"
url = "http://127.0.0.1:9/metrics"
query = "ratio(a, b)"
interval = "INTERVAL"
unit = "%"
crit = "value > 5%"
"#
    .replace("INTERVAL", interval);
    let probes = probe_spec::all(&config);
    app.set_probes(&probes);
    app
}

/// A poll of `probe`; api's sparkline follows its latency (`value`), its panel shows status 200.
fn sample(probe: &str, at: DateTime<Utc>, value: Option<f64>, state: ProbeState) -> Sample {
    let outputs = match (probe, value) {
        (_, None) => Default::default(),
        ("api", Some(v)) => [
            ("status".to_owned(), Value::Number(200.0)),
            ("latency".to_owned(), Value::Number(v)),
        ]
        .into_iter()
        .collect(),
        (_, Some(v)) => [("value".to_owned(), Value::Number(v))]
            .into_iter()
            .collect(),
    };
    Sample {
        probe: probe.into(),
        at,
        latency_ms: value.map(|_| 3.0),
        outputs,
        state,
        reason: value.is_none().then(|| "timeout after 1s".to_owned()),
    }
}

/// Both probes polled every second at `at`: api answers in 20–80 ms (a timeout from 3:00 to 3:05 in),
/// the error ratio rises to 9 % (CRIT) from 2:00 to 2:20 in.
fn poll(app: &mut App, at: DateTime<Utc>, start: DateTime<Utc>) {
    let s = (at - start).num_seconds();
    let api = if (180..185).contains(&s) {
        sample("api", at, None, ProbeState::Crit)
    } else {
        sample("api", at, Some(20.0 + (s % 60) as f64), ProbeState::Ok)
    };
    let errors = if (120..140).contains(&s) {
        sample("errors", at, Some(0.09), ProbeState::Crit)
    } else {
        sample("errors", at, Some(0.001 * (s % 7) as f64), ProbeState::Ok)
    };
    update(app, Msg::Clock(at));
    update(app, Msg::Probe(api.into()));
    update(app, Msg::Probe(errors.into()));
}

fn screen(app: &mut App) -> HeadlessScreen {
    update(app, Msg::Resize(100, 16));
    let mut screen = HeadlessScreen::new(100, 16);
    frame(app, &mut screen).unwrap();
    screen
}

/// The Live panel's probe lines.
fn live_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains(" api ") || l.contains(" errors "))
        .map(|l| l.split('│').nth(1).unwrap_or(l).to_owned())
        .collect()
}

#[test]
fn four_minutes_in_thirty_second_cells() {
    let mut app = app();
    let start = t0() - Duration::seconds(240);
    for s in 0..=240 {
        poll(&mut app, start + Duration::seconds(s), start);
    }
    let shown = screen(&mut app);
    let text = shown.text();
    insta::assert_snapshot!("spark_4m_100x16", text);
    // the panel says the span: four minutes of history fit 10 cells of 30 s
    assert!(text.contains("Live 2● · last 5m"), "{text}");
    // the spike's bucket is drawn in the CRIT colour; the timeout bucket is `×`
    let buffer = shown.terminal.backend().buffer().clone();
    let row = |name: &str| {
        (0..16u16)
            .find(|y| {
                (0..100u16)
                    .map(|x| buffer[(x, *y)].symbol().to_owned())
                    .collect::<String>()
                    .contains(&format!(" {name} "))
            })
            .unwrap()
    };
    let cells = |y: u16| -> Vec<(String, ratatui::style::Color)> {
        (0..100u16)
            .map(|x| &buffer[(x, y)])
            .filter(|c| "▁▂▃▄▅▆▇█×".contains(c.symbol()))
            .map(|c| (c.symbol().to_owned(), c.fg))
            .collect()
    };
    let errors = cells(row("errors"));
    assert!(
        errors
            .iter()
            .any(|(s, fg)| s == "█" && *fg == ratatui::style::Color::Red),
        "the spike is the tallest cell, in red: {errors:?}"
    );
    let api = cells(row("api"));
    assert!(
        api.iter()
            .any(|(s, fg)| s == "×" && *fg == ratatui::style::Color::Red),
        "the timeouts' bucket is a red ×: {api:?}"
    );
}

#[test]
fn a_cell_changes_only_when_its_bucket_closes() {
    let mut app = app();
    let start = t0() - Duration::seconds(240);
    for s in 0..=240 {
        poll(&mut app, start + Duration::seconds(s), start);
    }
    let before = live_lines(&screen(&mut app).text());
    // 28 more seconds of polls (a spike among them) land in the open bucket: nothing moves
    for s in 241..=268 {
        poll(&mut app, start + Duration::seconds(s), start);
    }
    assert_eq!(live_lines(&screen(&mut app).text()), before);
    // 09:00:30: the bucket closes and its cell appears
    poll(&mut app, start + Duration::seconds(269), start);
    let after = live_lines(&screen(&mut app).text());
    assert_ne!(after, before);
    insta::assert_snapshot!("spark_bucket_closed", after.join("\n"));
}

/// A 30 s probe in 30 s cells whose poll times jitter: two polls land in one bucket and none in
/// the next. The empty bucket carries its neighbour on instead of drawing a hole; an outage (no
/// polls for several buckets) carries one bucket on and then shows blank.
#[test]
fn a_jittered_poll_leaves_no_hole_but_an_outage_does() {
    let mut app = app_polling_every("30s");
    // five minutes of history: ten cells of 30 s, 08:55:00 to 09:00:00
    let start = t0() - Duration::seconds(300);
    for k in 0..=10 {
        let at = match k {
            // poll 3 comes early, into poll 2's bucket
            3 => start + Duration::milliseconds(59_500),
            // no polls at all for 6, 7 and 8
            6..=8 => continue,
            _ => start + Duration::seconds(30 * k),
        };
        update(&mut app, Msg::Clock(at));
        update(
            &mut app,
            Msg::Probe(sample("api", at, Some(40.0), ProbeState::Ok).into()),
        );
    }
    update(&mut app, Msg::Clock(t0()));
    let text = screen(&mut app).text();
    let line = live_lines(&text)
        .into_iter()
        .find(|l| l.contains(" api "))
        .unwrap();
    assert!(text.contains("last 5m"), "{text}");
    let cells = line.split_once(" ms ").unwrap().1;
    // buckets 0-5 (3 carried from 2), 6 carried from 5, 7 and 8 blank, 9 polled
    assert_eq!(
        cells.trim_start().chars().take(10).collect::<String>(),
        "▁▁▁▁▁▁▁  ▁",
        "{line}"
    );
}
