//! The tls probe against certificates the real `openssl` made: valid for 10 days (OK, and WARN
//! under a 14-day rule), expired, for the wrong host, self-signed without and with `ca_file`, a
//! port that is closed or does not speak TLS, and STARTTLS over SMTP and against a real
//! PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/certs.rs"]
mod certs;

#[path = "support/postgres.rs"]
mod postgres;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};
use std::path::Path;

fn spec(port: u16, extra: &str) -> ProbeSpec {
    probe_spec::one(&format!(
        "[[probe]]\nname = \"cert\"\nkind = \"tls\"\nhost = \"localhost\"\nport = {port}\ntimeout = \"2s\"\n{extra}\n"
    ))
}

fn ca(path: &Path) -> String {
    format!("ca_file = \"{}\"", path.display())
}

fn num(v: Option<Value>) -> f64 {
    v.and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_valid_for_ten_days() {
    let c = certs::Certs::new();
    let (cert, key) = c.leaf("good", &["localhost", "127.0.0.1"], 10);
    let port = certs::tls_server(&cert, &key);
    let mut probe = Probe::new(spec(port, &ca(&c.path("ca.pem"))));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    probe_spec::assert_outputs_declared(&probe, &s);
    let days = num(s.output("days_left"));
    assert!((9.9..=10.01).contains(&days), "{days}");
    assert_eq!(s.output("hostname_ok"), Some(Value::Bool(true)));
    assert_eq!(s.output("chain_ok"), Some(Value::Bool(true)));
    assert_eq!(
        s.output("sans"),
        Some(Value::Text("localhost, 127.0.0.1".into()))
    );
    assert_eq!(
        s.output("subject"),
        Some(Value::Text("CN=localhost".into()))
    );
    assert_eq!(
        s.output("issuer"),
        Some(Value::Text("CN=flightdeck test CA".into()))
    );
    assert!(
        s.output("not_after")
            .unwrap()
            .to_string()
            .ends_with("+00:00")
    );
    let shown = flightdeck::probes::headline(probe.spec(), &s).unwrap().1;
    assert!(shown.ends_with(" d"), "{shown}");

    // the curated rule: valid for more than 14 days
    let mut rule = Probe::new(spec(
        port,
        &format!("{}\nwarn = 'days_left < 14'", ca(&c.path("ca.pem"))),
    ));
    let s = rule.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Warn, Some("warn: days_left < 14"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_wrong_host_and_untrusted_are_crit_with_the_reason() {
    let c = certs::Certs::new();
    let (cert, key) = c.expired_leaf("old", &["localhost"]);
    let old = certs::tls_server(&cert, &key);
    let mut probe = Probe::new(spec(old, &ca(&c.path("ca.pem"))));
    let s = probe.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (
            ProbeState::Crit,
            Some("certificate expired 2020-01-11T00:00:00+00:00")
        )
    );
    assert!(num(s.output("days_left")) < -2000.0);
    assert_eq!(s.output("chain_ok"), Some(Value::Bool(false)));

    let (cert, key) = c.leaf("other", &["other.example"], 10);
    let other = certs::tls_server(&cert, &key);
    let mut probe = Probe::new(spec(other, &ca(&c.path("ca.pem"))));
    let s = probe.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (
            ProbeState::Crit,
            Some("certificate is not valid for localhost (it names other.example)")
        )
    );
    assert_eq!(s.output("hostname_ok"), Some(Value::Bool(false)));
    assert_eq!(s.output("chain_ok"), Some(Value::Bool(true)));
    // the name the certificate carries, sent as SNI, is fine
    let mut named = Probe::new(spec(
        other,
        &format!("{}\nserver_name = \"other.example\"", ca(&c.path("ca.pem"))),
    ));
    assert_eq!(named.poll().await.state, ProbeState::Ok);

    // a private CA's leaf without ca_file is not trusted
    let (cert, key) = c.leaf("private", &["localhost"], 10);
    let private = certs::tls_server(&cert, &key);
    let s = Probe::new(spec(private, "")).poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert_eq!(
        s.reason.as_deref(),
        Some("certificate not trusted: unknown issuer (not signed by a trusted CA)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_without_and_with_ca_file() {
    let c = certs::Certs::new();
    let (cert, key) = c.self_signed("self", &["localhost"], 10);
    let port = certs::tls_server(&cert, &key);
    let s = Probe::new(spec(port, "")).poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert!(s.reason.unwrap().starts_with("certificate not trusted"));
    let s = Probe::new(spec(port, &ca(&cert))).poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_ports_and_plain_servers_are_crit() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = Probe::new(spec(closed, "")).poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("connection refused"))
    );

    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = plain.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in plain.incoming().flatten() {
            use std::io::Write;
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        }
    });
    let s = Probe::new(spec(port, "")).poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert!(s.reason.unwrap().starts_with("TLS handshake failed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_over_smtp() {
    let c = certs::Certs::new();
    let (cert, key) = c.leaf("mail", &["localhost"], 30);
    let port = certs::smtp_server(&cert, &key);
    let mut probe = Probe::new(spec(
        port,
        &format!("starttls = \"smtp\"\n{}", ca(&c.path("ca.pem"))),
    ));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert!(num(s.output("days_left")) > 29.9);
    // a TLS-only port never sends an SMTP greeting: no answer, CRIT
    let plain = certs::tls_server(&cert, &key);
    let s = Probe::new(spec(plain, "starttls = \"smtp\"")).poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("timeout after 2s"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_against_a_real_postgres() {
    let c = certs::Certs::new();
    let (cert, key) = c.leaf("pg", &["localhost", "127.0.0.1"], 20);
    let pg = postgres::PgServer::start();
    // without TLS turned on, PostgreSQL says so
    let before = Probe::new(spec(pg.port, "starttls = \"postgres\""))
        .poll()
        .await;
    assert_eq!(before.state, ProbeState::Crit);
    assert!(before.reason.unwrap().contains("does not offer TLS"));

    pg.enable_tls(&cert, &key);
    let mut probe = Probe::new(spec(
        pg.port,
        &format!(
            "starttls = \"postgres\"\n{}\nok = 'days_left > 14'",
            ca(&c.path("ca.pem"))
        ),
    ));
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert!(num(s.output("days_left")) > 19.9);
    assert_eq!(
        s.output("subject"),
        Some(Value::Text("CN=localhost".into()))
    );
}
