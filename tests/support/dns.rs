//! A real DNS server for tests: Debian's `dnsmasq` on a free loopback port, answering A records
//! from a hosts file (reloaded on `switch`), CNAME, TXT and MX records, and NXDOMAIN for any
//! other name under `test.`; killed on drop.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct DnsServer {
    pub port: u16,
    child: Child,
    hosts: PathBuf,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    // dnsmasq takes the same port for UDP and TCP: find one free for both
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("no free loopback port");
        let port = udp.local_addr().expect("local addr").port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl DnsServer {
    /// `hosts` lines like `10.1.2.3 api.test`; also `www.test` CNAME `api.test`, a TXT at
    /// `txt.test` and an MX at `mail.test`.
    pub fn start(hosts: &str) -> DnsServer {
        let dir = tempfile::Builder::new()
            .prefix("flightdeck-dns-")
            .tempdir()
            .expect("temp dir");
        let hosts_file = dir.path().join("hosts");
        std::fs::write(&hosts_file, hosts).expect("write hosts");
        let port = free_port();
        // root's PATH has /usr/sbin; a CI environment's may not
        let program = if std::path::Path::new("/usr/sbin/dnsmasq").exists() {
            "/usr/sbin/dnsmasq"
        } else {
            "dnsmasq"
        };
        let child = Command::new(program)
            .args([
                "--keep-in-foreground",
                "--no-resolv",
                "--no-hosts",
                "--bind-interfaces",
                "--listen-address=127.0.0.1",
                "--user=root",
                "--pid-file=",
                "--local=/test/",
                "--cname=www.test,api.test",
                "--txt-record=txt.test,v=spf1 -all",
                "--mx-host=mail.test,mx1.test,10",
                "--log-facility=/dev/null",
            ])
            .arg(format!("--port={port}"))
            .arg(format!("--addn-hosts={}", hosts_file.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("dnsmasq not found ({e}): install the Debian package `dnsmasq-base`")
            });
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "dnsmasq did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
        DnsServer {
            port,
            child,
            hosts: hosts_file,
            _dir: dir,
        }
    }

    /// Rewrites the hosts file and has dnsmasq read it again (SIGHUP): a DNS cut-over.
    pub fn switch(&self, hosts: &str) {
        std::fs::write(&self.hosts, hosts).expect("write hosts");
        let status = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .expect("kill -HUP");
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(200));
    }

    pub fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
