//! The checklist as rows on screen: phases (foldable), group labels and items, with the cursor.

use super::App;
use crate::checklist::{Checklist, Item};

/// One item with where it sits, children stripped (they have their own entries).
#[derive(Debug, Clone)]
pub struct FlatItem {
    pub item: Item,
    pub phase: usize,
    pub depth: usize,
    /// Lowercased text for search.
    pub haystack: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Phase(usize),
    /// A sub-heading label inside a phase; the cursor skips it.
    Group(usize, String),
    /// Index into `App::flat`.
    Item(usize),
}

pub fn flatten(checklist: &Checklist) -> Vec<FlatItem> {
    checklist
        .walk()
        .into_iter()
        .map(|r| {
            let mut item = r.item.clone();
            item.children = Vec::new();
            let haystack = item.text.to_lowercase();
            FlatItem {
                item,
                phase: r.phase,
                depth: r.depth,
                haystack,
            }
        })
        .collect()
}

impl App {
    /// Recomputes the visible rows after a fold change, keeping the cursor on the same thing.
    pub(crate) fn rebuild_rows(&mut self) {
        let anchor = self.rows.get(self.cursor).cloned();
        let mut rows = Vec::with_capacity(self.flat.len() + self.checklist.phases.len() * 2);
        let mut index = 0;
        for phase in 0..self.checklist.phases.len() {
            rows.push(Row::Phase(phase));
            let folded = self.folded.contains(&phase);
            let mut group: Option<&str> = None;
            while index < self.flat.len() && self.flat[index].phase == phase {
                if !folded {
                    let f = &self.flat[index];
                    if f.depth == 0 && f.item.group.as_deref() != group {
                        group = f.item.group.as_deref();
                        if let Some(g) = group {
                            rows.push(Row::Group(phase, g.to_owned()));
                        }
                    }
                    rows.push(Row::Item(index));
                }
                index += 1;
            }
        }
        self.rows = rows;
        self.cursor = match anchor {
            Some(Row::Item(i)) => self
                .rows
                .iter()
                .position(|r| *r == Row::Item(i))
                .or_else(|| {
                    let phase = self.flat.get(i).map_or(0, |f| f.phase);
                    self.rows.iter().position(|r| *r == Row::Phase(phase))
                })
                .unwrap_or(0),
            Some(Row::Phase(p)) | Some(Row::Group(p, _)) => self
                .rows
                .iter()
                .position(|r| *r == Row::Phase(p))
                .unwrap_or(0),
            None => 0,
        };
        self.dirty = true;
    }

    /// Moves the cursor by `delta` selectable rows (groups are skipped).
    pub(crate) fn move_cursor(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let mut pos = self.cursor as isize;
        let mut left = delta.unsigned_abs();
        let step = delta.signum();
        while left > 0 {
            let next = pos + step;
            if next < 0 || next >= self.rows.len() as isize {
                break;
            }
            pos = next;
            if !matches!(self.rows[pos as usize], Row::Group(..)) {
                left -= 1;
            }
        }
        if matches!(self.rows.get(pos as usize), Some(Row::Group(..))) {
            pos = self.cursor as isize;
        }
        if pos as usize != self.cursor {
            self.cursor = pos as usize;
            self.dirty = true;
        }
    }

    pub(crate) fn set_fold(&mut self, phase: usize, fold: bool) {
        let changed = if fold {
            self.folded.insert(phase)
        } else {
            self.folded.remove(&phase)
        };
        if changed {
            self.rebuild_rows();
        }
    }

    /// Puts the cursor on an item, unfolding its phase if needed.
    pub(crate) fn select_item(&mut self, index: usize) {
        if let Some(phase) = self.flat.get(index).map(|f| f.phase)
            && self.folded.contains(&phase)
        {
            self.set_fold(phase, false);
        }
        if let Some(pos) = self.rows.iter().position(|r| *r == Row::Item(index)) {
            self.cursor = pos;
            self.dirty = true;
        }
    }

    /// Jumps to the header of phase `phase`.
    pub(crate) fn select_phase(&mut self, phase: usize) {
        if let Some(pos) = self.rows.iter().position(|r| *r == Row::Phase(phase)) {
            self.cursor = pos;
            self.dirty = true;
        }
    }

    /// Items whose text contains `query` (case-insensitive), in order.
    pub fn search_matches(&self, query: &str) -> Vec<usize> {
        let q = query.to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        self.flat
            .iter()
            .enumerate()
            .filter(|(_, f)| f.haystack.contains(&q))
            .map(|(i, _)| i)
            .collect()
    }

    /// Keeps the cursor inside the visible window of `height` rows, with a small margin.
    pub fn ensure_visible(&mut self, height: usize) {
        self.scroll = visible_scroll(self.scroll, self.cursor, height, self.rows.len());
    }
}

/// The first row to show so that `cursor` is inside a window of `rows` rows (with a margin of two
/// rows when the window is tall enough), moving `scroll` as little as possible. The app keeps its
/// scroll with it, and the view uses it on a height the app has not learnt yet, so both agree.
pub fn visible_scroll(scroll: usize, cursor: usize, rows: usize, len: usize) -> usize {
    if rows == 0 {
        return scroll;
    }
    let margin = if rows > 8 { 2 } else { 0 };
    let scroll = if cursor < scroll + margin {
        cursor.saturating_sub(margin)
    } else if cursor + margin >= scroll + rows {
        (cursor + margin + 1).saturating_sub(rows)
    } else {
        scroll
    };
    scroll.min(len.saturating_sub(rows))
}

#[cfg(test)]
mod tests {
    use super::visible_scroll;

    #[test]
    fn the_cursor_is_always_in_the_window() {
        for len in 0..30 {
            for rows in 1..12 {
                for scroll in 0..30 {
                    for cursor in 0..len {
                        let s = visible_scroll(scroll, cursor, rows, len);
                        assert!(
                            s <= cursor && cursor < s + rows,
                            "{len} {rows} {scroll} {cursor}"
                        );
                        assert_eq!(visible_scroll(s, cursor, rows, len), s, "stable");
                    }
                }
            }
        }
    }
}
