//! Typed reads from a checklist's TOML tables, each mistake recorded with its location and a fix.

use crate::redact::redact_text;
use crate::toml_span::{Node, NodeValue, Table, TomlFile};
use std::ops::Range;
use std::path::Path;

/// The checklist file being read and every error found so far.
pub(super) struct Ctx<'a> {
    pub doc: TomlFile<'a>,
}

impl<'a> Ctx<'a> {
    pub fn new(text: &'a str, file: &'a Path) -> Self {
        Ctx {
            doc: TomlFile::new(file, text),
        }
    }

    pub fn error(&mut self, at: usize, message: impl Into<String>, hint: impl Into<String>) {
        self.doc.fail(at, redact_text(&message.into()), hint);
    }

    /// 1-based line of a byte offset, to mention another place in a message.
    pub fn line_of(&self, at: usize) -> usize {
        self.doc.line_col(at).0
    }

    /// Reports every key of `table` that is not in `known`, suggesting the closest known key.
    /// Returns the keys suggested, so that "missing `text`" is not reported on top of "`txt`: did
    /// you mean `text`?".
    pub fn check_keys(
        &mut self,
        table: &Table,
        known: &[&'static str],
        what: &str,
    ) -> Vec<&'static str> {
        let mut suggested = Vec::new();
        for entry in table.iter() {
            if known.contains(&entry.key.as_str()) {
                continue;
            }
            let message = redact_text(&format!("unknown key `{}` in {what}", entry.key));
            let near = self.doc.unknown_key(entry, known, message, || {
                format!("{what} keys are: {}", known.join(", "))
            });
            suggested.extend(near);
        }
        suggested
    }

    pub fn wrong_type(&mut self, key: &str, value: &Node, expected: &str, example: &str) {
        self.error(
            value.span.start,
            format!(
                "`{key}` must be {expected}, not {}",
                value.value.type_name()
            ),
            format!("write it like `{example}`"),
        );
    }

    /// A string value, or `None` (with an error when present but not a string).
    pub fn string(&mut self, table: &Table, key: &str) -> Option<(String, Range<usize>)> {
        let value = table.get(key)?;
        match value.as_str() {
            Some(s) => Some((s.to_string(), value.span.clone())),
            None => {
                self.wrong_type(key, value, "a string", &format!("{key} = \"…\""));
                None
            }
        }
    }

    pub fn boolean(&mut self, table: &Table, key: &str) -> bool {
        let Some(value) = table.get(key) else {
            return false;
        };
        match value.as_bool() {
            Some(b) => b,
            None => {
                self.wrong_type(key, value, "true or false", &format!("{key} = true"));
                false
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn strings(&mut self, table: &Table, key: &str) -> Vec<(String, Range<usize>)> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        let example = format!("{key} = [\"…\", \"…\"]");
        match &value.value {
            NodeValue::Str(s) => vec![(s.clone(), value.span.clone())],
            NodeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => out.push((s.to_string(), item.span.clone())),
                        None => self.wrong_type(key, item, "a list of strings", &example),
                    }
                }
                out
            }
            _ => {
                self.wrong_type(key, value, "a list of strings", &example);
                Vec::new()
            }
        }
    }

    /// The tables of an array of tables (`[[key]]`), each with the span of its header.
    pub fn tables<'t>(
        &mut self,
        table: &'t Table,
        key: &str,
        header: &str,
    ) -> Vec<(&'t Table, Range<usize>)> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        let NodeValue::Array(items) = &value.value else {
            self.wrong_type(key, value, "a list of tables", &format!("[[{header}]]"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_table() {
                Some(t) => out.push((t, item.span.clone())),
                None => self.wrong_type(key, item, "a table", &format!("[[{header}]]")),
            }
        }
        out
    }

    /// Where the text of a string value starts (see [`crate::toml_span::content_start`]).
    pub fn content_start(&self, span: &Range<usize>) -> usize {
        self.doc.content_start(span)
    }
}
