//! Where things came from: byte offsets of items, `auto` conditions, trigger `when`s and probe
//! references in the loaded file, so later checks (conditions, probe names) can point at them.

use crate::error::SourceError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Checklist;

/// A checklist together with the text it was read from and where each part sits in it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub checklist: Checklist,
    pub source: SourceMap,
}

/// Byte offsets into `text`. For a condition string the offset is where its text starts (just past
/// the opening quote), which is what `condition::ConditionError::locate` expects.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pub file: PathBuf,
    pub text: String,
    /// Item id → where the item is defined (its `[[phase.item]]` header or checkbox line).
    pub items: HashMap<String, usize>,
    /// Item id → start of its `auto` condition text.
    pub auto: HashMap<String, usize>,
    /// Per trigger, in order: start of its `when` condition text.
    pub trigger_when: Vec<usize>,
    /// Per entry of `uses`, in order: start of the probe name.
    pub uses: Vec<usize>,
    /// Per `[[probe]]` table, in order: its header.
    pub probes: Vec<usize>,
}

impl SourceMap {
    pub fn new(file: &Path, text: &str) -> Self {
        SourceMap {
            file: file.to_path_buf(),
            text: text.to_string(),
            ..SourceMap::default()
        }
    }

    /// An error pointing at `offset` in this file.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> SourceError {
        SourceError::at(&self.file, &self.text, offset, message)
    }
}

/// Line starts of a text, so turning many offsets into line:column stays linear overall.
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

    /// 1-based line and character column of a byte offset (clamped, and moved back to a char
    /// boundary), as `crate::error::line_col` computes it.
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

/// More errors than this are summarised: past a screenful they only bury the first ones.
pub const MAX_SHOWN_ERRORS: usize = 50;

/// Sorts errors by position, drops repeats and keeps the first [`MAX_SHOWN_ERRORS`].
pub fn sorted_capped(mut errors: Vec<SourceError>, file: &Path) -> crate::error::SourceErrors {
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    let total = errors.len();
    if total > MAX_SHOWN_ERRORS {
        errors.truncate(MAX_SHOWN_ERRORS);
        errors.push(SourceError::whole_file(
            file,
            format!("… and {} more errors", total - MAX_SHOWN_ERRORS),
        ));
    }
    crate::error::SourceErrors(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "a = 1\nbé = 2\n\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.line_col(text, offset), crate::error::line_col(text, offset), "{offset}");
        }
    }
}
