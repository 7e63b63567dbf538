//! The live panels: one line per probe — glyph, name, state, value, latency, sparkline, age — and
//! the last error when there is one.

use super::model::ProbeCounts;
use super::theme::Theme;
use super::{ViewModel, fit};
use crate::app::{App, Focus, ProbeView};
use crate::probes::ProbeState;
use crate::units::format_duration;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, vm: &ViewModel, area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    let focused = app.focus == Focus::Probes;
    let list = &vm.probes;
    // panels reflow: one column, or two when the pane is wide enough for both
    let columns = columns(area.width);
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let col_width = inner.width / columns as u16;
    let name_width = name_width(app, col_width as usize);
    // every sparkline in the panel covers the same span, said in the title
    let cells = spark_cells(col_width.saturating_sub(1) as usize, name_width);
    let bucket = super::spark::bucket_for(app, vm.current_phase, cells);
    let mut title = format!(" Live {} ", counts_text(theme, &list.counts));
    if cells > 0 {
        title.push_str(&format!("· {} ", super::spark::describe(bucket, cells)));
    }
    let block = super::pane(theme, title, focused);
    // what is above and below the window, on the bottom border
    let below = list.order.len().saturating_sub(list.scroll + list.capacity);
    let more = match (list.scroll, below) {
        (0, 0) => String::new(),
        (0, b) => format!(" ↓ {b} more "),
        (a, 0) => format!(" ↑ {a} more "),
        (a, b) => format!(" ↑ {a} more · ↓ {b} more "),
    };
    let block = if more.is_empty() {
        block
    } else {
        block.title_bottom(Line::styled(more, theme.bold()).right_aligned())
    };
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    let spark = Spark { bucket, cells };
    let shown: Vec<usize> = list
        .order
        .iter()
        .skip(list.scroll)
        .take(list.capacity)
        .copied()
        .collect();
    for (c, chunk) in shown.chunks(rows.max(1)).enumerate().take(columns) {
        let lines: Vec<Line> = chunk
            .iter()
            .filter_map(|i| app.probes.get(*i).map(|p| (*i, p)))
            .map(|(i, p)| {
                let line = probe_line(
                    app,
                    theme,
                    p,
                    app.probe_state(i),
                    name_width,
                    col_width.saturating_sub(1) as usize,
                    spark,
                );
                if focused && i == app.probe_cursor {
                    line.patch_style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        let rect = Rect {
            x: inner.x + c as u16 * col_width,
            width: col_width,
            ..inner
        };
        frame.render_widget(Paragraph::new(lines), rect);
    }
}

/// The sparkline of a panel line: `cells` buckets of `bucket` (no sparkline when `cells` is 0).
#[derive(Debug, Clone, Copy)]
struct Spark {
    bucket: std::time::Duration,
    cells: usize,
}

/// Sparkline cells a line `width` wide has room for beside the name, state, value, latency and
/// age (at most 24; none below 4).
fn spark_cells(width: usize, name_width: usize) -> usize {
    // glyph, name, state, value, latency, the spaces between, age
    let fixed = 2 + name_width + 1 + 6 + 10 + 1 + 7 + 2 + 1 + 4 + 1;
    match width.saturating_sub(fixed).min(24) {
        n if n >= 4 => n,
        _ => 0,
    }
}

/// How many columns of panels fit in a pane `width` wide.
pub fn columns(width: u16) -> usize {
    if width >= 132 { 2 } else { 1 }
}

/// `2✖ 1? 1▲ 28●`: how many probes are in each state, worst first; states with none are left out.
pub fn counts_text(theme: &Theme, counts: &ProbeCounts) -> String {
    let mut parts = Vec::new();
    for (n, state) in [
        (counts.crit, Some(ProbeState::Crit)),
        (counts.unknown, Some(ProbeState::Unknown)),
        (counts.stale, Some(ProbeState::Stale)),
        (counts.warn, Some(ProbeState::Warn)),
        (counts.waiting, None),
        (counts.ok, Some(ProbeState::Ok)),
    ] {
        if n > 0 {
            let glyph = theme.probe_glyph(state).0.trim_end();
            parts.push(format!("{n}{glyph}"));
        }
    }
    parts.join(" ")
}

/// The one-line strip that stays on the checklist screen when the Live panel is hidden or does
/// not show every probe: the counts, then the names of the worst probes.
pub fn draw_strip(frame: &mut Frame, vm: &ViewModel, area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    let width = area.width as usize;
    let mut spans = vec![
        Span::styled(" Live ", theme.bold()),
        Span::raw(counts_text(theme, &vm.probes.counts)),
    ];
    let mut used: usize = spans.iter().map(Span::width).sum();
    let hint = "  tab: probes ";
    for i in &vm.probes.order {
        let state = app.probe_state(*i);
        if !matches!(
            state,
            Some(ProbeState::Crit | ProbeState::Unknown | ProbeState::Stale | ProbeState::Warn)
        ) {
            break;
        }
        let Some(p) = app.probes.get(*i) else {
            continue;
        };
        let (glyph, style) = theme.probe_glyph(state);
        let chunk = format!("  {} {}", glyph.trim_end(), display_name(p));
        if used + chunk.width() + hint.width() > width {
            spans.push(Span::styled(" …", theme.dim()));
            used += 2;
            break;
        }
        used += chunk.width();
        spans.push(Span::styled(chunk, style));
    }
    if used + hint.width() <= width {
        spans.push(Span::raw(" ".repeat(width - used - hint.width())));
        spans.push(Span::styled(hint, theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The panel's name for a probe: its `title` when the config gives one, else its name.
pub fn display_name(p: &ProbeView) -> &str {
    p.spec.title.as_deref().unwrap_or(&p.spec.name)
}

/// Names get the width that is there: the longest name, up to two fifths of the column.
fn name_width(app: &App, col_width: usize) -> usize {
    let longest = app
        .probes
        .iter()
        .map(|p| display_name(p).width())
        .max()
        .unwrap_or(0);
    longest.clamp(4, (col_width * 2 / 5).max(8))
}

/// The state a probe shows now: its last sample's, or STALE when that is older than two intervals.
pub fn shown_state(app: &App, p: &ProbeView) -> Option<ProbeState> {
    let s = p.latest.as_ref()?;
    Some(crate::probes::state_at(s, p.spec.interval, app.now))
}

fn probe_line<'a>(
    app: &App,
    theme: &Theme,
    p: &ProbeView,
    state: Option<ProbeState>,
    name_width: usize,
    width: usize,
    spark: Spark,
) -> Line<'a> {
    let (glyph, style) = theme.probe_glyph(state);
    let name = fit(display_name(p), name_width);
    let state_word = state.map_or("wait", |s| match s {
        ProbeState::Unknown => "UNKN",
        other => other.as_str(),
    });
    let Some(sample) = &p.latest else {
        return Line::from(vec![
            Span::styled(format!("{glyph} "), style),
            Span::raw(format!("{name:<name_width$} ")),
            Span::styled("waiting for first poll", theme.dim()),
        ]);
    };
    let value = crate::probes::headline(&p.spec, sample)
        .map(|(_, text)| text)
        .unwrap_or_default();
    // whole milliseconds: tenths are noise to a person, and digits that change on every poll
    // are most of what a quiet cockpit writes to the terminal (the detail view keeps tenths)
    let latency = sample
        .latency_ms
        .map(|ms| {
            if ms < 1.0 {
                "<1 ms".to_owned()
            } else {
                format!("{ms:.0} ms")
            }
        })
        .unwrap_or_default();
    let age = (app.now - sample.at).to_std().unwrap_or_default();
    let age = if age.as_secs() == 0 {
        "0s".to_owned()
    } else {
        format_duration(std::time::Duration::from_secs(age.as_secs()))
    };
    let head = format!("{glyph} {name:<name_width$} {state_word:<5} ");
    // a poll that got no usable answer (CRIT for no answer, UNKNOWN for one that cannot be
    // judged) shows why, instead of a value it does not have
    let failed = sample.latency_ms.is_none() || matches!(state, Some(ProbeState::Unknown));
    let mid = if failed {
        crate::redact::redact_text(sample.reason.as_deref().unwrap_or(""))
    } else {
        format!("{value:<10} {latency:>7}")
    };
    let used = head.width() + mid.width() + age.width() + 3;
    let cells = if spark.cells > 0 && !failed && width.saturating_sub(used) >= spark.cells {
        super::spark::cells(app, theme, p, spark.bucket, spark.cells)
    } else {
        Vec::new()
    };
    let spark_width: usize = cells.iter().map(Span::width).sum();
    let mid = fit(&mid, width.saturating_sub(head.width() + age.width() + 2));
    let pad = width.saturating_sub(head.width() + mid.width() + 1 + spark_width + age.width() + 1);
    let mut spans = vec![
        Span::styled(format!("{glyph} "), style),
        Span::raw(format!("{name:<name_width$} ")),
        Span::styled(format!("{state_word:<5} "), style),
        Span::raw(mid),
        Span::raw(" "),
    ];
    spans.extend(cells);
    spans.extend([
        Span::raw(" ".repeat(pad)),
        Span::styled(age, theme.dim()),
        Span::raw(" "),
    ]);
    Line::from(spans)
}

/// The full view of one probe (Enter on a panel): target, timing, conditions, every output.
/// Lines of a long text output (a command's stdout) shown in the probe detail.
const DETAIL_TEXT_LINES: usize = 6;

pub fn draw_detail(frame: &mut Frame, vm: &ViewModel, p: &ProbeView, area: Rect) {
    let (app, theme) = (vm.app, &vm.theme);
    use ratatui::widgets::{Clear, Wrap};
    let width = area.width.min(110).saturating_sub(4) as usize;
    let spec = &p.spec;
    let state = shown_state(app, p);
    let (glyph, style) = theme.probe_glyph(state);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{glyph} "), style),
            Span::styled(spec.name.clone(), theme.bold()),
            Span::raw(format!(
                "  {}  {}",
                spec.kind().name(),
                spec.title.as_deref().unwrap_or("")
            )),
        ]),
        Line::raw(fit(&format!("target   {}", spec.target()), width)),
        Line::raw(format!(
            "every    {}  timeout {}",
            format_duration(spec.interval),
            format_duration(spec.timeout)
        )),
    ];
    for (word, cond) in [("crit", &spec.crit), ("warn", &spec.warn), ("ok", &spec.ok)] {
        if let Some(c) = cond {
            lines.push(Line::raw(fit(&format!("{word:<8} {}", c.text), width)));
        }
    }
    match &p.latest {
        None => lines.push(Line::styled("no sample yet", theme.dim())),
        Some(s) => {
            let age = (app.now - s.at).to_std().unwrap_or_default();
            lines.push(Line::styled(
                format!(
                    "state    {}  at {} ({} ago){}",
                    state.map_or("?", |s| s.as_str()),
                    super::clock(app, s.at),
                    format_duration(std::time::Duration::from_secs(age.as_secs())),
                    s.latency_ms
                        .map(|l| format!("  latency {l:.1} ms"))
                        .unwrap_or_default()
                ),
                style,
            ));
            if let Some(r) = &s.reason {
                lines.push(Line::raw(fit(
                    &format!("reason   {}", crate::redact::redact_text(r)),
                    width * 3,
                )));
            }
            // every output, numbers in their units; a command's stdout or a log's last line
            // keeps its first lines
            for (k, v) in &s.outputs {
                let text = crate::probes::output_text(spec, k, v);
                let mut rows = text.lines().filter(|l| !l.trim().is_empty());
                let first = rows.next().unwrap_or("");
                lines.push(Line::raw(fit(&format!("{k:<8} {first}"), width)));
                for row in rows.take(DETAIL_TEXT_LINES - 1) {
                    lines.push(Line::raw(fit(&format!("{:<8} {row}", ""), width)));
                }
            }
        }
    }
    if !p.history.is_empty() {
        let cells = width.min(60);
        let bucket = super::spark::bucket_for(app, vm.current_phase, cells);
        lines.push(Line::styled(
            format!(
                "history  {}, {} a cell",
                super::spark::describe(bucket, cells),
                crate::units::format_duration_exact(bucket)
            ),
            theme.dim(),
        ));
        lines.push(Line::from(super::spark::cells(
            app, theme, p, bucket, cells,
        )));
    }
    lines.push(Line::styled(
        "r poll now · any other key closes",
        theme.dim(),
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    let w = (width + 4) as u16;
    let rect = super::centered(area, w, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Probe ")),
        rect,
    );
}
