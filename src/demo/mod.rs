//! The built-in demo service: a small HTTP server on loopback with `/health` (JSON), `/metrics`
//! (Prometheus text) and a SQLite queue table that drains, so `flightdeck demo` shows every kind
//! of panel and auto-tick without anything installed.
//!
//! The story it plays: a queue of 240 jobs drains over about a minute; 45 s in, the error rate
//! climbs to ~8 % for half a minute (the rollback trigger fires), then recovers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Shared counters the server reports and the story changes.
#[derive(Default)]
pub struct DemoWorld {
    pub requests_ok: AtomicU64,
    pub requests_5xx: AtomicU64,
    pub queue: AtomicU64,
    /// Errors per thousand requests.
    pub error_permille: AtomicU64,
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

/// Starts the server and the story; both stop on `cancel`.
pub async fn start(
    dir: &std::path::Path,
    cancel: CancellationToken,
) -> anyhow::Result<DemoService> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let world = Arc::new(DemoWorld::default());
    world.queue.store(240, Ordering::Relaxed);
    world.error_permille.store(1, Ordering::Relaxed);
    let db_path = dir.join("demo-queue.db");
    let pool = demo_db(&db_path).await?;

    let w = world.clone();
    let c = cancel.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = c.cancelled() => return,
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        let w = w.clone();
                        tokio::spawn(async move {
                            let _ = serve(stream, &w).await;
                        });
                    }
                }
            }
        }
    });

    let w = world.clone();
    tokio::spawn(async move {
        let started = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tick.tick() => {}
            }
            let t = started.elapsed().as_secs_f64();
            // the queue drains at 4 jobs a second
            let remaining = (240.0 - t * 4.0).max(0.0) as u64;
            w.queue.store(remaining, Ordering::Relaxed);
            let _ = sqlx::query("DELETE FROM jobs WHERE id > ?")
                .bind(remaining as i64)
                .execute(&pool)
                .await;
            let permille = if (45.0..75.0).contains(&t) { 80 } else { 1 };
            w.error_permille.store(permille, Ordering::Relaxed);
            // background traffic: 200 requests a second, split by the current error rate
            let errors = 50 * permille / 1000;
            w.requests_5xx.fetch_add(errors, Ordering::Relaxed);
            w.requests_ok.fetch_add(50 - errors, Ordering::Relaxed);
        }
    });
    Ok(DemoService {
        addr,
        db_path,
        world,
    })
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
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 240) \
         INSERT INTO jobs (id, status) SELECT i, 'queued' FROM n",
    )
    .execute(&pool)
    .await?;
    Ok(pool)
}

async fn serve(mut stream: TcpStream, world: &DemoWorld) -> std::io::Result<()> {
    let mut buf = vec![0u8; 4096];
    let mut used = 0;
    loop {
        let n = stream.read(&mut buf[used..]).await?;
        if n == 0 {
            return Ok(());
        }
        used += n;
        if buf[..used].windows(4).any(|w| w == b"\r\n\r\n") || used == buf.len() {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf[..used]);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, content_type, body) = match path {
        "/health" => {
            let q = world.queue.load(Ordering::Relaxed);
            let permille = world.error_permille.load(Ordering::Relaxed);
            let status = if permille > 50 { "DEGRADED" } else { "UP" };
            (
                "200 OK",
                "application/json",
                format!(r#"{{"status":"{status}","queue":{{"size":{q}}}}}"#),
            )
        }
        "/metrics" => {
            let ok = world.requests_ok.load(Ordering::Relaxed);
            let bad = world.requests_5xx.load(Ordering::Relaxed);
            let q = world.queue.load(Ordering::Relaxed);
            (
                "200 OK",
                "text/plain; version=0.0.4",
                format!(
                    "# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\n\
                     http_requests_total{{code=\"200\"}} {ok}\nhttp_requests_total{{code=\"503\"}} {bad}\n\
                     # HELP demo_queue_size Jobs waiting.\n# TYPE demo_queue_size gauge\ndemo_queue_size {q}\n"
                ),
            )
        }
        _ => ("404 Not Found", "text/plain", "not found\n".to_owned()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
