//! First pass of the Markdown import: lines → blocks (headings, list items with their continuation
//! lines, paragraphs, fenced code, tables, rules). Linear in the input, and never loses a line
//! that could hold a checkbox.

use super::lines::{
    Fence, atx_heading, closing_run, dedent, fence_open, is_bold_label, is_box_line, is_rule,
    leading_columns, list_item, list_parts, setext_level, strip_quotes,
};

/// One block of the document, with where it starts.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub kind: Kind,
    /// Byte offset in the text where the block starts (the list marker for list items).
    pub offset: usize,
    /// Columns of indentation (tabs to the next multiple of 4) after any `>` quote markers.
    pub indent: usize,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Heading {
        level: usize,
        text: String,
    },
    /// A list item; `checkbox` is `Some(checked)` for `- [ ]` / `- [x]`. `text` is the content
    /// after the marker and box, continuation lines joined by spaces; `raw` is the lines as written.
    ListItem {
        checkbox: Option<bool>,
        text: String,
        raw: String,
    },
    Text {
        raw: String,
    },
    Code {
        body: String,
        raw: String,
        /// The info string after the opening fence (`bash`, `markdown`).
        info: String,
        /// Byte offsets of the opening fence line and of the closing one (if closed).
        fence_lines: (usize, Option<usize>),
    },
    Table {
        raw: String,
    },
    /// A thematic break; `separator` when only a heading (or the end) follows it.
    Rule {
        raw: String,
        separator: bool,
    },
    FrontMatter {
        raw: String,
    },
}

/// A problem found while scanning, as (byte offset, message, hint).
pub(super) type ScanError = (usize, String, String);

struct Line<'a> {
    raw: &'a str,
    /// How many `>` quote markers the line starts with.
    quote_depth: usize,
    /// The line after `>` quote markers, leading whitespace kept.
    quoted: &'a str,
    offset: usize,
    /// Content after `>` markers and leading whitespace.
    rest: &'a str,
    indent: usize,
}

pub(super) fn scan(text: &str) -> (Vec<Block>, Vec<ScanError>) {
    let raw_lines = split_lines(text);
    let lines: Vec<Line<'_>> = raw_lines
        .iter()
        .map(|(raw, offset)| analyze(raw, *offset))
        .collect();
    let index = Index::new(&lines);
    let mut blocks: Vec<Block> = Vec::new();
    let mut errors = Vec::new();
    // The block a lazy continuation line may extend: a paragraph or a list item.
    let mut open: Option<usize> = None;
    let mut i = front_matter(&lines, &mut blocks);
    while i < lines.len() {
        let l = &lines[i];
        if l.rest.trim().is_empty() {
            open = None;
            i += 1;
            continue;
        }
        if l.rest.starts_with("<!--") {
            open = None;
            i = skip_comment(&lines, &index, i);
            continue;
        }
        if let Some(fence) = fence_open(l.rest) {
            open = None;
            match read_fence(&lines, &index, i, fence) {
                Ok((block, next)) => {
                    blocks.push(block);
                    i = next;
                }
                Err((message, hint)) => {
                    errors.push((l.offset, message, hint));
                    blocks.push(block(
                        Kind::Text {
                            raw: l.raw.to_string(),
                        },
                        l,
                    ));
                    i += 1;
                }
            }
            continue;
        }
        if l.indent <= 3
            && let Some((level, heading)) = atx_heading(l.rest)
        {
            open = None;
            blocks.push(block(
                Kind::Heading {
                    level,
                    text: heading,
                },
                l,
            ));
            i += 1;
            continue;
        }
        if l.indent <= 3
            && let Some(level) = setext_level(l.rest)
            && let Some(idx) = open
            && let Some(Block {
                kind: Kind::Text { raw },
                indent,
                ..
            }) = blocks.get(idx)
            && *indent <= 3
        {
            let heading = raw.lines().map(str::trim).collect::<Vec<_>>().join(" ");
            blocks[idx].kind = Kind::Heading {
                level,
                text: heading,
            };
            open = None;
            i += 1;
            continue;
        }
        if l.indent <= 3 && is_rule(l.rest) {
            open = None;
            blocks.push(block(
                Kind::Rule {
                    raw: l.raw.trim().to_string(),
                    separator: false,
                },
                l,
            ));
            i += 1;
            continue;
        }
        if let Some(mut kind) = list_item(l.rest) {
            // Only plain bullets are kept as written (as notes); a box's line is not needed twice.
            if let Kind::ListItem {
                raw,
                checkbox: None,
                ..
            } = &mut kind
            {
                *raw = l.raw.trim_end().to_string();
            }
            blocks.push(block(kind, l));
            open = Some(blocks.len() - 1);
            i += 1;
            continue;
        }
        if is_table_start(&lines, i, l.rest) {
            open = None;
            let mut raw = vec![l.raw.trim_end()];
            i += 1;
            while i < lines.len() {
                let next = &lines[i];
                if next.rest.trim().is_empty()
                    || !next.rest.contains('|')
                    || list_parts(next.rest).is_some()
                {
                    break;
                }
                raw.push(next.raw.trim_end());
                i += 1;
            }
            blocks.push(block(
                Kind::Table {
                    raw: raw.join("\n"),
                },
                l,
            ));
            continue;
        }
        // Plain text: continues the open paragraph or list item (CommonMark's lazy continuation),
        // or starts a paragraph. A `**Label:**` line under an item is meant as a line of its own.
        let continues_item = !is_bold_label(l.rest);
        // A quoted line never continues unquoted text (an item's `> body` is its note) nor the
        // other way round.
        let same_quote = i > 0 && lines[i - 1].quote_depth == l.quote_depth;
        match open
            .filter(|_| same_quote)
            .and_then(|idx| blocks.get_mut(idx))
        {
            Some(Block {
                kind: Kind::ListItem { text, raw, .. },
                ..
            }) if continues_item => {
                // A trailing `\` is a hard line break, not text.
                if text.ends_with('\\') {
                    text.pop();
                }
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(l.rest.trim());
                if !raw.is_empty() {
                    raw.push('\n');
                    raw.push_str(l.raw.trim_end());
                }
            }
            Some(Block {
                kind: Kind::Text { raw },
                ..
            }) => {
                raw.push('\n');
                raw.push_str(l.raw.trim_end());
            }
            _ => {
                blocks.push(block(
                    Kind::Text {
                        raw: l.raw.trim_end().to_string(),
                    },
                    l,
                ));
                open = Some(blocks.len() - 1);
            }
        }
        i += 1;
    }
    mark_separators(&mut blocks);
    (blocks, errors)
}

