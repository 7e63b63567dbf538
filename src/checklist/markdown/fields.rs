//! Reading the little conventions inside a line of a Markdown checklist: `` `Yes / No` `` choices,
//! `___` blanks with a unit, "(target: < 500ms)", "(required)", and "(5 minutes)" budgets on headings.

use crate::checklist::FieldKind;
use std::time::Duration;

/// A field found in a line, before it gets an id.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FieldSpec {
    pub label: String,
    pub kind: FieldKind,
    pub options: Vec<String>,
    pub unit: Option<String>,
    pub target: Option<String>,
}

/// Budgets of a day or more describe *when* ("Post-Deployment (24 Hours)"), not how long.
const MAX_BUDGET: Duration = Duration::from_secs(12 * 3600);

/// Units recognised after a bare `___` blank (inside backticks anything short is taken).
const BARE_UNITS: &[&str] = &[
    "ms",
    "s",
    "sec",
    "secs",
    "seconds",
    "m",
    "min",
    "mins",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hours",
    "d",
    "days",
    "%",
    "b",
    "kb",
    "mb",
    "gb",
    "tb",
    "kib",
    "mib",
    "gib",
    "tib",
    "bytes",
    "rps",
    "qps",
    "rpm",
    "k",
    "ops",
    "users",
    "connections",
    "requests",
    "errors",
    "items",
    "rows",
    "files",
];

/// `**bold**` markers go; everything else (inline code backticks included) stays as written.
pub(super) fn clean_text(text: &str) -> String {
    text.replace("**", "").trim().to_string()
}

/// A choice, blank or bare choice in `text`, if it asks for a value.
pub(super) fn detect(text: &str) -> Option<FieldSpec> {
    let t = clean_text(text);
    let spans = code_spans(&t);
    for &(open, close) in &spans {
        if let Some(options) = choice_options(&t[open + 1..close], false) {
            return Some(spec(&t, &t[..open], FieldKind::Choice, options, None));
        }
    }
    if let Some((start, end)) = find_blank(&t) {
        let unit = match spans.iter().find(|(o, c)| *o < start && end <= *c) {
            Some(&(_, close)) => Some(t[end..close].trim().to_string()).filter(|u| !u.is_empty()),
            None => bare_unit(&t[end..]),
        };
        let label_end = spans
            .iter()
            .find(|(o, c)| *o < start && end <= *c)
            .map_or(start, |(o, _)| *o);
        let field = spec(&t, &t[..label_end], FieldKind::Text, Vec::new(), unit);
        let numeric = field.unit.is_some()
            || field
                .target
                .as_deref()
                .is_some_and(|x| x.chars().any(|c| c.is_ascii_digit()));
        let kind = if numeric {
            FieldKind::Number
        } else {
            FieldKind::Text
        };
        return Some(FieldSpec { kind, ..field });
    }
    let colon = t.rfind(':')?;
    let options = choice_options(t[colon + 1..].trim(), true)?;
    Some(spec(&t, &t[..colon], FieldKind::Choice, options, None))
}

fn spec(
    text: &str,
    before: &str,
    kind: FieldKind,
    options: Vec<String>,
    unit: Option<String>,
) -> FieldSpec {
    let label = before
        .trim()
        .trim_end_matches(':')
        .trim()
        .trim_matches(|c| c == '*' || c == '_')
        .trim();
    FieldSpec {
        label: if label.is_empty() {
            "Value".to_string()
        } else {
            label.to_string()
        },
        kind,
        options,
        unit,
        target: target(text),
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

/// `Yes / No`, `GO / NO-GO`, `STABLE / NEEDS ATTENTION / ROLLBACK REQUIRED`: two to six short
/// answers. Without spaces around the slashes (`Yes/No`), or outside backticks, every answer must
/// start with a capital so paths like `api/v1` or prose like "local/remote" are left alone.
fn choice_options(content: &str, bare: bool) -> Option<Vec<String>> {
    if !content.contains('/') || content.contains("__") {
        return None;
    }
    let parts: Vec<&str> = content.split('/').map(str::trim).collect();
    if !(2..=6).contains(&parts.len()) {
        return None;
    }
    let short_answer = |p: &&str| {
        !p.is_empty()
            && p.chars().count() <= 24
            && p.split_whitespace().count() <= 3
            && p.chars().next().is_some_and(char::is_alphabetic)
            && p.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
    };
    if !parts.iter().all(short_answer) {
        return None;
    }
    let spaced = content
        .split('/')
        .skip(1)
        .all(|after| after.starts_with(' '))
        && content
            .split('/')
            .rev()
            .skip(1)
            .all(|before| before.ends_with(' '));
    let capitalised = parts
        .iter()
        .all(|p| p.chars().next().is_some_and(char::is_uppercase));
    let ok = if bare {
        spaced && capitalised
    } else {
        spaced || capitalised
    };
    ok.then(|| parts.iter().map(|p| p.to_string()).collect())
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

fn bare_unit(after: &str) -> Option<String> {
    if after.starts_with('%') {
        return Some("%".into());
    }
    let token: String = after
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '(' | ',' | ';' | ')' | '`'))
        .collect();
    let lower = token.to_lowercase();
    let per = lower.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && lower.chars().all(|c| c.is_ascii_alphabetic() || c == '/')
    });
    (BARE_UNITS.contains(&lower.as_str()) || (per && lower.len() <= 12)).then_some(token)
}

