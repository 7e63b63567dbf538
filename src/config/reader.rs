//! Reading the keys of one `[[probe]]` table: typed values, `${…}` interpolation, and every
//! problem pushed with its place and a fix. Probe kinds read their own keys through this.

use super::interp::{Vars, interpolate};
use super::types::{ConditionText, SecretText};
use crate::error::SourceError;
use crate::toml_span::{Entry, Node, NodeValue, Table, TomlFile};
use crate::units::{parse_duration, parse_size};
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

/// One probe table being read; problems go to the config's error list.
pub struct TableReader<'a, 'b> {
    pub(super) sink: &'a mut TomlFile<'b>,
    pub(super) table: &'a Table,
    pub(super) table_offset: usize,
    pub(super) vars: &'a Vars<'b>,
    /// The kind being read, for messages (`a sql probe needs `query``).
    pub(super) kind: &'static str,
}

impl TableReader<'_, '_> {
    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.table.entry(key)
    }

    /// Whether the table has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(super) fn offset_of(&self, key: &str) -> usize {
        self.get(key)
            .map_or(self.table_offset, |e| e.node.span.start)
    }

    /// Reports a problem with `key`'s value (or with the table, when the key is absent).
    pub fn fail(&mut self, key: &str, message: impl Into<String>, hint: impl Into<String>) {
        let at = self.offset_of(key);
        self.sink.fail(at, message, hint);
    }

    /// Reports a problem with one value of the table.
    fn fail_at_node(&mut self, node: &Node, message: String, hint: String) {
        self.sink.fail(node.span.start, message, hint);
    }

    /// Reports a problem at byte `offset` inside `key`'s string (a query's bad regex).
    pub fn fail_in_value(
        &mut self,
        key: &str,
        offset: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let at = match self.get(key) {
            Some(entry) => self.sink.content_start(&entry.node.span) + offset,
            None => self.table_offset,
        };
        self.sink.fail(at, message, hint);
    }

    /// A string value, interpolated; type and reference errors are reported.
    pub fn optional_str(&mut self, key: &str) -> Option<String> {
        self.string(key).map(|(text, _)| text)
    }

    /// [`optional_str`](Self::optional_str) with the value's span in the file.
    pub(super) fn string(&mut self, key: &str) -> Option<(String, Range<usize>)> {
        let entry = self.get(key)?.clone();
        let NodeValue::Str(raw) = &entry.node.value else {
            self.fail_at_node(
                &entry.node,
                format!(
                    "`{key}` must be a string, not {}",
                    entry.node.value.type_name()
                ),
                format!("quote it: {key} = \"…\""),
            );
            return None;
        };
        self.interpolated(raw, &entry.node)
            .map(|text| (text, entry.node.span.clone()))
    }

    pub(super) fn interpolated(&mut self, raw: &str, node: &Node) -> Option<String> {
        match interpolate(raw, self.vars) {
            Ok(text) => Some(text),
            Err(errors) => {
                for err in errors {
                    let at = self.sink.find_in_value(&node.span, &err.reference);
                    self.sink.fail(at, err.message, err.hint);
                }
                None
            }
        }
    }

    /// A key every probe has (`name`, `kind`): missing is "this probe has no `name`".
    pub(super) fn required_str(
        &mut self,
        key: &str,
        example: &str,
    ) -> Option<(String, Range<usize>)> {
        if self.get(key).is_none() {
            self.sink.fail(
                self.table_offset,
                format!("this probe has no `{key}`"),
                format!("add {example}"),
            );
            return None;
        }
        self.string(key)
    }

    /// A string this kind needs: missing is "a sql probe needs `query`", with `example` as the fix.
    pub fn required(&mut self, key: &str, example: &str) -> Option<String> {
        if self.get(key).is_none() {
            self.sink.fail(
                self.table_offset,
                format!("a {} probe needs `{key}`", self.kind),
                format!("add {example}"),
            );
            return None;
        }
        self.optional_str(key)
    }

    /// The required `url`, as a value that prints its password as `***`.
    pub fn url(&mut self, example: &str) -> Option<SecretText> {
        self.required("url", example).map(SecretText::new)
    }

    /// Reports a `url` whose scheme is not one of `schemes` or that does not parse.
    pub fn check_scheme(&mut self, url: &SecretText, schemes: &[&str], hint: &str) {
        let text = url.expose();
        let scheme = text.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        let ok = scheme.as_deref().is_some_and(|s| schemes.contains(&s));
        if ok && url::Url::parse(text).is_ok() {
            return;
        }
        let message = if ok {
            format!("`{}` is not a valid URL", url.redacted())
        } else {
            format!("`{}` has an unsupported scheme", url.redacted())
        };
        self.fail("url", message, hint);
    }

    pub fn duration(&mut self, key: &str) -> Option<Duration> {
        let (text, span) = self.string(key)?;
        match parse_duration(&text) {
            Ok(d) => Some(d),
            Err(message) => {
                self.sink.fail(
                    span.start,
                    format!("bad duration for `{key}`: {message}"),
                    format!("write it like {key} = \"5s\" (units: ms, s, m, h)"),
                );
                None
            }
        }
    }

    /// A size in bytes (`1MiB`, `512KB`, or a number); `default` when absent or wrong.
    pub fn size(&mut self, key: &str, default: u64) -> u64 {
        let Some(entry) = self.get(key).cloned() else {
            return default;
        };
        let parsed = match &entry.node.value {
            NodeValue::Int(n) if *n > 0 => Ok(*n as u64),
            NodeValue::Str(s) => parse_size(s),
            _ => Err("must be a positive number of bytes".to_string()),
        };
        parsed.unwrap_or_else(|message| {
            self.fail(
                key,
                format!("bad `{key}`: {message}"),
                format!("write {key} = \"1MiB\" or a number of bytes"),
            );
            default
        })
    }

    /// A whole number in `range` (a port), or a string that reads as one once interpolated
    /// (`port = "${env.app_port}"`); `None` when absent or wrong (reported).
    pub fn integer(&mut self, key: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        let entry = self.get(key)?.clone();
        let n = match &entry.node.value {
            NodeValue::Int(n) => Some(*n),
            NodeValue::Str(raw) => match self.interpolated(raw, &entry.node) {
                Some(text) => text.trim().parse().ok(),
                None => return None,
            },
            _ => None,
        };
        match n {
            Some(n) if range.contains(&n) => Some(n),
            _ => {
                self.fail(
                    key,
                    format!(
                        "`{key}` must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                    format!("write {key} = {} (no quotes)", range.end().min(&443)),
                );
                None
            }
        }
    }

    /// `true`/`false`; absent is false.
    pub fn bool(&mut self, key: &str) -> bool {
        match self.get(key).map(|e| e.node.clone()) {
            None => false,
            Some(Node {
                value: NodeValue::Bool(b),
                ..
            }) => b,
            Some(_) => {
                self.fail(
                    key,
                    format!("`{key}` must be true or false"),
                    format!("write {key} = true (no quotes)"),
                );
                false
            }
        }
    }

    /// A list of strings (`argv = ["kubectl", "rollout", "status"]`), each interpolated; `None`
    /// when absent or wrong (reported).
    pub fn string_list(&mut self, key: &str, example: &str) -> Option<Vec<String>> {
        let entry = self.get(key)?.clone();
        let NodeValue::Array(items) = &entry.node.value else {
            self.fail(
                key,
                format!("`{key}` must be a list of strings"),
                format!("write {example}"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            match &item.value {
                NodeValue::Str(raw) => out.push(self.interpolated(raw, item)?),
                other => {
                    let message = format!("`{key}` holds {}, not a string", other.type_name());
                    self.fail_at_node(item, message, format!("quote it: {example}"));
                    return None;
                }
            }
        }
        Some(out)
    }

    /// A path relative to the config file's folder (absolute paths stay as they are).
    pub fn path(&mut self, key: &str) -> Option<PathBuf> {
        let path = PathBuf::from(self.optional_str(key)?);
        Some(match (&path, self.sink.file.parent()) {
            (p, Some(dir)) if p.is_relative() => dir.join(p),
            (p, _) => p.clone(),
        })
    }

    /// A PEM bundle path (`ca_file`), relative to the config file's folder; it must be readable now.
    pub fn ca_file(&mut self) -> Option<PathBuf> {
        let resolved = self.path("ca_file")?;
        if let Err(err) = std::fs::metadata(&resolved) {
            self.fail(
                "ca_file",
                format!("cannot read CA file {}: {err}", resolved.display()),
                "give the path of a PEM bundle (relative paths start at the config file's folder)",
            );
        }
        Some(resolved)
    }

    /// A table of strings (`headers = { Accept = "…" }`), each interpolated; `item` names one
    /// entry in messages (`header`), `example` shows the table written right.
    pub fn string_table(&mut self, key: &str, item: &str, example: &str) -> Vec<(String, String)> {
        let Some(entry) = self.get(key).cloned() else {
            return Vec::new();
        };
        let NodeValue::Table(items) = &entry.node.value else {
            self.fail(
                key,
                format!("`{key}` must be a table"),
                format!("write {example}"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in items.iter() {
            match &entry.node.value {
                NodeValue::Str(raw) => {
                    if let Some(v) = self.interpolated(raw, &entry.node) {
                        out.push((entry.key.clone(), v));
                    }
                }
                other => self.fail_at_node(
                    &entry.node,
                    format!(
                        "{item} `{}` must be a string, not {}",
                        entry.key,
                        other.type_name()
                    ),
                    format!("quote the {item}'s value"),
                ),
            }
        }
        out
    }

    /// A probe's own condition, located so the condition parser's errors point into the file.
    pub(super) fn condition_text(&mut self, key: &str) -> Option<ConditionText> {
        let (text, span) = self.string(key)?;
        let offset = self.sink.content_start(&span);
        let (line, column) = self.sink.line_col(offset);
        Some(ConditionText {
            text,
            file: self.sink.file.to_path_buf(),
            line,
            column,
            offset: Some(offset),
        })
    }

    pub(super) fn locate(
        &self,
        condition: &ConditionText,
        at: usize,
        message: &str,
    ) -> SourceError {
        match condition.offset {
            Some(start) if condition.line > 0 => self.sink.error(start + at, message),
            _ => condition.error_at(at, message),
        }
    }
}
