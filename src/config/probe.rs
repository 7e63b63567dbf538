//! Reads one `[[probe]]` table into a `ProbeSpec`, reporting every problem with its place and a fix.

use super::interp::{Vars, interpolate};
use super::source::{
    Entry, Node, NodeValue, Sink, closest, find_in_literal, literal_content_start,
};
use super::types::*;
use crate::error::SourceError;
use crate::probes::metrics::query::MetricsQuery;
use crate::units::{format_duration_exact, parse_duration};
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
pub const DEFAULT_MAX_BODY: u64 = 1024 * 1024;

const COMMON_KEYS: &[&str] = &[
    "name", "kind", "title", "interval", "timeout", "ok", "warn", "crit", "unit",
];

fn kind_keys(kind: ProbeKind) -> &'static [&'static str] {
    match kind {
        ProbeKind::Http => &[
            "url", "method", "headers", "body", "ca_file", "insecure", "max_body",
        ],
        ProbeKind::Sql => &["url", "query"],
        ProbeKind::Redis => &["url", "key", "ca_file"],
        ProbeKind::Prometheus => &["url", "query"],
        ProbeKind::Metrics => &["url", "query"],
    }
}

/// Reads a probe table; `None` when it has errors (already pushed to `sink`).
pub(crate) fn read_probe(
    sink: &mut Sink,
    table_span: &Option<Range<usize>>,
    entries: &[Entry],
    vars: &Vars<'_>,
) -> Option<ProbeSpec> {
    let before = sink.errors.len();
    let mut reader = TableReader {
        sink,
        entries,
        table_offset: 0,
        vars,
    };
    reader.table_offset = reader.sink.offset(table_span, None);
    let r = &mut reader;

    let name = r.required_str("name", "name = \"api\"");
    let kind_text = r.required_str("kind", "kind = \"http\"");
    let kind = kind_text.as_ref().and_then(|(text, span)| {
        let kind = ProbeKind::parse(text);
        if kind.is_none() {
            let at = r.sink.offset(span, Some("kind"));
            let mut hint = format!("kind is one of: {}", ProbeKind::ALL.join(", "));
            if let Some(near) = closest(text, &ProbeKind::ALL) {
                hint = format!("did you mean `{near}`? ({hint})");
            }
            let e = r
                .sink
                .error(at, format!("unknown probe kind `{text}`"))
                .with_hint(hint);
            r.sink.push(e);
        }
        kind
    });

    let mut known: Vec<&str> = COMMON_KEYS.to_vec();
    if let Some(kind) = kind {
        known.extend_from_slice(kind_keys(kind));
        for entry in entries {
            if !known.contains(&entry.key.as_str()) {
                let at = r.sink.offset(&entry.key_span, Some(&entry.key));
                let hint = match closest(&entry.key, &known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("a {} probe takes: {}", kind.as_str(), known.join(", ")),
                };
                let e = r
                    .sink
                    .error(
                        at,
                        format!("unknown key `{}` in a {} probe", entry.key, kind.as_str()),
                    )
                    .with_hint(hint);
                r.sink.push(e);
            }
        }
    }

    let interval = r.duration("interval").unwrap_or(DEFAULT_INTERVAL);
    let timeout_given = r.duration("timeout");
    let timeout = timeout_given.unwrap_or(DEFAULT_TIMEOUT.min(interval));
    if interval < Duration::from_millis(100) {
        let at = r.offset_of("interval");
        let e = r
            .sink
            .error(
                at,
                format!("interval {} is too short", format_duration_exact(interval)),
            )
            .with_hint("poll at most ten times a second: interval = \"100ms\" or more");
        r.sink.push(e);
    }
    if timeout.is_zero() {
        let at = r.offset_of("timeout");
        let e = r
            .sink
            .error(at, "timeout must be more than zero")
            .with_hint("write it like timeout = \"2s\"");
        r.sink.push(e);
    } else if timeout > interval {
        let at = r.offset_of("timeout");
        let e = r
            .sink
            .error(
                at,
                format!(
                    "timeout {} is longer than interval {}",
                    format_duration_exact(timeout),
                    format_duration_exact(interval)
                ),
            )
            .with_hint(
                "a probe has one poll in flight at a time, so a poll that outlives the interval \
                 delays the next one and the panel shows stale data; make timeout <= interval",
            );
        r.sink.push(e);
    }

    let title = r.optional_str("title").map(|(t, _)| t);
    let probe_name = name
        .as_ref()
        .map_or("probe", |(n, _)| n.as_str())
        .to_string();
    let ok = r.condition("ok", &probe_name);
    let warn = r.condition("warn", &probe_name);
    let crit = r.condition("crit", &probe_name);
    let unit = r.optional_str("unit").and_then(|(text, span)| {
        let unit = ValueUnit::parse(&text);
        if unit.is_none() {
            let at = r.sink.offset(&span, Some("unit"));
            let e = r
                .sink
                .error(at, format!("unknown unit `{text}`"))
                .with_hint("unit is one of: ms, %, bytes, /s");
            r.sink.push(e);
        }
        unit
    });

    let settings = kind.and_then(|kind| r.settings(kind));
    let origin_at = name
        .as_ref()
        .map(|(_, span)| r.sink.offset(span, Some("name")))
        .unwrap_or(r.table_offset);
    let (line, column) = r.sink.line_col(origin_at);
    if r.sink.errors.len() > before {
        return None;
    }
    Some(ProbeSpec {
        name: name?.0,
        title,
        interval,
        timeout,
        ok,
        warn,
        crit,
        unit,
        settings: settings?,
        origin: Origin {
            file: r.sink.file.clone(),
            line,
            column,
        },
    })
}

