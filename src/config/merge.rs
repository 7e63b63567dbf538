//! A checklist's own `[[probe]]` tables, added to the config with the config's environment.

use super::interp::Vars;
use super::load::push_unique;
use super::probe;
use super::settings::Config;
use crate::error::SourceErrors;
use crate::toml_span::{self, Node, NodeValue, Table, TomlFile};
use std::path::Path;

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
                    sink.fail(
                        at,
                        format!("probe `{}` is already defined", spec.name),
                        format!(
                            "the config defines it at {}:{}:{}; rename one of them",
                            existing.origin.file.display(),
                            existing.origin.line,
                            existing.origin.column
                        ),
                    );
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
