//! `/` search: jump to matches as you type, step through them, keep or go back; `n` / `N` step
//! through the kept search's matches afterwards.

use super::msg::Key;
use super::{App, Mode, Row};

pub(super) fn on_search_key(app: &mut App, key: Key, mut query: String, origin: usize) {
    match key {
        Key::Esc | Key::Ctrl('c') => {
            app.mode = Mode::Normal;
            app.cursor = origin.min(app.rows.len().saturating_sub(1));
            return;
        }
        Key::Enter => {
            app.mode = Mode::Normal;
            app.last_search = (!query.is_empty()).then_some(query);
            return;
        }
        Key::Backspace => {
            query.pop();
        }
        Key::Char(c) => query.push(c),
        Key::Down | Key::Up => {
            step(app, &query, key == Key::Down);
            app.mode = Mode::Search { query, origin };
            return;
        }
        _ => {}
    }
    // as you type, jump to the first match at or after where the search started
    let matches = app.search_matches(&query);
    let origin_item = match app.rows.get(origin) {
        Some(Row::Item(i)) => *i,
        _ => 0,
    };
    if let Some(m) = matches
        .iter()
        .find(|m| **m >= origin_item)
        .or(matches.first())
        .copied()
    {
        app.select_item(m);
    }
    app.mode = Mode::Search { query, origin };
}

/// Moves to the next (or previous) item matching `query`, wrapping around; false when nothing
/// matches.
pub(super) fn step(app: &mut App, query: &str, forward: bool) -> bool {
    let matches = app.search_matches(query);
    let current = match app.rows.get(app.cursor) {
        Some(Row::Item(i)) => Some(*i),
        _ => None,
    };
    let next = if forward {
        matches
            .iter()
            .find(|m| Some(**m) > current)
            .or(matches.first())
    } else {
        matches
            .iter()
            .rev()
            .find(|m| current.is_some_and(|c| **m < c))
            .or(matches.last())
    };
    match next.copied() {
        Some(m) => {
            app.select_item(m);
            true
        }
        None => false,
    }
}
