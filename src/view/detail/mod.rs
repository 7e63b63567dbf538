//! The detail pane: the selected item's (`item.rs`) or phase's (`phase.rs`) whole story, and the
//! pieces both show — a field with its value and verdict, a labelled procedure.

mod item;
mod phase;

use super::ViewModel;
use super::fit;
use super::theme::Theme;
use crate::checklist::{Field, FieldKind, Procedure};
use crate::condition::{Evidence, TargetCheck};
use crate::session::FieldValue;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, vm: &ViewModel, area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    let width = area.width.saturating_sub(2) as usize;
    let phase_index = match app.selected_item() {
        Some(f) => f.phase,
        None => app.selected_phase(),
    };
    let lines = match app.selected_item() {
        Some(f) => item::lines(app, theme, f),
        None => phase::lines(app, theme, phase_index),
    };
    let title = match app.checklist.phases.get(phase_index) {
        Some(p) => format!(" {} ", fit(&p.name, width.saturating_sub(2))),
        None => String::new(),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(
        Paragraph::new(super::redact_lines(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// `Label: value unit ✓ met  [A / B]  (target: …) — note`.
fn field_line(theme: &Theme, field: &Field, value: Option<&FieldValue>) -> Line<'static> {
    let shown = value.map_or("—".to_owned(), |v| v.value.clone());
    let mut extra = String::new();
    if field.kind == FieldKind::Choice {
        extra.push_str(&format!("  [{}]", field.options.join(" / ")));
    }
    if let Some(t) = &field.target {
        extra.push_str(&format!("  (target: {t})"));
    }
    if let Some(n) = &field.note {
        extra.push_str(&format!("  ({n})"));
    }
    let mut spans = vec![
        Span::raw(format!("{}: ", field.label)),
        Span::styled(shown, theme.bold()),
    ];
    if let Some(u) = &field.unit {
        spans.push(Span::styled(format!(" {u}"), theme.dim()));
    }
    if let Some(v) = value {
        spans.extend(target_verdict(theme, field, &v.value));
    }
    spans.push(Span::styled(extra, theme.dim()));
    Line::from(spans)
}

/// A labelled procedure: its label, notes and commands (shown and copyable, never run).
fn procedure_lines(theme: &Theme, procedure: &Procedure) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(format!("▸ {}", procedure.label), theme.bold())];
    for n in &procedure.notes {
        for l in n.lines() {
            lines.push(Line::styled(format!("  {l}"), theme.dim()));
        }
    }
    for c in &procedure.commands {
        for (i, l) in c.lines().enumerate() {
            let prefix = if i == 0 { "  $ " } else { "    " };
            lines.push(Line::styled(format!("{prefix}{l}"), theme.accent()));
        }
    }
    lines
}

/// The value a condition read, as the journal stores it; `—` when there was none.
fn evidence_value(e: &Evidence) -> String {
    match e.value.as_ref().map(serde_json::to_value) {
        Some(Ok(serde_json::Value::String(s))) => s,
        Some(Ok(serde_json::Value::Null)) | None => "—".to_owned(),
        Some(Ok(other)) => other.to_string(),
        Some(Err(_)) => "?".to_owned(),
    }
}

/// `✓ met` or `✗ missed: why` after a value typed into a field with a target; `✗ FAIL` for the
/// failing answer of a pass/fail choice.
fn target_verdict(theme: &Theme, field: &Field, value: &str) -> Option<Span<'static>> {
    let (ok, bad) = if theme.ascii {
        ("ok", "MISSED")
    } else {
        ("✓ met", "✗ missed")
    };
    match crate::marking::field_check(field, value) {
        TargetCheck::Met => Some(Span::styled(format!("  {ok}"), theme.ok())),
        TargetCheck::Missed { why } => Some(Span::styled(
            format!("  {bad}: {why}"),
            theme.crit().add_modifier(Modifier::BOLD),
        )),
        TargetCheck::NotComparable if crate::marking::value_missed(field, value) => Some(
            Span::styled("  ✗", theme.crit().add_modifier(Modifier::BOLD)),
        ),
        TargetCheck::NotComparable => None,
    }
}
