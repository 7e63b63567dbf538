//! Rendering: a pure function of the app state into a ratatui frame. Never locks, awaits or writes.
//!
//! Layout at 100 columns and wider:
//!
//! ```text
//!  flightdeck  TITLE vX   env E   session S                          HH:MM:SS   T+0:41
//!  Phase 4/9  NAME  [######....] 4/7   budget 5m: 3m12s               alice (driving)
//!  ! BANNER (unacknowledged trigger / regression)                      A acknowledge
//! ┌ Checklist ─────────────────────┐┌ Live ────────────────────────────────────────┐
//! │ ▾ Phase            4/7         ││ ● api          OK   200  38 ms  ▁▂▁▁▂   2s   │
//! │ > ◷ item           auto 0:18   │└──────────────────────────────────────────────┘
//! │   ☐ item                       │┌ Selected item ───────────────────────────────┐
//! │ ▸ Phase            0/3         ││ commands, fields, notes, history             │
//! └────────────────────────────────┘└──────────────────────────────────────────────┘
//!  footer: key hints from the keymap, or the prompt, or a flash message
//! ```
//!
//! Below 100 columns the checklist (or, with `tab`, the probes) takes the width and the detail pane
//! sits under it.

mod ascii;
mod banners;
mod changes;
mod checklist;
mod demo;
mod detail;
mod footer;
mod header;
mod help;
pub mod model;
mod probes;
mod spark;
pub mod theme;

use crate::app::{App, Focus, Mode, Viewport};
pub use model::ViewModel;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::widgets::Block;
use unicode_width::UnicodeWidthStr;

/// Where each part of the screen goes for a given terminal size and state.
pub struct Areas {
    pub header: Rect,
    pub banners: Rect,
    pub checklist: Option<Rect>,
    pub probes: Option<Rect>,
    /// One line of probe counts and the worst probes, when the Live panel is hidden or does not
    /// show every probe.
    pub strip: Option<Rect>,
    pub detail: Rect,
    /// The demo's key line (only in `flightdeck demo`).
    pub demo: Option<Rect>,
    pub footer: Rect,
}

pub const WIDE: u16 = 100;

/// Where the panes go, with `banners` alarm lines under the header (three at most).
pub fn layout(app: &App, banners: usize, area: Rect) -> Areas {
    let areas = layout_with(app, banners, area, false);
    let all_shown = areas
        .probes
        .is_some_and(|p| probe_capacity(p) >= app.probes.len());
    if app.probes.is_empty() || all_shown {
        areas
    } else {
        layout_with(app, banners, area, true)
    }
}

/// Probe rows a Live panel of this size shows (columns × rows inside the border).
pub fn probe_capacity(panel: Rect) -> usize {
    panel.height.saturating_sub(2) as usize * probes::columns(panel.width)
}

fn layout_with(app: &App, banners: usize, area: Rect, strip: bool) -> Areas {
    let banners = (banners as u16).min(3);
    let demo = app.demo.is_some();
    let [header, banner_area, body, strip_area, demo_area, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(banners),
        Constraint::Min(3),
        Constraint::Length(u16::from(strip)),
        Constraint::Length(u16::from(demo)),
        Constraint::Length(1),
    ])
    .areas(area);
    let strip = strip.then_some(strip_area);
    let demo = demo.then_some(demo_area);
    if area.width >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(46), Constraint::Percentage(54)])
                .areas(body);
        let probe_rows = app.probes.len().div_ceil(probes::columns(right.width)) as u16;
        let probe_height = if app.probes.is_empty() {
            0
        } else {
            (probe_rows + 2).min(right.height / 2).max(3)
        };
        let [probes, detail] =
            Layout::vertical([Constraint::Length(probe_height), Constraint::Min(3)]).areas(right);
        Areas {
            header,
            banners: banner_area,
            checklist: Some(left),
            probes: (probe_height > 0).then_some(probes),
            strip,
            detail,
            demo,
            footer,
        }
    } else {
        let detail_height = (body.height / 3).clamp(3, 9);
        let [top, detail] = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Min(3), Constraint::Length(detail_height)])
            .areas(body);
        let show_probes = app.focus == Focus::Probes && !app.probes.is_empty();
        Areas {
            header,
            banners: banner_area,
            checklist: (!show_probes).then_some(top),
            probes: show_probes.then_some(top),
            strip,
            detail,
            demo,
            footer,
        }
    }
}

