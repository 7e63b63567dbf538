//! Reading `[[notify]]` tables: every problem located with its fix (did-you-mean for kinds,
//! events and placeholders), and a target with any problem left out.

use super::{DEFAULT_EXPIRE, DEFAULT_NOTIFY_TIMEOUT, DEFAULT_ON, Destination, Level, NOTICE_NAMES};
use super::{Notice, NotifyTarget, WebhookUrl};
use crate::config::interp::Vars;
use crate::config::reader::TableReader;
use crate::config::template::Template;
use crate::config::types::{Origin, SecretText};
use crate::suggest::closest;
use crate::toml_span::{Entry, NodeValue, Table, TomlFile};
use crate::units::format_duration_exact;
use std::time::Duration;

const COMMON_KEYS: &[&str] = &[
    "name",
    "kind",
    "on",
    "min_severity",
    "template",
    "timeout",
    "expire",
];
const KINDS: &[&str] = &["webhook", "slack", "command"];

fn keys_of(kind: &str) -> Vec<&'static str> {
    let mut keys = COMMON_KEYS.to_vec();
    match kind {
        "webhook" => keys.extend(["url", "headers"]),
        "slack" => keys.push("url"),
        "command" => keys.push("argv"),
        _ => keys.extend(["url", "headers", "argv"]),
    }
    keys
}

/// Reads every `[[notify]]` table; problems go to `sink`, and a target with any is left out.
pub(in crate::config) fn read_targets<'b>(
    sink: &mut TomlFile<'b>,
    entry: &Entry,
    vars: &Vars<'b>,
) -> Vec<NotifyTarget> {
    let tables = match &entry.node.value {
        NodeValue::Array(items) => items.clone(),
        NodeValue::Table(_) => vec![entry.node.clone()],
        other => {
            sink.fail(
                entry.node.span.start,
                format!(
                    "`notify` must be a list of tables, not {}",
                    other.type_name()
                ),
                "write each target as a [[notify]] table",
            );
            return Vec::new();
        }
    };
    let mut out: Vec<NotifyTarget> = Vec::new();
    for node in tables {
        let NodeValue::Table(table) = &node.value else {
            sink.fail(
                node.span.start,
                format!(
                    "a notify target must be a table, not {}",
                    node.value.type_name()
                ),
                "write each target as a [[notify]] table",
            );
            continue;
        };
        let Some(target) = read_target(sink, node.span.start, table, vars) else {
            continue;
        };
        if let Some(first) = out.iter().find(|t| t.name == target.name) {
            let at = table.get("name").map_or(node.span.start, |n| n.span.start);
            sink.fail(
                at,
                format!("duplicate notify target `{}`", target.name),
                format!(
                    "the first `{}` is at line {}; the report and the store know targets by name",
                    target.name, first.origin.line
                ),
            );
            continue;
        }
        out.push(target);
    }
    out
}

fn read_target<'b>(
    sink: &mut TomlFile<'b>,
    table_offset: usize,
    table: &Table,
    vars: &Vars<'b>,
) -> Option<NotifyTarget> {
    let before = sink.errors.len();
    let mut r = TableReader {
        sink,
        table,
        table_offset,
        vars,
        kind: "notify",
    };
    let name = required(&mut r, "name", "name = \"ops-slack\"");
    if let Some(n) = &name
        && (n.trim().is_empty() || n.chars().any(char::is_control) || n.chars().count() > 100)
    {
        r.fail(
            "name",
            "a target's name is 1 to 100 printable characters",
            "name = \"ops-slack\"",
        );
    }
    let kind = required(
        &mut r,
        "kind",
        "kind = \"webhook\" (or \"slack\", \"command\")",
    );
    if let Some(k) = kind.as_deref().filter(|k| !KINDS.contains(k)) {
        let mut hint = format!("kind is one of: {}", KINDS.join(", "));
        if let Some(near) = closest(k, KINDS) {
            hint = format!("did you mean `{near}`? ({hint})");
        }
        r.fail("kind", format!("unknown notify kind `{k}`"), hint);
    }
    let kind = kind.unwrap_or_default();
    let known = keys_of(&kind);
    for entry in table.iter() {
        if !known.contains(&entry.key.as_str()) {
            let what = if KINDS.contains(&kind.as_str()) {
                format!("a {kind} target")
            } else {
                "a notify target".to_owned()
            };
            let message = format!("unknown key `{}` in {what}", entry.key);
            r.sink.unknown_key(entry, &known, message, || {
                format!("{what} takes: {}", known.join(", "))
            });
        }
    }
    let destination = destination(&mut r, &kind);
    let on = read_on(&mut r);
    let min_severity = r.optional_str("min_severity").and_then(|text| {
        let level = Level::parse(&text);
        if level.is_none() {
            r.fail(
                "min_severity",
                format!("unknown severity `{text}`"),
                "min_severity is one of: info, warning, critical",
            );
        }
        level
    });
    let template = read_template(&mut r);
    let timeout = r.duration("timeout").unwrap_or(DEFAULT_NOTIFY_TIMEOUT);
    if timeout.is_zero() || timeout > Duration::from_secs(300) {
        r.fail(
            "timeout",
            format!("timeout {} is out of range", format_duration_exact(timeout)),
            "one attempt may take from 1ms to 5m: timeout = \"10s\"",
        );
    }
    let expire = r.duration("expire").unwrap_or(DEFAULT_EXPIRE);
    if expire < timeout {
        r.fail(
            "expire",
            format!(
                "expire {} is shorter than one attempt ({})",
                format_duration_exact(expire),
                format_duration_exact(timeout)
            ),
            "expire is how long a notification is retried: expire = \"1h\"",
        );
    }
    let at = table.get("name").map_or(table_offset, |n| n.span.start);
    let (line, column) = r.sink.line_col(at);
    if r.sink.errors.len() > before {
        return None;
    }
    Some(NotifyTarget {
        name: name?,
        destination: destination?,
        on,
        min_severity: min_severity.unwrap_or_default(),
        template,
        timeout,
        expire,
        origin: Origin {
            file: r.sink.file.to_path_buf(),
            line,
            column,
        },
    })
}

