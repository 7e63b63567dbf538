//! The detail pane for the selected item: state, auto binding, commands, fields, notes, history.

use super::ViewModel;
use super::fit;
use super::theme::Theme;
use crate::checklist::{Field, FieldKind};
use crate::condition::{Evidence, TargetCheck};
use crate::marking::AutoStatus;
use crate::session::ItemState;
use crate::units::format_clock;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, vm: &ViewModel, area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    let width = area.width.saturating_sub(2) as usize;
    let Some(f) = app.selected_item() else {
        let phase = app.checklist.phases.get(app.selected_phase());
        let title = phase.map_or(String::new(), |p| {
            format!(" {} ", fit(&p.name, width.saturating_sub(2)))
        });
        let mut lines: Vec<Line> = Vec::new();
        if let Some(p) = phase {
            if let Some(b) = p.budget {
                lines.push(Line::raw(format!(
                    "budget {}",
                    crate::units::format_duration(b)
                )));
            }
            if p.gate {
                let decision = app.session.decisions.iter().rev().find(|d| d.phase == p.id);
                lines.push(Line::raw(match decision {
                    Some(d) => format!(
                        "gate: {} by {} at {}",
                        d.decision,
                        d.by,
                        super::clock(app, d.at)
                    ),
                    None => "gate: no decision yet (D records GO / NO-GO)".to_owned(),
                }));
            }
            for c in &p.commands {
                for l in c.lines() {
                    lines.push(Line::styled(format!("$ {l}"), theme.accent()));
                }
            }
            for n in &p.notes {
                for l in n.lines() {
                    lines.push(Line::styled(l.to_owned(), theme.dim()));
                }
            }
            let written = app.session.phases.get(&p.id).map(|s| s.notes.as_slice());
            for n in written.unwrap_or_default() {
                lines.push(Line::raw(format!(
                    "note {} {}: {}",
                    super::clock(app, n.at),
                    n.actor,
                    n.text
                )));
            }
        }
        let block = Block::default().borders(Borders::ALL).title(title);
        frame.render_widget(
            Paragraph::new(super::redact_lines(lines))
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    };
    let item = &f.item;
    let status = app.session.item(&item.id).cloned().unwrap_or_default();
    let mut lines: Vec<Line> = Vec::new();
    let state_line = match status.state {
        ItemState::Done => {
            let mut s = format!(
                "done by {} at {}",
                status.by.as_deref().unwrap_or("?"),
                status.at.map(|t| super::clock(app, t)).unwrap_or_default()
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
            e.at.map(|t| format!(" at {}", super::clock(app, t)))
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
        let value = status.fields.get(&field.id);
        let shown = value.map_or("—".to_owned(), |v| v.value.clone());
        let mut extra = String::new();
        if field.kind == FieldKind::Choice {
            extra.push_str(&format!("  [{}]", field.options.join(" / ")));
        }
        if let Some(t) = &field.target {
            extra.push_str(&format!("  (target: {t})"));
        }
        let mut spans = vec![
            Span::raw(format!("{}: ", field.label)),
            Span::styled(shown, theme.bold()),
        ];
        if let Some(u) = &field.unit {
            spans.push(Span::styled(format!(" {u}"), theme.dim()));
        }
        if let Some(v) = value {
            spans.extend(target_verdict(theme, field, &v.value));
        }
        spans.push(Span::styled(extra, theme.dim()));
        lines.push(Line::from(spans));
    }
    for n in &item.notes {
        for l in n.lines() {
            lines.push(Line::styled(l.to_owned(), theme.dim()));
        }
    }
    for n in &status.notes {
        lines.push(Line::raw(format!(
            "note {} {}: {}",
            super::clock(app, n.at),
            n.actor,
            n.text
        )));
    }
    let history: Vec<_> = status
        .history
        .iter()
        .rev()
        .take(5)
        .filter_map(|seq| app.session.events.iter().find(|e| e.seq == *seq))
        .collect();
    for e in history.into_iter().rev() {
        lines.push(Line::styled(
            format!(
                "history {} {} ({})",
                super::clock(app, e.at),
                e.body.kind_name(),
                e.actor
            ),
            theme.dim(),
        ));
    }
    // the whole text first, wrapped: the list and the title may have cut it
    let mut all = vec![Line::styled(item.text.clone(), theme.bold())];
    all.extend(lines);
    let lines = all;
    let title = match app.checklist.phases.get(f.phase) {
        Some(p) => format!(" {} ", fit(&p.name, width.saturating_sub(2))),
        None => " Item ".to_owned(),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(
        Paragraph::new(super::redact_lines(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The value a condition read, as the journal stores it; `—` when there was none.
fn evidence_value(e: &Evidence) -> String {
    match e.value.as_ref().map(serde_json::to_value) {
        Some(Ok(serde_json::Value::String(s))) => s,
        Some(Ok(serde_json::Value::Null)) | None => "—".to_owned(),
        Some(Ok(other)) => other.to_string(),
        Some(Err(_)) => "?".to_owned(),
    }
}

/// `✓ met` or `✗ missed: why` after a value typed into a field with a target.
fn target_verdict(theme: &Theme, field: &Field, value: &str) -> Option<Span<'static>> {
    let (ok, bad) = if theme.ascii {
        ("ok", "MISSED")
    } else {
        ("✓ met", "✗ missed")
    };
    match crate::marking::field_check(field, value) {
        TargetCheck::Met => Some(Span::styled(format!("  {ok}"), theme.ok())),
        TargetCheck::Missed { why } => Some(Span::styled(
            format!("  {bad}: {why}"),
            theme.crit().add_modifier(Modifier::BOLD),
        )),
        TargetCheck::NotComparable => None,
    }
}