/// "(target: < 500ms)" / "(target > 10k)" → "< 500ms" / "> 10k".
fn target(text: &str) -> Option<String> {
    let (at, _) = text.char_indices().find(|&(i, c)| {
        c == '('
            && text
                .get(i + 1..i + 7)
                .is_some_and(|w| w.eq_ignore_ascii_case("target"))
    })?;
    let rest = text[at + "(target".len()..].trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let value = match rest.find(')') {
        Some(end) => &rest[..end],
        None => rest,
    };
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// "(required)", "[required]", "(mandatory)" or a shouted REQUIRED mark an item as required.
pub(super) fn is_required(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["(required)", "[required]", "(mandatory)", "[mandatory]"]
        .iter()
        .any(|m| lower.contains(m))
        || text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "REQUIRED" || w == "MANDATORY")
}

/// "Step 2: Database Migration (5 minutes)" → ("Step 2: Database Migration", 5m).
pub(super) fn heading_budget(text: &str) -> Option<(String, Duration)> {
    let trimmed = text.trim_end();
    let inner_end = trimmed.strip_suffix(')')?;
    let open = inner_end.rfind('(')?;
    let inner = inner_end[open + 1..].trim();
    let inner = inner.trim_start_matches(['~', '≈']).trim_start();
    let budget = spoken_duration(inner).or_else(|| crate::units::parse_duration(inner).ok())?;
    if budget.is_zero() || budget > MAX_BUDGET {
        return None;
    }
    let name = inner_end[..open]
        .trim_end()
        .trim_end_matches([':', '-', '—'])
        .trim_end();
    Some((
        name.to_string(),
        Duration::from_secs(budget.as_secs().max(1)),
    ))
}

/// "5 minutes", "2 min", "1 hour", "1.5 hours", "5-10 minutes" (the upper bound).
fn spoken_duration(text: &str) -> Option<Duration> {
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '–'))
        .unwrap_or(text.len());
    let number = &text[..number_end];
    let upper = number.rsplit(['-', '–']).next()?.trim();
    let value: f64 = upper.parse().ok()?;
    let unit = text[number_end..].trim().to_lowercase();
    // the one unit table; milliseconds are no budget
    let seconds = match crate::units::lookup(&unit) {
        Some((crate::units::Dimension::Duration, ms)) if ms >= 1000.0 => ms / 1000.0,
        _ => return None,
    };
    let total = value * seconds;
    (total.is_finite() && total > 0.0 && total < 1e9)
        .then(|| Duration::from_secs_f64(total.round()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> FieldSpec {
        detect(text).unwrap_or_else(|| panic!("no field in {text:?}"))
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
        assert!(detect("PDS mode set appropriately (local/remote/hybrid)").is_none());
        assert!(detect("Endpoint `api/v1` answers").is_none());
        assert!(detect("System Health dashboard: `Configured`").is_none());
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
        assert!(detect("Set `PDS_MODE=local` and `__init__.py`").is_none());
    }

    #[test]
    fn budgets() {
        let (name, d) = heading_budget("Step 2: Database Migration (5 minutes)").unwrap();
        assert_eq!(
            (name.as_str(), d),
            ("Step 2: Database Migration", Duration::from_secs(300))
        );
        assert_eq!(
            heading_budget("Deploy (1 hour)").unwrap().1,
            Duration::from_secs(3600)
        );
        assert_eq!(
            heading_budget("Deploy (2 min)").unwrap().1,
            Duration::from_secs(120)
        );
        assert_eq!(
            heading_budget("Deploy (5-10 minutes)").unwrap().1,
            Duration::from_secs(600)
        );
        assert_eq!(
            heading_budget("Deploy (90s)").unwrap().1,
            Duration::from_secs(90)
        );
        assert!(heading_budget("Post-Deployment (24 Hours)").is_none());
        assert!(heading_budget("Post-Deployment (7 Days)").is_none());
        assert!(heading_budget("Immediate Checks (First 15 Minutes)").is_none());
    }

    #[test]
    fn required_marks() {
        assert!(is_required("Backup taken (required)"));
        assert!(is_required("REQUIRED: sign-off"));
        assert!(!is_required("Set all required variables:"));
    }
}
