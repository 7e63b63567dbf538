//! Certificates made by the real `openssl` for tests: a private CA, leaves it signs (valid for a
//! number of days, or already expired, with the names asked for), and a self-signed leaf; and a
//! TLS server on loopback that presents one of them.
#![allow(dead_code)]

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::{BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// A folder of certificates made with openssl; removed on drop.
pub struct Certs {
    pub dir: tempfile::TempDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("openssl not found ({e}): install the Debian package `openssl`")
        });
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

const LEAF_EXT: &str =
    "basicConstraints=critical,CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n";

impl Certs {
    /// A new folder holding a CA (`ca.pem`, `ca.key`), valid 30 days.
    pub fn new() -> Certs {
        let dir = tempfile::Builder::new()
            .prefix("flightdeck-certs-")
            .tempdir()
            .unwrap();
        openssl(
            dir.path(),
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "30",
                "-subj",
                "/CN=flightdeck test CA",
            ],
        );
        Certs { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn request(&self, name: &str, cn: &str, sans: &[&str]) -> PathBuf {
        let ext = self.path(&format!("{name}.ext"));
        let alt: Vec<String> = sans
            .iter()
            .map(|s| {
                if s.parse::<std::net::IpAddr>().is_ok() {
                    format!("IP:{s}")
                } else {
                    format!("DNS:{s}")
                }
            })
            .collect();
        std::fs::write(
            &ext,
            format!("{LEAF_EXT}subjectAltName={}\n", alt.join(",")),
        )
        .unwrap();
        openssl(
            self.dir.path(),
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                &format!("/CN={cn}"),
            ],
        );
        ext
    }

    /// A leaf signed by the CA for `sans`, valid from now for `days`: `NAME.pem`, `NAME.key`.
    pub fn leaf(&self, name: &str, sans: &[&str], days: u32) -> (PathBuf, PathBuf) {
        self.request(name, sans[0], sans);
        openssl(
            self.dir.path(),
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                &days.to_string(),
                "-out",
                &format!("{name}.pem"),
                "-extfile",
                &format!("{name}.ext"),
            ],
        );
        (
            self.path(&format!("{name}.pem")),
            self.path(&format!("{name}.key")),
        )
    }

    /// A leaf signed by the CA that expired: valid from 2020-01-01 to 2020-01-11 (`openssl ca`,
    /// since `openssl x509` of OpenSSL 3.0 cannot set past dates).
    pub fn expired_leaf(&self, name: &str, sans: &[&str]) -> (PathBuf, PathBuf) {
        self.request(name, sans[0], sans);
        let db = self.dir.path();
        std::fs::write(db.join("index.txt"), "").unwrap();
        std::fs::write(db.join("serial"), "1000\n").unwrap();
        std::fs::write(
            db.join("ca.cnf"),
            "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nserial = serial\n\
             new_certs_dir = .\ndefault_md = sha256\npolicy = any\ncopy_extensions = none\n\
             [any]\ncommonName = supplied\n",
        )
        .unwrap();
        openssl(
            db,
            &[
                "ca",
                "-config",
                "ca.cnf",
                "-batch",
                "-notext",
                "-in",
                &format!("{name}.csr"),
                "-cert",
                "ca.pem",
                "-keyfile",
                "ca.key",
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20200111000000Z",
                "-extfile",
                &format!("{name}.ext"),
                "-out",
                &format!("{name}.pem"),
            ],
        );
        (
            self.path(&format!("{name}.pem")),
            self.path(&format!("{name}.key")),
        )
    }

    /// A self-signed leaf (CA:FALSE: rustls refuses a CA certificate as a server's) for `sans`.
    pub fn self_signed(&self, name: &str, sans: &[&str], days: u32) -> (PathBuf, PathBuf) {
        let alt: Vec<String> = sans.iter().map(|s| format!("DNS:{s}")).collect();
        openssl(
            self.dir.path(),
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
                "-days",
                &days.to_string(),
                "-subj",
                &format!("/CN={}", sans[0]),
                "-addext",
                &format!("subjectAltName={}", alt.join(",")),
                "-addext",
                "basicConstraints=critical,CA:FALSE",
                "-addext",
                "extendedKeyUsage=serverAuth",
            ],
        );
        (
            self.path(&format!("{name}.pem")),
            self.path(&format!("{name}.key")),
        )
    }
}

/// A TLS server on a loopback port presenting `cert` (PEM) with `key`; it completes each
/// handshake, then closes. Runs on its own thread for the rest of the test process.
pub fn tls_server(cert: &Path, key: &Path) -> u16 {
    serve(cert, key, |_| true)
}

/// An SMTP server that greets, offers STARTTLS after EHLO, and then presents `cert` over TLS.
pub fn smtp_server(cert: &Path, key: &Path) -> u16 {
    serve(cert, key, |stream| {
        let Ok(copy) = stream.try_clone() else {
            return false;
        };
        let mut lines = std::io::BufReader::new(copy);
        let mut line = String::new();
        let mut say = |text: &str| stream.write_all(text.as_bytes()).is_ok();
        say("220 mail.test ESMTP\r\n")
            && lines
                .read_line(&mut line)
                .is_ok_and(|_| line.starts_with("EHLO"))
            && say("250-mail.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
            && {
                line.clear();
                lines
                    .read_line(&mut line)
                    .is_ok_and(|_| line.starts_with("STARTTLS"))
            }
            && say("220 2.0.0 ready to start TLS\r\n")
    })
}

/// Accepts connections on a loopback port; `preface` speaks first in the clear (false ends the
/// connection), then the TLS handshake with `cert`, a greeting, and the end.
fn serve(cert: &Path, key: &Path, preface: fn(&mut TcpStream) -> bool) -> u16 {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                if !preface(&mut stream) {
                    return;
                }
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let _ = tls.write_all(b"hello");
                let _ = tls.flush();
                let mut buf = [0u8; 64];
                let _ = tls.read(&mut buf);
            });
        }
    });
    port
}
