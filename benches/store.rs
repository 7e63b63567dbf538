//! Journal store figures: append latency (p50/p99) with one writer and with two concurrent
//! writers, and follower latency (append → `subscribe` hears of it), on SQLite and PostgreSQL.
//!
//! `cargo bench --bench store` (add `-- --no-pg` to skip PostgreSQL). SQLite runs on a real file
//! in the temp dir with `synchronous=FULL` (one fsync per append). The PostgreSQL test server
//! runs with `fsync=off`, so its figures are protocol and locking cost, not disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/postgres.rs"]
mod postgres;

use flightdeck::checklist::{Checklist, Item, Phase};
use flightdeck::journal::{EventBody, NewEvent};
use flightdeck::store::Store;
use std::time::{Duration, Instant};

const SINGLE: usize = 400;
const PAIR: usize = 200;
const FOLLOW: usize = 60;

fn checklist() -> Checklist {
    Checklist {
        title: "bench".into(),
        phases: vec![Phase {
            id: "p".into(),
            name: "P".into(),
            items: vec![Item {
                id: "a".into(),
                text: "A".into(),
                ..Item::default()
            }],
            ..Phase::default()
        }],
        ..Checklist::default()
    }
}

fn event(actor: &str, i: usize) -> NewEvent {
    NewEvent::on_item(actor, "a", Some("A"), EventBody::note(format!("note {i}")))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn line(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what:<44} n={:<4} p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        samples.len(),
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 99.0)),
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
    );
}

async fn appends(store: &Store, session: &str, actor: &str, n: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        store.append(session, event(actor, i)).await.unwrap();
        out.push(t.elapsed());
    }
    out
}

async fn run(label: &str, url: &str) {
    let a = Store::open(url).await.unwrap();
    let b = Store::open(url).await.unwrap();
    a.open_session("bench", &checklist(), None, "bench")
        .await
        .unwrap();
    // Warm-up: first statements prepare and the pool connects.
    appends(&a, "bench", "warm", 20).await;
    appends(&b, "bench", "warm", 20).await;

    line(
        &format!("{label} append, one writer"),
        appends(&a, "bench", "one", SINGLE).await,
    );

    // Two writers, each its own Store (own pool, no shared in-process lock): like two processes.
    let (sa, sb) = (a.clone(), b.clone());
    let ta = tokio::spawn(async move { appends(&sa, "bench", "w1", PAIR).await });
    let tb = tokio::spawn(async move { appends(&sb, "bench", "w2", PAIR).await });
    let mut both = ta.await.unwrap();
    both.extend(tb.await.unwrap());
    line(&format!("{label} append, two concurrent writers"), both);

    // Follower: b appends, a's subscription hears of it.
    let mut news = a
        .subscribe("bench", a.last_seq("bench").await.unwrap())
        .await
        .unwrap();
    let mut lags = Vec::with_capacity(FOLLOW);
    for i in 0..FOLLOW {
        let t = Instant::now();
        let e = b.append("bench", event("follow", i)).await.unwrap();
        loop {
            let seq = tokio::time::timeout(Duration::from_secs(5), news.recv())
                .await
                .expect("follower hears within 5 s")
                .unwrap();
            if seq >= e.seq {
                break;
            }
        }
        lags.push(t.elapsed());
        // Spread the samples over the poll period.
        tokio::time::sleep(Duration::from_millis(37)).await;
    }
    line(&format!("{label} append → follower notified"), lags);
    a.close().await;
    b.close().await;
}

fn main() {
    let skip_pg = std::env::args().any(|a| a == "--no-pg");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    rt.block_on(run("sqlite", &url));
    if !skip_pg {
        let pg = postgres::PgServer::start();
        let url = pg.create_db("bench");
        rt.block_on(run("postgres", &url));
    }
}