fn required(r: &mut TableReader<'_, '_>, key: &str, example: &str) -> Option<String> {
    if !r.has(key) {
        r.fail(
            key,
            format!("this notify target has no `{key}`"),
            format!("add {example}"),
        );
        return None;
    }
    r.optional_str(key)
}

fn destination(r: &mut TableReader<'_, '_>, kind: &str) -> Option<Destination> {
    match kind {
        "webhook" | "slack" => {
            let example = if kind == "slack" {
                "url = \"${SLACK_WEBHOOK_URL}\" (keep the URL out of the file: it is a token)"
            } else {
                "url = \"https://ops.example.com/hooks/flightdeck\""
            };
            if !r.has("url") {
                r.fail(
                    "url",
                    format!("a {kind} target needs `url`"),
                    format!("add {example}"),
                );
                return None;
            }
            let url = WebhookUrl::new(r.optional_str("url")?);
            let parsed = url::Url::parse(url.expose());
            if !parsed.is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()) {
                r.fail(
                    "url",
                    format!("`{}` is not an http(s) URL", url.redacted()),
                    format!("write {example}"),
                );
                return None;
            }
            if kind == "slack" {
                return Some(Destination::Slack { url });
            }
            let headers = r
                .string_table(
                    "headers",
                    "header",
                    "headers = { Authorization = \"Bearer ${TOKEN}\" }",
                )
                .into_iter()
                .map(|(k, v)| {
                    let secret = if crate::redact::is_secret_name(&k) {
                        SecretText::whole(v)
                    } else {
                        SecretText::new(v)
                    };
                    (k, secret)
                })
                .collect();
            Some(Destination::Webhook { url, headers })
        }
        "command" => {
            let example = "argv = [\"/usr/local/bin/page-oncall\", \"--team\", \"ops\"]";
            if !r.has("argv") {
                r.fail(
                    "argv",
                    "a command target needs `argv`",
                    format!("add {example}"),
                );
                return None;
            }
            let argv = r.string_list("argv", example)?;
            if argv.first().is_none_or(|p| p.trim().is_empty()) {
                r.fail(
                    "argv",
                    "`argv` needs the program first",
                    format!("write {example} (no shell: the JSON comes on stdin)"),
                );
                return None;
            }
            Some(Destination::Command { argv })
        }
        _ => None,
    }
}

fn read_on(r: &mut TableReader<'_, '_>) -> Vec<Notice> {
    let Some(entry) = r.table.entry("on").cloned() else {
        return DEFAULT_ON.to_vec();
    };
    let names: Vec<&str> = NOTICE_NAMES.iter().map(|(n, _)| *n).collect();
    let list = names.join(", ");
    let NodeValue::Array(items) = &entry.node.value else {
        r.fail(
            "on",
            "`on` must be a list of event names",
            format!("write on = [\"trigger_fired\", \"regressed\"] (names: {list})"),
        );
        return Vec::new();
    };
    if items.is_empty() {
        r.fail(
            "on",
            "`on = []` would never notify",
            "remove `on` for the default set, or name events",
        );
    }
    let mut out = Vec::new();
    for item in items {
        let notice = item
            .as_str()
            .and_then(Notice::parse)
            .filter(|n| *n != Notice::Test);
        match (notice, item.as_str()) {
            (Some(n), _) => out.push(n),
            (None, Some(name)) => {
                let hint = match closest(name, &names) {
                    Some(near) => format!("did you mean `{near}`? (events: {list})"),
                    None => format!("events: {list}"),
                };
                r.sink.fail(
                    item.span.start,
                    format!("unknown event `{name}` in `on`"),
                    hint,
                );
            }
            (None, None) => r.sink.fail(
                item.span.start,
                format!("`on` holds {}, not an event name", item.value.type_name()),
                format!("quote it (events: {list})"),
            ),
        }
    }
    out
}

fn read_template(r: &mut TableReader<'_, '_>) -> Option<Template> {
    // not interpolated: `${…}` and `{placeholder}` would read alike
    let entry = r.table.entry("template").cloned()?;
    let Some(text) = entry.node.as_str() else {
        r.fail(
            "template",
            format!(
                "`template` must be a string, not {}",
                entry.node.value.type_name()
            ),
            "template = \"{severity}: {summary}\"",
        );
        return None;
    };
    match Template::parse(text) {
        Ok(t) => Some(t),
        Err(e) => {
            let at = r.sink.content_start(&entry.node.span) + e.at;
            r.sink
                .fail(at, format!("bad template: {}", e.message), e.hint);
            None
        }
    }
}
