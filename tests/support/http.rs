//! In-process HTTP servers for tests: a routed server (hyper) whose handler is a closure, a server
//! that accepts connections and never answers, a free port nobody listens on, and a `/metrics`
//! page whose counters move at a known 5xx ratio.
#![allow(dead_code)]

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the handler sees of a request.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the handler answers.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
}

impl Resp {
    pub fn new(status: u16, body: impl Into<Bytes>) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: None,
        }
    }

    pub fn json(status: u16, body: &str) -> Resp {
        Resp::new(status, body.to_string()).header("content-type", "application/json")
    }

    pub fn header(mut self, name: &str, value: &str) -> Resp {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, d: Duration) -> Resp {
        self.delay = Some(d);
        self
    }
}

pub type Handler = Arc<dyn Fn(&Req) -> Resp + Send + Sync>;

/// A server on a free loopback port; stops accepting when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    accept: JoinHandle<()>,
    pub requests: Arc<AtomicU64>,
}

impl TestServer {
    /// Starts serving `handler` (must be called inside a tokio runtime).
    pub async fn start(handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> TestServer {
        let handler: Handler = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(AtomicU64::new(0));
        let counter = requests.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let handler = handler.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let handler = handler.clone();
                        let counter = counter.clone();
                        async move {
                            use http_body_util::BodyExt;
                            counter.fetch_add(1, Ordering::Relaxed);
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes().to_vec())
                                .unwrap_or_default();
                            let r = Req {
                                method: parts.method.to_string(),
                                path: parts.uri.path().to_string(),
                                query: parts.uri.query().unwrap_or("").to_string(),
                                headers: parts
                                    .headers
                                    .iter()
                                    .map(|(k, v)| {
                                        (
                                            k.to_string(),
                                            String::from_utf8_lossy(v.as_bytes()).into(),
                                        )
                                    })
                                    .collect(),
                                body,
                            };
                            let resp = handler(&r);
                            if let Some(d) = resp.delay {
                                tokio::time::sleep(d).await;
                            }
                            let mut builder = hyper::Response::builder().status(resp.status);
                            for (k, v) in &resp.headers {
                                builder = builder.header(k, v);
                            }
                            Ok::<_, std::convert::Infallible>(
                                builder.body(Full::new(resp.body)).expect("response"),
                            )
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        TestServer {
            addr,
            accept,
            requests,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Accepts connections and never answers (keeps them open), like a hung backend.
pub struct HangServer {
    pub addr: SocketAddr,
    accept: JoinHandle<()>,
}

impl HangServer {
    pub async fn start() -> HangServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let accept = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        HangServer { addr, accept }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for HangServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A loopback port with nothing listening (connection refused).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Counters of a service whose 5xx ratio is exactly `ERRORS_PER_STEP / REQUESTS_PER_STEP`:
/// every `step` (one per scrape) adds that many requests, spread over a few codes.
pub struct ErrorRateMetrics {
    state: Mutex<[u64; 4]>,
}

/// Requests per step by code: 200, 404, 500, 503.
pub const STEP: [u64; 4] = [900, 63, 25, 12];
pub const REQUESTS_PER_STEP: u64 = 1000;
pub const ERRORS_PER_STEP: u64 = 37;

impl ErrorRateMetrics {
    pub fn new() -> Arc<ErrorRateMetrics> {
        Arc::new(ErrorRateMetrics {
            state: Mutex::new([5000, 100, 40, 3]),
        })
    }

    /// The process restarted: every counter starts again from zero.
    pub fn reset(&self) {
        *self.state.lock().expect("lock") = [0; 4];
    }

    /// Advances the counters by one step and renders the page.
    pub fn scrape(&self) -> String {
        let mut s = self.state.lock().expect("lock");
        for (v, add) in s.iter_mut().zip(STEP) {
            *v += add;
        }
        format!(
            "# HELP http_requests_total Requests served.\n\
             # TYPE http_requests_total counter\n\
             http_requests_total{{code=\"200\",path=\"/api\"}} {}\n\
             http_requests_total{{code=\"404\",path=\"/api\"}} {}\n\
             http_requests_total{{code=\"500\",path=\"/api\"}} {}\n\
             http_requests_total{{code=\"503\",path=\"/api\"}} {}\n\
             # TYPE queue_depth gauge\n\
             queue_depth{{queue=\"mail\"}} 7\n\
             queue_depth{{queue=\"sms\"}} 5\n",
            s[0], s[1], s[2], s[3]
        )
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("openssl not runnable ({e}): install the Debian package `openssl`")
        });
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A private CA and a leaf for 127.0.0.1 signed by it: (ca.pem path, leaf DER, leaf key DER).
pub fn make_certs(dir: &Path) -> (PathBuf, Vec<u8>, Vec<u8>) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=flightdeck test CA",
        "-days",
        "2",
    ]);
    openssl(dir, &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    openssl(
        dir,
        &[
            "x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            "leaf.key",
            "-outform",
            "DER",
            "-out",
            "leaf.key.der",
        ],
    );
    (
        dir.join("ca.pem"),
        std::fs::read(dir.join("leaf.der")).unwrap(),
        std::fs::read(dir.join("leaf.key.der")).unwrap(),
    )
}
