//! The probe list as the Live panel orders it: bad states first, so nothing red is ever below the
//! fold — CRIT, then UNKNOWN and STALE, then WARN, then those still waiting for a first poll, then
//! OK; config order within a state. The selection follows the probe, not the row.

use super::App;
use crate::probes::ProbeState;

/// Where a state sorts: lower is worse, and shown first.
pub fn severity_rank(state: Option<ProbeState>) -> u8 {
    match state {
        Some(ProbeState::Crit) => 0,
        Some(ProbeState::Unknown | ProbeState::Stale) => 1,
        Some(ProbeState::Warn) => 2,
        None => 3,
        Some(ProbeState::Ok) => 4,
    }
}

impl App {
    /// The state probe `i` shows now: its last sample's, or STALE when that is older than two
    /// intervals; `None` before the first poll.
    pub fn probe_state(&self, i: usize) -> Option<ProbeState> {
        let p = self.probes.get(i)?;
        let sample = p.latest.as_ref()?;
        Some(crate::probes::state_at(sample, p.spec.interval, self.now))
    }

    /// Indexes into `probes`, worst state first, config order within a state.
    pub fn probe_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.probes.len()).collect();
        order.sort_by_key(|i| severity_rank(self.probe_state(*i)));
        order
    }

    /// Moves the probe selection `by` rows in the panel's order (clamped at the ends).
    pub(crate) fn move_probe_cursor(&mut self, by: isize) {
        let order = self.probe_order();
        let Some(pos) = order.iter().position(|i| *i == self.probe_cursor) else {
            self.probe_cursor = order.first().copied().unwrap_or(0);
            return;
        };
        let next = pos
            .saturating_add_signed(by)
            .min(order.len().saturating_sub(1));
        if let Some(i) = order.get(next) {
            self.probe_cursor = *i;
        }
        self.probe_scroll = super::visible_scroll(
            self.probe_scroll,
            next,
            self.viewport.probe_rows,
            order.len(),
        );
    }
}

/// The panels' latest samples as a condition sees them (STALE included), for what a banner or
/// the detail pane says a condition reads now — on every screen, watching ones too.
pub struct PanelLookup<'a> {
    pub app: &'a App,
}

impl PanelLookup<'_> {
    fn sample(&self, probe: &str) -> Option<&crate::probes::Sample> {
        self.app
            .probes
            .iter()
            .find(|p| p.spec.name == probe)
            .and_then(|p| p.latest.as_deref())
    }
}

impl crate::condition::Lookup for PanelLookup<'_> {
    fn output(&self, probe: &str, path: &str) -> Option<crate::condition::Value> {
        self.sample(probe)?.output(path)
    }

    fn state(&self, probe: &str) -> Option<ProbeState> {
        let i = self.app.probes.iter().position(|p| p.spec.name == probe)?;
        self.app.probe_state(i)
    }

    fn baseline(
        &self,
        _probe: &str,
        _path: &str,
        _scope: Option<&str>,
    ) -> Option<crate::condition::Value> {
        None
    }

    fn sampled_at(&self, probe: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        self.sample(probe).map(|s| s.at)
    }
}
