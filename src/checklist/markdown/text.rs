//! Text as the reader sees it: emphasis markers, inline comments, hard-break backslashes and
//! escapes gone, links reduced to their label (their targets returned separately), inline code
//! left exactly as written, backticks included.

/// A link found in a line: its label and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Link {
    pub label: String,
    pub target: String,
}

/// The visible text of one line (or of continuation lines already joined).
pub(super) fn visible(text: &str) -> String {
    render(text).0
}

/// Renders inline Markdown: outside code spans, comments, `\` escapes, emphasis and links.
/// Returns the visible text and the links in it, in order.
pub(super) fn render(text: &str) -> (String, Vec<Link>) {
    if !text.contains(['`', '<', '[', '\\', '*', '_', '!']) {
        return (text.trim().to_string(), Vec::new());
    }
    let emphasis = emphasis_markers(text);
    let mut out = String::with_capacity(text.len());
    let mut links = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        if let Some(len) = code_span_len(rest) {
            out.push_str(&rest[..len]);
            at += len;
            continue;
        }
        if rest.starts_with("**") {
            // Bold markers go wherever they stand outside code, paired or not, as they always
            // have (and as the independent test scan expects).
            at += 2;
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            match after.find("-->") {
                Some(end) => {
                    at += 4 + end + 3;
                    // `a <!-- x --> b` reads `a b`, not `a  b`.
                    if text[at..].starts_with(' ') {
                        while out.ends_with(' ') {
                            out.pop();
                        }
                    }
                    continue;
                }
                None => break, // an unclosed comment hides the rest of the line, as it renders
            }
        }
        if let Some((label, target, len)) = link_at(rest) {
            out.push_str(&label);
            links.push(Link { label, target });
            at += len;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c == '\\' {
            match rest[1..].chars().next() {
                Some(n) if n.is_ascii_punctuation() => {
                    out.push(n);
                    at += 2;
                }
                None => at += 1, // a hard line break
                Some(_) => {
                    out.push('\\');
                    at += 1;
                }
            }
            continue;
        }
        if emphasis.binary_search(&at).is_err() {
            out.push(c);
        }
        at += c.len_utf8();
    }
    (out.trim().to_string(), links)
}

/// Longest link target looked for, in bytes.
const MAX_TARGET: usize = 2048;

/// Open emphasis markers remembered at once.
const MAX_OPENERS: usize = 32;

/// Byte offsets of the `*` and `_` that open or close an emphasis pair, sorted.
///
/// Simplified CommonMark flanking: a run of one or two markers opens when followed by a
/// non-space and preceded by a space, punctuation or the start; it closes when preceded by a
/// non-space and followed by a space, punctuation or the end. `_` never opens or closes inside
/// a word (`snake_case_name`); runs of three or more are blanks (`___`), never emphasis.
fn emphasis_markers(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut marked = Vec::new();
    // Open runs: (marker, run length, offset).
    let mut openers: Vec<(u8, usize, usize)> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &text[at..];
        if let Some(len) = code_span_len(rest) {
            at += len;
            continue;
        }
        if rest.starts_with("](") {
            at += rest
                .bytes()
                .take(MAX_TARGET)
                .position(|b| b == b')')
                .unwrap_or(2);
            continue;
        }
        let b = bytes[at];
        if b != b'*' && b != b'_' {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let run = bytes[at..].iter().take_while(|x| **x == b).count();
        if b == b'*' && run >= 2 {
            at += run; // bold, removed by `render` on its own
            continue;
        }
        let prev = text[..at].chars().next_back();
        let next = text[at + run..].chars().next();
        let loose =
            |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation());
        let mut opens = run <= 2 && next.is_some_and(|c| !c.is_whitespace()) && loose(prev);
        let mut closes = run <= 2 && prev.is_some_and(|c| !c.is_whitespace()) && loose(next);
        if b == b'_' {
            opens &= !prev.is_some_and(char::is_alphanumeric);
            closes &= !next.is_some_and(char::is_alphanumeric);
        }
        let matching = openers
            .iter()
            .rposition(|(m, len, _)| *m == b && *len == run);
        match matching {
            Some(i) if closes => {
                let (_, len, from) = openers[i];
                openers.truncate(i);
                marked.extend(from..from + len);
                marked.extend(at..at + run);
            }
            _ if opens => {
                // Emphasis rarely nests deep: a bounded stack keeps a hostile line linear.
                if openers.len() >= MAX_OPENERS {
                    openers.remove(0);
                }
                openers.push((b, run, at));
            }
            _ => {}
        }
        at += run;
    }
    marked.sort_unstable();
    marked
}

/// Length of a code span starting at `s` (a run of backticks closed by a run of the same length).
fn code_span_len(s: &str) -> Option<usize> {
    let run = s.bytes().take_while(|b| *b == b'`').count();
    if run == 0 {
        return None;
    }
    let mut at = run;
    while let Some(pos) = s[at..].find('`') {
        let start = at + pos;
        let len = s[start..].bytes().take_while(|b| *b == b'`').count();
        if len == run {
            return Some(start + len);
        }
        at = start + len;
    }
    // No closer: the backticks are literal text.
    Some(run)
}

/// `[label](target)` or `![alt](src)` at the start of `s`: (label, target, length).
fn link_at(s: &str) -> Option<(String, String, usize)> {
    let (bang, body) = match s.strip_prefix('!') {
        Some(b) => (1, b),
        None => (0, s),
    };
    let inner = body.strip_prefix('[')?;
    // The label ends at the first bracket, and a target is short: each search stops early, so a
    // line of a million `[` stays linear.
    let close = inner.find(['[', ']'])?;
    if !inner[close..].starts_with("](") {
        return None;
    }
    let label = &inner[..close];
    let after = &inner[close + 2..];
    let end = after
        .bytes()
        .take(MAX_TARGET)
        .position(|b| b == b')' || b == b'\n')?;
    if after.as_bytes()[end] != b')' {
        return None;
    }
    let target = after[..end].trim();
    if target.contains(' ') && !target.contains('"') {
        return None;
    }
    let len = bang + 1 + close + 2 + end + 1;
    Some((visible(label), target.to_string(), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_rendered() {
        assert_eq!(
            visible("**Bold** and *italic* and _under_"),
            "Bold and italic and under"
        );
        assert_eq!(
            visible("Keep `**/*.js` and `__init__.py`"),
            "Keep `**/*.js` and `__init__.py`"
        );
        assert_eq!(visible("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(visible("Deploy <!-- todo: owner --> now"), "Deploy now");
        assert_eq!(visible("Line ends in a break\\"), "Line ends in a break");
        assert_eq!(visible("Escaped \\*star\\*"), "Escaped *star*");
        assert_eq!(
            visible("See [the guide](./GUIDE.md) first"),
            "See the guide first"
        );
        assert_eq!(
            render("See [the guide](./GUIDE.md) first").1,
            [Link {
                label: "the guide".into(),
                target: "./GUIDE.md".into()
            }]
        );
        assert_eq!(visible("Size: ___ GB and __%"), "Size: ___ GB and __%");
        assert_eq!(visible("2 * 3 * 4"), "2 * 3 * 4");
        assert_eq!(visible("a `unclosed tick"), "a `unclosed tick");
        assert_eq!(visible("__Bold__ words"), "Bold words");
    }
}
