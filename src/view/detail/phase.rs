//! The detail pane of a phase: when it starts and its budget, its gate and decision, its
//! commands and procedures, the values it records as a whole, and its notes.

use super::{field_line, procedure_lines};
use crate::app::App;
use crate::view::theme::Theme;
use ratatui::text::Line;

/// The lines of phase `index`'s detail.
pub(super) fn lines(app: &App, theme: &Theme, index: usize) -> Vec<Line<'static>> {
    let phase = app.checklist.phases.get(index);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(p) = phase {
        if let Some(b) = p.budget {
            lines.push(Line::raw(format!(
                "budget {}",
                crate::units::format_duration(b)
            )));
        }
        if p.gate {
            let decision = app.session.decisions.iter().rev().find(|d| d.phase == p.id);
            lines.push(Line::raw(match decision {
                Some(d) => format!(
                    "gate: {} by {} at {}",
                    d.decision,
                    d.by,
                    crate::view::clock(app, d.at)
                ),
                None => "gate: no decision yet (D records GO / NO-GO)".to_owned(),
            }));
        }
        for c in &p.commands {
            for l in c.lines() {
                lines.push(Line::styled(format!("$ {l}"), theme.accent()));
            }
        }
        for n in &p.notes {
            for l in n.lines() {
                lines.push(Line::styled(l.to_owned(), theme.dim()));
            }
        }
        let written = app.session.phases.get(&p.id).map(|s| s.notes.as_slice());
        for n in written.unwrap_or_default() {
            lines.push(Line::raw(format!(
                "note {} {}: {}",
                crate::view::clock(app, n.at),
                n.actor,
                n.text
            )));
        }
        if let Some(offset) = p.offset {
            lines.insert(
                0,
                Line::raw(format!(
                    "starts at T+{}",
                    crate::units::format_duration(offset)
                )),
            );
        }
        let recorded = app.session.phases.get(&p.id);
        for field in &p.fields {
            let value = recorded.and_then(|s| s.fields.get(&field.id));
            lines.push(field_line(theme, field, value));
        }
        for proc in &p.procedures {
            lines.extend(procedure_lines(theme, proc));
        }
    }
    lines
}
