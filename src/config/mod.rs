//! Typed config: `[store]`, `[ui]`, `[env.NAME]`, `[[probe]]`, with `${VAR}` interpolation and
//! errors that name file:line:column and a fix.

mod interp;
mod kind;
mod probe;
mod reader;
mod settings;
mod types;

pub use kind::{Headline, KindSettings, Kinds, Poller, ProbeKind, ProbeSpec};
pub use probe::{DEFAULT_INTERVAL, DEFAULT_TIMEOUT};
pub use reader::TableReader;
pub use settings::Config;
pub use types::*;

use crate::error::{SourceError, SourceErrors};
use crate::toml_span::{self, Entry, Node, NodeValue, Table, TomlFile};
use interp::{Vars, interpolate};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const TOP_KEYS: &[&str] = &["store", "ui", "env", "probe"];

/// The file `load` reads when none is given: `./flightdeck.toml`, then the XDG config dir.
pub fn default_paths() -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::from("flightdeck.toml")];
    if let Some(dirs) = directories::ProjectDirs::from("", "", "flightdeck") {
        paths.push(dirs.config_dir().join("flightdeck.toml"));
    }
    paths
}

/// Loads the config from `path` (or the default places), choosing the `[env.NAME]` given.
/// No file given and none found is an empty config, not an error. `kinds` are the probe kinds
/// `kind = "…"` may name (`probes::KINDS`).
pub fn load(path: Option<&Path>, env: Option<&str>, kinds: Kinds) -> Result<Config, SourceErrors> {
    load_with(path, env, &|name| std::env::var(name).ok(), kinds)
}