struct TableReader<'a, 'b> {
    sink: &'a mut Sink,
    entries: &'a [Entry],
    table_offset: usize,
    vars: &'a Vars<'b>,
}

impl TableReader<'_, '_> {
    fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn offset_of(&self, key: &str) -> usize {
        match self.get(key) {
            Some(entry) => self.sink.offset(&entry.node.span, Some(key)),
            None => self.table_offset,
        }
    }

    /// A string value, interpolated; type and reference errors are reported.
    fn optional_str(&mut self, key: &str) -> Option<(String, Option<Range<usize>>)> {
        let entry = self.get(key)?.clone();
        let NodeValue::Str(raw) = &entry.node.value else {
            let at = self.sink.offset(&entry.node.span, Some(key));
            let e = self
                .sink
                .error(
                    at,
                    format!(
                        "`{key}` must be a string, not {}",
                        entry.node.value.type_name()
                    ),
                )
                .with_hint(format!("quote it: {key} = \"…\""));
            self.sink.push(e);
            return None;
        };
        self.interpolated(key, raw, &entry.node)
            .map(|text| (text, entry.node.span.clone()))
    }

    fn interpolated(&mut self, key: &str, raw: &str, node: &Node) -> Option<String> {
        match interpolate(raw, self.vars) {
            Ok(text) => Some(text),
            Err(errors) => {
                for err in errors {
                    let at = match &node.span {
                        Some(span) => find_in_literal(&self.sink.text, span, &err.reference)
                            .unwrap_or(span.start),
                        None => {
                            let base = self.sink.offset(&None, Some(key));
                            self.sink.text[base..]
                                .lines()
                                .next()
                                .and_then(|line| line.find(&err.reference))
                                .map_or(base, |i| base + i)
                        }
                    };
                    let e = self.sink.error(at, err.message).with_hint(err.hint);
                    self.sink.push(e);
                }
                None
            }
        }
    }

    fn required_str(&mut self, key: &str, example: &str) -> Option<(String, Option<Range<usize>>)> {
        if self.get(key).is_none() {
            let e = self
                .sink
                .error(self.table_offset, format!("this probe has no `{key}`"))
                .with_hint(format!("add {example}"));
            self.sink.push(e);
            return None;
        }
        self.optional_str(key)
    }

