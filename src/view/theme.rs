//! Glyphs and colours. Every state has a glyph, so the screen reads with `NO_COLOR` and in mono.
//! Colours are by role (ok, warn, crit, …) from one of two palettes, for dark and for light
//! backgrounds; both use only the 16 ANSI colours, which every terminal and ssh link carries.

use crate::probes::ProbeState;
use crate::session::ItemState;
use ratatui::style::{Color, Modifier, Style};

pub struct Theme {
    pub color: bool,
    pub ascii: bool,
    /// The palette for a light background (dark text; yellow only as a background).
    pub light: bool,
}

/// What a colour means on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Ok,
    Warn,
    Crit,
    Unknown,
    /// Commands, the env name: things to notice that are not states.
    Accent,
    Plain,
}

impl Theme {
    /// The style of a role in this palette (no colour at all in mono).
    pub fn role(&self, role: Role) -> Style {
        if !self.color {
            return Style::default();
        }
        let s = Style::default();
        match (role, self.light) {
            (Role::Ok, _) => s.fg(Color::Green),
            (Role::Warn, false) => s.fg(Color::Yellow),
            // yellow text does not read on white: a yellow mark with dark text does
            (Role::Warn, true) => s.fg(Color::Black).bg(Color::Yellow),
            (Role::Crit, _) => s.fg(Color::Red),
            (Role::Unknown, _) => s.fg(Color::Magenta),
            (Role::Accent, false) => s.fg(Color::Cyan),
            (Role::Accent, true) => s.fg(Color::Blue),
            (Role::Plain, _) => s,
        }
    }

    pub fn ok(&self) -> Style {
        self.role(Role::Ok)
    }

    pub fn warn(&self) -> Style {
        self.role(Role::Warn)
    }

    pub fn crit(&self) -> Style {
        self.role(Role::Crit)
    }

    pub fn accent(&self) -> Style {
        self.role(Role::Accent)
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

    /// `missed`: done, but a value it recorded missed its target (or said FAIL).
    pub fn item_glyph(
        &self,
        state: ItemState,
        regressed: bool,
        pending: bool,
        missed: bool,
    ) -> (&'static str, Style) {
        let (uni, ascii, style) = match (state, regressed, pending) {
            (ItemState::Done, true, _) => ("⚠", "[!]", self.crit()),
            (ItemState::Done, false, _) if missed => ("✗", "[X]", self.warn()),
            (ItemState::Done, false, _) => ("✔", "[x]", self.ok()),
            (ItemState::Skipped, ..) => ("⊘", "[-]", self.dim()),
            (ItemState::AwaitingCosign, ..) => ("✎", "[/]", self.warn()),
            (ItemState::Todo, _, true) => ("◷", "[~]", self.accent()),
            (ItemState::Todo, _, false) => ("☐", "[ ]", Style::default()),
        };
        let style = if regressed {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        };
        (if self.ascii { ascii } else { uni }, style)
    }

    pub fn probe_glyph(&self, state: Option<ProbeState>) -> (&'static str, Style) {
        let (uni, ascii, style) = match state {
            Some(ProbeState::Ok) => ("●", "ok  ", self.ok()),
            Some(ProbeState::Warn) => ("▲", "warn", self.warn()),
            Some(ProbeState::Crit) => ("✖", "CRIT", self.crit()),
            Some(ProbeState::Unknown) => ("?", "??  ", self.role(Role::Unknown)),
            Some(ProbeState::Stale) => ("◌", "old ", self.dim()),
            None => ("…", "..  ", self.dim()),
        };
        (if self.ascii { ascii } else { uni }, style)
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
