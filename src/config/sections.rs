//! The `[store]`, `[ui]` and `[env.NAME]` sections.

use super::interp::{self, Vars, interpolate};
use super::types::{SecretText, StoreConfig, Theme, UiConfig};
use crate::toml_span::{Entry, Node, NodeValue, Table, TomlFile};
use std::collections::BTreeMap;

fn table_of<'a>(sink: &mut TomlFile<'_>, entry: &'a Entry, what: &str) -> Option<&'a Table> {
    match &entry.node.value {
        NodeValue::Table(table) => Some(table),
        other => {
            let at = entry.node.span.start;
            sink.fail(
                at,
                format!("`{}` must be a table, not {}", entry.key, other.type_name()),
                format!("write it as a [{what}] section"),
            );
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

pub(super) fn read_envs(
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
                    sink.fail(
                        at,
                        format!(
                            "`{}` in [env.{}] must be a string, not {}",
                            item.key,
                            env.key,
                            other.type_name()
                        ),
                        "environment variables are strings or numbers",
                    );
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
        sink.fail(at, err.message, err.hint);
    }
}

pub(super) fn read_store(sink: &mut TomlFile<'_>, entry: &Entry, vars: &Vars<'_>) -> StoreConfig {
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
                sink.fail(
                    at,
                    format!("`url` must be a string, not {}", other.type_name()),
                    "write url = \"sqlite:///var/lib/flightdeck/journal.db\" or postgres://…",
                );
            }
            _ => unknown_key(sink, item, "store", &["url"]),
        }
    }
    store
}

pub(super) fn read_ui(sink: &mut TomlFile<'_>, entry: &Entry) -> UiConfig {
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
                        sink.fail(
                            at,
                            format!("unknown theme `{other}`"),
                            "theme is one of: auto, dark, light, mono",
                        );
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
                sink.fail(
                    at,
                    format!("`{}` must be {want}, not {}", item.key, other.type_name()),
                    format!(
                        "for example: {} = {}",
                        item.key,
                        if item.key == "theme" {
                            "\"dark\""
                        } else {
                            "true"
                        }
                    ),
                );
            }
            _ => unknown_key(sink, item, "ui", &["theme", "ascii", "bell"]),
        }
    }
    ui
}
