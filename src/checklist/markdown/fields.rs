//! Reading the values a line of a Markdown checklist asks for: `` `Yes / No` `` and `[ ] GO  [ ] NO-GO`
//! choices, every `___` blank with its unit, "(target: …)" / "(expected: …)" / "(baseline: …)",
//! empty "Actual" table columns, and "(required)" marks.

use super::choices::{Mode, choice_options};
use super::text;
use crate::checklist::FieldKind;

/// A field found in a line, before it gets an id.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FieldSpec {
    pub label: String,
    pub kind: FieldKind,
    pub options: Vec<String>,
    pub unit: Option<String>,
    pub target: Option<String>,
    /// What else the line says about the value ("baseline: 120ms"), so nothing of it is lost.
    pub note: Option<String>,
}

/// Units recognised after a bare `___` blank (inside backticks anything short is taken).
#[rustfmt::skip]
const BARE_UNITS: &[&str] = &[
    "ms", "s", "sec", "secs", "seconds", "m", "min", "mins", "minutes", "h",
    "hr", "hrs", "hours", "d", "days", "%", "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib",
    "tib", "bytes", "rps", "qps", "rpm", "k", "ops", "users", "connections", "requests",
    "errors", "items", "rows", "files",
];

/// Words in a parenthesis after a value that make the rest of it the field's target.
const TARGET_WORDS: &[&str] = &[
    "target",
    "expected",
    "expect",
    "goal",
    "threshold",
    "should be",
    "sla",
];

/// A plain text field named `label`.
pub(super) fn text_field(label: String) -> FieldSpec {
    FieldSpec {
        label,
        kind: FieldKind::Text,
        options: Vec::new(),
        unit: None,
        target: None,
        note: None,
    }
}

/// Every field a line asks for, in the order they appear.
pub(super) fn detect(line: &str) -> Vec<FieldSpec> {
    detect_visible(&text::visible(line))
}

/// [`detect`] on text already rendered by `text::visible`.
pub(super) fn detect_visible(t: &str) -> Vec<FieldSpec> {
    let spans = code_spans(t);
    let mut anchors = Vec::new();
    for &(open, close) in &spans {
        let content = &t[open + 1..close];
        if let Some((start, end)) = find_blank(content) {
            let unit = Some(content[end..].trim().to_string()).filter(|u| !u.is_empty());
            let _ = start;
            anchors.push(Anchor::new(
                open,
                close + 1,
                FieldKind::Text,
                Vec::new(),
                unit,
            ));
            continue;
        }
        let mode = if t[..open].trim_end().ends_with(':') {
            Mode::Labelled
        } else {
            Mode::Code
        };
        if let Some(options) = choice_options(content, mode) {
            anchors.push(Anchor::new(
                open,
                close + 1,
                FieldKind::Choice,
                options,
                None,
            ));
        }
    }
    let mut at = 0;
    while let Some((start, end)) = find_blank(&t[at..]).map(|(s, e)| (s + at, e + at)) {
        at = end;
        if spans.iter().any(|(o, c)| *o < start && start < *c) {
            continue;
        }
        let (unit, used) = bare_unit(&t[end..]);
        anchors.push(Anchor::new(
            start,
            end + used,
            FieldKind::Text,
            Vec::new(),
            unit,
        ));
    }
    if anchors.is_empty() {
        let Some(colon) = t.rfind(':') else {
            return Vec::new();
        };
        let Some(options) = choice_options(t[colon + 1..].trim(), Mode::Bare) else {
            return Vec::new();
        };
        anchors.push(Anchor::new(
            colon + 1,
            t.len(),
            FieldKind::Choice,
            options,
            None,
        ));
    }
    anchors.sort_by_key(|a| a.start);
    label_anchors(t, anchors)
}

/// Where a field sits in the line: from its value's start to the end of what describes it
/// (unit, "(target: …)" and the like).
struct Anchor {
    start: usize,
    end: usize,
    spec: FieldSpec,
}

impl Anchor {
    fn new(
        start: usize,
        end: usize,
        kind: FieldKind,
        options: Vec<String>,
        unit: Option<String>,
    ) -> Self {
        Anchor {
            start,
            end,
            spec: FieldSpec {
                label: String::new(),
                kind,
                options,
                unit,
                target: None,
                note: None,
            },
        }
    }
}

