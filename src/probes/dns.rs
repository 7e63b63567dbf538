//! The `dns` kind: asks `server` (or the first nameserver of /etc/resolv.conf) for `query`'s
//! records of `type` (A, AAAA, CNAME, TXT, MX, NS, …) over UDP, and over TCP when the answer is
//! truncated. Outputs `rcode` (NOERROR, NXDOMAIN, SERVFAIL…), `answers` (records of the type),
//! `answer` (the first, as text), `all` (every one, sorted), `latency`. Without conditions an rcode other than NOERROR, or
//! no record of the type, is CRIT; a server that does not answer is CRIT.

use crate::config::{Headline, KindSettings, Poller, ProbeKind, ProbeSpec, TableReader};
use crate::model::{
    Failure, OutputSpec, OutputType, Outputs, PollResult, ProbeState, Value, ValueUnit,
};
use futures_util::future::BoxFuture;
use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use std::any::Any;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

const TYPES: &[&str] = &[
    "A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "PTR", "SOA", "CAA",
];

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "rcode",
        OutputType::Text,
        "the response code: NOERROR, NXDOMAIN, SERVFAIL, REFUSED…",
    ),
    OutputSpec::new(
        "answers",
        OutputType::Number(None),
        "records of the asked type in the answer",
    ),
    OutputSpec::new(
        "answer",
        OutputType::Text,
        "the first such record as text (an address, a name, TXT text, `10 mx.example.com`)",
    ),
    OutputSpec::new(
        "all",
        OutputType::Text,
        "every record of the type as text, sorted, joined by `, ` (servers shuffle their order)",
    ),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "question to answer",
    ),
];

/// The `dns` kind in the registry.
pub struct Dns;

impl ProbeKind for Dns {
    fn name(&self) -> &'static str {
        "dns"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["query", "type", "server"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        // `name` is the probe's own name; the name to resolve is `query`'s job here
        let query = r.required("query", "query = \"api.example.com\"");
        let query = query.and_then(|text| match Name::from_utf8(&text) {
            Ok(name) => Some(name),
            Err(e) => {
                r.fail(
                    "query",
                    format!("`{text}` is not a DNS name: {e}"),
                    "write a name like query = \"api.example.com\"",
                );
                None
            }
        });
        let record_type = match r.optional_str("type") {
            None => Some(RecordType::A),
            Some(text) => {
                let upper = text.to_ascii_uppercase();
                let parsed = TYPES
                    .contains(&upper.as_str())
                    .then(|| RecordType::from_str(&upper).ok())
                    .flatten();
                if parsed.is_none() {
                    r.fail(
                        "type",
                        format!("unknown record type `{text}`"),
                        format!("type is one of: {}", TYPES.join(", ")),
                    );
                }
                parsed
            }
        };
        let server = r.optional_str("server").and_then(|text| {
            let parsed = parse_server(&text);
            if parsed.is_none() {
                r.fail(
                    "server",
                    format!("`{text}` is not an address"),
                    "write server = \"10.0.0.2\" or \"10.0.0.2:53\" or \"[2001:db8::2]:53\"",
                );
            }
            parsed
        });
        Some(Arc::new(DnsSettings {
            query: query?,
            record_type: record_type?,
            server,
        }))
    }
}

/// `10.0.0.2`, `10.0.0.2:5353`, `2001:db8::2`, `[2001:db8::2]:53`.
fn parse_server(text: &str) -> Option<SocketAddr> {
    text.parse::<SocketAddr>().ok().or_else(|| {
        text.parse::<IpAddr>()
            .ok()
            .map(|ip| SocketAddr::new(ip, 53))
    })
}

#[derive(Debug, Clone)]
pub struct DnsSettings {
    pub query: Name,
    pub record_type: RecordType,
    /// `None`: the system's resolver (the first `nameserver` of /etc/resolv.conf).
    pub server: Option<SocketAddr>,
}

impl KindSettings for DnsSettings {
    fn target(&self) -> String {
        let server = self
            .server
            .map_or_else(|| "system resolver".to_string(), |s| s.to_string());
        format!("{} {} @ {server}", self.query, self.record_type)
    }

    fn secret_parts(&self) -> Vec<String> {
        Vec::new()
    }

    fn poller(&self, _spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(DnsProbe {
            settings: self.clone(),
        })
    }

    fn headline(&self, _unit: Option<ValueUnit>) -> Headline {
        Headline {
            output: "answer",
            unit: None,
        }
    }

