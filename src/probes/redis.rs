//! The `redis` kind: PING latency, `connected`, `used_memory`, `used_memory_ratio`,
//! `connected_clients`, and `len` of a list or stream (LLEN / XLEN by its TYPE).
//!
//! The connection is rebuilt after any failure or timeout rather than trusted to reconnect by
//! itself: a half-open socket can otherwise hang every later poll.

use crate::config::{
    Headline, KindSettings, Poller, ProbeKind, ProbeSpec, SecretText, TableReader,
};
use crate::model::{Failure, OutputSpec, OutputType, Outputs, PollResult, Value, ValueUnit};
use futures_util::future::BoxFuture;
use redis::AsyncConnectionConfig;
use redis::aio::MultiplexedConnection;
use std::any::Any;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new("connected", OutputType::Bool, "the server answered PING"),
    OutputSpec::new("pong", OutputType::Text, "the PING answer"),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "PING round trip",
    ),
    OutputSpec::new(
        "used_memory",
        OutputType::Number(Some(ValueUnit::Bytes)),
        "INFO used_memory",
    ),
    OutputSpec::new(
        "max_memory",
        OutputType::Number(Some(ValueUnit::Bytes)),
        "maxmemory, else the host's memory",
    ),
    OutputSpec::new(
        "used_memory_ratio",
        OutputType::Number(Some(ValueUnit::Percent)),
        "used_memory over max_memory",
    ),
    OutputSpec::new(
        "connected_clients",
        OutputType::Number(None),
        "INFO connected_clients",
    ),
    OutputSpec::new(
        "len",
        OutputType::Number(None),
        "length of `key` (list, stream, set, zset, hash)",
    ),
];

/// The `redis` kind in the registry.
pub struct Redis;

impl ProbeKind for Redis {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["url", "key", "ca_file"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let url = r.url("url = \"redis://127.0.0.1:6379/0\"");
        if let Some(u) = &url {
            r.check_scheme(u, &["redis", "rediss"], "use redis:// or rediss:// (TLS)");
        }
        let key = r.optional_str("key");
        let ca_file = r.ca_file();
        Some(Arc::new(RedisSettings {
            url: url?,
            key,
            ca_file,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// `redis://` or `rediss://`, password in the URL.
    pub url: SecretText,
    /// A list or stream whose length is reported as `len`.
    pub key: Option<String>,
    /// PEM CA bundle for `rediss://` servers with a private CA (instead of the system roots).
    pub ca_file: Option<PathBuf>,
}

impl KindSettings for RedisSettings {
    fn target(&self) -> String {
        self.url.redacted()
    }

    fn secret_parts(&self) -> Vec<String> {
        self.url.secret_parts()
    }

    fn poller(&self, spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(RedisProbe::new(self, spec.timeout))
    }

    /// With a key, its length (in the probe's unit); without, the memory in use.
    fn headline(&self, unit: Option<ValueUnit>) -> Headline {
        match self.key {
            Some(_) => Headline {
                output: "len",
                unit,
            },
            None => Headline {
                output: "used_memory_ratio",
                unit: Some(ValueUnit::Percent),
            },
        }
    }

    fn sparkline(&self) -> &'static str {
        if self.key.is_some() { "len" } else { "latency" }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct RedisProbe {
    client: Result<redis::Client, String>,
    conn: Option<MultiplexedConnection>,
    key: Option<String>,
    timeout: Duration,
}

impl RedisProbe {
    pub fn new(settings: &RedisSettings, timeout: Duration) -> RedisProbe {
        super::web::ensure_crypto_provider();
        let client = match &settings.ca_file {
            None => redis::Client::open(settings.url.expose())
                .map_err(|e| format!("bad Redis URL {}: {e}", settings.url.redacted())),
            Some(path) => std::fs::read(path)
                .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))
                .and_then(|pem| {
                    let certs = redis::TlsCertificates {
                        client_tls: None,
                        root_cert: Some(pem),
                    };
                    redis::Client::build_with_tls(settings.url.expose(), certs).map_err(|e| {
                        format!("bad Redis URL or CA file {}: {e}", settings.url.redacted())
                    })
                }),
        };
        RedisProbe {
            client,
            conn: None,
            key: settings.key.clone(),
            timeout,
        }
    }

    async fn poll_once(&mut self) -> PollResult {
        let result = self.poll_inner().await;
        if result.is_err() {
            self.conn = None;
        }
        // every failure drops the connection
        result.map_err(|mut f| {
            f.values.insert("connected".into(), Value::Bool(false));
            f
        })
    }

    async fn poll_inner(&mut self) -> PollResult {
        let mut conn = match &self.conn {
            Some(c) => c.clone(),
            None => {
                let client = self
                    .client
                    .as_ref()
                    .map_err(|e| Failure::cannot_judge(e.clone()))?;
                let config = AsyncConnectionConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout));
                let c = client
                    .get_multiplexed_async_connection_with_config(&config)
                    .await
                    .map_err(|e| failed("cannot connect", &e))?;
                self.conn = Some(c.clone());
                c
            }
        };
        let started = Instant::now();
        let pong: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| failed("PING failed", &e))?;
        let latency = started.elapsed().as_secs_f64() * 1000.0;
        let mut out = Outputs::answered_in(latency);
        out.set("connected", Value::Bool(true));
        out.set("pong", Value::Text(pong));

        let (memory, clients): (String, String) = redis::pipe()
            .cmd("INFO")
            .arg("memory")
            .cmd("INFO")
            .arg("clients")
            .query_async(&mut conn)
            .await
            .map_err(|e| failed("INFO failed", &e))?;
        let info = parse_info(&memory);
        let used = info.get("used_memory").and_then(|v| v.parse::<f64>().ok());
        if let Some(used) = used {
            out.number("used_memory", used);
            let max = info
                .get("maxmemory")
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|m| *m > 0.0)
                .or_else(|| {
                    // no maxmemory: the host's memory (Redis reports it; /proc/meminfo if not)
                    info.get("total_system_memory")
                        .and_then(|v| v.parse::<f64>().ok())
                        .filter(|m| *m > 0.0)
                        .or_else(host_memory)
                });
            if let Some(max) = max {
                out.number("used_memory_ratio", used / max);
                out.number("max_memory", max);
            }
        }
        if let Some(n) = parse_info(&clients)
            .get("connected_clients")
            .and_then(|v| v.parse::<f64>().ok())
        {
            out.number("connected_clients", n);
        }