/// A pane's frame. The focused pane is unmistakable: a thick border, a `▶` before its title,
/// bold; the others keep a plain, dim border.
pub fn pane<'a>(theme: &theme::Theme, title: String, focused: bool) -> Block<'a> {
    use ratatui::widgets::{BorderType, Borders};
    let block = Block::default().borders(Borders::ALL);
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(theme.accent().add_modifier(ratatui::style::Modifier::BOLD))
            .title(ratatui::text::Span::styled(
                format!(" ▶{title}"),
                theme.bold(),
            ))
    } else {
        block.border_style(theme.dim()).title(title)
    }
}

/// Draws one frame: the view model is built once, then each pane draws from it.
pub fn draw(frame: &mut Frame, app: &App) -> Viewport {
    let vm = ViewModel::build(app, frame.area());
    let areas = &vm.areas;
    header::draw(frame, &vm, areas.header, areas.banners);
    if let Some(area) = areas.checklist {
        checklist::draw(frame, &vm, area);
    }
    if let Some(area) = areas.probes {
        probes::draw(frame, &vm, area);
    }
    if let Some(area) = areas.strip {
        probes::draw_strip(frame, &vm, area);
    }
    detail::draw(frame, &vm, areas.detail);
    if let Some(area) = areas.demo {
        demo::draw_strip(frame, &vm, area);
    }
    footer::draw(frame, &vm, areas.footer);
    if app.demo.as_ref().is_some_and(|d| d.hint) && app.mode == Mode::Normal {
        demo::draw_hint(frame, &vm);
    }
    match app.mode {
        Mode::Help => help::draw(frame, &vm.theme, app.demo.is_some(), frame.area()),
        Mode::Changes => {
            if let Some(changes) = &app.changes {
                changes::draw(frame, &vm.theme, changes, frame.area());
            }
        }
        Mode::ProbeDetail(i) => {
            if let Some(p) = app.probes.get(i) {
                probes::draw_detail(frame, &vm, p, frame.area());
            }
        }
        _ => {}
    }
    if app.ascii {
        ascii::asciify(frame.buffer_mut());
    }
    Viewport {
        list_rows: vm.list_rows(),
        probe_rows: vm.probe_rows(),
    }
}

/// Passes every span through the redactor: what people type (notes, values, commands) may hold a
/// URL with a password.
/// A box of `width` x `height` (each at most the area's) in the middle of `area`: the overlays.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub fn redact_lines(lines: Vec<ratatui::text::Line<'_>>) -> Vec<ratatui::text::Line<'static>> {
    lines
        .into_iter()
        .map(|line| {
            let spans: Vec<ratatui::text::Span<'static>> = line
                .spans
                .into_iter()
                .map(|s| {
                    ratatui::text::Span::styled(crate::redact::redact_text(&s.content), s.style)
                })
                .collect();
            ratatui::text::Line::from(spans).style(line.style)
        })
        .collect()
}

/// Cuts `text` to at most `width` columns, marking the cut with `…`.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `HH:MM:SS` in the console's time zone (the offset is fixed at start).
pub fn clock(app: &App, at: chrono::DateTime<chrono::Utc>) -> String {
    let offset =
        chrono::FixedOffset::east_opt(app.utc_offset_secs).unwrap_or_else(|| chrono::Utc.fix());
    at.with_timezone(&offset).format("%H:%M:%S").to_string()
}

use chrono::Offset as _;
