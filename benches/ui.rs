//! UI speed: key press to finished frame (update + render into a test backend) on a 1,000-item
//! checklist with 200 live probes (an hour of history each), and start to first frame on the largest
//! seed checklist. Prints figures and `BENCH` lines; run with `cargo bench --bench ui`.

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

/// Prints the figures; returns (p50, p99).
fn report(name: &str, mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    println!(
        "{name}: n={} median={:?} p99={:?} max={:?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
    (percentile(&samples, 0.5), percentile(&samples, 0.99))
}

fn key_to_frame() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 1, 0, 0)
        .single()
        .unwrap_or_default();
    let mut app = App::new(big_checklist(1000), meta(), now);
    live_probes(&mut app, 200, now);
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
    let (p50, p99) = report(
        "key (move) to frame, 1000 items, 200 live probes, 160x48",
        moves,
    );
    println!("BENCH\tkey_frame.p50_ms\t{:.4}", p50.as_secs_f64() * 1000.0);
    println!("BENCH\tkey_frame.p99_ms\t{:.4}", p99.as_secs_f64() * 1000.0);
    report(
        "key (tick + commit) to frame, 1000 items, 200 live probes, 160x48",
        ticks,
    );
}

/// `count` http probes, each with a full hour of samples at 1 s (so the sparklines have history
/// to bucket), the last one at `now`.
fn live_probes(app: &mut App, count: usize, now: chrono::DateTime<Utc>) {
    use flightdeck::condition::Value;
    use flightdeck::probes::{ProbeState, Sample};
    let text: String = (0..count)
        .map(|i| {
            format!(
                "[[probe]]\nname = \"p{i}\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/\"\ninterval = \"1s\"\n\n"
            )
        })
        .collect();
    let Ok(config) = flightdeck::config::parse_str(
        std::path::Path::new("bench.toml"),
        &text,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    ) else {
        return;
    };
    app.set_probes(&config.probes);
    for p in 0..count {
        for s in (0..3600).rev() {
            let sample = Sample {
                probe: format!("p{p}"),
                at: now - chrono::Duration::seconds(s),
                latency_ms: Some(1.0 + (s % 17) as f64),
                outputs: [
                    ("status".to_owned(), Value::Number(200.0)),
                    ("latency".to_owned(), Value::Number(1.0 + (s % 17) as f64)),
                ]
                .into_iter()
                .collect(),
                state: if (p + s as usize).is_multiple_of(97) {
                    ProbeState::Warn
                } else {
                    ProbeState::Ok
                },
                reason: None,
            };
            update(app, Msg::Probe(sample.into()));
        }
    }
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
    let _ = report(
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
