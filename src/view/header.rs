//! The header: title, env, session, clock and elapsed; the current phase's progress and budget;
//! who is here; and the alarm banners (`banners.rs`) under it.

use super::ViewModel;
use super::{clock, fit};
use crate::marking::BudgetLevel;
use crate::units::{format_clock, format_duration};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, vm: &ViewModel, area: Rect, banner_area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    let width = area.width as usize;
    let mut right = format!(
        "{}   T+{}",
        clock(app, app.now),
        format_clock(app.elapsed())
    );
    if app.pending_writes > 0 {
        right = format!("saving… {} {right}", app.pending_writes);
    }
    // the clock and the env always show; the title gives way first, then the session name
    let env = app
        .meta
        .env
        .as_ref()
        .map(|e| format!("   env {e}"))
        .unwrap_or_default();
    let mut session = format!("   session {}", app.meta.session);
    let fixed = 13 + env.chars().count() + right.chars().count() + 2;
    if fixed + session.chars().count() + 12 > width {
        session.clear();
    }
    let mut title = app.checklist.title.clone();
    if let Some(v) = &app.checklist.version {
        title.push_str(&format!(" {v}"));
    }
    let title = fit(
        &title,
        width.saturating_sub(fixed + session.chars().count()).max(8),
    );
    let left = vec![
        Span::styled(" flightdeck ", theme.bold()),
        Span::raw(" "),
        Span::styled(title, theme.bold()),
        Span::styled(env, theme.accent()),
        Span::styled(session, theme.dim()),
    ];
    frame.render_widget(
        Paragraph::new(spread(left, &right, width)),
        Rect { height: 1, ..area },
    );

    let phase = vm.current_phase;
    let mut second = Vec::new();
    if let Some(p) = app.checklist.phases.get(phase) {
        let (done, total) = vm.phase_progress(phase);
        let bar_width = 10;
        let filled = (done * bar_width).checked_div(total).unwrap_or(0);
        let (full, empty) = if theme.ascii {
            ("#", ".")
        } else {
            ("█", "░")
        };
        second.push(Span::raw(format!(
            " Phase {}/{}  ",
            phase + 1,
            app.checklist.phases.len()
        )));
        second.push(Span::styled(fit(&p.name, width / 3), theme.bold()));
        second.push(Span::raw(format!(
            "  [{}{}] {done}/{total}",
            full.repeat(filled),
            empty.repeat(bar_width - filled)
        )));
        if let Some((text, go)) = decision_shown(app, phase) {
            let style = if go { theme.ok() } else { theme.crit() };
            second.push(Span::styled(
                format!("  {text}"),
                style.add_modifier(Modifier::BOLD),
            ));
        }
        if let Some(budget) = p.budget {
            let status = crate::marking::budget_status(p, &app.session, app.now);
            let text = match status {
                Some(s) => format!(
                    "   budget {}: {} used{}",
                    format_duration(budget),
                    format_duration(s.used),
                    // read without colour too
                    if s.level == BudgetLevel::Overrun {
                        " OVERRUN"
                    } else {
                        ""
                    }
                ),
                None => format!("   budget {}", format_duration(budget)),
            };
            let style = match status.map(|s| s.level) {
                Some(BudgetLevel::Overrun) => theme.crit(),
                Some(BudgetLevel::Warning) => theme.warn(),
                Some(BudgetLevel::Ok) | None => theme.dim(),
            };
            second.push(Span::styled(text, style));
        }
    }
    let role = if app.meta.read_only {
        "watching"
    } else {
        "driving"
    };
    let who = format!("{} ({role}) ", app.meta.actor);
    frame.render_widget(
        Paragraph::new(spread(second, &who, width)),
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
    );

    for (i, b) in vm
        .banners
        .iter()
        .take(banner_area.height as usize)
        .enumerate()
    {
        // loud until acknowledged; then dimmed, saying who acknowledged it
        let (hint, style) = if b.unacked {
            ("A acknowledge ", theme.alarm())
        } else {
            ("", theme.dim())
        };
        let text = fit(
            &crate::redact::redact_text(&b.text),
            width.saturating_sub(hint.len() + 2),
        );
        let pad = width.saturating_sub(text.chars().count() + hint.len() + 1);
        let line = Line::from(vec![
            Span::styled(format!(" {text}{}", " ".repeat(pad)), style),
            Span::styled(hint.to_string(), style),
        ]);
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                y: banner_area.y + i as u16,
                height: 1,
                ..banner_area
            },
        );
    }
}

/// The go/no-go decision the header shows: the current phase's, or — until the current phase
/// starts — the one of the gate just before it.
fn decision_shown(app: &crate::app::App, current: usize) -> Option<(String, bool)> {
    let started = |i: usize| {
        app.checklist.phases.get(i).is_some_and(|p| {
            app.session
                .phases
                .get(&p.id)
                .is_some_and(|s| s.started_at.is_some())
        })
    };
    let mut candidates = vec![current];
    if current > 0 && !started(current) {
        candidates.push(current - 1);
    }
    candidates.into_iter().find_map(|i| {
        let p = app.checklist.phases.get(i).filter(|p| p.gate)?;
        let d = crate::marking::decision_of(&app.session, &p.id)?;
        let who = d.by.split('@').next().unwrap_or(&d.by);
        let at = clock(app, d.at);
        let go = d.decision.eq_ignore_ascii_case("GO");
        Some((
            format!("{} by {who} {}", d.decision, at.get(..5).unwrap_or(&at)),
            go,
        ))
    })
}

/// Left spans, then `right` flush against the right edge (dropped when there is no room).
fn spread<'a>(mut left: Vec<Span<'a>>, right: &str, width: usize) -> Line<'a> {
    let used: usize = left.iter().map(|s| s.width()).sum();
    let right_width = unicode_width::UnicodeWidthStr::width(right);
    if used + right_width < width {
        left.push(Span::raw(" ".repeat(width - used - right_width)));
        left.push(Span::raw(right.to_owned()));
    }
    Line::from(left)
}
