//! Reads one `[[probe]]` table into a `ProbeSpec`, reporting every problem with its place and a fix.

use super::interp::Vars;
use super::kind::{Kinds, ProbeKind, ProbeSpec};
use super::reader::TableReader;
use super::source::{Entry, Sink, closest};
use super::types::*;
use crate::error::SourceError;
use crate::units::format_duration_exact;
use std::ops::Range;
use std::time::Duration;

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

const COMMON_KEYS: &[&str] = &[
    "name", "kind", "title", "interval", "timeout", "ok", "warn", "crit", "unit",
];

/// Reads a probe table; `None` when it has errors (already pushed to `sink`).
pub(crate) fn read_probe(
    sink: &mut Sink,
    table_span: &Option<Range<usize>>,
    entries: &[Entry],
    vars: &Vars<'_>,
    kinds: Kinds,
) -> Option<ProbeSpec> {
    let before = sink.errors.len();
    let mut reader = TableReader {
        sink,
        entries,
        table_offset: 0,
        vars,
        kind: "",
    };
    reader.table_offset = reader.sink.offset(table_span, None);
    let r = &mut reader;

    let name = r.required_str("name", "name = \"api\"");
    let kind_text = r.required_str("kind", "kind = \"http\"");
    let kind: Option<&'static dyn ProbeKind> = kind_text.as_ref().and_then(|(text, span)| {
        let kind = kinds.iter().copied().find(|k| k.name() == text);
        if kind.is_none() {
            let at = r.sink.offset(span, Some("kind"));
            let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            let mut hint = format!("kind is one of: {}", names.join(", "));
            if let Some(near) = closest(text, &names) {
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
        r.kind = kind.name();
        known.extend_from_slice(kind.keys());
        for entry in entries {
            if !known.contains(&entry.key.as_str()) {
                let at = r.sink.offset(&entry.key_span, Some(&entry.key));
                let hint = match closest(&entry.key, &known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("a {} probe takes: {}", kind.name(), known.join(", ")),
                };
                let e = r
                    .sink
                    .error(
                        at,
                        format!("unknown key `{}` in a {} probe", entry.key, kind.name()),
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

    let title = r.optional_str("title");
    let probe_name = name
        .as_ref()
        .map_or("probe", |(n, _)| n.as_str())
        .to_string();
    let ok = condition(r, "ok", &probe_name, kind);
    let warn = condition(r, "warn", &probe_name, kind);
    let crit = condition(r, "crit", &probe_name, kind);
    let unit = r.optional_str("unit").and_then(|text| {
        let unit = ValueUnit::parse(&text);
        if unit.is_none() {
            r.fail(
                "unit",
                format!("unknown unit `{text}`"),
                "unit is one of: ms, %, bytes, /s, days",
            );
        }
        unit
    });

    let settings = kind.and_then(|kind| kind.read(r));
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
        kind: kind?,
        settings: settings?,
        origin: Origin {
            file: r.sink.file.clone(),
            line,
            column,
        },
    })
}

/// Reads and checks one of a probe's own conditions (`ok`, `warn`, `crit`): it parses, holds no
/// `for`, and reads only outputs its kind gives.
fn condition(
    r: &mut TableReader<'_, '_>,
    key: &str,
    probe: &str,
    kind: Option<&'static dyn ProbeKind>,
) -> Option<ConditionText> {
    let (condition, spanned) = r.condition_text(key)?;
    if condition.text.trim().is_empty() {
        let e = r
            .locate(&condition, 0, &format!("`{key}` is empty"))
            .with_hint(format!(
                "write a condition like {key} = 'status == 200', or remove the key"
            ));
        r.sink.push(e);
        return None;
    }
    match crate::condition::parse_local(&condition.text, probe) {
        Ok(parsed) if parsed.hold_for().is_some() => {
            let at = condition.text.find(" for ").map_or(0, |i| i + 1);
            let e = r
                .locate(&condition, at, "a probe's own condition cannot use `for`")
                .with_hint(
                    "ok/warn/crit are judged on every poll; put `for DURATION` in a checklist \
                     item's `auto` or a [[trigger]] instead",
                );
            r.sink.push(e);
            None
        }
        Ok(parsed) => {
            let mut known = true;
            for reference in parsed.reference_slice() {
                let unknown = kind.and_then(|k| k.unknown_output(probe, &reference.path));
                if let Some((message, hint)) = unknown {
                    let e = r
                        .locate(&condition, reference.offset, &message)
                        .with_hint(hint);
                    r.sink.push(e);
                    known = false;
                }
            }
            known.then_some(condition)
        }
        Err(err) => {
            let e = match (condition.offset, spanned) {
                (Some(start), true) => err.locate(&r.sink.file, &r.sink.text, start),
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
            r.sink.push(e);
            None
        }
    }
}
