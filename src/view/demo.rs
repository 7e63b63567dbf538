//! The demo's own lines: the key strip above the footer (what `1`–`4` break, `0` heals, and which
//! faults are on) and the first-run hint over the lower part of the screen.

use super::{ViewModel, fit};
use crate::demo::{CONTROLS, DemoCommand};
use crate::probes::ProbeState;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// What the hint says: what is on screen, then what to press.
pub const HINT: [&str; 2] = [
    "The checklist to walk (↑↓, space ticks) and live probes of a demo service.",
    "Press 1-4 to break the service, 0 to heal, ? for help. Any key hides this.",
];

/// ` DEMO  1 fail health  2 error spike …  0 heal`, a fault that is on marked and in red.
pub fn draw_strip(frame: &mut Frame, vm: &ViewModel, area: Rect) {
    let theme = &vm.theme;
    let on = |c: &DemoCommand| match (c, vm.app.demo.as_ref()) {
        (DemoCommand::Break(f), Some(d)) => d.faults.contains(f),
        _ => false,
    };
    let mut spans = vec![Span::styled(" DEMO", theme.bold())];
    let mut used = 5;
    for c in CONTROLS {
        let mark = if on(&c.command) {
            theme.probe_glyph(Some(ProbeState::Crit)).0.trim_end()
        } else {
            ""
        };
        let key = format!("  {mark}{}", c.key);
        let label = format!(" {}", c.label);
        if used + key.width() + label.width() > area.width as usize {
            break;
        }
        used += key.width() + label.width();
        let style = if on(&c.command) {
            theme.crit()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(key, theme.bold().patch(style)));
        spans.push(Span::styled(label, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The first-run hint: the checklist's description, then [`HINT`], in a box at the bottom of the
/// body (the footer and the demo strip stay visible).
pub fn draw_hint(frame: &mut Frame, vm: &ViewModel) {
    let theme = &vm.theme;
    let area = frame.area();
    let bottom = vm
        .areas
        .strip
        .or(vm.areas.demo)
        .unwrap_or(vm.areas.footer)
        .y;
    let width = area.width.saturating_sub(2).min(100);
    let inner = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for note in &vm.app.checklist.notes {
        for l in wrap(note, inner) {
            lines.push(Line::styled(l, theme.dim()));
        }
    }
    for h in HINT {
        lines.push(Line::styled(fit(h, inner), theme.bold()));
    }
    // the description gives way first when the screen is short
    let room = bottom.saturating_sub(vm.areas.header.y + 2 + 2) as usize;
    let drop = lines.len().saturating_sub(room);
    let lines: Vec<Line> = lines.into_iter().skip(drop).collect();
    let height = lines.len() as u16 + 2;
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: bottom.saturating_sub(height),
        width,
        height: height.min(bottom),
    };
    frame.render_widget(Clear, rect);
    let title = format!(
        " {} ",
        fit(&vm.app.checklist.title, inner.saturating_sub(2))
    );
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.accent())
                .title(title),
        ),
        rect,
    );
}

/// The `?` screen's demo lines: each key and what it breaks.
pub fn help_line() -> String {
    let keys: Vec<String> = CONTROLS
        .iter()
        .map(|c| format!("{} {}", c.key, c.label))
        .collect();
    format!(" Demo keys: {}", keys.join("  "))
}

/// Greedy word wrap to `width` columns (a word longer than the line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out.into_iter().map(|l| fit(&l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_and_strip_fit_80_columns() {
        for h in HINT {
            assert!(h.width() <= 76, "{h}");
        }
        let strip: usize = 5 + CONTROLS
            .iter()
            .map(|c| 4 + c.key.len_utf8() + c.label.width())
            .sum::<usize>();
        assert!(strip <= 80, "{strip}");
        assert!(help_line().width() <= 78, "{}", help_line());
    }

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert!(wrap("", 10).is_empty());
    }
}