    fn required_for(&mut self, kind: ProbeKind, key: &str, example: &str) -> Option<String> {
        if self.get(key).is_none() {
            let e = self
                .sink
                .error(
                    self.table_offset,
                    format!("a {} probe needs `{key}`", kind.as_str()),
                )
                .with_hint(format!("add {example}"));
            self.sink.push(e);
            return None;
        }
        self.optional_str(key).map(|(t, _)| t)
    }

    fn duration(&mut self, key: &str) -> Option<Duration> {
        let (text, span) = self.optional_str(key)?;
        match parse_duration(&text) {
            Ok(d) => Some(d),
            Err(message) => {
                let at = self.sink.offset(&span, Some(key));
                let e = self
                    .sink
                    .error(at, format!("bad duration for `{key}`: {message}"))
                    .with_hint(format!("write it like {key} = \"5s\" (units: ms, s, m, h)"));
                self.sink.push(e);
                None
            }
        }
    }

    fn bool(&mut self, key: &str) -> bool {
        match self.get(key).map(|e| e.node.clone()) {
            None => false,
            Some(Node {
                value: NodeValue::Bool(b),
                ..
            }) => b,
            Some(node) => {
                let at = self.sink.offset(&node.span, Some(key));
                let e = self
                    .sink
                    .error(at, format!("`{key}` must be true or false"))
                    .with_hint(format!("write {key} = true (no quotes)"));
                self.sink.push(e);
                false
            }
        }
    }

    fn condition(&mut self, key: &str, probe: &str) -> Option<ConditionText> {
        let (text, span) = self.optional_str(key)?;
        let offset = match &span {
            Some(span) => Some(literal_content_start(&self.sink.text, span)),
            None => {
                let at = self.sink.offset(&None, Some(key));
                (at != self.table_offset).then(|| at + 1)
            }
        };
        let (line, column) = self.sink.line_col(offset.unwrap_or(self.table_offset));
        if text.trim().is_empty() {
            let e = self
                .sink
                .error(
                    offset.unwrap_or(self.table_offset),
                    format!("`{key}` is empty"),
                )
                .with_hint(format!(
                    "write a condition like {key} = 'status == 200', or remove the key"
                ));
            self.sink.push(e);
            return None;
        }
        let condition = ConditionText {
            text,
            file: self.sink.file.clone(),
            line,
            column,
            offset,
        };
        match crate::condition::parse_local(&condition.text, probe) {
            Ok(parsed) if parsed.hold_for().is_some() => {
                let at = condition.text.find(" for ").map_or(0, |i| i + 1);
                let e = self
                    .locate(&condition, at, "a probe's own condition cannot use `for`")
                    .with_hint(
                        "ok/warn/crit are judged on every poll; put `for DURATION` in a checklist \
                         item's `auto` or a [[trigger]] instead",
                    );
                self.sink.push(e);
                None
            }
            Ok(_) => Some(condition),
            Err(err) => {
                let e = match (condition.offset, span.is_some()) {
                    (Some(start), true) => err.locate(&self.sink.file, &self.sink.text, start),
                    _ => {
                        let mut e = condition.error_at(err.offset, err.message.clone());
                        e.hint = err.hint.clone();
                        e
                    }
                };
                let e = SourceError {
                    message: format!("bad `{key}` condition: {}", e.message),
                    hint: e.hint.clone().or_else(|| {
                        Some(format!(
                            "a condition compares this probe's outputs, e.g. {key} = 'status == 200 && latency < 500ms'"
                        ))
                    }),
                    ..e
                };
                self.sink.push(e);
                None
            }
        }
    }

    fn locate(&self, condition: &ConditionText, at: usize, message: &str) -> SourceError {
        match condition.offset {
            Some(start) if condition.line > 0 => self.sink.error(start + at, message),
            _ => condition.error_at(at, message),
        }
    }

    fn settings(&mut self, kind: ProbeKind) -> Option<ProbeSettings> {
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
