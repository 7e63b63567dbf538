//! Typed reads from span-carrying TOML tables, each mistake recorded with its location and a fix.

use crate::checklist::source_map::LineIndex;
use crate::error::SourceError;
use crate::redact::redact_text;
use crate::suggest::closest;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// The file being read and every error found so far.
pub(super) struct Ctx<'a> {
    pub text: &'a str,
    pub file: &'a Path,
    pub errors: Vec<SourceError>,
    lines: LineIndex,
}

impl<'a> Ctx<'a> {
    pub fn new(text: &'a str, file: &'a Path) -> Self {
        Ctx {
            text,
            file,
            errors: Vec::new(),
            lines: LineIndex::new(text),
        }
    }

    pub fn error(&mut self, at: usize, message: impl Into<String>, hint: impl Into<String>) {
        let message = redact_text(&message.into());
        let error = self.lines.error(self.file, self.text, at, message);
        self.errors.push(error.with_hint(hint));
    }

    /// 1-based line of a byte offset, to mention another place in a message.
    pub fn line_of(&self, at: usize) -> usize {
        self.lines.line_col(self.text, at).0
    }

    /// Reports every key of `table` that is not in `known`, suggesting the closest known key.
    /// Returns the keys suggested, so that "missing `text`" is not reported on top of "`txt`: did
    /// you mean `text`?".
    pub fn check_keys(
        &mut self,
        table: &DeTable<'_>,
        known: &[&'static str],
        what: &str,
    ) -> Vec<&'static str> {
        let mut suggested = Vec::new();
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let hint = match closest(name, known) {
                Some(best) => {
                    suggested.push(best);
                    format!("did you mean `{best}`?")
                }
                None => format!("{what} keys are: {}", known.join(", ")),
            };
            self.error(
                key.span().start,
                format!("unknown key `{name}` in {what}"),
                hint,
            );
        }
        suggested
    }

    pub fn wrong_type(&mut self, key: &str, value: &Value<'_>, expected: &str, example: &str) {
        self.error(
            value.span().start,
            format!(
                "`{key}` must be {expected}, not {}",
                article(value.get_ref().type_str())
            ),
            format!("write it like `{example}`"),
        );
    }

    /// A string value, or `None` (with an error when present but not a string).
    pub fn string(&mut self, table: &DeTable<'_>, key: &str) -> Option<(String, Range<usize>)> {
        let value = table.get(key)?;
        match value.get_ref().as_str() {
            Some(s) => Some((s.to_string(), value.span())),
            None => {
                self.wrong_type(key, value, "a string", &format!("{key} = \"…\""));
                None
            }
        }
    }

    pub fn boolean(&mut self, table: &DeTable<'_>, key: &str) -> bool {
        let Some(value) = table.get(key) else {
            return false;
        };
        match value.get_ref().as_bool() {
            Some(b) => b,
            None => {
                self.wrong_type(key, value, "true or false", &format!("{key} = true"));
                false
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn strings(&mut self, table: &DeTable<'_>, key: &str) -> Vec<(String, Range<usize>)> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        let example = format!("{key} = [\"…\", \"…\"]");
        match value.get_ref() {
            DeValue::String(s) => vec![(s.to_string(), value.span())],
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref().as_str() {
                        Some(s) => out.push((s.to_string(), item.span())),
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
    pub fn tables<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        key: &str,
        header: &str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, value, "a list of tables", &format!("[[{header}]]"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_table() {
                Some(t) => out.push((t, item.span())),
                None => self.wrong_type(key, item, "a table", &format!("[[{header}]]")),
            }
        }
        out
    }

    /// Where the text of a string value starts: just after its opening quote(s), past the newline
    /// that TOML trims after `"""` / `'''`.
    pub fn content_start(&self, span: &Range<usize>) -> usize {
        let raw = self.text.get(span.clone()).unwrap_or("");
        let mut start = span.start;
        if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            start += 3;
            let after = self.text.get(start..).unwrap_or("");
            if after.starts_with("\r\n") {
                start += 2;
            } else if after.starts_with('\n') {
                start += 1;
            }
        } else if raw.starts_with('"') || raw.starts_with('\'') {
            start += 1;
        }
        start
    }
}

fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}
