//! The file being read: its text, a line index over it, and every located error found so far.

use super::tree::Entry;
use crate::error::{LineIndex, SourceError};
use crate::suggest::closest;
use std::ops::Range;
use std::path::Path;

/// One TOML file being read; errors are collected, not returned, so every problem of the file is
/// reported at once.
pub struct TomlFile<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub errors: Vec<SourceError>,
    lines: LineIndex,
}

impl<'a> TomlFile<'a> {
    pub fn new(file: &'a Path, text: &'a str) -> Self {
        TomlFile {
            file,
            text,
            errors: Vec::new(),
            lines: LineIndex::new(text),
        }
    }

    /// An error at byte `at` of the file (not recorded: add a hint, then [`push`](Self::push)).
    pub fn error(&self, at: usize, message: impl Into<String>) -> SourceError {
        self.lines.error(self.file, self.text, at, message.into())
    }

    pub fn push(&mut self, error: SourceError) {
        self.errors.push(error);
    }

    /// Records an error at `at` with its fix.
    pub fn fail(&mut self, at: usize, message: impl Into<String>, hint: impl Into<String>) {
        let e = self.error(at, message).with_hint(hint);
        self.push(e);
    }

    /// 1-based line and column of byte `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        self.lines.line_col(self.text, at)
    }

    /// Where the text of the string literal at `span` starts (see [`super::content_start`]).
    pub fn content_start(&self, span: &Range<usize>) -> usize {
        super::content_start(self.text, span)
    }

    /// Where `needle` is written inside the value at `span`, else the value's start.
    pub fn find_in_value(&self, span: &Range<usize>, needle: &str) -> usize {
        super::find_in_literal(self.text, span, needle).unwrap_or(span.start)
    }

    /// Records `message` at the key of `entry`, which is not one of `known`: the hint offers the
    /// nearest known key, or `otherwise` when none is near. Returns the key offered.
    pub fn unknown_key<'k>(
        &mut self,
        entry: &Entry,
        known: &[&'k str],
        message: impl Into<String>,
        otherwise: impl FnOnce() -> String,
    ) -> Option<&'k str> {
        let near = closest(&entry.key, known);
        let hint = match near {
            Some(near) => format!("did you mean `{near}`?"),
            None => otherwise(),
        };
        self.fail(entry.key_span.start, message, hint);
        near
    }
}
