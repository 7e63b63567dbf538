//! A real Prometheus for tests: `prometheus` on a free loopback port, scraping the given targets
//! every second, data in a temp dir, killed on drop.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PromServer {
    pub port: u16,
    child: Option<Child>,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

impl PromServer {
    /// Starts Prometheus scraping `targets` (their `/metrics`) every second; waits until ready.
    pub fn start(targets: &[SocketAddr]) -> PromServer {
        let dir = tempfile::Builder::new()
            .prefix("flightdeck-prom-")
            .tempdir()
            .expect("temp dir");
        let list: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [{}]\n",
            list.join(", ")
        );
        std::fs::write(dir.path().join("prometheus.yml"), config).expect("write prometheus.yml");
        let mut server = PromServer {
            port: free_port(),
            child: None,
            dir,
        };
        server.start_again();
        server
    }

    /// Starts Prometheus (again, after `stop`) on the same port, config and data; waits until
    /// ready.
    pub fn start_again(&mut self) {
        let (dir, port) = (self.dir.path(), self.port);
        let config_path = dir.join("prometheus.yml");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "prometheus not found: install the Debian package `prometheus` \
                 (apt-get install -y prometheus)"
            ),
            Err(e) => panic!("cannot start prometheus: {e}"),
        };
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.get("/-/ready").0 != 200 {
            assert!(Instant::now() < deadline, "prometheus did not become ready");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Kills Prometheus (like a crash); `start_again` brings it back.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Its pid while it runs (to SIGSTOP it).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A plain blocking GET: (status, body); status 0 when nothing answers.
    pub fn get(&self, path: &str) -> (u16, String) {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return (0, String::new());
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        if stream.write_all(request.as_bytes()).is_err() {
            return (0, String::new());
        }
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for PromServer {
    fn drop(&mut self) {
        self.stop();
    }
}
