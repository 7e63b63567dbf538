//! The detail pane of an item: its whole text, the warnings written above it, state, auto
//! binding and why it waits, evidence, commands, fields with their verdicts, notes, the
//! procedures that follow it, and its last events.

use super::{evidence_value, field_line, procedure_lines};
use crate::app::{App, FlatItem};
use crate::marking::AutoStatus;
use crate::session::ItemState;
use crate::units::format_clock;
use crate::view::theme::Theme;
use ratatui::text::{Line, Span};

/// The lines of `f`'s detail.
pub(super) fn lines(app: &App, theme: &Theme, f: &FlatItem) -> Vec<Line<'static>> {
    let item = &f.item;
    let status = app.session.item(&item.id).cloned().unwrap_or_default();
    let mut lines: Vec<Line> = Vec::new();
    let state_line = match status.state {
        ItemState::Done => {
            let mut s = format!(
                "done by {} at {}",
                status.by.as_deref().unwrap_or("?"),
                status
                    .at
                    .map(|t| crate::view::clock(app, t))
                    .unwrap_or_default()
            );
            if status.overridden {
                s.push_str(" (override");
                if let Some(r) = &status.override_reason {
                    s.push_str(&format!(": {r}"));
                }
                s.push(')');
            }
            if let Some(c) = &status.cosigned_by {
                s.push_str(&format!(", co-signed by {c}"));
            }
            if status.regressed {
                s.push_str("  — REGRESSED");
            }
            s
        }
        ItemState::Skipped => format!(
            "skipped by {}: {}",
            status.by.as_deref().unwrap_or("?"),
            status.skip_reason.as_deref().unwrap_or("")
        ),
        ItemState::AwaitingCosign => format!(
            "ticked by {}, waiting for a second person to co-sign (c)",
            status.by.as_deref().unwrap_or("?")
        ),
        ItemState::Todo => {
            let mut s = "to do".to_owned();
            if item.required {
                s.push_str(" (required)");
            }
            if item.cosign {
                s.push_str(" — needs two people");
            }
            s
        }
    };
    lines.push(Line::styled(state_line, theme.bold()));
    if let Some(auto) = &item.auto {
        let live = match app.auto.get(&item.id) {
            Some(AutoStatus::Pending {
                remaining_ms,
                hold_ms,
                ..
            }) => format!(
                " — holding {} of {}, ticks in {}",
                format_clock(std::time::Duration::from_millis(
                    hold_ms.saturating_sub(*remaining_ms)
                )),
                format_clock(std::time::Duration::from_millis(*hold_ms)),
                format_clock(std::time::Duration::from_millis(*remaining_ms))
            ),
            Some(AutoStatus::Waiting { why }) => format!(" — {why}"),
            None => String::new(),
        };
        lines.push(Line::from(vec![
            Span::styled("auto ", theme.dim()),
            Span::raw(format!("{auto}{live}")),
        ]));
    }
    for e in status.evidence.iter().flatten() {
        let at =
            e.at.map(|t| format!(" at {}", crate::view::clock(app, t)))
                .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled("evidence ", theme.dim()),
            Span::raw(format!(
                "{}.{} = {}{at}",
                e.probe,
                e.path,
                evidence_value(e)
            )),
        ]));
    }
    for c in &item.commands {
        for (n, l) in c.lines().enumerate() {
            let prefix = if n == 0 { "$ " } else { "  " };
            lines.push(Line::styled(format!("{prefix}{l}"), theme.accent()));
        }
    }
    for field in &item.fields {
        lines.push(field_line(theme, field, status.fields.get(&field.id)));
    }
    for n in &item.notes {
        for l in n.lines() {
            lines.push(Line::styled(l.to_owned(), theme.dim()));
        }
    }
    for n in &status.notes {
        lines.push(Line::raw(format!(
            "note {} {}: {}",
            crate::view::clock(app, n.at),
            n.actor,
            n.text
        )));
    }
    let history: Vec<_> = status
        .history
        .iter()
        .rev()
        .take(5)
        .filter_map(|seq| {
            // events are kept in seq order
            let i = app
                .session
                .events
                .binary_search_by_key(seq, |e| e.seq)
                .ok()?;
            app.session.events.get(i)
        })
        .collect();
    for e in history.into_iter().rev() {
        lines.push(Line::styled(
            format!(
                "history {} {} ({})",
                crate::view::clock(app, e.at),
                e.body.kind_name(),
                e.actor
            ),
            theme.dim(),
        ));
    }
    // the whole text first, wrapped (the list and the title may have cut it), then the warnings
    // written just above it in the source
    let mut all = vec![Line::styled(item.text.clone(), theme.bold())];
    for note in &item.before {
        for l in note.lines() {
            all.push(Line::styled(l.to_owned(), theme.warn()));
        }
    }
    all.extend(lines);
    // procedures of the phase written right after this step
    if let Some(p) = app.checklist.phases.get(f.phase) {
        for proc in p
            .procedures
            .iter()
            .filter(|pr| pr.after.as_deref() == Some(&item.id))
        {
            all.extend(procedure_lines(theme, proc));
        }
    }
    all
}
