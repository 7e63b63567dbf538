//! The view model: everything a frame shows that takes more than a field read to know (banners,
//! per-phase progress, the current phase, search matches, where each pane goes), derived once per
//! frame from the app state and handed to every draw function.

use super::banners::{self, Banner};
use super::theme::Theme;
use super::{Areas, layout};
use crate::app::{App, Focus, Mode, visible_scroll};
use crate::probes::ProbeState;
use crate::session::ItemState;
use ratatui::layout::Rect;

/// One frame's derived state. Draw functions read it and never recompute what is here.
pub struct ViewModel<'a> {
    pub app: &'a App,
    pub theme: Theme,
    pub areas: Areas,
    /// Unacknowledged alarms, then regressions: one line each.
    pub banners: Vec<Banner>,
    /// (done or skipped, total) per phase, all depths.
    pub progress: Vec<(usize, usize)>,
    /// (done or skipped, total) over the whole checklist.
    pub total: (usize, usize),
    /// The phase people are working in: the first with anything left to do.
    pub current_phase: usize,
    /// Per flat item: whether it matches the search being typed (empty when not searching).
    pub matches: Vec<bool>,
    pub match_count: usize,
    /// The Live panel's order, counts and window.
    pub probes: ProbeList,
    /// The first checklist row shown: the app's scroll, moved just enough to show the cursor in
    /// this frame's list height (which the app learns only after the frame).
    pub scroll: usize,
}

impl<'a> ViewModel<'a> {
    pub fn build(app: &'a App, area: Rect) -> ViewModel<'a> {
        let theme = Theme {
            color: app.color,
            ascii: app.ascii,
            light: app.light,
        };
        let mut progress = vec![(0, 0); app.checklist.phases.len()];
        for f in &app.flat {
            let Some(p) = progress.get_mut(f.phase) else {
                continue;
            };
            p.1 += 1;
            if matches!(
                app.session.item_state(&f.item.id),
                ItemState::Done | ItemState::Skipped
            ) {
                p.0 += 1;
            }
        }
        let total = progress
            .iter()
            .fold((0, 0), |(a, b), (d, t)| (a + d, b + t));
        let current_phase = progress
            .iter()
            .position(|(d, t)| d < t)
            .unwrap_or(progress.len().saturating_sub(1));
        let (matches, match_count) = match &app.mode {
            Mode::Search { query, .. } => {
                let mut flags = vec![false; app.flat.len()];
                let found = app.search_matches(query);
                for i in &found {
                    if let Some(flag) = flags.get_mut(*i) {
                        *flag = true;
                    }
                }
                (flags, found.len())
            }
            _ => (Vec::new(), 0),
        };
        let banners = banners::banners(app);
        let areas = layout(app, banners.len(), area);
        let rows = areas
            .checklist
            .map_or(0, |r| r.height.saturating_sub(2) as usize);
        let probes = ProbeList::build(app, areas.probes.map_or(0, super::probe_capacity));
        ViewModel {
            app,
            probes,
            theme,
            scroll: visible_scroll(app.scroll, app.cursor, rows, app.rows.len()),
            areas,
            banners,
            progress,
            total,
            current_phase,
            matches,
            match_count,
        }
    }

    /// (done or skipped, total) of phase `p`.
    pub fn phase_progress(&self, p: usize) -> (usize, usize) {
        self.progress.get(p).copied().unwrap_or((0, 0))
    }

    /// Whether flat item `i` matches the search being typed.
    pub fn matches(&self, i: usize) -> bool {
        self.matches.get(i).copied().unwrap_or(false)
    }

    /// Probe rows that fit in this frame's Live panel.
    pub fn probe_rows(&self) -> usize {
        self.probes.capacity
    }

    /// Checklist rows that fit in this frame.
    pub fn list_rows(&self) -> usize {
        self.areas
            .checklist
            .map_or(0, |r| r.height.saturating_sub(2) as usize)
    }
}

/// How many probes are in each state now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProbeCounts {
    pub crit: usize,
    pub unknown: usize,
    pub stale: usize,
    pub warn: usize,
    pub waiting: usize,
    pub ok: usize,
}

/// The Live panel's list: worst first, the counts for its title, and which rows fit.
pub struct ProbeList {
    /// Indexes into `app.probes`, in the order shown.
    pub order: Vec<usize>,
    pub counts: ProbeCounts,
    /// First position of `order` shown: the top (the worst) unless the panel has the focus and
    /// the selection is further down.
    pub scroll: usize,
    /// Rows the panel has (0 when it is hidden).
    pub capacity: usize,
}

impl ProbeList {
    fn build(app: &App, capacity: usize) -> ProbeList {
        let order = app.probe_order();
        let mut counts = ProbeCounts::default();
        for i in 0..app.probes.len() {
            let n = match app.probe_state(i) {
                Some(ProbeState::Crit) => &mut counts.crit,
                Some(ProbeState::Unknown) => &mut counts.unknown,
                Some(ProbeState::Stale) => &mut counts.stale,
                Some(ProbeState::Warn) => &mut counts.warn,
                Some(ProbeState::Ok) => &mut counts.ok,
                None => &mut counts.waiting,
            };
            *n += 1;
        }
        let scroll = if app.focus == Focus::Probes {
            let pos = order
                .iter()
                .position(|i| *i == app.probe_cursor)
                .unwrap_or(0);
            visible_scroll(app.probe_scroll, pos, capacity, order.len())
        } else {
            0
        };
        ProbeList {
            order,
            counts,
            scroll,
            capacity,
        }
    }
}
