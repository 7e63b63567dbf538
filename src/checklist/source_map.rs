//! Where things came from: byte offsets of items, `auto` conditions, trigger `when`s and probe
//! references in the loaded file, so later checks (conditions, probe names) can point at them.

pub use crate::error::LineIndex;
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
