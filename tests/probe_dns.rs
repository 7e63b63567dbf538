//! The dns probe against a real resolver (dnsmasq on loopback): A, CNAME, TXT and MX answers,
//! NXDOMAIN, a cut-over seen by `answer == "…"`, and a server that never answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/probe_spec.rs"]
mod probe_spec;

#[path = "support/dns.rs"]
mod dns;

use flightdeck::condition::Value;
use flightdeck::config::ProbeSpec;
use flightdeck::probes::{Probe, ProbeState};

fn spec(server: &str, query: &str, extra: &str) -> ProbeSpec {
    probe_spec::one(&format!(
        "[[probe]]\nname = \"d\"\nkind = \"dns\"\nquery = \"{query}\"\nserver = \"{server}\"\ntimeout = \"1s\"\n{extra}\n"
    ))
}

const HOSTS: &str = "10.1.2.3 api.test\n10.1.2.4 api.test\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cname_txt_and_mx() {
    let server = dns::DnsServer::start(HOSTS);
    let mut a = Probe::new(spec(&server.server(), "api.test", ""));
    let s = a.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("rcode"), Some(Value::Text("NOERROR".into())));
    assert_eq!(s.output("answers"), Some(Value::Number(2.0)));
    let answer = s.output("answer").unwrap().to_string();
    assert!(answer == "10.1.2.3" || answer == "10.1.2.4", "{answer}");
    assert_eq!(
        s.output("all"),
        Some(Value::Text("10.1.2.3, 10.1.2.4".into()))
    );
    probe_spec::assert_outputs_declared(&a, &s);

    let mut cname = Probe::new(spec(&server.server(), "www.test", "type = \"CNAME\""));
    let s = cname.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.reason);
    assert_eq!(s.output("answer"), Some(Value::Text("api.test".into())));

    // an A question for an alias: the chain's address records count
    let mut via = Probe::new(spec(&server.server(), "www.test", ""));
    let s = via.poll().await;
    assert_eq!(s.output("answers"), Some(Value::Number(2.0)));

    let mut txt = Probe::new(spec(
        &server.server(),
        "txt.test",
        "type = \"TXT\"\nok = 'answer == \"v=spf1 -all\"'",
    ));
    let s = txt.poll().await;
    assert_eq!(
        s.state,
        ProbeState::Ok,
        "{:?} {:?}",
        s.reason,
        s.output("answer")
    );

    let mut mx = Probe::new(spec(&server.server(), "mail.test", "type = \"MX\""));
    let s = mx.poll().await;
    assert_eq!(s.output("answer"), Some(Value::Text("10 mx1.test".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nxdomain_and_no_records_are_crit() {
    let server = dns::DnsServer::start(HOSTS);
    let mut nx = Probe::new(spec(&server.server(), "nope.test", ""));
    let s = nx.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("nope.test: NXDOMAIN"))
    );
    assert_eq!(s.output("rcode"), Some(Value::Text("NXDOMAIN".into())));
    assert_eq!(s.output("answers"), Some(Value::Number(0.0)));

    // a condition can expect the name to be gone
    let mut gone = Probe::new(spec(
        &server.server(),
        "nope.test",
        "ok = 'rcode == \"NXDOMAIN\"'",
    ));
    assert_eq!(gone.poll().await.state, ProbeState::Ok);

    let mut v6 = Probe::new(spec(&server.server(), "api.test", "type = \"AAAA\""));
    let s = v6.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert_eq!(s.reason.as_deref(), Some("no AAAA record for api.test"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_over_turns_the_condition_true() {
    let server = dns::DnsServer::start("10.1.2.3 api.test\n");
    let mut probe = Probe::new(spec(
        &server.server(),
        "api.test",
        "ok = 'answer == \"10.9.9.9\"'",
    ));
    let s = probe.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("not ok: answer == \"10.9.9.9\""))
    );
    server.switch("10.9.9.9 api.test\n");
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Ok, "{:?}", s.output("answer"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_is_crit() {
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let mut probe = Probe::new(spec(&addr, "api.test", ""));
    let s = probe.poll().await;
    assert_eq!(
        (s.state, s.reason.as_deref()),
        (ProbeState::Crit, Some("timeout after 1s"))
    );
    drop(silent);
    // nobody there at all: the port is closed
    let s = probe.poll().await;
    assert_eq!(s.state, ProbeState::Crit);
    assert!(s.reason.unwrap().contains("connection refused"));
}

#[test]
fn config_mistakes_are_located() {
    let text = "[[probe]]\nname = \"d\"\nkind = \"dns\"\nquery = \"api.test\"\ntype = \"AXFR\"\nserver = \"dns.example\"\n";
    let err = probe_spec::errors("d.toml", text);
    assert!(
        err.contains("d.toml:5:8: error: unknown record type `AXFR`"),
        "{err}"
    );
    assert!(
        err.contains("d.toml:6:10: error: `dns.example` is not an address"),
        "{err}"
    );
}
