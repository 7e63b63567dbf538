//! Recognising one line of Markdown: headings, rules, list items and their boxes, fences,
//! bold labels, indentation. No state; the block scanner strings these together.

use super::blocks::Kind;

/// `**Deployed on:** …`: a label in bold, as teams write the values they record.
pub(super) fn is_bold_label(rest: &str) -> bool {
    rest.strip_prefix("**")
        .and_then(|after| after.find("**"))
        .is_some_and(|end| {
            rest[..end + 2].trim_end().ends_with(':') || rest[end + 4..].starts_with(':')
        })
}

/// Block quotes: look through `>` markers so quoted checklists import too.
pub(super) fn strip_quotes(raw: &str) -> &str {
    let mut content = raw;
    loop {
        let trimmed = content.trim_start_matches([' ', '\t']);
        let lead = content.len() - trimmed.len();
        match trimmed.strip_prefix('>') {
            Some(after) if lead <= 3 => {
                content = after.strip_prefix(' ').unwrap_or(after);
            }
            _ => return content,
        }
    }
}

/// Length of a closing fence of `marker` on this line (0 when it is not one).
pub(super) fn closing_run(content: &str, marker: char) -> usize {
    let (_, after_ws) = leading_columns(content);
    let run = after_ws.chars().take_while(|c| *c == marker).count();
    if run >= 3 && after_ws[run..].trim().is_empty() {
        run
    } else {
        0
    }
}

/// Columns of leading whitespace (tabs to the next multiple of 4) and the rest of the line.
pub(super) fn leading_columns(s: &str) -> (usize, &str) {
    let mut columns = 0;
    for (i, c) in s.char_indices() {
        match c {
            ' ' => columns += 1,
            '\t' => columns = (columns / 4 + 1) * 4,
            _ => return (columns, &s[i..]),
        }
    }
    (columns, "")
}

pub(super) struct Fence {
    pub marker: char,
    pub len: usize,
}

pub(super) fn fence_open(rest: &str) -> Option<Fence> {
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == marker).count();
    if len < 3 {
        return None;
    }
    let info = &rest[len..];
    if marker == '`' && info.contains('`') {
        return None; // inline code such as ```a``` on one line
    }
    Some(Fence { marker, len })
}

/// Removes up to `columns` of leading whitespace.
pub(super) fn dedent(line: &str, columns: usize) -> String {
    let mut seen = 0;
    for (i, c) in line.char_indices() {
        if seen >= columns || !(c == ' ' || c == '\t') {
            return line[i..].to_string();
        }
        seen = if c == '\t' {
            (seen / 4 + 1) * 4
        } else {
            seen + 1
        };
    }
    String::new()
}

pub(super) fn atx_heading(rest: &str) -> Option<(usize, String)> {
    let level = rest.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let mut text = after.trim();
    // A closing run of `#` preceded by a space is decoration.
    let without = text.trim_end_matches('#');
    if without.is_empty() || without.ends_with([' ', '\t']) {
        text = without.trim_end();
    }
    Some((level, text.to_string()))
}

pub(super) fn setext_level(rest: &str) -> Option<usize> {
    let t = rest.trim_end();
    if !t.is_empty() && t.chars().all(|c| c == '=') {
        Some(1)
    } else if t.len() >= 2 && t.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

pub(super) fn is_rule(rest: &str) -> bool {
    let mut marker = None;
    let mut count = 0;
    for c in rest.trim_end().chars() {
        match c {
            ' ' | '\t' => {}
            '-' | '*' | '_' if marker.is_none() || marker == Some(c) => {
                marker = Some(c);
                count += 1;
            }
            _ => return false,
        }
    }
    count >= 3
}

/// Recognises `-`, `*`, `+`, `1.` and `1)` items, with or without a `[ ]` / `[x]` box.
pub(super) fn list_item(rest: &str) -> Option<Kind> {
    let (checkbox, text) = list_parts(rest)?;
    Some(Kind::ListItem {
        checkbox,
        text: text.trim().to_string(),
        raw: String::new(),
    })
}

/// Whether the line is a checkbox item, without building it.
pub(super) fn is_box_line(rest: &str) -> bool {
    matches!(list_parts(rest), Some((Some(_), _)))
}

/// A list item's box (if any) and text, borrowed from the line.
pub(super) fn list_parts(rest: &str) -> Option<(Option<bool>, &str)> {
    let bytes = rest.as_bytes();
    let marker_len = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    let after = &rest[marker_len..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let content = after.trim_start_matches([' ', '\t']);
    Some(match checkbox(content) {
        Some((checked, text)) => (Some(checked), text),
        None => (None, content),
    })
}

pub(super) fn checkbox(content: &str) -> Option<(bool, &str)> {
    let checked = match content.get(..3)? {
        "[ ]" => false,
        "[x]" | "[X]" => true,
        _ => return None,
    };
    let after = &content[3..];
    (after.is_empty() || after.starts_with([' ', '\t'])).then_some((checked, after))
}
