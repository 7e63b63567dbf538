//! The live panels: one line per probe — glyph, name, state, value, latency, sparkline, age — and
//! the last error when there is one.

use super::fit;
use super::theme::Theme;
use crate::app::{App, Focus, ProbeView};
use crate::probes::ProbeState;
use crate::units::format_duration;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let mut block = Block::default().borders(Borders::ALL).title(" Live ");
    if app.focus == Focus::Probes {
        block = block.border_style(theme.bold());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let lines: Vec<Line> = app
        .probes
        .iter()
        .enumerate()
        .take(inner.height as usize)
        .map(|(i, p)| {
            let line = probe_line(app, theme, p, width);
            if app.focus == Focus::Probes && i == app.probe_cursor {
                line.patch_style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The state a probe shows now: its last sample's, or STALE when that is older than two intervals.
pub fn shown_state(app: &App, p: &ProbeView) -> Option<ProbeState> {
    let s = p.latest.as_ref()?;
    Some(crate::probes::state_at(s, p.spec.interval, app.now))
}

fn probe_line<'a>(app: &App, theme: &Theme, p: &ProbeView, width: usize) -> Line<'a> {
    let state = shown_state(app, p);
    let (glyph, style) = theme.probe_glyph(state);
    let name = fit(&p.spec.name, 14);
    let state_word = state.map_or("wait", |s| match s {
        ProbeState::Unknown => "UNKN",
        other => other.as_str(),
    });
    let Some(sample) = &p.latest else {
        return Line::from(vec![
            Span::styled(format!("{glyph} "), style),
            Span::raw(format!("{name:<14} ")),
            Span::styled("waiting for first poll", theme.dim()),
        ]);
    };
    let value = crate::probes::headline(&p.spec, sample)
        .map(|(_, text)| text)
        .unwrap_or_default();
    let latency = sample
        .latency_ms
        .map(|ms| {
            if ms < 10.0 {
                format!("{ms:.1} ms")
            } else {
                format!("{ms:.0} ms")
            }
        })
        .unwrap_or_default();
    let age = (app.now - sample.at).to_std().unwrap_or_default();
    let age = if age.as_secs() == 0 {
        "0s".to_owned()
    } else {
        format_duration(std::time::Duration::from_secs(age.as_secs()))
    };
    let head = format!("{glyph} {name:<14} {state_word:<5} ");
    let mid = if matches!(state, Some(ProbeState::Unknown)) {
        sample.reason.clone().unwrap_or_default()
    } else {
        format!("{value:<10} {latency:>7}")
    };
    let used = head.width() + mid.width() + age.width() + 3;
    let spark_width = width.saturating_sub(used).min(24);
    let history: Vec<f64> = p.history.iter().copied().collect();
    let spark = if spark_width >= 4 && !matches!(state, Some(ProbeState::Unknown)) {
        theme.spark(&history, spark_width)
    } else {
        String::new()
    };
    let mid = fit(&mid, width.saturating_sub(head.width() + age.width() + 2));
    let pad =
        width.saturating_sub(head.width() + mid.width() + 1 + spark.width() + age.width() + 1);
    Line::from(vec![
        Span::styled(format!("{glyph} "), style),
        Span::raw(format!("{name:<14} ")),
        Span::styled(format!("{state_word:<5} "), style),
        Span::raw(mid),
        Span::raw(" "),
        Span::styled(spark, style),
        Span::raw(" ".repeat(pad)),
        Span::styled(age, theme.dim()),
        Span::raw(" "),
    ])
}
