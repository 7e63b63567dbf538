//! Reads one `[[probe]]` table into a `ProbeSpec`, reporting every problem with its place and a fix.

use super::interp::{Vars, interpolate};
use super::source::{
    Entry, Node, NodeValue, Sink, closest, find_in_literal, literal_content_start,
};
use super::types::*;
use crate::error::SourceError;
use crate::units::{format_duration_exact, parse_duration};
use std::ops::Range;
use std::time::Duration;

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

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

pub(super) struct TableReader<'a, 'b> {
    pub(super) sink: &'a mut Sink,
    pub(super) entries: &'a [Entry],
    pub(super) table_offset: usize,
    pub(super) vars: &'a Vars<'b>,
}

impl TableReader<'_, '_> {
    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub(super) fn offset_of(&self, key: &str) -> usize {
        match self.get(key) {
            Some(entry) => self.sink.offset(&entry.node.span, Some(key)),
            None => self.table_offset,
        }
    }

    /// A string value, interpolated; type and reference errors are reported.
    pub(super) fn optional_str(&mut self, key: &str) -> Option<(String, Option<Range<usize>>)> {
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

    pub(super) fn interpolated(&mut self, key: &str, raw: &str, node: &Node) -> Option<String> {
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

    pub(super) fn required_str(
        &mut self,
        key: &str,
        example: &str,
    ) -> Option<(String, Option<Range<usize>>)> {
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

    pub(super) fn required_for(
        &mut self,
        kind: ProbeKind,
        key: &str,
        example: &str,
    ) -> Option<String> {
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

    pub(super) fn duration(&mut self, key: &str) -> Option<Duration> {
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

    pub(super) fn bool(&mut self, key: &str) -> bool {
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

    pub(super) fn condition(&mut self, key: &str, probe: &str) -> Option<ConditionText> {
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

    pub(super) fn locate(
        &self,
        condition: &ConditionText,
        at: usize,
        message: &str,
    ) -> SourceError {
        match condition.offset {
            Some(start) if condition.line > 0 => self.sink.error(start + at, message),
            _ => condition.error_at(at, message),
        }
    }
}
