//! The `?` screen, generated from the same keymap that handles the keys; two columns when the
//! terminal is too short for one.

use super::fit;
use super::theme::Theme;
use crate::app::keymap::BINDINGS;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const NOTES: [&str; 2] = [
    " Every change is journaled before it shows. Any key closes this help.",
    " Copy uses OSC 52: works over ssh; in tmux run `set -s set-clipboard on`.",
];

/// `demo`: the demo's keys get a line of their own.
pub fn draw(frame: &mut Frame, theme: &Theme, demo: bool, area: Rect) {
    let width = area.width.min(if area.width >= 120 { 110 } else { 78 });
    let inner_rows = area
        .height
        .saturating_sub(2 + NOTES.len() as u16 + 1 + u16::from(demo)) as usize;
    let columns = if BINDINGS.len() <= inner_rows { 1 } else { 2 };
    let rows = BINDINGS.len().div_ceil(columns);
    let col_width = (width.saturating_sub(2) as usize) / columns;
    let entry = |i: usize| -> Vec<Span<'static>> {
        match BINDINGS.get(i) {
            Some(b) => vec![
                Span::styled(format!(" {:<7}", b.label), theme.bold()),
                Span::raw(format!(
                    "{:<w$}",
                    fit(b.help, col_width.saturating_sub(9)),
                    w = col_width.saturating_sub(8)
                )),
            ],
            None => Vec::new(),
        }
    };
    let mut lines: Vec<Line> = (0..rows)
        .map(|r| {
            let mut spans = entry(r);
            if columns == 2 {
                spans.extend(entry(r + rows));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::raw(""));
    if demo {
        lines.push(Line::styled(
            fit(&super::demo::help_line(), width.saturating_sub(2) as usize),
            theme.bold(),
        ));
    }
    for n in NOTES {
        lines.push(Line::styled(
            fit(n, width.saturating_sub(2) as usize),
            theme.dim(),
        ));
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = super::centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Keys ")),
        rect,
    );
}
