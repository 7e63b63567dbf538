//! An independent, deliberately simple count of the checkbox lines in a Markdown file, to hold the
//! importer to: text after the box (bold markers dropped) and nesting depth by indentation.

/// One `- [ ]` / `* [x]` / `1. [ ]` / `1) [ ]` line outside code fences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxLine {
    pub text: String,
    pub depth: usize,
    pub checked: bool,
}

pub fn checkbox_lines(markdown: &str) -> Vec<BoxLine> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    // Indents of the checkbox lines that are still open above the current line.
    let mut open: Vec<usize> = Vec::new();
    for line in markdown.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let tick = body.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = tick {
            let run = body.chars().take_while(|x| *x == c).count();
            if run >= 3 {
                match fence {
                    None => {
                        fence = Some((c, run));
                        continue;
                    }
                    Some((fc, flen)) if fc == c && run >= flen && body[run..].trim().is_empty() => {
                        fence = None;
                        continue;
                    }
                    _ => {}
                }
            }
        }
        if fence.is_some() {
            continue;
        }
        if body.starts_with('#') {
            open.clear();
            continue;
        }
        let Some(after_marker) = strip_marker(body) else {
            if indent == 0 && !body.is_empty() {
                open.clear();
            }
            continue;
        };
        let (checked, text) = if let Some(t) = after_marker.strip_prefix("[ ]") {
            (false, t)
        } else if let Some(t) = after_marker
            .strip_prefix("[x]")
            .or_else(|| after_marker.strip_prefix("[X]"))
        {
            (true, t)
        } else {
            continue;
        };
        if !(text.is_empty() || text.starts_with(' ') || text.starts_with('\t')) {
            continue;
        }
        while open.last().is_some_and(|&top| indent < top + 2) {
            open.pop();
        }
        out.push(BoxLine {
            text: text.replace("**", "").trim().to_string(),
            depth: open.len(),
            checked,
        });
        open.push(indent);
    }
    out
}

fn strip_marker(body: &str) -> Option<&str> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = body.strip_prefix(bullet) {
            return Some(rest.trim_start());
        }
    }
    let digits = body.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let rest = &body[digits..];
    rest.strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))
        .map(str::trim_start)
}
