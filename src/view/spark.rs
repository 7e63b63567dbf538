//! Sparklines over time buckets: how long a span the panel's width covers (the whole phase, up to
//! the kept hour), and one cell per closed bucket, coloured by the worst state the bucket saw.

use super::theme::Theme;
use crate::app::{App, ProbeView};
use crate::probes::ProbeState;
use crate::probes::history::{Bucket, bucket_size};
use ratatui::text::Span;
use std::time::Duration;

/// The shortest span a sparkline covers. Less says little, and cells of a second or two shift the
/// whole line every second: most of what an idle cockpit would write to the terminal.
pub const MIN_SPAN: Duration = Duration::from_secs(300);

/// The bucket size for sparklines `cells` wide in this frame: the current phase (since it
/// started; else since the session started; else since the oldest poll kept), at least
/// [`MIN_SPAN`], fitted in the cells.
pub fn bucket_for(app: &App, current_phase: usize, cells: usize) -> Duration {
    let phase_start = app
        .checklist
        .phases
        .get(current_phase)
        .and_then(|p| app.session.phases.get(&p.id))
        .and_then(|s| s.started_at);
    let oldest = app.probes.iter().filter_map(|p| p.history.oldest()).min();
    let since = phase_start.or(app.session.started_at).or(oldest);
    let wanted = since
        .and_then(|s| (app.now - s).to_std().ok())
        .unwrap_or_default()
        .max(MIN_SPAN);
    let fastest = app
        .probes
        .iter()
        .map(|p| p.spec.interval)
        .min()
        .unwrap_or(Duration::from_secs(1));
    bucket_size(wanted, cells, fastest)
}

/// `last 4m` (`cells` buckets of `size`), as the panel says it.
pub fn describe(size: Duration, cells: usize) -> String {
    let span = size * cells as u32;
    format!("last {}", crate::units::format_duration_exact(span))
}

/// The cells of one probe's sparkline. A bucket no poll fell in is blank — unless the probe polls
/// about as often as the buckets close, or less often: then one empty bucket after a polled one
/// carries that cell on (the poll was not due yet, or its time jittered into the next bucket); a
/// bucket whose bad polls got no value (timeouts) shows `×`.
pub fn cells(
    app: &App,
    theme: &Theme,
    p: &ProbeView,
    size: Duration,
    count: usize,
) -> Vec<Span<'static>> {
    let buckets = p.history.buckets(size, count, app.now);
    let carry = p.spec.interval * 2 > size;
    let mut filled: Vec<Option<Bucket>> = Vec::with_capacity(buckets.len());
    for (i, b) in buckets.iter().enumerate() {
        let previous = i
            .checked_sub(1)
            .and_then(|j| buckets.get(j).copied().flatten());
        let slow = p.spec.interval > size;
        let carried = filled.last().copied().flatten();
        filled.push(match (b, carry) {
            (Some(b), _) => Some(*b),
            // a slow probe carries on until its next poll; a jittered one, one bucket
            (None, true) if slow => carried,
            (None, true) => previous,
            (None, false) => None,
        });
    }
    let values: Vec<f64> = filled
        .iter()
        .map(|b| b.map_or(f64::NAN, |b| b.shown()))
        .collect();
    let bars: Vec<char> = theme.spark(&values, values.len()).chars().collect();
    let failed = if theme.ascii { 'x' } else { '×' };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_state: Option<ProbeState> = None;
    for (i, b) in filled.iter().enumerate() {
        let state = b.map(|b| b.worst);
        let c = match b {
            Some(b) if b.shown().is_nan() => failed,
            _ => bars.get(i).copied().unwrap_or(' '),
        };
        if state != run_state && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                theme.probe_glyph(run_state).1,
            ));
        }
        run_state = state;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, theme.probe_glyph(run_state).1));
    }
    spans
}
