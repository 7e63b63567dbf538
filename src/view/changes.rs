//! The overlay a resumed session opens with when its checklist changed since it last ran: what
//! was added, removed, reworded or renamed — and that every tick stays with the step it was for.

use super::fit;
use super::theme::Theme;
use crate::checklist::{ChecklistDiff, DiffItem};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, theme: &Theme, changes: &ChecklistDiff, area: Rect) {
    let width = area.width.min(110).saturating_sub(4) as usize;
    let mut lines = vec![
        Line::styled(
            "The checklist changed since this session last ran.",
            theme.bold(),
        ),
        Line::styled(
            "Every tick stays with the step it was for; the journal keeps the text it ticked.",
            theme.dim(),
        ),
        Line::raw(""),
    ];
    let item = |sign: &str, i: &DiffItem| format!("{sign} {} ({})", i.text, i.phase);
    for i in &changes.added {
        lines.push(Line::styled(fit(&item("+ added", i), width), theme.ok()));
    }
    for i in &changes.removed {
        lines.push(Line::styled(
            fit(&item("- removed", i), width),
            theme.crit(),
        ));
    }
    for c in &changes.reworded {
        lines.push(Line::styled(
            fit(
                &format!("~ reworded: {} → {}", c.old.text, c.new.text),
                width,
            ),
            theme.warn(),
        ));
    }
    for c in &changes.renamed {
        lines.push(Line::styled(
            fit(
                &format!(
                    "~ moved: {} ({} → {}): its old ticks stay in the journal",
                    c.new.text, c.old.phase, c.new.phase
                ),
                width,
            ),
            theme.warn(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("any key continues", theme.dim()));
    let height = (lines.len() as u16 + 2).min(area.height);
    let w = (width + 4) as u16;
    let rect = super::centered(area, w, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(super::redact_lines(lines))
            .block(Block::default().borders(Borders::ALL).title(" Changes ")),
        rect,
    );
}