fn block(kind: Kind, l: &Line<'_>) -> Block {
    let offset = l.offset + (l.raw.len() - l.rest.len());
    Block {
        kind,
        offset,
        indent: l.indent,
    }
}

/// Lines without their `\n` / `\r\n`, each with its byte offset.
fn split_lines(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for piece in text.split('\n') {
        out.push((piece.strip_suffix('\r').unwrap_or(piece), offset));
        offset += piece.len() + 1;
    }
    if text.ends_with('\n') {
        out.pop();
    }
    out
}

fn analyze(raw: &str, offset: usize) -> Line<'_> {
    let content = strip_quotes(raw);
    let quote_depth = raw[..raw.len() - content.len()].matches('>').count();
    let (mut indent, rest) = leading_columns(content);
    if quote_depth > 0 {
        // A quote indented under a box (`  > - [ ] sub-step`, `  > its note`) sits at the
        // quote's own column plus the indentation inside it.
        indent += leading_columns(raw).0;
    }
    Line {
        raw,
        quote_depth,
        quoted: content,
        offset,
        rest,
        indent,
    }
}

/// Facts about later lines, computed once so no lookahead rescans the file.
struct Index {
    /// Checkbox lines at or after each line.
    checkboxes_from: Vec<usize>,
    /// Longest closing-fence run (backticks, tildes) at or after each line.
    close_from: [Vec<usize>; 2],
    /// Whether each line holds `-->`.
    comment_close_from: Vec<bool>,
}

