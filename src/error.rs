//! User-facing errors that point into a file: `path:line:column: message` plus a hint on how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in a checklist or config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is with the file as a whole.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl SourceError {
    pub fn at(file: &Path, text: &str, byte_offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, byte_offset);
        SourceError {
            file: file.to_path_buf(),
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }

    /// A problem with the file as a whole (missing, a directory, unreadable): no line or column,
    /// shown as `path: error: message`.
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        SourceError {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: error: {}", self.file.display(), self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}: error: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one pass, so the user fixes them all at once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceErrors(pub Vec<SourceError>);

impl fmt::Display for SourceErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SourceError {}
impl std::error::Error for SourceErrors {}

impl From<SourceError> for SourceErrors {
    fn from(e: SourceError) -> Self {
        SourceErrors(vec![e])
    }
}

/// 1-based line and character column of a byte offset (clamped to the text, and to a char
/// boundary). For many offsets into one text, build a [`LineIndex`] once.
pub fn line_col(text: &str, byte_offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(text, byte_offset)
}

/// Line starts of a text: the one place offsets become line:column, and linear overall when many
/// offsets of one text are turned.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and character column of a byte offset of `text` (the text this index was
    /// built from), clamped to the text and moved back to a char boundary.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line.saturating_sub(1)];
        (line, text[start..offset].chars().count() + 1)
    }

    /// An error at `offset` of `text` in `file`.
    pub fn error(&self, file: &Path, text: &str, offset: usize, message: String) -> SourceError {
        let (line, column) = self.line_col(text, offset);
        SourceError {
            file: file.to_path_buf(),
            line,
            column,
            message,
            hint: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // the byte after `é` is column 3
        assert_eq!(line_col(text, 9), (2, 3));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn one_index_answers_every_offset() {
        let text = "a = 1\nbé = 2\n\nlast";
        let index = LineIndex::new(text);
        let expected = [
            (0, (1, 1)),
            (6, (2, 1)),
            (8, (2, 2)),
            (9, (2, 3)),
            (14, (3, 1)),
        ];
        for (offset, at) in expected {
            assert_eq!(index.line_col(text, offset), at, "{offset}");
        }
        assert_eq!(index.line_col(text, text.len() + 2), (4, 5));
    }
}
