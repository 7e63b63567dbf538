//! Values a checklist asks for outside the usual `Label: ___` line: answers offered as boxes
//! inside one line (`[ ] GO  [ ] NO-GO`) and a metrics table's empty "Actual" column.

use super::choices::short_answer;
use super::fields::{FieldSpec, clean_label};
use super::text;
use crate::checklist::FieldKind;

/// What marks an answer inside a line.
const BOXES: &[&str] = &["[ ]", "[x]", "[X]", "☐", "☑", "☒", "□", "■"];

/// The fields of a line that is not a box: answers offered as boxes, else blanks and choices.
pub(super) fn line_fields(visible: &str) -> Vec<FieldSpec> {
    match inline_alternatives(visible) {
        Some((_, field)) => vec![field],
        None => super::fields::detect_visible(visible),
    }
}

/// `Go/No-Go decision: [ ] GO  [ ] NO-GO`: boxes inside a line are the answers of one choice.
/// Returns the line as it reads (`Go/No-Go decision: GO / NO-GO`) and the field.
pub(super) fn inline_alternatives(t: &str) -> Option<(String, FieldSpec)> {
    // (offset, length) of each box: `[ ]`, `[x]`, or a box glyph (`☐ Success  ☐ Rolled Back`).
    let boxes: Vec<(usize, usize)> = BOXES
        .iter()
        .flat_map(|b| t.match_indices(b).map(|(i, m)| (i, m.len())))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if boxes.len() < 2 {
        return None;
    }
    let boxes_at: Vec<usize> = boxes.iter().map(|(at, _)| *at).collect();
    let mut options = Vec::new();
    for (n, &(at, len)) in boxes.iter().enumerate() {
        let end = boxes_at.get(n + 1).copied().unwrap_or(t.len());
        let option = t[at + len..end]
            .trim()
            .trim_end_matches(['/', '|', ','])
            .trim();
        if !short_answer(option) {
            return None;
        }
        options.push(option.to_string());
    }
    let label = clean_label(&t[..boxes_at[0]]);
    let shown = format!("{} {}", t[..boxes_at[0]].trim_end(), options.join(" / "));
    let field = FieldSpec {
        label,
        kind: FieldKind::Choice,
        options,
        unit: None,
        target: None,
        note: None,
    };
    Some((shown.trim().to_string(), field))
}

/// A metrics table with an empty "Actual" (or "Result", "Measured"…) column: one field per row
/// left to fill, labelled by the row's first cell, with the "Target"/"Expected" cell as target.
pub(super) fn table_fields(raw: &str) -> Vec<FieldSpec> {
    let rows: Vec<Vec<String>> = raw
        .lines()
        .map(|l| {
            let l = l.trim().trim_start_matches('|').trim_end_matches('|');
            l.split('|').map(|c| text::visible(c.trim())).collect()
        })
        .collect();
    let Some(header) = rows.first() else {
        return Vec::new();
    };
    let named = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.to_lowercase().trim_end_matches(':').trim()))
    };
    let Some(actual) = named(&[
        "actual",
        "actual value",
        "result",
        "results",
        "measured",
        "observed",
        "recorded",
        "reading",
        "outcome",
        "value",
    ]) else {
        return Vec::new();
    };
    let target = named(&["target", "expected", "threshold", "goal", "sla", "limit"]);
    let baseline = named(&["baseline", "before", "previous"]);
    let is_delimiter = |row: &Vec<String>| {
        row.iter()
            .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
    };
    let mut out = Vec::new();
    for row in rows.iter().skip(1).filter(|r| !is_delimiter(r)) {
        let empty = row
            .get(actual)
            .is_none_or(|c| c.chars().all(|ch| matches!(ch, '_' | ' ' | '`')));
        let label = row.first().map(|c| clean_label(c)).unwrap_or_default();
        if !empty || actual == 0 {
            continue;
        }
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.get(i))
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
        };
        let target = cell(target);
        let numeric = target
            .as_deref()
            .is_some_and(|x| x.chars().any(|c| c.is_ascii_digit()));
        out.push(FieldSpec {
            label,
            kind: if numeric {
                FieldKind::Number
            } else {
                FieldKind::Text
            },
            options: Vec::new(),
            unit: None,
            target,
            note: cell(baseline).map(|b| format!("baseline: {b}")),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_boxes_are_alternatives() {
        let (shown, f) =
            inline_alternatives(&text::visible("Go/No-Go decision: **[ ] GO  [ ] NO-GO**"))
                .unwrap();
        assert_eq!(shown, "Go/No-Go decision: GO / NO-GO");
        assert_eq!(
            (f.label.as_str(), f.options.clone()),
            ("Go/No-Go decision", vec!["GO".to_string(), "NO-GO".into()])
        );
        assert!(inline_alternatives("Array index [ ] empty").is_none());
        let f = line_fields("Deployment Status: ☐ Success  ☐ Success with Issues  ☐ Rolled Back");
        assert_eq!(
            f[0].options,
            ["Success", "Success with Issues", "Rolled Back"]
        );
        assert_eq!(
            line_fields("Release Type: [ ] Patch  [ ] Minor  [ ] Major")[0].label,
            "Release Type"
        );
    }

    #[test]
    fn empty_actual_columns_are_fields() {
        let table = "| Metric | Target | Actual |\n|---|---|---|\n| Error rate | < 1% | |\n| P95 | < 500ms | ___ |\n| Done | x | 12 |";
        let fields = table_fields(table);
        let got: Vec<(&str, Option<&str>)> = fields
            .iter()
            .map(|f| (f.label.as_str(), f.target.as_deref()))
            .collect();
        assert_eq!(
            got,
            [("Error rate", Some("< 1%")), ("P95", Some("< 500ms"))]
        );
        assert!(table_fields("| a | b |\n|---|---|\n| 1 | |").is_empty());
    }
}
