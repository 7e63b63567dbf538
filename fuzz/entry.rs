//! What each fuzz target feeds flightdeck, one function per target: raw bytes in, a panic only
//! when a promise breaks (a panic inside flightdeck, a round trip that does not hold, a duration
//! past the cap). Shared by the `cargo fuzz` targets (`fuzz/fuzz_targets/`) and by the CI's
//! proptest fuzzing (`tests/fuzz_inputs.rs`), so an input that crashed one replays in both.
#![allow(dead_code)]

use flightdeck::checklist::{self, markdown, toml_format};
use flightdeck::condition::{self, HoldWindow, SampleLookup, Value};
use flightdeck::config;
use flightdeck::model::ValueUnit;
use flightdeck::probes::metrics::{query::MetricsQuery, text};
use flightdeck::probes::{ProbeState, Sample};
use flightdeck::units;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

/// A fuzz target: it takes any bytes and panics only on a broken promise.
pub type Target = fn(&[u8]);

/// Every target by name, as `cargo fuzz run NAME` and `fuzz/regressions/NAME/` know them.
pub const TARGETS: &[(&str, Target)] = &[
    ("markdown", markdown_import),
    ("checklist_toml", checklist_toml),
    ("config", config_file),
    ("interpolation", interpolation),
    ("condition", condition_eval),
    ("metrics", metrics_text),
    ("units", durations_and_sizes),
];

/// The Markdown importer on any bytes (decoded as `run` reads a file); what it imports, `to_toml`
/// writes and the TOML loader reads back equal — `import` then `validate` loses nothing.
pub fn markdown_import(data: &[u8]) {
    let file = Path::new("fuzz.md");
    let Ok(text) = checklist::read::decode(file, data.to_vec()) else {
        return;
    };
    if let Ok(c) = markdown::import(&text, file) {
        let toml = checklist::to_toml(&c);
        match toml_format::parse(&toml, Path::new("fuzz.toml")) {
            Ok(back) => assert!(
                back == c,
                "the TOML import writes reads back different:\n{toml}"
            ),
            Err(e) => panic!("the TOML import writes does not load: {e}\n{toml}"),
        }
    }
}

/// The checklist TOML loader; a checklist it loads is written back and loads equal.
pub fn checklist_toml(data: &[u8]) {
    let file = Path::new("fuzz.toml");
    let Ok(text) = checklist::read::decode(file, data.to_vec()) else {
        return;
    };
    if let Ok(c) = toml_format::parse(&text, file) {
        let toml = checklist::to_toml(&c);
        match toml_format::parse(&toml, file) {
            Ok(back) => assert!(back == c, "written back, it reads different:\n{toml}"),
            Err(e) => panic!("written back, it does not load: {e}\n{toml}"),
        }
    }
}

/// Environment variables the config's `${…}` may name: a few set, the rest unset.
fn process_env(name: &str) -> Option<String> {
    match name {
        "DB_URL" => Some("postgres://ops:s3cret@db:5432/app".into()),
        "TOKEN" => Some("abc123".into()),
        "EMPTY" => Some(String::new()),
        "NESTED" => Some("${TOKEN}".into()),
        _ => None,
    }
}

fn parse_config(text: &str) -> Result<config::Config, flightdeck::error::SourceErrors> {
    config::parse_str(
        Path::new("fuzz.toml"),
        text,
        Some("prod"),
        &process_env,
        flightdeck::probes::KINDS,
    )
}

/// The config loader (every probe kind's keys, conditions, durations) on any text.
pub fn config_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = parse_config(&text) {
        // a located error names its file
        assert!(e.to_string().contains("fuzz.toml"), "{e}");
    }
}

/// `text` as a TOML basic string: quotes, backslashes and every control character escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `${…}` interpolation through the config loader: the bytes split in two become an `[env.prod]`
/// variable and a probe's URL and header, which may reference it, each other, and the process.
pub fn interpolation(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (var, url) = text.split_once('\n').unwrap_or((&text, "${env.v}"));
    let config = format!(
        "[env.prod]\nv = {}\nw = \"${{env.prod.v}}-${{TOKEN}}\"\n\n[[probe]]\nname = \"api\"\n\
         kind = \"http\"\nurl = {}\nheaders = {{ Authorization = {} }}\n",
        toml_string(var),
        toml_string(url),
        toml_string(var),
    );
    if let Ok(c) = parse_config(&config) {
        for p in &c.probes {
            // whatever the references resolved to, the password stays out of what is shown
            assert!(!p.target().contains("s3cret"), "{}", p.target());
        }
    }
}

