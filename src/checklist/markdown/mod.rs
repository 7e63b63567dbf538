//! Markdown import: a team's checklist (headings, `- [ ]` boxes, code blocks, `Yes / No` choices,
//! `___` blanks, tables, prose) becomes a flightdeck checklist, every checkbox one item, nothing lost.
//!
//! Rules: the first `#` is the title; the shallowest heading level that holds boxes makes phases;
//! deeper headings are groups, except one with a time ("Step 2 (5 minutes)") or a go/no-go gate,
//! which becomes a phase of its own. Sections without boxes become notes of the checklist. See
//! `DESIGN.md` section 3.

mod blocks;
mod builder;
mod choices;
mod decisions;
mod fields;
mod lines;
mod phases;
mod place;
mod text;
mod timing;

use super::Checklist;
use super::source_map::Loaded;
use crate::error::{SourceError, SourceErrors};
use builder::Builder;
use std::borrow::Cow;
use std::path::Path;

/// How to read a Markdown checklist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Read the boxes inside fenced code blocks too: for a checklist pasted whole inside a
    /// ```` ```markdown ```` fence.
    pub read_fenced: bool,
}

/// Imports a Markdown checklist.
pub fn import(text: &str, file: &Path) -> Result<Checklist, SourceErrors> {
    import_located(text, file).map(|loaded| loaded.checklist)
}

/// Like [`import`], also recording where each item's checkbox is.
pub fn import_located(text: &str, file: &Path) -> Result<Loaded, SourceErrors> {
    import_with(text, file, Options::default())
}

/// Like [`import_located`], with options.
pub fn import_with(text: &str, file: &Path, options: Options) -> Result<Loaded, SourceErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = lone_cr_to_lf(text);
    let (mut blocks, mut scan_errors) = blocks::scan(&text);
    let fenced: Vec<(usize, usize, String)> = fenced_boxes(&blocks)
        .into_iter()
        .map(|(at, boxes, info)| (at, boxes, info.to_string()))
        .collect();
    let text = match fenced.first() {
        Some(_) if options.read_fenced => {
            let opened = unfence(&text, &blocks);
            (blocks, scan_errors) = blocks::scan(&opened);
            Cow::Owned(opened)
        }
        _ => text,
    };
    let mut b = Builder::new(&text, file, &blocks);
    for (offset, message, hint) in scan_errors {
        b.error(offset, message, hint);
    }
    for (index, block) in blocks.iter().enumerate() {
        b.block(index, block, blocks.get(index + 1));
    }
    if b.items == 0
        && !options.read_fenced
        && let Some((offset, boxes, info)) = fenced.first()
    {
        let line = b.lines.line_col(&text, *offset).0;
        let what = if info.is_empty() {
            String::new()
        } else {
            format!("`{info}` ")
        };
        let error = SourceError::at(file, &text, *offset, format!(
            "no checkboxes outside code blocks: the {boxes} box(es) are inside the fenced {what}block opened at line {line}"
        ))
        .with_hint("to read the checklist inside it, pass `--read-fenced` (or remove the fence lines)");
        return Err(SourceErrors(vec![error]));
    }
    // The blocks hold a copy of most of the text: free them before the tree is finished.
    drop(blocks);
    b.finish()
}

/// Old-Mac files end lines with a lone `\r`: read it as `\n` (same length, so offsets hold).
fn lone_cr_to_lf(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return Cow::Borrowed(text);
    }
    let fixed: String = text
        .char_indices()
        .map(|(i, c)| if c == '\r' && lone(i) { '\n' } else { c })
        .collect();
    Cow::Owned(fixed)
}

/// Fenced blocks holding checkbox lines: (offset of the opening fence line, boxes inside).
fn fenced_boxes(blocks: &[blocks::Block]) -> Vec<(usize, usize, &str)> {
    blocks
        .iter()
        .filter_map(|b| match &b.kind {
            blocks::Kind::Code {
                body,
                fence_lines,
                info,
                ..
            } => {
                let boxes = super::looks_like_markdown(body).then(|| {
                    body.lines()
                        .filter(|l| super::looks_like_markdown(l))
                        .count()
                })?;
                Some((fence_lines.0, boxes, info.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// The text with the fence lines of every block that holds boxes blanked out (spaces, so every
/// offset and line number stays where it was).
fn unfence(text: &str, blocks: &[blocks::Block]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for b in blocks {
        if let blocks::Kind::Code {
            body, fence_lines, ..
        } = &b.kind
            && super::looks_like_markdown(body)
        {
            for start in [Some(fence_lines.0), fence_lines.1].into_iter().flatten() {
                let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
                for byte in &mut bytes[start..end] {
                    *byte = b' ';
                }
            }
        }
    }
    // Only ASCII fence characters (and any text on those lines) were replaced by spaces, at
    // whole-character positions: the bytes stay valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
