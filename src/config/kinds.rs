//! The per-kind keys of a `[[probe]]` table: http, sql, redis, prometheus and metrics settings.

use super::probe::TableReader;
use super::source::{NodeValue, literal_content_start};
use super::types::*;
use crate::probes::metrics::query::MetricsQuery;
use std::path::PathBuf;

pub const DEFAULT_MAX_BODY: u64 = 1024 * 1024;

impl TableReader<'_, '_> {
    pub(super) fn settings(&mut self, kind: ProbeKind) -> Option<ProbeSettings> {
        match kind {
            ProbeKind::Http => self.http(),
            ProbeKind::Sql => {
                let url = self.url(kind, "url = \"${DATABASE_URL}\"");
                let query =
                    self.required_for(kind, "query", "query = \"SELECT count(*) FROM jobs\"");
                if let Some(u) = &url {
                    self.check_scheme(
                        u,
                        &["postgres", "postgresql", "mysql", "mariadb", "sqlite"],
                        "use postgres://, mysql:// or sqlite:",
                    );
                }
                Some(ProbeSettings::Sql(SqlSettings {
                    url: url?,
                    query: query?,
                }))
            }
            ProbeKind::Redis => {
                let url = self.url(kind, "url = \"redis://127.0.0.1:6379/0\"");
                if let Some(u) = &url {
                    self.check_scheme(u, &["redis", "rediss"], "use redis:// or rediss:// (TLS)");
                }
                let key = self.optional_str("key").map(|(k, _)| k);
                let ca_file = self.ca_file();
                Some(ProbeSettings::Redis(RedisSettings {
                    url: url?,
                    key,
                    ca_file,
                }))
            }
            ProbeKind::Prometheus => {
                let url = self.url(kind, "url = \"http://prometheus:9090\"");
                if let Some(u) = &url {
                    self.check_scheme(
                        u,
                        &["http", "https"],
                        "use the server's http:// or https:// base URL",
                    );
                }
                let query = self.required_for(kind, "query", "query = 'up{job=\"api\"}'");
                Some(ProbeSettings::Prometheus(PrometheusSettings {
                    url: url?,
                    query: query?,
                }))
            }
            ProbeKind::Metrics => {
                let url = self.url(kind, "url = \"http://api:8080/metrics\"");
                if let Some(u) = &url {
                    self.check_scheme(
                        u,
                        &["http", "https"],
                        "use the page's http:// or https:// URL",
                    );
                }
                let query = self.metrics_query();
                Some(ProbeSettings::Metrics(MetricsSettings {
                    url: url?,
                    query: query?,
                }))
            }
        }
    }

    fn url(&mut self, kind: ProbeKind, example: &str) -> Option<SecretText> {
        self.required_for(kind, "url", example).map(SecretText::new)
    }

    fn check_scheme(&mut self, url: &SecretText, schemes: &[&str], hint: &str) {
        let text = url.expose();
        let scheme = text.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        let ok = scheme.as_deref().is_some_and(|s| schemes.contains(&s));
        let parses = url::Url::parse(text).is_ok();
        if !ok || !parses {
            let at = self.offset_of("url");
            let message = if ok {
                format!("`{}` is not a valid URL", url.redacted())
            } else {
                format!("`{}` has an unsupported scheme", url.redacted())
            };
            let e = self.sink.error(at, message).with_hint(hint.to_string());
            self.sink.push(e);
        }
    }

    fn metrics_query(&mut self) -> Option<MetricsQuery> {
        let (text, span) = match self.get("query") {
            Some(_) => self.optional_str("query")?,
            None => {
                self.required_for(
                    ProbeKind::Metrics,
                    "query",
                    "query = 'ratio(http_requests_total{code=~\"5..\"}, http_requests_total)'",
                );
                return None;
            }
        };
        match MetricsQuery::parse(&text) {
            Ok(q) => Some(q),
            Err(err) => {
                let at = match &span {
                    Some(span) => literal_content_start(&self.sink.text, span) + err.offset,
                    None => self.sink.offset(&None, Some("query")),
                };
                let e = self
                    .sink
                    .error(at, format!("bad metrics query: {}", err.message))
                    .with_hint(
                        "write `rate(name{label=\"v\"})`, `ratio(errors{code=~\"5..\"}, total)` \
                         or a plain `name{labels}` (summed)",
                    );
                self.sink.push(e);
                None
            }
        }
    }

