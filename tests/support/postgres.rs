//! A real PostgreSQL server for tests: `initdb` into a temp dir, started on a free loopback port,
//! stopped (and its files removed) on drop. Runs as the `postgres` user when we are root.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct PgServer {
    pub port: u16,
    dir: tempfile::TempDir,
    bin: PathBuf,
}

fn pg_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BIN_DIR") {
        return PathBuf::from(dir);
    }
    for version in ["17", "16", "15", "14", "13"] {
        let dir = PathBuf::from(format!("/usr/lib/postgresql/{version}/bin"));
        if dir.join("postgres").exists() {
            return dir;
        }
    }
    panic!(
        "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin): \
         install the Debian package `postgresql` (apt-get install -y postgresql) or set PG_BIN_DIR"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a PostgreSQL tool, as `postgres` when we are root (PostgreSQL refuses to run as root).
fn pg_command(bin: &Path, tool: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

impl PgServer {
    pub fn start() -> PgServer {
        let bin = pg_bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("flightdeck-pg-")
            .tempdir()
            .expect("temp dir");
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown of the PostgreSQL temp dir failed");
        }
        let data = dir.path().join("data");
        let out = pg_command(&bin, "initdb")
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let server = PgServer {
            port: free_port(),
            dir,
            bin,
        };
        server.start_again();
        server
    }

    /// Starts the server (again, after `stop`), on the same port and data.
    pub fn start_again(&self) {
        let data = self.dir.path().join("data");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let out = pg_command(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(self.dir.path().join("log"))
            .args(["-w", "-t", "30", "start"])
            .output()
            .expect("run pg_ctl start");
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Turns TLS on with this certificate and key (PEM) and restarts the server, for STARTTLS
    /// (PostgreSQL's SSLRequest) against it.
    pub fn enable_tls(&self, cert: &Path, key: &Path) {
        let data = self.dir.path().join("data");
        std::fs::copy(cert, data.join("server.crt")).expect("copy the certificate");
        std::fs::copy(key, data.join("server.key")).expect("copy the key");
        let mut conf = std::fs::read_to_string(data.join("postgresql.conf")).expect("read conf");
        conf.push_str("\nssl = on\n");
        std::fs::write(data.join("postgresql.conf"), conf).expect("write conf");
        let mut fix = vec![Command::new("chmod")];
        fix[0].arg("600").arg(data.join("server.key"));
        if is_root() {
            let mut chown = Command::new("chown");
            chown
                .arg("postgres:postgres")
                .arg(data.join("server.crt"))
                .arg(data.join("server.key"));
            fix.push(chown);
        }
        for mut c in fix {
            assert!(c.status().expect("chmod/chown").success());
        }
        self.stop();
        self.start_again();
    }

    /// Stops the server immediately (connections are cut), keeping its data.
    pub fn stop(&self) {
        let _ = pg_command(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }

    /// The server's processes: the postmaster (from `postmaster.pid`) and every backend and
    /// helper it started — to freeze (SIGSTOP) the whole server, not only its listener.
    pub fn pids(&self) -> Vec<u32> {
        let file = self.dir.path().join("data").join("postmaster.pid");
        let text = std::fs::read_to_string(file).expect("postmaster.pid: is the server running?");
        let main: u32 = text
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
            .expect("the postmaster's pid");
        let out = Command::new("pgrep")
            .args(["-P", &main.to_string()])
            .output()
            .expect("pgrep");
        let mut pids = vec![main];
        pids.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.trim().parse::<u32>().ok()),
        );
        pids
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates a database and returns its URL.
    pub fn create_db(&self, name: &str) -> String {
        let out = pg_command(&self.bin, "createdb")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                name,
            ])
            .output()
            .expect("run createdb");
        assert!(
            out.status.success(),
            "createdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs SQL through psql and returns its unaligned output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                db,
            ])
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}