/// A probe's outputs made from bytes: numbers, a text, and a JSON body when the bytes are JSON.
fn outputs(rest: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let number = rest.trim().parse::<f64>().unwrap_or(rest.len() as f64);
    for name in [
        "value",
        "status",
        "latency",
        "rows",
        "len",
        "used_memory_ratio",
    ] {
        out.insert(name.to_owned(), Value::Number(number));
    }
    out.insert(
        "connected".into(),
        Value::Bool(rest.len().is_multiple_of(2)),
    );
    out.insert("stdout".into(), Value::Text(rest.to_owned()));
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(rest) {
        out.insert("body".into(), Value::Json(json));
    }
    out
}

/// The condition parser and evaluator: the first line is a condition (as written in `auto`, and
/// as a probe's own `ok` of probe `api`); one that parses prints and parses back the same, and is
/// evaluated over samples made from the rest of the bytes, then through a `for` window.
pub fn condition_eval(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (src, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = condition::parse_local(src, "api");
    let Ok(cond) = condition::parse(src) else {
        return;
    };
    let shown = cond.to_string();
    match condition::parse(&shown) {
        Ok(again) => assert!(
            again == cond,
            "{src:?} printed as {shown:?} reads different"
        ),
        Err(e) => panic!("{src:?} printed as {shown:?} does not parse: {e}"),
    }
    let t0 = chrono::DateTime::<chrono::Utc>::from_timestamp(1_790_000_000, 0).unwrap_or_default();
    let states = [
        ProbeState::Ok,
        ProbeState::Warn,
        ProbeState::Crit,
        ProbeState::Unknown,
    ];
    let mut window = HoldWindow::for_condition(&cond, Duration::from_secs(5));
    for step in 0..3i64 {
        let at = t0 + chrono::Duration::seconds(5 * step);
        let samples: HashMap<String, Sample> = cond
            .probes()
            .into_iter()
            .enumerate()
            .map(|(n, probe)| {
                let sample = Sample {
                    probe: probe.to_owned(),
                    at,
                    latency_ms: Some(1.5),
                    outputs: outputs(rest),
                    state: states[(n + step as usize) % states.len()],
                    reason: None,
                };
                (probe.to_owned(), sample)
            })
            .collect();
        let truth = cond.eval(&SampleLookup::new(&samples));
        let _ = window.observe(at, &truth, at);
        let _ = window.status(at + chrono::Duration::seconds(1));
    }
}

/// The metrics text parser and the `query` language: the first line is a query, the rest a
/// `/metrics` page.
pub fn metrics_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (query, page) = text.split_once('\n').unwrap_or(("", &text));
    let page = text::parse_page(page);
    for line in text.lines().take(64) {
        let _ = text::parse_line(line);
        let _ = text::parse_value(line);
    }
    if let Ok(q) = MetricsQuery::parse(query) {
        let selectors = match &q {
            MetricsQuery::Sum(s) | MetricsQuery::Rate(s) => vec![s],
            MetricsQuery::Ratio(a, b) => vec![a, b],
        };
        for sample in &page.samples {
            for s in &selectors {
                let _ = s.matches(sample);
            }
            let _ = sample.series_key();
        }
        // what `validate` and the panel print of it
        let _ = (q.to_string(), q.needs_two_scrapes(), q.is_ratio());
    }
}

/// Durations and sizes as every file and condition reads them: within the 10-year cap, and the
/// exact format reads back as written.
pub fn durations_and_sizes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(d) = units::parse_duration(&text) {
        assert!(d <= units::MAX_DURATION, "{text:?} gave {d:?}");
        let _ = units::format_duration(d);
        let _ = units::format_clock(d);
        let exact = units::format_duration_exact(d);
        let back = units::parse_duration(&exact);
        assert!(back == Ok(d), "{text:?} → {d:?} → {exact:?} → {back:?}");
    }
    if let Ok(n) = units::parse_size(&text) {
        let _ = n;
    }
    let _ = units::lookup(&text);
    let _ = units::suggest(&text);
    let _ = ValueUnit::parse(&text).map(|u| u.format(text.len() as f64));
    let (target, value) = text.split_once('\n').unwrap_or((&text, "42"));
    let _ = condition::target::check(target, value, Some("ms"));
    let _ = condition::target::normalize(value, Some("GB"));
}