    fn http(&mut self) -> Option<ProbeSettings> {
        let kind = ProbeKind::Http;
        let url = self.url(kind, "url = \"https://api.example.com/health\"");
        if let Some(u) = &url {
            self.check_scheme(u, &["http", "https"], "use http:// or https://");
        }
        let method = match self.optional_str("method") {
            None => "GET".to_string(),
            Some((m, span)) => {
                let upper = m.to_ascii_uppercase();
                if !["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
                    .contains(&upper.as_str())
                {
                    let at = self.sink.offset(&span, Some("method"));
                    let e = self
                        .sink
                        .error(at, format!("unknown HTTP method `{m}`"))
                        .with_hint("use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS");
                    self.sink.push(e);
                }
                upper
            }
        };
        let headers = self.headers();
        let body = self.optional_str("body").map(|(b, _)| SecretText::whole(b));
        let ca_file = self.ca_file();
        let insecure = self.bool("insecure");
        let max_body = self.max_body();
        Some(ProbeSettings::Http(HttpSettings {
            url: url?,
            method,
            headers,
            body,
            ca_file,
            insecure,
            max_body,
        }))
    }

    /// A PEM bundle path, relative to the config file's folder; it must be readable now.
    fn ca_file(&mut self) -> Option<PathBuf> {
        self.optional_str("ca_file").map(|(path, span)| {
            let path = PathBuf::from(path);
            let resolved = match (&path, self.sink.file.parent()) {
                (p, Some(dir)) if p.is_relative() => dir.join(p),
                (p, _) => p.clone(),
            };
            if let Err(err) = std::fs::metadata(&resolved) {
                let at = self.sink.offset(&span, Some("ca_file"));
                let e = self
                    .sink
                    .error(
                        at,
                        format!("cannot read CA file {}: {err}", resolved.display()),
                    )
                    .with_hint(
                        "give the path of a PEM bundle (relative paths start at the config file's folder)",
                    );
                self.sink.push(e);
            }
            resolved
        })
    }

    fn headers(&mut self) -> Vec<(String, SecretText)> {
        let Some(entry) = self.get("headers").cloned() else {
            return Vec::new();
        };
        let NodeValue::Table(items) = &entry.node.value else {
            let at = self.sink.offset(&entry.node.span, Some("headers"));
            let e = self
                .sink
                .error(at, "`headers` must be a table")
                .with_hint("write headers = { Accept = \"application/json\" }");
            self.sink.push(e);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match &item.node.value {
                NodeValue::Str(raw) => {
                    if let Some(v) = self.interpolated("headers", raw, &item.node) {
                        out.push((item.key.clone(), HttpSettings::header_value(&item.key, v)));
                    }
                }
                other => {
                    let at = self.sink.offset(&item.node.span, Some("headers"));
                    let e = self
                        .sink
                        .error(
                            at,
                            format!(
                                "header `{}` must be a string, not {}",
                                item.key,
                                other.type_name()
                            ),
                        )
                        .with_hint("quote the header's value");
                    self.sink.push(e);
                }
            }
        }
        out
    }

    fn max_body(&mut self) -> u64 {
        let Some(entry) = self.get("max_body").cloned() else {
            return DEFAULT_MAX_BODY;
        };
        let parsed = match &entry.node.value {
            NodeValue::Int(n) if *n > 0 => Ok(*n as u64),
            NodeValue::Str(s) => parse_size(s),
            _ => Err("must be a positive number of bytes".to_string()),
        };
        match parsed {
            Ok(n) => n,
            Err(message) => {
                let at = self.sink.offset(&entry.node.span, Some("max_body"));
                let e = self
                    .sink
                    .error(at, format!("bad `max_body`: {message}"))
                    .with_hint("write max_body = \"1MiB\" or a number of bytes");
                self.sink.push(e);
                DEFAULT_MAX_BODY
            }
        }
    }
}

/// Parses `1048576`, `512KB`, `1MiB`, `2 MB`.
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let number: f64 = t[..split]
        .parse()
        .map_err(|_| format!("`{text}` is not a size"))?;
    let factor: f64 = match t[split..].trim() {
        "" | "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "`{other}` is not a size unit (use B, KB, MB, KiB, MiB)"
            ));
        }
    };
    let bytes = number * factor;
    if !(1.0..=1e12).contains(&bytes) {
        return Err(format!("`{text}` is out of range"));
    }
    Ok(bytes as u64)
}
