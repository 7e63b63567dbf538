//! The `log` kind: follows `path` (a glob allowed in the file name) from its end, through
//! rotation by rename and copytruncate, and counts lines matching `match` (a regex) and not
//! `ignore`. Outputs `matches` (in the last `window`), `rate` (per minute over the window),
//! `total` (since the session started), `last` (the last matching line, redacted and bounded),
//! `files`. Reads happen off the runtime's threads; a missing file is UNKNOWN until it appears.

mod follow;

use crate::config::{Headline, KindSettings, Poller, ProbeKind, ProbeSpec, TableReader};
use crate::model::{Failure, OutputSpec, OutputType, Outputs, PollResult, Value, ValueUnit};
use crate::redact::redact_text;
use follow::{Follower, Paths};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

/// Characters of the last matching line kept for display.
const LAST_SHOWN: usize = 300;

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "matches",
        OutputType::Number(None),
        "matching lines in the last `window`",
    ),
    OutputSpec::new(
        "rate",
        OutputType::Number(None),
        "matching lines per minute over the window",
    ),
    OutputSpec::new(
        "total",
        OutputType::Number(None),
        "matching lines since the session started",
    ),
    OutputSpec::new(
        "last",
        OutputType::Text,
        "the last matching line (redacted, 300 characters at most)",
    ),
    OutputSpec::new("files", OutputType::Number(None), "files followed"),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "reading the new bytes",
    ),
];

/// The `log` kind in the registry.
pub struct Log;

impl ProbeKind for Log {
    fn name(&self) -> &'static str {
        "log"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["path", "match", "ignore", "window"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        if !r.has("path") {
            r.required("path", "path = \"/var/log/app/*.log\"");
        }
        let path = r.path("path").and_then(|p| match Paths::parse(&p) {
            Ok(_) => Some(p),
            Err(why) => {
                r.fail("path", why, "path = \"/var/log/app/*.log\"");
                None
            }
        });
        let matcher = pattern(r, "match", true);
        let ignore = pattern(r, "ignore", false);
        let window = r.duration("window").unwrap_or(DEFAULT_WINDOW);
        if window.is_zero() {
            r.fail(
                "window",
                "`window` must be more than zero",
                "window = \"5m\"",
            );
        }
        Some(Arc::new(LogSettings {
            path: path?,
            matcher: matcher?,
            ignore,
            window,
        }))
    }
}

/// A regex key, located at the place in the pattern where it goes wrong.
fn pattern(r: &mut TableReader<'_, '_>, key: &str, required: bool) -> Option<regex::bytes::Regex> {
    let text = if required {
        r.required(key, "match = \"ERROR|FATAL\"")?
    } else {
        r.optional_str(key)?
    };
    match regex::bytes::Regex::new(&text) {
        Ok(re) => Some(re),
        Err(e) => {
            let at = match regex_syntax::Parser::new().parse(&text) {
                Err(regex_syntax::Error::Parse(p)) => p.span().start.offset,
                Err(regex_syntax::Error::Translate(t)) => t.span().start.offset,
                _ => 0,
            };
            let message = e.to_string();
            let first = message.lines().last().unwrap_or("").trim().to_string();
            r.fail_in_value(
                key,
                at,
                format!("bad regex in `{key}`: {first}"),
                "the regex crate's syntax (RE2): `ERROR|FATAL`, `(?i)timeout`, `status=5\\d\\d`",
            );
            None
        }
    }
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub path: PathBuf,
    pub matcher: regex::bytes::Regex,
    pub ignore: Option<regex::bytes::Regex>,
    pub window: Duration,
}

impl KindSettings for LogSettings {
    fn target(&self) -> String {
        format!("{} =~ {}", self.path.display(), self.matcher.as_str())
    }

    fn secret_parts(&self) -> Vec<String> {
        Vec::new()
    }

    fn poller(&self, _spec: &ProbeSpec) -> Box<dyn Poller> {
        let follower = Paths::parse(&self.path)
            .map(|paths| Follower::new(paths, self.matcher.clone(), self.ignore.clone()));
        Box::new(LogProbe {
            follower: follower.map(|f| Arc::new(Mutex::new(f))),
            window: self.window,
            recent: VecDeque::new(),
            total: 0,
            last: None,
        })
    }

    fn headline(&self, _unit: Option<ValueUnit>) -> Headline {
        Headline {
            output: "matches",
            unit: None,
        }
    }

    fn sparkline(&self) -> &'static str {
        "matches"
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct LogProbe {
    /// Shared with the blocking task that reads, so a poll cut short by the timeout leaves the
    /// files and offsets in place for the next one.
    follower: Result<Arc<Mutex<Follower>>, String>,
    window: Duration,
    /// Matches found by each poll, for the window.
    recent: VecDeque<(Instant, u64)>,
    total: u64,
    last: Option<String>,
}

impl LogProbe {
    async fn poll_once(&mut self) -> PollResult {
        let follower = self.follower.clone().map_err(Failure::cannot_judge)?;
        let started = Instant::now();
        let reader = follower.clone();
        tokio::task::spawn_blocking(move || {
            let mut f = reader.lock().unwrap_or_else(|e| e.into_inner());
            f.poll()
        })
        .await
        .map_err(|e| Failure::cannot_judge(format!("the reader stopped: {e}")))?
        .map_err(Failure::cannot_judge)?;
        // taken only now: a poll dropped while reading leaves its finds to the next one
        let found = follower.lock().unwrap_or_else(|e| e.into_inner()).take();
        let now = Instant::now();
        self.total += found.matches;
        if let Some(line) = found.last {
            let line: String = line.chars().take(LAST_SHOWN).collect();
            self.last = Some(redact_text(line.trim_end()));
        }
        self.recent.push_back((now, found.matches));
        while let Some((at, _)) = self.recent.front() {
            if now.duration_since(*at) > self.window {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        let matches: u64 = self.recent.iter().map(|(_, n)| n).sum();
        let minutes = self.window.as_secs_f64() / 60.0;
        let mut out = Outputs::answered_in(started.elapsed().as_secs_f64() * 1000.0);
        out.number("matches", matches as f64);
        out.number("rate", matches as f64 / minutes);
        out.number("total", self.total as f64);
        out.number("files", found.files as f64);
        if let Some(last) = &self.last {
            out.set("last", Value::Text(last.clone()));
        }
        Ok(out)
    }
}

impl Poller for LogProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}