impl Index {
    fn new(lines: &[Line<'_>]) -> Self {
        let n = lines.len();
        let mut checkboxes_from = vec![0; n + 1];
        let mut close_from = [vec![0; n + 1], vec![0; n + 1]];
        let mut comment_close_from = vec![false; n + 1];
        for i in (0..n).rev() {
            let l = &lines[i];
            let is_box = is_box_line(l.rest);
            checkboxes_from[i] = checkboxes_from[i + 1] + usize::from(is_box);
            for (k, marker) in ['`', '~'].into_iter().enumerate() {
                close_from[k][i] = close_from[k][i + 1].max(closing_run(l.quoted, marker));
                let own = closing_run(l.raw, marker);
                close_from[k][i] = close_from[k][i].max(own);
            }
            comment_close_from[i] = comment_close_from[i + 1] || l.raw.contains("-->");
        }
        Index {
            checkboxes_from,
            close_from,
            comment_close_from,
        }
    }
}

/// YAML front matter (`---` … `---` at the very top) is kept whole as one block.
fn front_matter(lines: &[Line<'_>], blocks: &mut Vec<Block>) -> usize {
    if lines.first().map(|l| l.raw.trim_end()) != Some("---") {
        return 0;
    }
    let looks_like_yaml = lines.get(1).is_some_and(|l| l.raw.contains(':'));
    let close = lines
        .iter()
        .enumerate()
        .skip(1)
        .take(100)
        .find(|(_, l)| matches!(l.raw.trim_end(), "---" | "..."));
    // Front matter never holds boxes; a document that starts with a rule might.
    let holds_boxes = |end: usize| lines[..end].iter().any(|l| is_box_line(l.rest));
    match close {
        Some((end, _)) if looks_like_yaml && !holds_boxes(end) => {
            let raw = lines[..=end]
                .iter()
                .map(|l| l.raw)
                .collect::<Vec<_>>()
                .join("\n");
            blocks.push(Block {
                kind: Kind::FrontMatter { raw },
                offset: 0,
                indent: 0,
            });
            end + 1
        }
        _ => 0,
    }
}

/// Skips an HTML comment; an unclosed one hides only its own line, never the rest of the file.
fn skip_comment(lines: &[Line<'_>], index: &Index, start: usize) -> usize {
    let first = lines[start].rest;
    if first[4..].contains("-->") || !index.comment_close_from[start + 1] {
        return start + 1;
    }
    let mut j = start + 1;
    while j < lines.len() && !lines[j].raw.contains("-->") {
        j += 1;
    }
    j + 1
}

/// Reads a fenced block from its opening line; content is de-indented by the fence's indent.
/// An unclosed fence runs to the end (CommonMark) unless that would swallow checkboxes.
fn read_fence<'a>(
    lines: &[Line<'a>],
    index: &Index,
    start: usize,
    fence: Fence,
) -> Result<(Block, usize), (String, String)> {
    let open = &lines[start];
    // Inside a quote the content lines carry `>` too; outside, a `>` in the code is code.
    let in_quote = open.quoted.len() != open.raw.len();
    let content_of = |l: &Line<'a>| -> &'a str { if in_quote { l.quoted } else { l.raw } };
    let k = usize::from(fence.marker == '~');
    let closes = index.close_from[k]
        .get(start + 1)
        .is_some_and(|&run| run >= fence.len);
    if !closes {
        let swallowed = index.checkboxes_from.get(start + 1).copied().unwrap_or(0);
        if swallowed > 0 {
            return Err((
                format!(
                    "this code block is never closed, so the {swallowed} checkbox line(s) after it would be read as code"
                ),
                format!(
                    "close the block with a line of {}",
                    fence.marker.to_string().repeat(fence.len)
                ),
            ));
        }
    }
    let mut body: Vec<String> = Vec::new();
    let mut raw: Vec<&str> = vec![open.raw.trim_end()];
    let mut j = start + 1;
    while j < lines.len() {
        let content = content_of(&lines[j]);
        raw.push(lines[j].raw);
        j += 1;
        if closing_run(content, fence.marker) >= fence.len {
            break;
        }
        body.push(dedent(content, open.indent));
    }
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    let closed = (j > start + 1
        && closing_run(content_of(&lines[j - 1]), fence.marker) >= fence.len)
        .then(|| lines[j - 1].offset);
    let info = open.rest[fence.len..].trim().to_string();
    let block = Block {
        kind: Kind::Code {
            body: body.join("\n"),
            raw: raw.join("\n"),
            info,
            fence_lines: (open.offset, closed),
        },
        offset: open.offset + (open.raw.len() - open.rest.len()),
        indent: open.indent,
    };
    Ok((block, j))
}

/// `| a | b |`, or `a | b` directly above a `---|---` delimiter row.
fn is_table_start(lines: &[Line<'_>], i: usize, rest: &str) -> bool {
    if rest.starts_with('|') {
        return true;
    }
    rest.contains('|')
        && lines.get(i + 1).is_some_and(|next| {
            let t = next.rest.trim();
            t.contains('-')
                && t.contains('|')
                && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
        })
}

/// A rule right before a heading (or at the end) only separates sections; it carries nothing.
fn mark_separators(blocks: &mut [Block]) {
    for i in 0..blocks.len() {
        let next_is_heading = matches!(
            blocks.get(i + 1),
            None | Some(Block {
                kind: Kind::Heading { .. },
                ..
            })
        );
        if let Kind::Rule { separator, .. } = &mut blocks[i].kind {
            *separator = next_is_heading;
        }
    }
}
