//! The demo service's HTTP side: `/health` and `/metrics`, answering as the faults say.

use super::{DemoWorld, Fault};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Accepts connections until `cancel`; each is answered on its own task.
pub async fn serve_all(listener: TcpListener, world: Arc<DemoWorld>, cancel: CancellationToken) {
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let world = world.clone();
                    let cancel = cancel.clone();
                    tokio::spawn(async move {
                        let _ = serve(stream, &world, &cancel).await;
                    });
                }
            }
        }
    }
}

async fn serve(
    mut stream: TcpStream,
    world: &DemoWorld,
    cancel: &CancellationToken,
) -> std::io::Result<()> {
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
    if path == "/health" {
        // a hung health endpoint holds the connection open, answering nothing, until healed
        while world.has(Fault::HangHealth) {
            tokio::select! {
                _ = cancel.cancelled() => return Ok(()),
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    }
    let (status, content_type, body) = match path {
        "/health" => health(world),
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

/// `/health`: 503 DOWN when failed, DEGRADED while errors spike, else UP; the queue size always.
fn health(world: &DemoWorld) -> (&'static str, &'static str, String) {
    let q = world.queue.load(Ordering::Relaxed);
    let (status, word) = if world.has(Fault::FailHealth) {
        ("503 Service Unavailable", "DOWN")
    } else if world.has(Fault::ErrorSpike) {
        ("200 OK", "DEGRADED")
    } else {
        ("200 OK", "UP")
    };
    (
        status,
        "application/json",
        format!(r#"{{"status":"{word}","queue":{{"size":{q}}}}}"#),
    )
}
