//! The built-in demo service: a small HTTP server on loopback with `/health` (JSON), `/metrics`
//! (Prometheus text) and a SQLite queue table, so `flightdeck demo` shows every kind of panel and
//! auto-tick without anything installed.
//!
//! It starts healthy with a short queue that drains, and waits: the person breaks it with the demo
//! keys (`controls`) — a failing or hanging health check, an error spike, a full queue — and heals
//! it with `0`.

pub mod controls;
mod server;

pub use controls::{CONTROLS, Control, DemoCommand, Fault, control_for};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Jobs queued when the demo starts: a short queue that drains within seconds.
const START_QUEUE: u64 = 30;
/// Jobs queued while the queue is kept full (CRIT above 200).
const FULL_QUEUE: u64 = 480;
/// Errors per thousand requests, healthy and during a spike (the rollback criterion is 5 %).
const PERMILLE_OK: u64 = 1;
const PERMILLE_SPIKE: u64 = 120;

/// Counters the server reports and the faults the keys switch.
#[derive(Default)]
pub struct DemoWorld {
    pub requests_ok: AtomicU64,
    pub requests_5xx: AtomicU64,
    pub queue: AtomicU64,
    fail_health: AtomicBool,
    error_spike: AtomicBool,
    fill_queue: AtomicBool,
    hang_health: AtomicBool,
}

impl DemoWorld {
    fn flag(&self, fault: Fault) -> &AtomicBool {
        match fault {
            Fault::FailHealth => &self.fail_health,
            Fault::ErrorSpike => &self.error_spike,
            Fault::FillQueue => &self.fill_queue,
            Fault::HangHealth => &self.hang_health,
        }
    }

    pub fn has(&self, fault: Fault) -> bool {
        self.flag(fault).load(Ordering::Relaxed)
    }

    /// Breaks or heals the service; the change is visible to the next request.
    pub fn apply(&self, command: DemoCommand) {
        match command {
            DemoCommand::Break(fault) => {
                self.flag(fault).store(true, Ordering::Relaxed);
                if fault == Fault::FillQueue {
                    self.queue.fetch_max(FULL_QUEUE, Ordering::Relaxed);
                }
            }
            DemoCommand::Heal => {
                for f in [
                    Fault::FailHealth,
                    Fault::ErrorSpike,
                    Fault::FillQueue,
                    Fault::HangHealth,
                ] {
                    self.flag(f).store(false, Ordering::Relaxed);
                }
            }
        }
    }

    /// Errors per thousand requests now.
    pub fn error_permille(&self) -> u64 {
        if self.has(Fault::ErrorSpike) {
            PERMILLE_SPIKE
        } else {
            PERMILLE_OK
        }
    }
}

pub struct DemoService {
    pub addr: std::net::SocketAddr,
    pub db_path: std::path::PathBuf,
    pub world: Arc<DemoWorld>,
}

impl DemoService {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts the server and the service's clock in `dir`; both stop on `cancel`.
pub async fn start(
    dir: &std::path::Path,
    cancel: CancellationToken,
) -> anyhow::Result<DemoService> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let world = Arc::new(DemoWorld::default());
    world.queue.store(START_QUEUE, Ordering::Relaxed);
    let db_path = dir.join("demo-queue.db");
    let pool = demo_db(&db_path).await?;
    tokio::spawn(server::serve_all(listener, world.clone(), cancel.clone()));
    tokio::spawn(service_clock(world.clone(), pool, cancel));
    Ok(DemoService {
        addr,
        db_path,
        world,
    })
}

/// Four times a second: background traffic split by the current error rate, and the queue kept
/// full or drained (and written to the SQLite table the `queue` probe counts).
async fn service_clock(world: Arc<DemoWorld>, pool: sqlx::SqlitePool, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut queue = world.queue.load(Ordering::Relaxed) as f64;
    let mut written = START_QUEUE;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        let permille = world.error_permille();
        let errors = 50 * permille / 1000;
        world.requests_5xx.fetch_add(errors, Ordering::Relaxed);
        world.requests_ok.fetch_add(50 - errors, Ordering::Relaxed);
        queue = queue.max(world.queue.load(Ordering::Relaxed) as f64);
        if world.has(Fault::FillQueue) {
            queue = queue.max(FULL_QUEUE as f64);
        } else {
            // a big queue drains fast (5 % a tick), the last jobs three a second
            queue = (queue - (queue * 0.05).max(0.75)).max(0.0);
        }
        let now = queue.round() as u64;
        world.queue.store(now, Ordering::Relaxed);
        if now != written && sync_jobs(&pool, written, now).await.is_ok() {
            written = now;
        }
    }
}

/// Makes the jobs table hold ids `1..=now` (it held `1..=before`).
async fn sync_jobs(pool: &sqlx::SqlitePool, before: u64, now: u64) -> sqlx::Result<()> {
    if now < before {
        sqlx::query("DELETE FROM jobs WHERE id > ?")
            .bind(now as i64)
            .execute(pool)
            .await?;
    } else {
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?) \
             INSERT OR IGNORE INTO jobs (id, status) SELECT i, 'queued' FROM n",
        )
        .bind(before as i64 + 1)
        .bind(now as i64)
        .execute(pool)
        .await?;
    }
    Ok(())
}

async fn demo_db(path: &std::path::Path) -> anyhow::Result<sqlx::SqlitePool> {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let _ = std::fs::remove_file(path);
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    sqlx::query("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    sync_jobs(&pool, 0, START_QUEUE).await?;
    Ok(pool)
}
