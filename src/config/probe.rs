//! Reads one `[[probe]]` table into a `ProbeSpec`, reporting every problem with its place and a fix.

use super::interp::Vars;
use super::kind::{Kinds, ProbeKind, ProbeSpec};
use super::reader::TableReader;
use super::types::*;
use crate::error::SourceError;
use crate::suggest::closest;
use crate::toml_span::{Table, TomlFile};
use crate::units::format_duration_exact;
use std::time::Duration;

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

const COMMON_KEYS: &[&str] = &[
    "name", "kind", "title", "interval", "timeout", "ok", "warn", "crit", "unit", "show",
];

/// Reads a probe table; `None` when it has errors (already pushed to `sink`).
pub(crate) fn read_probe<'b>(
    sink: &mut TomlFile<'b>,
    table_offset: usize,
    table: &Table,
    vars: &Vars<'b>,
    kinds: Kinds,
) -> Option<ProbeSpec> {
    let before = sink.errors.len();
    let mut reader = TableReader {
        sink,
        table,
        table_offset,
        vars,
        kind: "",
    };
    let r = &mut reader;

    let name = r.required_str("name", "name = \"api\"");
    let kind_text = r.required_str("kind", "kind = \"http\"");
    let kind: Option<&'static dyn ProbeKind> = kind_text.as_ref().and_then(|(text, span)| {
        let kind = kinds.iter().copied().find(|k| k.name() == text);
        if kind.is_none() {
            let at = span.start;
            let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            let mut hint = format!("kind is one of: {}", names.join(", "));
            if let Some(near) = closest(text, &names) {
                hint = format!("did you mean `{near}`? ({hint})");
            }
            r.sink
                .fail(at, format!("unknown probe kind `{text}`"), hint);
        }
        kind
    });

    let mut known: Vec<&str> = COMMON_KEYS.to_vec();
    if let Some(kind) = kind {
        r.kind = kind.name();
        known.extend_from_slice(kind.keys());
        for entry in table.iter() {
            if !known.contains(&entry.key.as_str()) {
                let message = format!("unknown key `{}` in a {} probe", entry.key, kind.name());
                r.sink.unknown_key(entry, &known, message, || {
                    format!("a {} probe takes: {}", kind.name(), known.join(", "))
                });
            }
        }
    }

    let interval = r.duration("interval").unwrap_or(DEFAULT_INTERVAL);
    let timeout_given = r.duration("timeout");
    let timeout = timeout_given.unwrap_or(DEFAULT_TIMEOUT.min(interval));
    if interval < Duration::from_millis(100) {
        let at = r.offset_of("interval");
        r.sink.fail(
            at,
            format!("interval {} is too short", format_duration_exact(interval)),
            "poll at most ten times a second: interval = \"100ms\" or more",
        );
    }
    if timeout.is_zero() {
        let at = r.offset_of("timeout");
        r.sink.fail(
            at,
            "timeout must be more than zero",
            "write it like timeout = \"2s\"",
        );
    } else if timeout > interval {
        let at = r.offset_of("timeout");
        r.sink.fail(
            at,
            format!(
                "timeout {} is longer than interval {}",
                format_duration_exact(timeout),
                format_duration_exact(interval)
            ),
            "a probe has one poll in flight at a time, so a poll that outlives the interval \
                 delays the next one and the panel shows stale data; make timeout <= interval",
        );
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

    // the panel's headline: any output of the kind, a JSON path into a body included
    let show = r.optional_str("show").filter(|path| {
        let known = kind.is_none_or(|k| k.knows_output(path));
        if !known {
            let outputs: Vec<&str> = kind
                .map(|k| k.outputs().iter().map(|o| o.name).collect())
                .unwrap_or_default();
            r.fail(
                "show",
                format!("a {} probe has no output `{path}`", r.kind),
                format!("show one of: {}", outputs.join(", ")),
            );
        }
        known
    });

    let settings = kind.and_then(|kind| kind.read(r));
    let origin_at = name
        .as_ref()
        .map(|(_, span)| span.start)
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
        show,
        kind: kind?,
        settings: settings?,
        origin: Origin {
            file: r.sink.file.to_path_buf(),
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
    let condition = r.condition_text(key)?;
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
            let e = match condition.offset {
                Some(start) => err.locate(r.sink.file, r.sink.text, start),
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
