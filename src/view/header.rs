//! The header: title, env, session, clock and elapsed (and, lastingly, a store that does not take
//! our events, with how many wait, and — quietly — notifications that do not get through); the
//! current phase's progress, budget and go/no-go decision;
//! who is on the session and who drives. The alarm banners under it are `banners.rs`'s.

use super::ViewModel;
use super::{clock, fit};
use crate::app::App;
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
    let store = store_status(app);
    let (notify, notify_loud) = notify_status(app);
    let right_width = right.chars().count() + store.chars().count() + notify.chars().count();
    // the clock and the env always show; the title gives way first, then the session name
    let env = app
        .meta
        .env
        .as_ref()
        .map(|e| format!("   env {e}"))
        .unwrap_or_default();
    let mut session = format!("   session {}", app.meta.session);
    let fixed = 13 + env.chars().count() + right_width + 2;
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
    // the store's trouble sits just before the clock, in the alarm's colour; a notification
    // that does not get through is quieter: the window goes on either way
    let notify_style = if notify_loud {
        theme.warn()
    } else {
        theme.dim()
    };
    let right = vec![
        Span::styled(notify, notify_style),
        Span::styled(store, theme.crit()),
        Span::raw(right),
    ];
    frame.render_widget(
        Paragraph::new(spread_spans(left, right, width)),
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
    let used: usize = second.iter().map(|s| s.width()).sum();
    let who = fit(&people(app), width.saturating_sub(used + 2));
    frame.render_widget(
        Paragraph::new(spread(second, &format!("{who} "), width)),
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
        let style = if b.loud { theme.alarm() } else { theme.dim() };
        let hint = b.hint;
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

/// `⚠ store unreachable since 02:14:05 — 12 waiting ` (`⚠ store's disk full …` when it answers
/// but cannot write), or `syncing 3 ` while events have been on their way for a second or more;
/// empty when everything is in the store.
fn store_status(app: &App) -> String {
    let waiting = app.unsynced.waiting();
    if !app.store.reachable {
        let since = app
            .store
            .since
            .map(|t| format!(" since {}", clock(app, t)))
            .unwrap_or_default();
        // SQLite says "database or disk is full", PostgreSQL "No space left on device"
        let full = app.store.error.as_deref().is_some_and(|e| {
            let e = e.to_ascii_lowercase();
            e.contains("disk is full") || e.contains("no space left")
        });
        let what = if full {
            "store's disk full"
        } else {
            "store unreachable"
        };
        return format!("⚠ {what}{since} — {waiting} waiting  ");
    }
    if app.unsynced.lingering(app.now) > 0 {
        return format!("syncing {waiting}  ");
    }
    String::new()
}

/// `✉ ops-slack retrying  ` while a target's attempts fail, `✉ 2 undelivered  ` once
/// notifications were given up on (then in the warning colour); empty when all get through.
fn notify_status(app: &App) -> (String, bool) {
    let h = &app.notify;
    let mut parts = Vec::new();
    match h.failing.as_slice() {
        [] => {}
        [(name, _)] => parts.push(format!("{name} retrying")),
        many => parts.push(format!("{} targets retrying", many.len())),
    }
    if h.undelivered > 0 {
        parts.push(format!("{} undelivered", h.undelivered));
    }
    if parts.is_empty() {
        return (String::new(), false);
    }
    let mark = if app.ascii { "notify:" } else { "✉" };
    (format!("{mark} {}  ", parts.join(", ")), h.undelivered > 0)
}

/// Who is on the session, the driver first: `alice@one driving · bob@two (you) watching, asks`.
/// Before the first heartbeat (or without pair-watching) it is this screen alone.
fn people(app: &App) -> String {
    use crate::app::pair;
    let me = &app.pair.me.screen;
    let driver = app.session.driver.as_ref().map(|d| d.screen.as_str());
    let mut rows: Vec<_> = pair::present(app).collect();
    rows.sort_by_key(|r| Some(r.presence.screen.as_str()) != driver);
    let mut parts: Vec<String> = rows
        .iter()
        .map(|r| {
            let mut text = r.presence.actor.clone();
            if &r.presence.screen == me {
                text.push_str(" (you)");
            }
            if Some(r.presence.screen.as_str()) == driver {
                text.push_str(" driving");
            } else if r.presence.asks_wheel {
                text.push_str(" watching, asks");
            } else {
                text.push_str(" watching");
            }
            text
        })
        .collect();
    if !rows.iter().any(|r| &r.presence.screen == me) {
        parts.insert(
            0,
            format!("{} ({})", app.meta.actor, pair::role(app).as_str()),
        );
    }
    if let Some(d) = &app.session.driver
        && !rows.iter().any(|r| r.presence.screen == d.screen)
        && &d.screen != me
    {
        parts.insert(0, format!("{} driving (silent)", d.actor));
    }
    parts.join(" · ")
}

/// Left spans, then `right` flush against the right edge (dropped when there is no room).
fn spread<'a>(left: Vec<Span<'a>>, right: &str, width: usize) -> Line<'a> {
    spread_spans(left, vec![Span::raw(right.to_owned())], width)
}

fn spread_spans<'a>(mut left: Vec<Span<'a>>, right: Vec<Span<'a>>, width: usize) -> Line<'a> {
    let used: usize = left.iter().map(|s| s.width()).sum();
    let right_width: usize = right.iter().map(|s| s.width()).sum();
    if used + right_width < width {
        left.push(Span::raw(" ".repeat(width - used - right_width)));
        left.extend(right);
    }
    Line::from(left)
}
