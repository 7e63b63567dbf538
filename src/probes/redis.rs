//! The `redis` probe: PING latency, `connected`, `used_memory`, `used_memory_ratio`,
//! `connected_clients`, and `len` of a list or stream (LLEN / XLEN by its TYPE).
//!
//! The connection is rebuilt after any failure or timeout rather than trusted to reconnect by
//! itself: a half-open socket can otherwise hang every later poll.

use super::{Failure, Outputs, PollResult};
use crate::condition::Value;
use crate::config::RedisSettings;
use redis::AsyncConnectionConfig;
use redis::aio::MultiplexedConnection;
use std::collections::HashMap;
use std::time::{Duration, Instant};

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

    pub fn reset(&mut self) {
        self.conn = None;
    }

    pub(crate) async fn poll(&mut self) -> PollResult {
        let result = self.poll_inner().await;
        if result.is_err() {
            self.conn = None;
        }
        result.map_err(|reason| {
            let mut f = Failure::new(reason);
            f.values.insert("connected".into(), Value::Bool(false));
            f
        })
    }

    async fn poll_inner(&mut self) -> Result<Outputs, String> {
        let mut conn = match &self.conn {
            Some(c) => c.clone(),
            None => {
                let client = self.client.as_ref().map_err(Clone::clone)?;
                let config = AsyncConnectionConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout));
                let c = client
                    .get_multiplexed_async_connection_with_config(&config)
                    .await
                    .map_err(|e| format!("cannot connect: {}", describe(&e)))?;
                self.conn = Some(c.clone());
                c
            }
        };
        let started = Instant::now();
        let pong: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| format!("PING failed: {}", describe(&e)))?;
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
            .map_err(|e| format!("INFO failed: {}", describe(&e)))?;
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
                .map_err(|e| format!("TYPE {key} failed: {}", describe(&e)))?;
            let command = match kind.as_str() {
                "list" => Some("LLEN"),
                "stream" => Some("XLEN"),
                "set" => Some("SCARD"),
                "zset" => Some("ZCARD"),
                "hash" => Some("HLEN"),
                "none" => None,
                other => {
                    return Err(format!(
                        "key `{key}` is a {other}, which has no length (expected a list or stream)"
                    ));
                }
            };
            let len: i64 = match command {
                Some(c) => redis::cmd(c)
                    .arg(key)
                    .query_async(&mut conn)
                    .await
                    .map_err(|e| format!("{c} {key} failed: {}", describe(&e)))?,
                None => 0,
            };
            out.number("len", len as f64);
        }
        Ok(out)
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
