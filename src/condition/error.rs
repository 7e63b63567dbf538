//! A condition that does not parse: where (byte offset and character column) and how to fix it.

use crate::error::SourceError;
use std::fmt;
use std::path::Path;

/// A parse error inside one condition string. Offsets are relative to the condition's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    /// Byte offset into the condition string.
    pub offset: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl ConditionError {
    pub(crate) fn new(src: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(src.len());
        let column = src
            .get(..offset)
            .map_or(offset, |before| before.chars().count())
            + 1;
        ConditionError {
            offset,
            column,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Turns this error into one that points into the file holding the condition.
    ///
    /// `string_start_offset` is the byte offset in `file_text` where the condition's text begins (just
    /// after the opening quote). When that quote is a TOML basic string (`"…"`), escapes such as `\"`
    /// are walked so the column still lands on the right character of the file.
    pub fn locate(&self, file: &Path, file_text: &str, string_start_offset: usize) -> SourceError {
        let raw_offset = raw_offset(file_text, string_start_offset, self.offset);
        let located = SourceError::at(file, file_text, raw_offset, self.message.clone());
        match &self.hint {
            Some(hint) => located.with_hint(hint.clone()),
            None => located,
        }
    }
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConditionError {}

/// Maps a byte offset in the decoded string to one in the raw file, following backslash escapes when
/// the string is a basic (double-quoted) one. Literal strings and Markdown map one to one.
fn raw_offset(file_text: &str, start: usize, decoded_offset: usize) -> usize {
    let start = start.min(file_text.len());
    let basic = start > 0 && file_text.as_bytes().get(start - 1) == Some(&b'"');
    let Some(raw) = file_text.get(start..) else {
        return start + decoded_offset;
    };
    if !basic {
        return start + decoded_offset;
    }
    let bytes = raw.as_bytes();
    let (mut r, mut d) = (0usize, 0usize);
    while d < decoded_offset && r < bytes.len() {
        if bytes[r] == b'\\' && r + 1 < bytes.len() {
            let (raw_len, decoded_len) = escape_len(&raw[r..]);
            r += raw_len;
            d += decoded_len;
        } else {
            let len = raw[r..].chars().next().map_or(1, char::len_utf8);
            r += len;
            d += len;
        }
    }
    start + r
}

/// (raw length, decoded length in bytes) of the escape at the start of `s`, which begins with `\`.
fn escape_len(s: &str) -> (usize, usize) {
    let code_len = match s.as_bytes().get(1) {
        Some(b'u') => 4,
        Some(b'U') => 8,
        _ => return (2, 1),
    };
    let decoded = s
        .get(2..2 + code_len)
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .and_then(char::from_u32)
        .map_or(1, char::len_utf8);
    (2 + code_len, decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_offset_walks_basic_string_escapes() {
        let file = "auto = \"a.x == \\\"UP\\\" && b\"\n";
        let start = file.find('"').map(|i| i + 1).unwrap_or(0);
        // decoded: a.x == "UP" && b   — the `&&` is at decoded byte 12
        let raw = raw_offset(file, start, 12);
        assert_eq!(&file[raw..raw + 2], "&&");
    }

    #[test]
    fn raw_offset_is_plain_in_literal_strings() {
        let file = "auto = 'a.x == \"UP\" && b'\n";
        let start = file.find('\'').map(|i| i + 1).unwrap_or(0);
        let raw = raw_offset(file, start, 12);
        assert_eq!(&file[raw..raw + 2], "&&");
    }
}
