//! Checklists: the model, the TOML format with located errors, and the Markdown importer.

mod diff;
pub mod ids;
pub mod markdown;
pub mod model;
pub mod read;
pub mod references;
pub mod slug;
pub mod source_map;
pub mod toml_format;
mod write;

pub use diff::{Change, ChecklistDiff, DiffItem, diff};
pub use model::{Checklist, Field, FieldKind, Item, ItemRef, Phase, Procedure, Severity, Trigger};
pub use source_map::{Loaded, SourceMap};
pub use write::to_toml;

use crate::error::SourceErrors;
use std::path::Path;

/// Deepest nesting of items accepted (top-level items are depth 0). Deeper lists are almost
/// certainly accidents, and the bound keeps every recursive walk shallow.
pub const MAX_DEPTH: usize = 16;

/// Loads a checklist file: `.toml` is read as TOML, `.md`/`.markdown` (any case) are imported, and
/// any other name (`checklist.txt`, no extension) is imported when it has Markdown checkboxes.
pub fn load(path: &Path) -> Result<Checklist, SourceErrors> {
    load_located(path).map(|loaded| loaded.checklist)
}

/// Like [`load`], keeping the text and where each item and condition sits in it.
pub fn load_located(path: &Path) -> Result<Loaded, SourceErrors> {
    load_located_with(path, markdown::Options::default())
}

/// Like [`load_located`], with options for a Markdown file.
pub fn load_located_with(path: &Path, options: markdown::Options) -> Result<Loaded, SourceErrors> {
    let text = read::read_source(path)?;
    if is_markdown(path) || (!is_toml(path) && looks_like_markdown(&text)) {
        markdown::import_with(&text, path, options)
    } else {
        toml_format::parse_located(&text, path)
    }
}

/// Like [`load_located`], keeping what could be read beside the errors (a TOML checklist with
/// structural mistakes still has conditions to check), so `validate` reports every error of a
/// file in one pass.
pub fn load_partial(
    path: &Path,
    options: markdown::Options,
) -> (Option<Loaded>, Vec<crate::error::SourceError>) {
    let text = match read::read_source(path) {
        Ok(text) => text,
        Err(e) => return (None, vec![e]),
    };
    if is_markdown(path) || (!is_toml(path) && looks_like_markdown(&text)) {
        match markdown::import_with(&text, path, options) {
            Ok(loaded) => (Some(loaded), Vec::new()),
            Err(errors) => (None, errors.0),
        }
    } else {
        toml_format::parse_partial(&text, path)
    }
}

fn is_toml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Whether a text has at least one Markdown checkbox line (`- [ ]`, `* [x]`, `1. [ ]`).
pub fn looks_like_markdown(text: &str) -> bool {
    text.lines().any(|line| {
        let t = line.trim_start();
        let rest = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
            r
        } else {
            let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return false;
            }
            match t[digits..].strip_prefix(['.', ')']) {
                Some(r) => r,
                None => return false,
            }
        };
        let rest = rest.trim_start();
        rest.starts_with("[ ]") || rest.starts_with("[x]") || rest.starts_with("[X]")
    })
}

/// Whether a path names a Markdown file, by its extension.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}
