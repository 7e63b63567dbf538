//! Loading a config file: finding it, parsing it with places, reading its sections and probes,
//! and every problem reported at once, in file order.

use super::interp::Vars;
use super::kind::{Kinds, ProbeSpec};
use super::probe;
use super::sections::{read_envs, read_store, read_ui};
use super::settings::Config;
use crate::error::{SourceError, SourceErrors};
use crate::toml_span::{self, Entry, NodeValue, Table, TomlFile};
use std::path::{Path, PathBuf};

const TOP_KEYS: &[&str] = &["store", "ui", "env", "probe", "notify"];

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
    let mut config = parse_str(&file, &text, env, vars, kinds)?;
    config
        .warnings
        .extend(crate::redact::exposed_file_warning(&file, &text));
    Ok(config)
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
                || "the config has [store], [ui], [env.NAME], [[probe]] and [[notify]]".into(),
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
        sink.fail(
            at,
            format!("--env {name}: there is no [env.{name}] table"),
            if known.is_empty() {
                format!("add an [env.{name}] table with its variables")
            } else {
                format!("choose one of: {}, or add [env.{name}]", known.join(", "))
            },
        );
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
    if let Some(entry) = entries.iter().find(|e| e.key == "notify") {
        config.notify = super::notify::read_targets(&mut sink, entry, &interp_vars);
    }
    let errors = sink.errors;
    finish(errors, config)
}

fn finish(mut errors: Vec<SourceError>, config: Config) -> Result<Config, SourceErrors> {
    if errors.is_empty() {
        return Ok(config);
    }
    errors.sort_by_key(|e| (e.line, e.column));
    Err(SourceErrors(errors))
}

pub(super) fn push_unique(
    sink: &mut TomlFile<'_>,
    probes: &mut Vec<ProbeSpec>,
    spec: ProbeSpec,
    table_at: usize,
    table: &Table,
) {
    if let Some(first) = probes.iter().find(|p| p.name == spec.name) {
        let at = table.get("name").map_or(table_at, |n| n.span.start);
        let hint = format!(
            "the first `{}` is at line {}; probe names must be unique because checklists refer to them",
            spec.name, first.origin.line
        );
        sink.fail(at, format!("duplicate probe name `{}`", spec.name), hint);
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
            sink.fail(
                at,
                format!(
                    "`probe` must be a list of tables, not {}",
                    other.type_name()
                ),
                "write each probe as a [[probe]] table",
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        match item.value {
            NodeValue::Table(entries) => out.push((item.span, entries)),
            other => {
                let at = item.span.start;
                sink.fail(
                    at,
                    format!("a probe must be a table, not {}", other.type_name()),
                    "write each probe as a [[probe]] table",
                );
            }
        }
    }
    out
}
