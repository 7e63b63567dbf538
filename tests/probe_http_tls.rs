//! The http probe over TLS: a server whose certificate comes from a private CA is trusted with
//! `ca_file`, rejected without it, and accepted with the explicit `insecure` switch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/http.rs"]
mod http;

use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// A blocking TLS server on its own thread answering every request with a small JSON body.
fn tls_server(cert: Vec<u8>, key: Vec<u8>) -> u16 {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert)],
            PrivateKeyDer::try_from(key).unwrap(),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = r#"{"status":"UP"}"#;
                let _ = write!(
                    tls,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

fn spec(extra: &str, port: u16) -> ProbeSpec {
    let text = format!(
        "[[probe]]\nname = \"tls\"\nkind = \"http\"\nurl = \"https://127.0.0.1:{port}/health\"\n{extra}\nok = 'body.status == \"UP\"'\n"
    );
    probe_spec::one(&text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_ca_trusted_with_ca_file_rejected_without_accepted_when_insecure() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = http::make_certs(dir.path());
    let port = tls_server(cert, key);

    let s = Probe::new(spec(&format!("ca_file = \"{}\"", ca.display()), port))
        .poll()
        .await;
    assert_eq!(s.state, ProbeState::Ok, "with ca_file: {:?}", s.reason);

    // an endpoint whose certificate is not trusted cannot be used: CRIT, saying why
    let s = Probe::new(spec("", port)).poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    let reason = s.reason.unwrap();
    assert!(
        reason.to_ascii_lowercase().contains("certificate"),
        "{reason}"
    );

    let s = Probe::new(spec("insecure = true", port)).poll().await;
    assert_eq!(s.state, ProbeState::Ok, "insecure: {:?}", s.reason);
}
