//! The `tcp` kind: connects to `host:port` (IPv4, IPv6 or a name, each address in turn);
//! optionally sends `send` and reads until the answer holds `expect` (a banner check such as
//! Redis's `+PONG`). Outputs `connected`, `latency`, `address`, `response`, `matched`. A refused
//! or timed-out connection is CRIT with its reason; an answer without `expect` is CRIT too.

use crate::config::{KindSettings, Poller, ProbeKind, ProbeSpec, TableReader};
use crate::model::{
    Failure, OutputSpec, OutputType, Outputs, PollResult, ProbeState, Value, ValueUnit,
};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bytes of an answer read at most while looking for `expect`.
const MAX_RESPONSE: usize = 4096;

/// How long a server that has started answering may pause before its answer is judged.
const QUIET: Duration = Duration::from_millis(250);

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new("connected", OutputType::Bool, "the connection was accepted"),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "connect, plus send and expect when given",
    ),
    OutputSpec::new("address", OutputType::Text, "the address connected to"),
    OutputSpec::new(
        "response",
        OutputType::Text,
        "what the server said (with send/expect), up to 4 KiB",
    ),
    OutputSpec::new("matched", OutputType::Bool, "the response holds `expect`"),
];

/// The `tcp` kind in the registry.
pub struct Tcp;

impl ProbeKind for Tcp {
    fn name(&self) -> &'static str {
        "tcp"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["host", "port", "send", "expect"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let host = r.required("host", "host = \"db.internal\"");
        let port = if r.has("port") {
            r.integer("port", 1..=65535)
        } else {
            r.required("port", "port = 5432");
            None
        };
        let send = r.optional_str("send");
        let expect = r.optional_str("expect");
        if send.is_some() && expect.is_none() {
            r.fail(
                "send",
                "`send` without `expect` checks nothing",
                "add what the answer must hold: expect = \"+PONG\"",
            );
        }
        Some(Arc::new(TcpSettings {
            host: host?,
            port: u16::try_from(port?).ok()?,
            send,
            expect,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct TcpSettings {
    /// A name, an IPv4 address or an IPv6 address (without brackets).
    pub host: String,
    pub port: u16,
    /// Bytes sent once connected (`"PING\r\n"`).
    pub send: Option<String>,
    /// Text the answer must hold; read until it shows, the server closes or pauses, or 4 KiB.
    pub expect: Option<String>,
}

impl KindSettings for TcpSettings {
    fn target(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn secret_parts(&self) -> Vec<String> {
        Vec::new()
    }

    fn poller(&self, _spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(TcpProbe {
            settings: self.clone(),
        })
    }

    fn headline(&self, _unit: Option<ValueUnit>) -> crate::config::Headline {
        crate::config::Headline {
            output: "latency",
            unit: Some(ValueUnit::Millis),
        }
    }

    fn sparkline(&self) -> &'static str {
        "latency"
    }

    fn default_state(&self, outputs: &BTreeMap<String, Value>) -> Option<(ProbeState, String)> {
        if outputs.get("matched") != Some(&Value::Bool(false)) {
            return None;
        }
        let got = outputs.get("response").map(Value::to_string);
        let got = got.as_deref().unwrap_or("");
        let shown: String = got.chars().take(60).collect();
        Some((
            ProbeState::Crit,
            format!(
                "expected `{}`, got `{}`",
                self.expect.as_deref().unwrap_or(""),
                shown.escape_debug()
            ),
        ))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct TcpProbe {
    settings: TcpSettings,
}

impl TcpProbe {
    async fn poll_once(&self) -> PollResult {
        let s = &self.settings;
        let started = Instant::now();
        let (mut stream, address) = connect(&s.host, s.port).await?;
        let mut response = None;
        if let Some(expect) = &s.expect {
            if let Some(send) = &s.send {
                stream
                    .write_all(send.as_bytes())
                    .await
                    .map_err(|e| Failure::cannot_judge(format!("sending failed: {e}")))?;
            }
            response = Some(read_until(&mut stream, expect.as_bytes()).await?);
        }
        let mut out = Outputs::answered_in(started.elapsed().as_secs_f64() * 1000.0);
        out.set("connected", Value::Bool(true));
        out.set("address", Value::Text(address.to_string()));
        if let (Some(bytes), Some(expect)) = (response, &s.expect) {
            let matched = contains(&bytes, expect.as_bytes());
            out.set("matched", Value::Bool(matched));
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            out.set("response", Value::Text(text));
        }
        Ok(out)
    }
}

impl Poller for TcpProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}

/// Connects to the first address of `host` that accepts; a refusal, an unresolvable name or
/// no address is a target that did not answer (`connected = false`).
pub(crate) async fn connect(host: &str, port: u16) -> Result<(TcpStream, SocketAddr), Failure> {
    let not_connected =
        |reason: String| Failure::no_answer(reason).with("connected", Value::Bool(false));
    let addresses: Vec<_> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| not_connected(format!("DNS lookup of {host} failed: {e}")))?
        .collect();
    let mut last_error = format!("{host} resolves to no address");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok((stream, address)),
            Err(e) => last_error = connect_error(&e),
        }
    }
    Err(not_connected(last_error))
}

/// Reads until `expect` shows, the peer closes, [`MAX_RESPONSE`] bytes, or — once something
/// came — the peer goes quiet for [`QUIET`]: a server that answered something else (Redis's
/// `-ERR`) keeps the connection open, and waiting for the timeout would hide its answer.
async fn read_until(stream: &mut TcpStream, expect: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 1024];
    while !contains(&bytes, expect) && bytes.len() < MAX_RESPONSE {
        let read = if bytes.is_empty() {
            stream.read(&mut chunk).await
        } else {
            match tokio::time::timeout(QUIET, stream.read(&mut chunk)).await {
                Ok(read) => read,
                Err(_) => break,
            }
        };
        match read {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n.min(MAX_RESPONSE - bytes.len())]),
            Err(e) if bytes.is_empty() => {
                return Err(Failure::no_answer(format!(
                    "reading the answer failed: {e}"
                )));
            }
            Err(_) => break,
        }
    }
    Ok(bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// `connection refused`, `network unreachable`, … without the OS error number.
fn connect_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => "connection refused".into(),
        ErrorKind::TimedOut => "connect timed out".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_expected_bytes() {
        assert!(contains(b"+PONG\r\n", b"+PONG"));
        assert!(!contains(b"-ERR", b"+PONG"));
        assert!(contains(b"", b""));
    }
}