/// Labels each field with the words before it, reads the parentheses after it as target or
/// note, and hands leftover words to the last field's note.
fn label_anchors(t: &str, anchors: Vec<Anchor>) -> Vec<FieldSpec> {
    let mut out: Vec<FieldSpec> = Vec::new();
    let mut from = 0;
    let count = anchors.len();
    for (n, mut a) in anchors.into_iter().enumerate() {
        if a.start < from {
            continue; // a blank inside a choice already taken
        }
        let mut label_text = t[from..a.start].to_string();
        if let Some((target, cut)) = target_in(&label_text) {
            a.spec.target = Some(target);
            label_text = cut;
        }
        a.spec.label = clean_label(&label_text);
        let mut end = a.end;
        while let Some((inside, len)) = parenthesis_at(&t[end..]) {
            if find_blank(inside).is_some() {
                break;
            }
            match target_value(inside) {
                Some(value) if a.spec.target.is_none() => a.spec.target = Some(value),
                _ => push_note(&mut a.spec.note, inside.trim()),
            }
            end += len;
        }
        if n + 1 == count && count == 1 && a.spec.target.is_none() {
            // One field per line: a "(target: …)" anywhere in it is the field's.
            a.spec.target = target_in(t).map(|(target, _)| target);
        }
        from = end;
        if a.spec.kind == FieldKind::Text
            && (a.spec.unit.is_some()
                || a.spec
                    .target
                    .as_deref()
                    .is_some_and(|x| x.chars().any(|c| c.is_ascii_digit())))
        {
            a.spec.kind = FieldKind::Number;
        }
        out.push(a.spec);
    }
    let rest = t[from.min(t.len())..]
        .trim()
        .trim_start_matches([')', ',', ';'])
        .trim();
    if rest.chars().any(char::is_alphanumeric)
        && let Some(last) = out.last_mut()
        && target_in(rest).is_none_or(|(target, _)| last.target.as_deref() != Some(&target))
    {
        push_note(&mut last.note, rest);
    }
    out
}

fn push_note(note: &mut Option<String>, text: &str) {
    match note {
        Some(n) => {
            n.push_str("; ");
            n.push_str(text);
        }
        None => *note = Some(text.to_string()),
    }
}

/// `(inside)` after optional spaces at the start of `s`: (inside, bytes used).
fn parenthesis_at(s: &str) -> Option<(&str, usize)> {
    let trimmed = s.trim_start();
    let lead = s.len() - trimmed.len();
    let inner = trimmed.strip_prefix('(')?;
    let close = inner.find(')')?;
    Some((&inner[..close], lead + 1 + close + 1))
}

/// "target: < 500ms" / "expected 100" → the value; None for other parentheses.
fn target_value(inside: &str) -> Option<String> {
    let lower = inside.trim_start().to_lowercase();
    let word = TARGET_WORDS.iter().find(|w| lower.starts_with(*w))?;
    let rest = inside.trim_start()[word.len()..].trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// The first "(target …)" parenthesis in `text`: its value, and the text without it.
fn target_in(text: &str) -> Option<(String, String)> {
    let mut search = 0;
    while let Some(open) = text[search..].find('(').map(|i| i + search) {
        let (inside, len) =
            parenthesis_at(&text[open..]).unwrap_or((&text[open + 1..], text.len() - open));
        if let Some(value) = target_value(inside) {
            let cut = format!("{}{}", &text[..open], &text[(open + len).min(text.len())..]);
            return Some((value, cut));
        }
        search = open + 1;
    }
    None
}

/// The words before a value as a label: `**Backup size:**` → `Backup size`.
pub(super) fn clean_label(before: &str) -> String {
    let label = before
        .trim()
        .trim_start_matches([')', ',', ';', '—', '–', '-', '(', '|'])
        .trim()
        .trim_end_matches(['(', '=', '|'])
        .trim()
        .trim_end_matches(':')
        .trim()
        .trim_matches(|c| c == '*' || c == '_')
        .trim();
    if label.is_empty() {
        "Value".to_string()
    } else {
        label.to_string()
    }
}

/// Byte ranges of single-backtick code spans: (opening tick, closing tick).
fn code_spans(text: &str) -> Vec<(usize, usize)> {
    let ticks: Vec<usize> = text.match_indices('`').map(|(i, _)| i).collect();
    ticks
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1]))
        .collect()
}

/// A run of `___` (three or more, or two standing alone as in `__%`), as a byte range.
fn find_blank(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'_' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] == b'_' {
            i += 1;
        }
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after_ok = i == bytes.len() || !bytes[i].is_ascii_alphanumeric();
        let run = i - start;
        if before_ok && (run >= 3 || (run == 2 && after_ok)) {
            return Some((start, i));
        }
    }
    None
}

/// A unit right after a bare blank (`___ ms`, `__%`, `___ req/s`): the unit and bytes used.
fn bare_unit(after: &str) -> (Option<String>, usize) {
    if after.starts_with('%') {
        return (Some("%".into()), 1);
    }
    let trimmed = after.trim_start();
    let lead = after.len() - trimmed.len();
    let token: String = trimmed
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '(' | ',' | ';' | ')' | '`'))
        .collect();
    let lower = token.to_lowercase();
    let per = lower.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && lower.chars().all(|c| c.is_ascii_alphabetic() || c == '/')
    });
    if BARE_UNITS.contains(&lower.as_str()) || (per && lower.len() <= 12) {
        let used = lead + token.len();
        (Some(token), used)
    } else {
        (None, 0)
    }
}

