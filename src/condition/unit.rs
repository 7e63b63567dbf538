//! Units a condition literal may carry, and what they normalise to (ms, bytes, fractions).

/// What a number measures once its unit is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// A plain number (a count, a status code).
    Plain,
    /// Milliseconds.
    Duration,
    /// Bytes.
    Size,
    /// A fraction: `5%` is 0.05.
    Ratio,
}

/// The units the condition language knows, spelled exactly, with their factor to the base unit.
const UNITS: &[(&str, Dimension, f64)] = &[
    ("ms", Dimension::Duration, 1.0),
    ("s", Dimension::Duration, 1_000.0),
    ("sec", Dimension::Duration, 1_000.0),
    ("m", Dimension::Duration, 60_000.0),
    ("min", Dimension::Duration, 60_000.0),
    ("h", Dimension::Duration, 3_600_000.0),
    ("hr", Dimension::Duration, 3_600_000.0),
    ("d", Dimension::Duration, 86_400_000.0),
    ("B", Dimension::Size, 1.0),
    ("KB", Dimension::Size, 1e3),
    ("kB", Dimension::Size, 1e3),
    ("MB", Dimension::Size, 1e6),
    ("GB", Dimension::Size, 1e9),
    ("TB", Dimension::Size, 1e12),
    ("KiB", Dimension::Size, 1024.0),
    ("MiB", Dimension::Size, 1_048_576.0),
    ("GiB", Dimension::Size, 1_073_741_824.0),
    ("TiB", Dimension::Size, 1_099_511_627_776.0),
    ("%", Dimension::Ratio, 0.01),
];

/// The factor and dimension of a unit spelled exactly as the language accepts it.
pub fn lookup(unit: &str) -> Option<(Dimension, f64)> {
    UNITS
        .iter()
        .find(|(name, _, _)| *name == unit)
        .map(|(_, dim, factor)| (*dim, *factor))
}

/// The list shown in hints when a unit is not known.
pub const KNOWN_UNITS: &str = "durations ms s m h d; sizes B KB MB GB TB KiB MiB GiB TiB; ratios %";

/// A near miss for an unknown unit, case-insensitively (`Mb` → `MB`, `Ms` → `ms`).
pub fn suggest(unit: &str) -> Option<&'static str> {
    let lower = unit.to_ascii_lowercase();
    let fixed = match lower.as_str() {
        "secs" | "second" | "seconds" => "s",
        "mins" | "minute" | "minutes" => "m",
        "hrs" | "hour" | "hours" => "h",
        "day" | "days" => "d",
        "msec" | "msecs" | "millis" => "ms",
        "b" | "byte" | "bytes" => "B",
        "pct" | "percent" => "%",
        _ => {
            return UNITS
                .iter()
                .find(|(name, _, _)| name.eq_ignore_ascii_case(unit))
                .map(|(name, _, _)| *name);
        }
    };
    Some(fixed)
}
