//! The checklist tree: phases that fold, group labels, one glyph per item state.

use super::ViewModel;
use super::fit;
use crate::app::{Focus, Row};
use crate::marking::AutoStatus;
use crate::session::ItemState;
use crate::units::format_clock;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, vm: &ViewModel, area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    let focused = app.focus == Focus::Checklist;
    let title = format!(" Checklist {}/{} ", vm.total.0, vm.total.1);
    let block = super::pane(theme, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let lines: Vec<Line> = app
        .rows
        .iter()
        .enumerate()
        .skip(vm.scroll)
        .take(inner.height as usize)
        .map(|(pos, row)| {
            let selected = pos == app.cursor;
            let marker = if selected { ">" } else { " " };
            let mut line = render_row(vm, row, width.saturating_sub(1));
            line.spans.insert(0, Span::styled(marker, theme.bold()));
            if selected {
                line = line.patch_style(theme.selected());
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_row<'a>(vm: &ViewModel<'a>, row: &Row, width: usize) -> Line<'a> {
    let (app, theme) = (vm.app, &vm.theme);
    match row {
        Row::Phase(p) => {
            let Some(phase) = app.checklist.phases.get(*p) else {
                return Line::default();
            };
            let (done, total) = vm.phase_progress(*p);
            let complete = total > 0 && done == total;
            let glyph = if complete {
                if theme.ascii { "[x]" } else { "✔" }
            } else {
                theme.fold_glyph(app.folded.contains(p))
            };
            let right = if total == 0 {
                String::new()
            } else {
                format!(" {done}/{total} ")
            };
            // a gate shows its decision (or that it waits for one) on its row
            let (gate, gate_style) = if phase.gate {
                match crate::marking::decision_of(&app.session, &phase.id) {
                    Some(d) => {
                        let go = d.decision.eq_ignore_ascii_case("GO");
                        let who = d.by.split('@').next().unwrap_or(&d.by);
                        let at = super::clock(app, d.at);
                        let text = format!(" {} {who} {}", d.decision, at.get(..5).unwrap_or(&at));
                        (
                            text,
                            if go { theme.ok() } else { theme.crit() }.add_modifier(Modifier::BOLD),
                        )
                    }
                    None => (" gate: D".to_owned(), theme.warn()),
                }
            } else {
                (String::new(), theme.dim())
            };
            let gate = if (gate.width() + right.width()) * 2 > width {
                String::new()
            } else {
                gate
            };
            let name_width = width.saturating_sub(right.width() + gate.width() + glyph.width() + 2);
            let name = fit(&phase.name, name_width);
            let pad = width
                .saturating_sub(glyph.width() + 2 + name.width() + gate.width() + right.width());
            let style = if complete {
                theme.ok().add_modifier(Modifier::BOLD)
            } else {
                theme.bold()
            };
            Line::from(vec![
                Span::styled(format!("{glyph} "), style),
                Span::styled(name, style),
                Span::raw(" ".repeat(pad + 1)),
                Span::styled(gate, gate_style),
                Span::styled(right, theme.dim()),
            ])
        }
        Row::Group(_, name) => Line::from(Span::styled(
            fit(&format!("  ─ {name}"), width),
            theme.dim().add_modifier(Modifier::ITALIC),
        )),
        Row::Item(i) => {
            let Some(f) = app.flat.get(*i) else {
                return Line::default();
            };
            let status = app.session.item(&f.item.id);
            let state = status.map_or(ItemState::Todo, |s| s.state);
            let regressed = status.is_some_and(|s| s.regressed);
            let auto = app.auto.get(&f.item.id);
            let pending = matches!(auto, Some(AutoStatus::Pending { .. }));
            let missed = state == ItemState::Done
                && status.is_some_and(|s| {
                    f.item.fields.iter().any(|field| {
                        s.fields
                            .get(&field.id)
                            .is_some_and(|v| crate::marking::value_missed(field, &v.value))
                    })
                });
            let (glyph, glyph_style) = theme.item_glyph(state, regressed, pending, missed);
            let indent = "  ".repeat(f.depth + 1);
            let right = match (state, auto) {
                (ItemState::Todo, Some(AutoStatus::Pending { remaining_ms, .. })) => {
                    format!(
                        " auto {} ",
                        format_clock(std::time::Duration::from_millis(*remaining_ms))
                    )
                }
                (ItemState::Todo, Some(AutoStatus::Waiting { .. })) => " auto ".to_owned(),
                (ItemState::Done | ItemState::AwaitingCosign, _) => {
                    let by = status.and_then(|s| s.by.as_deref()).unwrap_or("");
                    // the engine's ticks say `auto`: short enough to keep at any width
                    let short = if by == crate::marking::ACTOR {
                        "auto"
                    } else {
                        by.split('@').next().unwrap_or(by)
                    };
                    let at = status
                        .and_then(|s| s.at)
                        .map(|t| super::clock(app, t))
                        .unwrap_or_default();
                    let at = at.get(..5).unwrap_or(&at).to_owned();
                    if state == ItemState::AwaitingCosign {
                        format!(" {short} {at} co-sign? ")
                    } else {
                        format!(" {short} {at} ")
                    }
                }
                (ItemState::Skipped, _) => " skipped ".to_owned(),
                _ => String::new(),
            };
            // in the spool, not yet in the store: done here, marked until it is synced
            let right = if app.unsynced.touches(&f.item.id, app.now) {
                format!("{right}⇡ ")
            } else {
                right
            };
            let right = if right.width() * 5 > width * 2 {
                String::new()
            } else {
                right
            };
            let text_width =
                width.saturating_sub(indent.width() + glyph.width() + 1 + right.width());
            let text = fit(&f.item.text, text_width);
            let pad = width
                .saturating_sub(indent.width() + glyph.width() + 1 + text.width() + right.width());
            let mut text_style = match state {
                ItemState::Skipped => theme.dim().add_modifier(Modifier::CROSSED_OUT),
                ItemState::Done if regressed => theme.crit().add_modifier(Modifier::BOLD),
                ItemState::Done => theme.dim(),
                _ => ratatui::style::Style::default(),
            };
            if vm.matches(*i) {
                text_style = text_style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
            }
            Line::from(vec![
                Span::raw(indent),
                Span::styled(glyph, glyph_style),
                Span::raw(" "),
                Span::styled(text, text_style),
                Span::raw(" ".repeat(pad)),
                Span::styled(right, theme.dim()),
            ])
        }
    }
}
