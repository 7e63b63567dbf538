//! Time written on headings: "(5 minutes)" and "(max 10 minutes)" are budgets, "(30-60 minutes)"
//! is a window on the timeline — it starts 30 minutes in and lasts 30 minutes.

use std::time::Duration;

/// Budgets of a day or more describe *when* ("Post-Deployment (24 Hours)"), not how long.
const MAX_BUDGET: Duration = Duration::from_secs(12 * 3600);

/// A window may end later than a budget may last: "(4-24 hours)" is the rest of the first day.
const MAX_WINDOW_END: Duration = Duration::from_secs(7 * 24 * 3600);

/// When a phase happens: how long after the window opens it starts, and how long it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Timing {
    pub offset: Option<Duration>,
    pub budget: Duration,
}

/// "Step 2: Database Migration (5 minutes)" → ("Step 2: Database Migration", 5m budget);
/// "Monitoring (30-60 minutes)" → ("Monitoring", 30m offset, 30m budget).
pub(super) fn heading_timing(text: &str) -> Option<(String, Timing)> {
    let trimmed = text.trim_end();
    let inner_end = trimmed.strip_suffix(')')?;
    let open = inner_end.rfind('(')?;
    let inner = inner_end[open + 1..].trim();
    let inner = inner.trim_start_matches(['~', '≈']).trim_start();
    let timing = spoken(inner).or_else(|| {
        let budget = crate::units::parse_duration(inner).ok()?;
        Some(Timing {
            offset: None,
            budget,
        })
    })?;
    if timing.budget.is_zero() {
        return None;
    }
    let end = timing.offset.unwrap_or_default() + timing.budget;
    let limit = if timing.offset.is_some() {
        MAX_WINDOW_END
    } else {
        MAX_BUDGET
    };
    if end > limit {
        return None;
    }
    let name = inner_end[..open]
        .trim_end()
        .trim_end_matches([':', '-', '—'])
        .trim_end();
    let budget = Duration::from_secs(timing.budget.as_secs().max(1));
    Some((name.to_string(), Timing { budget, ..timing }))
}

/// "5 minutes", "2 min", "1.5 hours", "max 10 minutes", "up to 1 hour", "30-60 minutes".
fn spoken(text: &str) -> Option<Timing> {
    let lower = text.to_lowercase();
    let text = ["max ", "max. ", "maximum ", "up to ", "at most ", "< "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim_start();
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '–' || c == ' '))
        .unwrap_or(text.len());
    let number = text[..number_end].trim();
    let unit = text[number_end..].trim();
    let seconds = match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        _ => return None,
    };
    let span = |v: f64| {
        let total = v * seconds;
        (total.is_finite() && (0.0..1e9).contains(&total))
            .then(|| Duration::from_secs_f64(total.round()))
    };
    match number.split_once(['-', '–']) {
        Some((low, high)) => {
            let low = span(low.trim().parse().ok()?)?;
            let high = span(high.trim().parse().ok()?)?;
            (high > low).then(|| Timing {
                offset: Some(low),
                budget: high - low,
            })
        }
        None => Some(Timing {
            offset: None,
            budget: span(number.parse().ok()?)?,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(text: &str) -> Option<(u64, u64)> {
        heading_timing(text).map(|(_, t)| {
            (
                t.offset.map_or(u64::MAX, |o| o.as_secs()),
                t.budget.as_secs(),
            )
        })
    }

    #[test]
    fn budgets_and_windows() {
        let (name, t) = heading_timing("Step 2: Database Migration (5 minutes)").unwrap();
        assert_eq!(name, "Step 2: Database Migration");
        assert_eq!((t.offset, t.budget), (None, Duration::from_secs(300)));
        assert_eq!(timing("Deploy (1 hour)"), Some((u64::MAX, 3600)));
        assert_eq!(timing("Deploy (2 min)"), Some((u64::MAX, 120)));
        assert_eq!(timing("Deploy (90s)"), Some((u64::MAX, 90)));
        assert_eq!(timing("Deploy (max 10 minutes)"), Some((u64::MAX, 600)));
        assert_eq!(timing("Monitoring (30-60 minutes)"), Some((1800, 1800)));
        assert_eq!(timing("Watch (1-4 hours)"), Some((3600, 3 * 3600)));
        assert_eq!(timing("Settle (4-24 hours)"), Some((4 * 3600, 20 * 3600)));
        assert_eq!(timing("Deploy (5-10 minutes)"), Some((300, 300)));
        assert!(timing("Post-Deployment (24 Hours)").is_none());
        assert!(timing("Post-Deployment (7 Days)").is_none());
        assert!(timing("Immediate Checks (First 15 Minutes)").is_none());
        assert!(timing("Odd (60-30 minutes)").is_none());
    }
}
