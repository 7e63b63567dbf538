//! The bottom line: the prompt being typed, a flash message, or key hints from the keymap.

use super::theme::Theme;
use super::{ViewModel, fit};
use crate::app::keymap::{self, Action};
use crate::app::{App, Mode, NoteOn, Prompt, prompt_choices, prompt_pick};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, vm: &ViewModel, area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    let width = area.width as usize;
    let line = match &app.mode {
        Mode::Input { prompt, buffer } => prompt_line(app, theme, prompt, buffer, width),
        Mode::Search { query, .. } => {
            let n = vm.match_count;
            Line::from(vec![
                Span::styled(format!(" /{query}▏"), theme.bold()),
                Span::styled(
                    format!("  {n} match(es)  ↑/↓ next  Enter keep  Esc back"),
                    theme.dim(),
                ),
            ])
        }
        Mode::ConfirmQuit => Line::styled(
            fit(
                " Quit? Everything is saved; the same command resumes. y quit, any other key stays",
                width,
            ),
            theme.bold(),
        ),
        _ => match &app.flash {
            Some(f) => Line::styled(
                fit(&format!(" {}", f.text), width),
                if f.error { theme.crit() } else { theme.bold() },
            ),
            None => hints(theme, width),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Key hints from the keymap, as many as fit; `? help` and `q quit` always show, at the right.
fn hints(theme: &Theme, width: usize) -> Line<'static> {
    let always = |action: Action| matches!(action, Action::Help | Action::Quit);
    let chunk = |label: &str, word: &str| format!(" {label} {word} ");
    let tail: Vec<(&str, &str)> = keymap::footer_hints()
        .filter(|(_, _, action)| always(*action))
        .map(|(label, word, _)| (label, word))
        .collect();
    let tail_width: usize = tail.iter().map(|(l, w)| chunk(l, w).width()).sum();
    let mut spans = Vec::new();
    let mut used = 0;
    for (label, word, _) in keymap::footer_hints().filter(|(_, _, a)| !always(*a)) {
        let c = chunk(label, word);
        if used + c.width() + tail_width > width {
            break;
        }
        used += c.width();
        spans.push(Span::styled(format!(" {label}"), theme.bold()));
        spans.push(Span::styled(format!(" {word} "), theme.dim()));
    }
    if used + tail_width <= width {
        spans.push(Span::raw(" ".repeat(width - used - tail_width)));
        for (label, word) in tail {
            spans.push(Span::styled(format!(" {label}"), theme.bold()));
            spans.push(Span::styled(format!(" {word} "), theme.dim()));
        }
    }
    Line::from(spans)
}

fn prompt_line(
    app: &App,
    theme: &Theme,
    prompt: &Prompt,
    buffer: &str,
    width: usize,
) -> Line<'static> {
    if let Some(options) = prompt_choices(app, prompt) {
        let label = match prompt {
            Prompt::Field { owner, index, .. } => app
                .field(owner, *index)
                .map_or("Field".to_owned(), |f| f.label.clone()),
            _ => "Go / no-go".to_owned(),
        };
        let pick = prompt_pick(prompt);
        let shown: Vec<String> = options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                if Some(i) == pick {
                    format!("[{o}]")
                } else {
                    o.clone()
                }
            })
            .collect();
        let hint = if pick.is_none() {
            "  ←/→ or a first letter: choose  Esc cancel"
        } else {
            "  Enter save  Tab next  Esc cancel"
        };
        return Line::from(vec![
            Span::styled(format!(" {label}: "), theme.bold()),
            Span::raw(fit(&shown.join(" "), width.saturating_sub(label.len() + 4))),
            Span::styled(hint, theme.dim()),
        ]);
    }
    let label = match prompt {
        Prompt::Skip { required: true, .. } => "Skip a required item — why?".to_owned(),
        Prompt::Skip { .. } => "Skip — reason (Enter for N/A)".to_owned(),
        Prompt::Note { on } => match on {
            NoteOn::Item(_) => "Note on the item".to_owned(),
            NoteOn::Phase(_) => "Note on the phase".to_owned(),
            NoteOn::Session => "Note on the window (timeline)".to_owned(),
        },
        Prompt::Untick { .. } => "Untick — reason (optional)".to_owned(),
        Prompt::Override { .. } => "Tick before its condition held — reason (optional)".to_owned(),
        Prompt::PastGate { gate, .. } => format!("Tick past {} — why?", gate.describe()),
        Prompt::DecisionNote { decision, .. } => format!("{decision} — a note (Enter records)"),
        Prompt::Decision { .. } => "Go / no-go".to_owned(),
        Prompt::Field { owner, index, .. } => match app.field(owner, *index) {
            Some(f) => {
                let mut l = f.label.clone();
                if let Some(u) = &f.unit {
                    l.push_str(&format!(" ({u})"));
                }
                if let Some(t) = &f.target {
                    l.push_str(&format!(" target {t}"));
                }
                l
            }
            None => "Field".to_owned(),
        },
    };
    let tail = "  Enter save  Esc cancel";
    let buffer = crate::redact::redact_text(buffer);
    let text = fit(
        &format!(" {label}: {buffer}▏"),
        width.saturating_sub(tail.len()),
    );
    Line::from(vec![
        Span::styled(text, theme.bold()),
        Span::styled(tail, theme.dim()),
    ])
}
