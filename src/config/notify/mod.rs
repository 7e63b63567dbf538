//! The `[[notify]]` section: where flightdeck tells the team what happens during the window — a
//! webhook, a Slack (or Mattermost, Rocket.Chat) incoming webhook, or a command — and about what.
//! The targets' types here; `read` reads them with every problem located; the `notify` module
//! sends.

mod read;

pub(super) use read::read_targets;

use super::template::Template;
use super::types::{Origin, SecretText};
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
