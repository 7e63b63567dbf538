//! The `[[notify]]` section: where flightdeck tells the team what happens during the window — a
//! webhook, a Slack (or Mattermost, Rocket.Chat) incoming webhook, or a command — and about what.
//! Read here with every problem located; the `notify` module sends.

use super::interp::Vars;
use super::reader::TableReader;
use super::template::Template;
use super::types::{Origin, SecretText};
use crate::suggest::closest;
use crate::toml_span::{Entry, NodeValue, Table, TomlFile};
use crate::units::format_duration_exact;
use std::fmt;
use std::time::Duration;

/// One attempt's default bound (an HTTP request, a command's run).
pub const DEFAULT_NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a notification is retried before it counts as failed.
pub const DEFAULT_EXPIRE: Duration = Duration::from_secs(3600);

/// What a target can be told about: the journal's kinds worth telling, `session_finished` (the
/// event that finished the checklist's last unfinished phase), and `test` (`notify test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Notice {
    TriggerFired,
    TriggerAcked,
    TriggerCleared,
    Regressed,
    Recovered,
    Decision,
    PhaseStarted,
    PhaseFinished,
    SessionFinished,
    /// A note on the whole window (a timeline entry, `I`).
    Note,
    Test,
}

/// The names `on = [...]` takes.
pub const NOTICE_NAMES: &[(&str, Notice)] = &[
    ("trigger_fired", Notice::TriggerFired),
    ("trigger_acked", Notice::TriggerAcked),
    ("trigger_cleared", Notice::TriggerCleared),
    ("regressed", Notice::Regressed),
    ("recovered", Notice::Recovered),
    ("decision", Notice::Decision),
    ("phase_started", Notice::PhaseStarted),
    ("phase_finished", Notice::PhaseFinished),
    ("session_finished", Notice::SessionFinished),
    ("note", Notice::Note),
];

/// What a target hears about when it has no `on`.
pub const DEFAULT_ON: &[Notice] = &[
    Notice::TriggerFired,
    Notice::TriggerAcked,
    Notice::TriggerCleared,
    Notice::Regressed,
    Notice::Decision,
    Notice::PhaseStarted,
    Notice::PhaseFinished,
    Notice::SessionFinished,
];

impl Notice {
    pub fn as_str(self) -> &'static str {
        match self {
            Notice::Test => "test",
            other => NOTICE_NAMES
                .iter()
                .find(|(_, n)| *n == other)
                .map_or("test", |(name, _)| name),
        }
    }

    pub fn parse(name: &str) -> Option<Notice> {
        if name == "test" {
            return Some(Notice::Test);
        }
        NOTICE_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, notice)| *notice)
    }
}

/// How much a notification matters: `min_severity` drops what is below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Level {
    #[default]
    Info,
    Warning,
    Critical,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "critical" => Some(Level::Critical),
            _ => None,
        }
    }
}

/// A webhook URL. Slack's (and most chat tools') carry their token in the path, so the whole
/// URL is the secret: it shows as `https://hooks.slack.com/***`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn new(text: impl Into<String>) -> WebhookUrl {
        WebhookUrl(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Scheme, host and port only.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(u) => {
                let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
                format!("{}://{}{port}/***", u.scheme(), u.host_str().unwrap_or("?"))
            }
            Err(_) => "***".into(),
        }
    }

    /// The parts to scrub from any text (an HTTP client's error quotes the URL).
    pub fn secret_parts(&self) -> Vec<String> {
        let mut parts = vec![self.0.clone()];
        if let Ok(u) = url::Url::parse(&self.0) {
            let mut path = u.path().to_owned();
            if let Some(q) = u.query() {
                path.push('?');
                path.push_str(q);
            }
            parts.push(path.clone());
            parts.push(path.trim_start_matches('/').to_owned());
            if let Some(pw) = u.password() {
                parts.push(pw.to_owned());
            }
        }
        parts.retain(|p| p.len() >= 3);
        // longest first, so a part is never left half-scrubbed by a shorter one inside it
        parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        parts
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Where a target's messages go.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    /// POST of the JSON document.
    Webhook {
        url: WebhookUrl,
        headers: Vec<(String, SecretText)>,
    },
    /// POST of Slack's incoming-webhook format (`text` and `blocks`).
    Slack { url: WebhookUrl },
    /// A program (no shell) with the JSON document on stdin.
    Command { argv: Vec<String> },
}

/// One `[[notify]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyTarget {
    pub name: String,
    pub destination: Destination,
    pub on: Vec<Notice>,
    pub min_severity: Level,
    /// The message line (`text`); `None`: the summary.
    pub template: Option<Template>,
    /// One attempt's bound.
    pub timeout: Duration,
    /// Retried until delivered or this long after the event.
    pub expire: Duration,
    pub origin: Origin,
}

impl NotifyTarget {
    pub fn kind_name(&self) -> &'static str {
        match self.destination {
            Destination::Webhook { .. } => "webhook",
            Destination::Slack { .. } => "slack",
            Destination::Command { .. } => "command",
        }
    }

    /// Where it sends, secrets hidden: `https://hooks.slack.com/***`, `mail-team --to ops`.
    pub fn display_target(&self) -> String {
        match &self.destination {
            Destination::Webhook { url, .. } | Destination::Slack { url } => url.redacted(),
            Destination::Command { argv } => argv
                .iter()
                .map(|w| SecretText::new(w.as_str()).redacted())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// Literal secrets of this target (its URL, token headers, passwords in argv), to scrub from
    /// every text it produces.
    pub fn secret_parts(&self) -> Vec<String> {
        match &self.destination {
            Destination::Webhook { url, headers } => {
                let mut parts = url.secret_parts();
                parts.extend(headers.iter().flat_map(|(_, v)| v.secret_parts()));
                parts
            }
            Destination::Slack { url } => url.secret_parts(),
            Destination::Command { argv } => argv
                .iter()
                .flat_map(|w| SecretText::new(w.as_str()).secret_parts())
                .collect(),
        }
    }

    pub fn wants(&self, notice: Notice, level: Level) -> bool {
        notice == Notice::Test || (self.on.contains(&notice) && level >= self.min_severity)
    }
}

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
pub(super) fn read_targets<'b>(
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
