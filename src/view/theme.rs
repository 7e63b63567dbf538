//! Glyphs and colours. Every state has a glyph, so the screen reads with `NO_COLOR` and in mono.

use crate::probes::ProbeState;
use crate::session::ItemState;
use ratatui::style::{Color, Modifier, Style};

pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    pub fn style(&self, fg: Color) -> Style {
        if self.color {
            Style::default().fg(fg)
        } else {
            Style::default()
        }
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn alarm(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn item_glyph(
        &self,
        state: ItemState,
        regressed: bool,
        pending: bool,
    ) -> (&'static str, Style) {
        let (uni, ascii, color) = match (state, regressed, pending) {
            (ItemState::Done, true, _) => ("⚠", "[!]", Color::Red),
            (ItemState::Done, false, _) => ("✔", "[x]", Color::Green),
            (ItemState::Skipped, ..) => ("⊘", "[-]", Color::DarkGray),
            (ItemState::AwaitingCosign, ..) => ("✎", "[/]", Color::Yellow),
            (ItemState::Todo, _, true) => ("◷", "[~]", Color::Cyan),
            (ItemState::Todo, _, false) => ("☐", "[ ]", Color::Reset),
        };
        let style = if regressed {
            self.style(color).add_modifier(Modifier::BOLD)
        } else {
            self.style(color)
        };
        (if self.ascii { ascii } else { uni }, style)
    }

    pub fn probe_glyph(&self, state: Option<ProbeState>) -> (&'static str, Style) {
        let (uni, ascii, color) = match state {
            Some(ProbeState::Ok) => ("●", "ok", Color::Green),
            Some(ProbeState::Warn) => ("▲", "warn", Color::Yellow),
            Some(ProbeState::Crit) => ("✖", "CRIT", Color::Red),
            Some(ProbeState::Unknown) => ("?", "??", Color::Magenta),
            Some(ProbeState::Stale) => ("◌", "old", Color::DarkGray),
            None => ("…", "..", Color::DarkGray),
        };
        (if self.ascii { ascii } else { uni }, self.style(color))
    }

    pub fn fold_glyph(&self, folded: bool) -> &'static str {
        match (folded, self.ascii) {
            (true, false) => "▸",
            (false, false) => "▾",
            (true, true) => "+",
            (false, true) => "-",
        }
    }

    pub fn spark(&self, values: &[f64], width: usize) -> String {
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        const ASCII: [char; 8] = ['_', '.', '-', '-', '=', '=', '#', '#'];
        let tail = &values[values.len().saturating_sub(width)..];
        let finite = tail.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let bars = if self.ascii { &ASCII } else { &BARS };
        tail.iter()
            .map(|v| {
                if !v.is_finite() || !lo.is_finite() {
                    return ' ';
                }
                let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
                bars[((t * 7.0).round() as usize).min(7)]
            })
            .collect()
    }
}
