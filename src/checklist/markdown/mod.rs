//! Markdown import: a team's checklist (headings, `- [ ]` boxes, code blocks, `Yes / No` choices,
//! `___` blanks, tables, prose) becomes a flightdeck checklist, every checkbox one item, nothing lost.
//!
//! Rules: the first `#` is the title; the shallowest heading level that holds boxes makes phases;
//! deeper headings are groups, except one with a time budget ("Step 2 (5 minutes)"), which becomes
//! a phase of its own so the budget survives. See `DESIGN.md` section 3.

mod blocks;
mod builder;
mod fields;
mod lines;
mod phases;

use super::Checklist;
use super::source_map::Loaded;
use crate::error::SourceErrors;
use builder::Builder;
use std::path::Path;

/// Imports a Markdown checklist.
pub fn import(text: &str, file: &Path) -> Result<Checklist, SourceErrors> {
    import_located(text, file).map(|loaded| loaded.checklist)
}

/// Like [`import`], also recording where each item's checkbox is.
pub fn import_located(text: &str, file: &Path) -> Result<Loaded, SourceErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (blocks, scan_errors) = blocks::scan(text);
    let mut b = Builder::new(text, file, &blocks);
    for (offset, message, hint) in scan_errors {
        b.error(offset, message, hint);
    }
    for (index, block) in blocks.iter().enumerate() {
        b.block(index, block);
    }
    b.finish()
}