/// `load` with the process environment injected (tests, and callers that filter variables).
pub fn load_with(
    path: Option<&Path>,
    env: Option<&str>,
    vars: &dyn Fn(&str) -> Option<String>,
    kinds: Kinds,
) -> Result<Config, SourceErrors> {
    let file = match path {
        Some(p) => p.to_path_buf(),
        None => match default_paths().into_iter().find(|p| p.is_file()) {
            Some(p) => p,
            None => {
                if let Some(name) = env {
                    return Err(SourceError {
                        file: PathBuf::from("flightdeck.toml"),
                        line: 1,
                        column: 1,
                        message: format!("--env {name} was given, but no config file was found"),
                        hint: Some(format!(
                            "create ./flightdeck.toml with an [env.{name}] table, or pass --config FILE \
                             (looked in: {})",
                            default_paths()
                                .iter()
                                .map(|p| p.display().to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    }
                    .into());
                }
                return Ok(Config {
                    kinds,
                    ..Config::default()
                });
            }
        },
    };
    let text = std::fs::read_to_string(&file).map_err(|err| SourceError {
        file: file.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read the config file: {err}"),
        hint: Some("check the path given to --config".into()),
    })?;
    parse_str(&file, &text, env, vars, kinds)
}

/// Parses config text as if read from `file`.
pub fn parse_str(
    file: &Path,
    text: &str,
    env: Option<&str>,
    vars: &dyn Fn(&str) -> Option<String>,
    kinds: Kinds,
) -> Result<Config, SourceErrors> {
    let mut sink = TomlFile::new(file, text);
    let entries = match toml_span::parse(text) {
        Ok(root) => root,
        Err(err) => {
            let e = sink
                .error(err.at, format!("not valid TOML: {}", err.message.trim()))
                .with_hint("fix the TOML syntax at this place");
            return Err(e.into());
        }
    };
    let mut config = Config {
        file: Some(file.to_path_buf()),
        env: env.map(str::to_owned),
        kinds,
        ..Config::default()
    };

    for entry in entries.iter() {
        if !TOP_KEYS.contains(&entry.key.as_str()) {
            sink.unknown_key(
                entry,
                TOP_KEYS,
                format!("unknown key `{}`", entry.key),
                || "the config has [store], [ui], [env.NAME] and [[probe]]".into(),
            );
        }
    }

    let process = |name: &str| vars(name);
    if let Some(e) = entries.iter().find(|e| e.key == "env") {
        config.envs = read_envs(&mut sink, e, &process);
    }
    if let Some(name) = env
        && !config.envs.contains_key(name)
    {
        let at = entries
            .iter()
            .find(|e| e.key == "env")
            .map_or(0, |e| e.key_span.start);
        let known: Vec<&str> = config.envs.keys().map(String::as_str).collect();
        let e = sink
            .error(at, format!("--env {name}: there is no [env.{name}] table"))
            .with_hint(if known.is_empty() {
                format!("add an [env.{name}] table with its variables")
            } else {
                format!("choose one of: {}, or add [env.{name}]", known.join(", "))
            });
        sink.push(e);
    }

    let interp_vars = Vars {
        selected: env,
        envs: &config.envs,
        process: &process,
        allow_env_tables: true,
    };
    for entry in entries.iter() {
        match entry.key.as_str() {
            "store" => config.store = read_store(&mut sink, entry, &interp_vars),
            "ui" => config.ui = read_ui(&mut sink, entry),
            _ => {}
        }
    }
    if let Some(entry) = entries.iter().find(|e| e.key == "probe") {
        let tables = probe_tables(&mut sink, entry);
        for (span, table) in tables {
            if let Some(spec) =
                probe::read_probe(&mut sink, span.start, &table, &interp_vars, kinds)
            {
                push_unique(&mut sink, &mut config.probes, spec, span.start, &table);
            }
        }
    }
    let errors = sink.errors;
    finish(errors, config)
}

impl Config {
    /// Adds a checklist's own `[[probe]]` tables (raw, without places: the `i`th is placed by the
    /// `i`th `[[probe]]` of `file`, read again with places). Names must not clash with the config's.
    pub fn merge_checklist_probes(
        &mut self,
        tables: &[toml::Table],
        file: &Path,
    ) -> Result<(), SourceErrors> {
        self.merge_checklist_probes_with(tables, file, &|name| std::env::var(name).ok())
    }

    /// `merge_checklist_probes` with the process environment injected.
    pub fn merge_checklist_probes_with(
        &mut self,
        tables: &[toml::Table],
        file: &Path,
        vars: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), SourceErrors> {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let found = probes_in(&text);
        let mut sink = TomlFile::new(file, &text);
        let envs = self.envs.clone();
        let interp_vars = Vars {
            selected: self.env.as_deref(),
            envs: &envs,
            process: vars,
            allow_env_tables: true,
        };
        let mut added = Vec::new();
        for (i, table) in tables.iter().enumerate() {
            let here = found.get(i);
            let at = here.map_or(0..0, |n| n.span.clone());
            let entries = Table::located(table, here.and_then(Node::as_table), &at);
            if let Some(spec) =
                probe::read_probe(&mut sink, at.start, &entries, &interp_vars, self.kinds)
            {
                if let Some(existing) = self.probe(&spec.name) {
                    let at = entries.get("name").map_or(at.start, |n| n.span.start);
                    let e = sink
                        .error(at, format!("probe `{}` is already defined", spec.name))
                        .with_hint(format!(
                            "the config defines it at {}:{}:{}; rename one of them",
                            existing.origin.file.display(),
                            existing.origin.line,
                            existing.origin.column
                        ));
                    sink.push(e);
                    continue;
                }
                push_unique(&mut sink, &mut added, spec, at.start, &entries);
            }
        }
        if !sink.errors.is_empty() {
            return Err(SourceErrors(sink.errors));
        }
        self.probes.extend(added);
        Ok(())
    }
}

/// The `[[probe]]` tables of a checklist's text, with their places (none when it does not parse).
fn probes_in(text: &str) -> Vec<Node> {
    match toml_span::parse(text).map(|root| root.get("probe").map(|p| p.value.clone())) {
        Ok(Some(NodeValue::Array(items))) => items,
        _ => Vec::new(),
    }
}

fn finish(mut errors: Vec<SourceError>, config: Config) -> Result<Config, SourceErrors> {
    if errors.is_empty() {
        return Ok(config);
    }
    errors.sort_by_key(|e| (e.line, e.column));
    Err(SourceErrors(errors))
}

fn push_unique(
    sink: &mut TomlFile<'_>,
    probes: &mut Vec<ProbeSpec>,
    spec: ProbeSpec,
    table_at: usize,
    table: &Table,
) {
    if let Some(first) = probes.iter().find(|p| p.name == spec.name) {
        let at = table.get("name").map_or(table_at, |n| n.span.start);
        let e = sink
            .error(at, format!("duplicate probe name `{}`", spec.name))
            .with_hint(format!(
                "the first `{}` is at line {}; probe names must be unique because checklists refer to them",
                spec.name, first.origin.line
            ));
        sink.push(e);
        return;
    }
    probes.push(spec);
}

/// The `[[probe]]` array's tables with their header spans.
fn probe_tables(sink: &mut TomlFile<'_>, entry: &Entry) -> Vec<(std::ops::Range<usize>, Table)> {
    let items = match &entry.node.value {
        NodeValue::Array(items) => items.clone(),
        NodeValue::Table(_) => vec![entry.node.clone()],
        other => {
            let at = entry.node.span.start;
            let e = sink
                .error(
                    at,
                    format!(
                        "`probe` must be a list of tables, not {}",
                        other.type_name()
                    ),
                )
                .with_hint("write each probe as a [[probe]] table");
            sink.push(e);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        match item.value {
            NodeValue::Table(entries) => out.push((item.span, entries)),
            other => {
                let at = item.span.start;
                let e = sink
                    .error(
                        at,
                        format!("a probe must be a table, not {}", other.type_name()),
                    )
                    .with_hint("write each probe as a [[probe]] table");
                sink.push(e);
            }
        }
    }
    out
}

fn table_of<'a>(sink: &mut TomlFile<'_>, entry: &'a Entry, what: &str) -> Option<&'a Table> {
    match &entry.node.value {
        NodeValue::Table(table) => Some(table),
        other => {
            let at = entry.node.span.start;
            let e = sink
                .error(
                    at,
                    format!("`{}` must be a table, not {}", entry.key, other.type_name()),
                )
                .with_hint(format!("write it as a [{what}] section"));
            sink.push(e);
            None
        }
    }
}

fn unknown_key(sink: &mut TomlFile<'_>, entry: &Entry, section: &str, known: &[&str]) {
    let message = format!("unknown key `{}` in [{section}]", entry.key);
    sink.unknown_key(entry, known, message, || {
        format!("[{section}] takes: {}", known.join(", "))
    });
}

fn read_envs(
    sink: &mut TomlFile<'_>,
    entry: &Entry,
    process: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut envs = BTreeMap::new();
    let Some(tables) = table_of(sink, entry, "env.NAME") else {
        return envs;
    };
    let no_envs = BTreeMap::new();
    let vars = Vars {
        selected: None,
        envs: &no_envs,
        process,
        allow_env_tables: false,
    };
    for env in tables.iter() {
        let Some(items) = table_of(sink, env, &format!("env.{}", env.key)) else {
            continue;
        };
        let mut values = BTreeMap::new();
        for item in items.iter() {
            let raw = match &item.node.value {
                NodeValue::Str(s) => s.clone(),
                NodeValue::Int(i) => i.to_string(),
                NodeValue::Float(f) => f.to_string(),
                NodeValue::Bool(b) => b.to_string(),
                other => {
                    let at = item.node.span.start;
                    let e = sink
                        .error(
                            at,
                            format!(
                                "`{}` in [env.{}] must be a string, not {}",
                                item.key,
                                env.key,
                                other.type_name()
                            ),
                        )
                        .with_hint("environment variables are strings or numbers");
                    sink.push(e);
                    continue;
                }
            };
            match interpolate(&raw, &vars) {
                Ok(v) => {
                    values.insert(item.key.clone(), v);
                }
                Err(errors) => report_refs(sink, &item.node, errors),
            }
        }
        envs.insert(env.key.clone(), values);
    }
    envs
}

fn report_refs(sink: &mut TomlFile<'_>, node: &Node, errors: Vec<interp::RefError>) {
    for err in errors {
        let at = sink.find_in_value(&node.span, &err.reference);
        let e = sink.error(at, err.message).with_hint(err.hint);
        sink.push(e);
    }
}

fn read_store(sink: &mut TomlFile<'_>, entry: &Entry, vars: &Vars<'_>) -> StoreConfig {
    let mut store = StoreConfig::default();
    let Some(items) = table_of(sink, entry, "store") else {
        return store;
    };
    for item in items.iter() {
        match (item.key.as_str(), &item.node.value) {
            ("url", NodeValue::Str(raw)) => match interpolate(raw, vars) {
                Ok(url) => store.url = Some(SecretText::new(url)),
                Err(errors) => report_refs(sink, &item.node, errors),
            },
            ("url", other) => {
                let at = item.node.span.start;
                let e = sink
                    .error(
                        at,
                        format!("`url` must be a string, not {}", other.type_name()),
                    )
                    .with_hint(
                        "write url = \"sqlite:///var/lib/flightdeck/journal.db\" or postgres://…",
                    );
                sink.push(e);
            }
            _ => unknown_key(sink, item, "store", &["url"]),
        }
    }
    store
}

fn read_ui(sink: &mut TomlFile<'_>, entry: &Entry) -> UiConfig {
    let mut ui = UiConfig::default();
    let Some(items) = table_of(sink, entry, "ui") else {
        return ui;
    };
    for item in items.iter() {
        match (item.key.as_str(), &item.node.value) {
            ("theme", NodeValue::Str(t)) => {
                ui.theme = match t.as_str() {
                    "auto" => Theme::Auto,
                    "dark" => Theme::Dark,
                    "light" => Theme::Light,
                    "mono" => Theme::Mono,
                    other => {
                        let at = item.node.span.start;
                        let e = sink
                            .error(at, format!("unknown theme `{other}`"))
                            .with_hint("theme is one of: auto, dark, light, mono");
                        sink.push(e);
                        Theme::Auto
                    }
                }
            }
            ("ascii", NodeValue::Bool(b)) => ui.ascii = *b,
            ("bell", NodeValue::Bool(b)) => ui.bell = *b,
            ("theme" | "ascii" | "bell", other) => {
                let at = item.node.span.start;
                let want = if item.key == "theme" {
                    "a string (auto, dark, light, mono)"
                } else {
                    "true or false"
                };
                let e = sink
                    .error(
                        at,
                        format!("`{}` must be {want}, not {}", item.key, other.type_name()),
                    )
                    .with_hint(format!(
                        "for example: {} = {}",
                        item.key,
                        if item.key == "theme" {
                            "\"dark\""
                        } else {
                            "true"
                        }
                    ));
                sink.push(e);
            }
            _ => unknown_key(sink, item, "ui", &["theme", "ascii", "bell"]),
        }
    }
    ui
}