        if let Some(key) = &self.key {
            let kind: String = redis::cmd("TYPE")
                .arg(key)
                .query_async(&mut conn)
                .await
                .map_err(|e| failed(&format!("TYPE {key} failed"), &e))?;
            let command = match kind.as_str() {
                "list" => Some("LLEN"),
                "stream" => Some("XLEN"),
                "set" => Some("SCARD"),
                "zset" => Some("ZCARD"),
                "hash" => Some("HLEN"),
                "none" => None,
                other => {
                    return Err(Failure::cannot_judge(format!(
                        "key `{key}` is a {other}, which has no length (expected a list or stream)"
                    )));
                }
            };
            let len: i64 = match command {
                Some(c) => redis::cmd(c)
                    .arg(key)
                    .query_async(&mut conn)
                    .await
                    .map_err(|e| failed(&format!("{c} {key} failed"), &e))?,
                None => 0,
            };
            out.number("len", len as f64);
        }
        Ok(out)
    }
}

/// A command that failed: a lost or refused connection is no answer (CRIT); an error reply
/// (`NOAUTH`, `WRONGTYPE`) is an answer that cannot be judged (UNKNOWN).
fn failed(what: &str, e: &redis::RedisError) -> Failure {
    let reason = format!("{what}: {}", describe(e));
    if e.is_io_error() || e.is_timeout() || e.is_connection_dropped() || e.is_connection_refusal() {
        Failure::no_answer(reason)
    } else {
        Failure::cannot_judge(reason)
    }
}

impl Poller for RedisProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }

    /// A half-open socket can hang every later poll: rebuild the connection.
    fn reset(&mut self) {
        self.conn = None;
    }
}

fn describe(e: &redis::RedisError) -> String {
    super::web::describe(e)
}

/// `INFO` output: `key:value` lines, `#` section headers.
fn parse_info(text: &str) -> HashMap<&str, &str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.trim_end_matches('\r').split_once(':'))
        .collect()
}

/// Total memory of this host in bytes, from /proc/meminfo.
fn host_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_lines() {
        let info = parse_info("# Memory\r\nused_memory:1024\r\nmaxmemory:0\r\n");
        assert_eq!(info.get("used_memory"), Some(&"1024"));
        assert_eq!(info.get("maxmemory"), Some(&"0"));
        assert!(host_memory().is_some_and(|m| m > 0.0));
    }
}