/// "(required)", "[required]", "(mandatory)" or a shouted REQUIRED mark an item as required.
pub(super) fn is_required(text: &str) -> bool {
    let bytes = text.as_bytes();
    let has = |mark: &str| {
        bytes
            .windows(mark.len())
            .any(|w| w.eq_ignore_ascii_case(mark.as_bytes()))
    };
    ["(required)", "[required]", "(mandatory)", "[mandatory]"]
        .iter()
        .any(|m| has(m))
        || text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "REQUIRED" || w == "MANDATORY")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> FieldSpec {
        detect(text)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no field in {text:?}"))
    }

    fn labels(text: &str) -> Vec<String> {
        detect(text).into_iter().map(|f| f.label).collect()
    }

    #[test]
    fn choices() {
        let f = field("Stable for 48 hours: `Yes / No`");
        assert_eq!(
            (f.label.as_str(), f.kind),
            ("Stable for 48 hours", FieldKind::Choice)
        );
        assert_eq!(f.options, ["Yes", "No"]);
        let f = field("**24-Hour Status:** `STABLE / NEEDS ATTENTION / ROLLBACK REQUIRED`");
        assert_eq!(f.label, "24-Hour Status");
        assert_eq!(
            f.options,
            ["STABLE", "NEEDS ATTENTION", "ROLLBACK REQUIRED"]
        );
        assert_eq!(
            field("Go / No-Go decision: `GO / NO-GO`").options,
            ["GO", "NO-GO"]
        );
        let f = field("Severity Level: CRITICAL / HIGH / MEDIUM");
        assert_eq!((f.label.as_str(), f.options.len()), ("Severity Level", 3));
        let f = field("Deployment Status: SUCCESS / FAILED / ROLLED BACK");
        assert_eq!(f.options, ["SUCCESS", "FAILED", "ROLLED BACK"]);
        assert_eq!(
            field("Decision: ROLLBACK / PATCH / MONITOR").options.len(),
            3
        );
        assert_eq!(field("Smoke tests `PASS/FAIL`").options, ["PASS", "FAIL"]);
        assert!(detect("PDS mode set appropriately (local/remote/hybrid)").is_empty());
        assert!(detect("Endpoint `api/v1` answers").is_empty());
        assert!(detect("System Health dashboard: `Configured`").is_empty());
        for code in ["CPU/RAM", "TCP/UDP", "CI/CD", "A/B"] {
            assert!(
                detect(&format!("Check `{code}` usage")).is_empty(),
                "{code}"
            );
        }
    }

    #[test]
    fn blanks() {
        let f = field("Backup size: `_____ GB`");
        assert_eq!((f.kind, f.unit.as_deref()), (FieldKind::Number, Some("GB")));
        let f = field("Active syncs: `_____` (target: 0)");
        assert_eq!(
            (f.kind, f.target.as_deref()),
            (FieldKind::Number, Some("0"))
        );
        let f = field("p95 latency: ___ ms (target > 300ms baseline)");
        assert_eq!(f.label, "p95 latency");
        assert_eq!(
            (f.unit.as_deref(), f.target.as_deref()),
            (Some("ms"), Some("> 300ms baseline"))
        );
        let f = field("Loss rate: __% (target < 0.1%)");
        assert_eq!(
            (f.unit.as_deref(), f.target.as_deref()),
            (Some("%"), Some("< 0.1%"))
        );
        let f = field("Critical error identified: _______________");
        assert_eq!(
            (f.label.as_str(), f.kind, f.unit),
            ("Critical error identified", FieldKind::Text, None)
        );
        let f = field("Memory growth rate: `_____ MB/hour` (target: < 10)");
        assert_eq!(f.unit.as_deref(), Some("MB/hour"));
        let f = field("Max connections: ___ (target > 10k)");
        assert_eq!((f.kind, f.unit), (FieldKind::Number, None));
        assert!(detect("Set `PDS_MODE=local` and `__init__.py`").is_empty());
    }

    #[test]
    fn every_blank_is_a_field_and_nothing_is_lost() {
        assert_eq!(
            labels("Meeting scheduled: _____ at _____"),
            ["Meeting scheduled", "at"]
        );
        assert_eq!(labels("Developer: ____ Date: ____"), ["Developer", "Date"]);
        let f = field("Green weight: _______ (expected: 100)");
        assert_eq!(
            (f.target.as_deref(), f.kind),
            (Some("100"), FieldKind::Number)
        );
        let both = detect("Response time P95: ____ ms (baseline: ____)");
        assert_eq!(both.len(), 2);
        assert_eq!(
            (both[0].label.as_str(), both[0].unit.as_deref()),
            ("Response time P95", Some("ms"))
        );
        assert_eq!(both[1].label, "baseline");
        let f = field("Error rate: ___ % (baseline: 0.2%) check Grafana");
        assert_eq!(f.note.as_deref(), Some("baseline: 0.2%; check Grafana"));
    }

    #[test]
    fn required_marks() {
        assert!(is_required("Backup taken (required)"));
        assert!(is_required("REQUIRED: sign-off"));
        assert!(!is_required("Set all required variables:"));
    }
}