    fn sparkline(&self) -> &'static str {
        "latency"
    }

    fn default_state(&self, outputs: &BTreeMap<String, Value>) -> Option<(ProbeState, String)> {
        let rcode = outputs
            .get("rcode")
            .map(Value::to_string)
            .unwrap_or_default();
        if rcode != "NOERROR" {
            return Some((ProbeState::Crit, format!("{}: {rcode}", self.query)));
        }
        let count = outputs
            .get("answers")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        (count == 0.0).then(|| {
            (
                ProbeState::Crit,
                format!("no {} record for {}", self.record_type, self.query),
            )
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct DnsProbe {
    settings: DnsSettings,
}

impl DnsProbe {
    async fn poll_once(&self) -> PollResult {
        let s = &self.settings;
        let server = match s.server {
            Some(server) => server,
            None => system_nameserver().ok_or_else(|| {
                Failure::cannot_judge("no nameserver in /etc/resolv.conf: set `server`")
            })?,
        };
        let mut question = Message::query();
        question.metadata.recursion_desired = true;
        question.add_query(Query::query(s.query.clone(), s.record_type));
        let bytes = question
            .to_vec()
            .map_err(|e| Failure::cannot_judge(format!("cannot encode the question: {e}")))?;
        let id = question.metadata.id;
        let started = Instant::now();
        let mut reply = ask_udp(server, &bytes, id).await?;
        if reply.metadata.truncation {
            reply = ask_tcp(server, &bytes).await?;
        }
        let mut out = Outputs::answered_in(started.elapsed().as_secs_f64() * 1000.0);
        out.set("rcode", Value::Text(rcode(reply.metadata.response_code)));
        let of_type: Vec<_> = reply
            .answers
            .iter()
            .filter(|r| r.record_type() == s.record_type)
            .collect();
        out.number("answers", of_type.len() as f64);
        if let Some(first) = of_type.first().copied().or(reply.answers.first()) {
            out.set("answer", Value::Text(record_text(&first.data.to_string())));
        }
        let mut all: Vec<String> = of_type
            .iter()
            .map(|r| record_text(&r.data.to_string()))
            .collect();
        all.sort();
        out.set("all", Value::Text(all.join(", ")));
        Ok(out)
    }
}

impl Poller for DnsProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}

async fn ask_udp(server: SocketAddr, question: &[u8], id: u16) -> Result<Message, Failure> {
    let local: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)
        .await
        .map_err(|e| Failure::cannot_judge(format!("cannot open a UDP socket: {e}")))?;
    socket.connect(server).await.map_err(unanswered)?;
    socket.send(question).await.map_err(unanswered)?;
    let mut buf = vec![0u8; 4096];
    loop {
        let n = socket.recv(&mut buf).await.map_err(unanswered)?;
        // a late answer to an earlier question, or noise: keep waiting for ours
        if let Ok(reply) = Message::from_vec(&buf[..n])
            && reply.metadata.id == id
        {
            return Ok(reply);
        }
    }
}

async fn ask_tcp(server: SocketAddr, question: &[u8]) -> Result<Message, Failure> {
    let mut stream = TcpStream::connect(server).await.map_err(unanswered)?;
    let len =
        u16::try_from(question.len()).map_err(|_| Failure::cannot_judge("question too long"))?;
    stream
        .write_all(&len.to_be_bytes())
        .await
        .map_err(unanswered)?;
    stream.write_all(question).await.map_err(unanswered)?;
    let len = stream.read_u16().await.map_err(unanswered)?;
    let mut buf = vec![0u8; usize::from(len)];
    stream.read_exact(&mut buf).await.map_err(unanswered)?;
    Message::from_vec(&buf)
        .map_err(|e| Failure::cannot_judge(format!("the answer does not parse: {e}")))
}

fn unanswered(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::ConnectionRefused {
        return Failure::no_answer("connection refused (no DNS server there)");
    }
    Failure::no_answer(format!("no answer: {e}"))
}

/// The first `nameserver` of /etc/resolv.conf, on port 53.
fn system_nameserver() -> Option<SocketAddr> {
    let text = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().split('%').next()?.parse::<IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .next()
}

/// NOERROR, NXDOMAIN, … as dig writes them.
fn rcode(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::Refused => "REFUSED".into(),
        other => format!("RCODE{}", u16::from(other)),
    }
}

/// Record data as people compare it: names without the root dot, TXT without its quotes.
fn record_text(text: &str) -> String {
    let text = text.trim();
    let text = text.strip_suffix('.').unwrap_or(text);
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner.to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_and_texts() {
        assert_eq!(parse_server("10.0.0.2"), "10.0.0.2:53".parse().ok());
        assert_eq!(parse_server("[::1]:5353"), "[::1]:5353".parse().ok());
        assert_eq!(parse_server("dns.example"), None);
        assert_eq!(record_text("api.example.com."), "api.example.com");
        assert_eq!(record_text("\"v=spf1 -all\""), "v=spf1 -all");
    }
}
