//! UI speed: key press to finished frame (update + render into a test backend) on a 1,000-item
//! checklist, and start to first frame on the largest seed checklist. Prints figures; run with
//! `cargo bench --bench ui`.

use chrono::{TimeZone, Utc};
use flightdeck::app::{App, Effect, Key, Msg, SessionMeta, update};
use flightdeck::checklist::{Checklist, Item, Phase};
use flightdeck::store::Event;
use ratatui::{Terminal, backend::TestBackend};
use std::time::{Duration, Instant};

fn big_checklist(items: usize) -> Checklist {
    let per_phase = 50;
    let phases = (0..items / per_phase)
        .map(|p| Phase {
            id: format!("phase-{p}"),
            name: format!("Phase {p}: step with a reasonably long name"),
            items: (0..per_phase)
                .map(|i| Item {
                    id: format!("item-{p}-{i}"),
                    text: format!("Verify component {i} of phase {p} is healthy and reporting"),
                    group: Some(format!("Group {}", i / 10)),
                    ..Item::default()
                })
                .collect(),
            ..Phase::default()
        })
        .collect();
    Checklist {
        title: "Benchmark window".into(),
        phases,
        ..Checklist::default()
    }
}

fn meta() -> SessionMeta {
    SessionMeta {
        session: "bench".into(),
        actor: "bench@host".into(),
        env: None,
        read_only: false,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} median={:?} p99={:?} max={:?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

fn key_to_frame() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 1, 0, 0)
        .single()
        .unwrap_or_default();
    let mut app = App::new(big_checklist(1000), meta(), now);
    let (w, h) = (160, 48);
    update(&mut app, Msg::Resize(w, h));
    let Ok(mut term) = Terminal::new(TestBackend::new(w, h));
    let _ = term.draw(|f| {
        flightdeck::view::draw(f, &app);
    });
    let mut moves = Vec::new();
    let mut ticks = Vec::new();
    let mut seq = 0;
    for round in 0..2000 {
        let key = if (round / 400) % 2 == 0 {
            Key::Down
        } else {
            Key::Up
        };
        let start = Instant::now();
        update(&mut app, Msg::Key(key));
        let _ = term.draw(|f| {
            flightdeck::view::draw(f, &app);
        });
        moves.push(start.elapsed());

        // a tick: the key, then the journal's committed event, then the frame
        let start = Instant::now();
        let fx = update(&mut app, Msg::Key(Key::Char(' ')));
        let events: Vec<Event> = fx
            .into_iter()
            .filter_map(|e| match e {
                Effect::Append(ev) => {
                    seq += 1;
                    Some(ev.committed("bench", seq, now))
                }
                _ => None,
            })
            .collect();
        let acked = events.len();
        update(&mut app, Msg::Journaled { events, acked });
        let _ = term.draw(|f| {
            flightdeck::view::draw(f, &app);
        });
        ticks.push(start.elapsed());
    }
    report("key (move) to frame, 1000 items, 160x48", moves);
    report("key (tick + commit) to frame, 1000 items, 160x48", ticks);
}

fn start_to_first_frame() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = [
        dir.join("../shared/seeds"),
        dir.join("tests/fixtures/seeds"),
    ];
    let Some(largest) = seeds
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .flatten()
        .map(|e| e.path())
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
    else {
        println!("start to first frame: no seed checklist found");
        return;
    };
    let mut samples = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        let Ok(checklist) = flightdeck::checklist::load(&largest) else {
            println!("start to first frame: {} did not load", largest.display());
            return;
        };
        let mut app = App::new(checklist, meta(), Utc::now());
        update(&mut app, Msg::Resize(120, 40));
        let Ok(mut term) = Terminal::new(TestBackend::new(120, 40));
        let _ = term.draw(|f| {
            flightdeck::view::draw(f, &app);
        });
        samples.push(start.elapsed());
    }
    report(
        &format!(
            "start to first frame ({}, import + fold + render)",
            largest.display()
        ),
        samples,
    );
}

fn main() {
    key_to_frame();
    start_to_first_frame();
}
