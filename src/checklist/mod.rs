//! Checklists: the model, the TOML format with located errors, and the Markdown importer.

pub mod markdown;
pub mod model;
pub mod read;
pub mod slug;
pub mod source_map;
pub mod toml_format;
mod write;

pub use model::{Checklist, Field, FieldKind, Item, ItemRef, Phase, Severity, Trigger};
pub use source_map::{Loaded, SourceMap};
pub use write::to_toml;

use crate::error::SourceErrors;
use std::path::Path;

/// Deepest nesting of items accepted (top-level items are depth 0). Deeper lists are almost
/// certainly accidents, and the bound keeps every recursive walk shallow.
pub const MAX_DEPTH: usize = 16;

/// Loads a checklist file: `.md`/`.markdown` (any case) are imported, anything else is read as TOML.
pub fn load(path: &Path) -> Result<Checklist, SourceErrors> {
    load_located(path).map(|loaded| loaded.checklist)
}

/// Like [`load`], keeping the text and where each item and condition sits in it.
pub fn load_located(path: &Path) -> Result<Loaded, SourceErrors> {
    let text = read::read_source(path)?;
    if is_markdown(path) {
        markdown::import_located(&text, path)
    } else {
        toml_format::parse_located(&text, path)
    }
}

/// Whether a path names a Markdown file, by its extension.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}
