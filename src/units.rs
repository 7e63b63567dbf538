//! The one unit table: durations, sizes and ratios as people write them in configs, conditions
//! and imported checklists (`500ms`, `30secs`, `5 minutes`, `1h30m`, `512MB`, `70%`), and the
//! formats the screen and the files write back.

use std::time::Duration;

/// What a number measures once its unit is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// A plain number (a count, a status code).
    Plain,
    /// Time, in milliseconds.
    Duration,
    /// Bytes.
    Size,
    /// A fraction: `5%` is 0.05.
    Ratio,
}

/// Every unit, spelled exactly (case matters: `m` is minutes, `MB` megabytes), with its factor to
/// the base unit of its dimension (milliseconds, bytes, fraction).
const UNITS: &[(&str, Dimension, f64)] = &[
    ("ms", Dimension::Duration, 1.0),
    ("s", Dimension::Duration, 1_000.0),
    ("sec", Dimension::Duration, 1_000.0),
    ("secs", Dimension::Duration, 1_000.0),
    ("second", Dimension::Duration, 1_000.0),
    ("seconds", Dimension::Duration, 1_000.0),
    ("m", Dimension::Duration, 60_000.0),
    ("min", Dimension::Duration, 60_000.0),
    ("mins", Dimension::Duration, 60_000.0),
    ("minute", Dimension::Duration, 60_000.0),
    ("minutes", Dimension::Duration, 60_000.0),
    ("h", Dimension::Duration, 3_600_000.0),
    ("hr", Dimension::Duration, 3_600_000.0),
    ("hrs", Dimension::Duration, 3_600_000.0),
    ("hour", Dimension::Duration, 3_600_000.0),
    ("hours", Dimension::Duration, 3_600_000.0),
    ("d", Dimension::Duration, 86_400_000.0),
    ("day", Dimension::Duration, 86_400_000.0),
    ("days", Dimension::Duration, 86_400_000.0),
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

/// The list shown in hints when a unit is not known.
pub const KNOWN_UNITS: &str = "durations ms s m h d (also sec, secs, min, mins, hr, hours, days); \
                               sizes B KB MB GB TB KiB MiB GiB TiB; ratios %";

/// The longest duration anything accepts: ten years. Longer ones are typing mistakes (`1e20s`),
/// and refusing them keeps every later sum and conversion far from overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(10 * 365 * 86_400);

/// How [`MAX_DURATION`] reads in messages.
pub const MAX_DURATION_TEXT: &str = "10 years (3650d)";

/// Sizes above this are refused (`max_body` and friends): a terabyte.
const MAX_SIZE: f64 = 1e12;

/// The dimension and factor of a unit spelled exactly as the table has it.
pub fn lookup(unit: &str) -> Option<(Dimension, f64)> {
    UNITS
        .iter()
        .find(|(name, _, _)| *name == unit)
        .map(|(_, dim, factor)| (*dim, *factor))
}

/// A near miss for an unknown unit (`Mb` → `MB`, `Ms` → `ms`, `millis` → `ms`).
pub fn suggest(unit: &str) -> Option<&'static str> {
    let fixed = match unit.to_ascii_lowercase().as_str() {
        "msec" | "msecs" | "millis" | "milliseconds" => "ms",
        "byte" | "bytes" => "B",
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

/// A duration of `ms` milliseconds, or `None` when it is negative, not a number, or longer than
/// [`MAX_DURATION`].
pub fn duration_from_millis(ms: f64) -> Option<Duration> {
    let max_ms = MAX_DURATION.as_secs_f64() * 1000.0;
    if !(ms.is_finite() && (0.0..=max_ms).contains(&ms)) {
        return None;
    }
    // whole milliseconds stay exact (`162937913589ms` must read back as written); only the
    // fraction goes through floating point, rounded to the nanosecond
    let whole = ms.trunc();
    let nanos = ((ms - whole) * 1e6).round() as u64;
    Some(Duration::from_millis(whole as u64) + Duration::from_nanos(nanos))
}

/// Parses a human duration: one or more `<number><unit>` parts (`30s`, `1h30m`, `5 minutes`,
/// `1.5h`), at most [`MAX_DURATION`]. A bare number is rejected so that `timeout = "5"` cannot
/// silently mean 5 seconds or 5 ms.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration; write it like `30s`, `5m` or `1h30m`".into());
    }
    let mut total_ms = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let (number, unit, after) = split_number(rest);
        if number.is_empty() {
            return Err(format!(
                "`{text}` is not a duration; write it like `30s`, `5m` or `1h30m`"
            ));
        }
        let number: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` has a bad number; write it like `30s` or `1.5m`"))?;
        let factor = match lookup(unit) {
            Some((Dimension::Duration, factor)) => factor,
            _ if unit.is_empty() => {
                return Err(format!(
                    "`{text}` has no unit; add one: `ms`, `s`, `m`, `h` (e.g. `{s}s`)"
                ));
            }
            _ => {
                return Err(format!(
                    "`{unit}` is not a duration unit in `{text}`; use `ms`, `s`, `m`, `h` or `d`"
                ));
            }
        };
        total_ms += number * factor;
        rest = after.trim_start();
    }
    duration_from_millis(total_ms)
        .ok_or_else(|| format!("`{text}` is out of range (at most {MAX_DURATION_TEXT})"))
}

/// Parses a size in bytes: `1048576`, `512KB`, `1MiB`, `2 MB`, from 1 byte to 1 TB.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let (number, unit, after) = split_number(text.trim());
    if number.is_empty() || !after.trim().is_empty() {
        return Err(format!("`{text}` is not a size"));
    }
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size"))?;
    let factor = match lookup(unit) {
        _ if unit.is_empty() => 1.0,
        Some((Dimension::Size, factor)) => factor,
        _ => {
            return Err(format!(
                "`{unit}` is not a size unit (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)"
            ));
        }
    };
    let bytes = number * factor;
    if !(1.0..=MAX_SIZE).contains(&bytes) {
        return Err(format!("`{text}` is out of range"));
    }
    Ok(bytes as u64)
}

/// `"1.5 hours rest"` → (`"1.5"`, `"hours"`, `" rest"`): digits and one dot, optional spaces, then
/// a run of letters or one `%`.
fn split_number(text: &str) -> (&str, &str, &str) {
    let num_len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, rest) = text.split_at(num_len);
    let spaced = rest.trim_start();
    let unit_len = if spaced.starts_with('%') {
        1
    } else {
        spaced
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(spaced.len())
    };
    let (unit, after) = spaced.split_at(unit_len);
    (number, unit, after)
}

/// Formats a duration compactly for the screen: `850ms`, `12s`, `3m12s`, `1h05m`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    if secs < 60 {
        return format!("{secs}s");
    }
    if secs < 3600 {
        return format!("{}m{:02}s", secs / 60, secs % 60);
    }
    format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
}

/// Formats a clock-style span `H:MM:SS` (or `M:SS` under an hour), as the header shows elapsed time.
pub fn format_clock(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 3600 {
        format!("{}:{:02}", secs / 60, secs % 60)
    } else {
        format!("{}:{:02}:{:02}", secs / 3600, (secs % 3600) / 60, secs % 60)
    }
}

/// Serde support for `Option<Duration>` written as a human string (`"5m"`).
pub mod serde_opt_duration {
    use super::{format_duration_exact, parse_duration};
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&format_duration_exact(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| parse_duration(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Formats a duration so that [`parse_duration`] reads it back exactly: `1h30m`, `90s`, `250ms`,
/// `1.5ms`.
pub fn format_duration_exact(d: Duration) -> String {
    let ms = d.as_millis();
    let below_ms = d.subsec_nanos() % 1_000_000;
    if below_ms != 0 {
        // the parser keeps fractions of a millisecond; writing `1.5ms` as `1ms` would change it
        let digits = format!("{below_ms:06}");
        return format!("{ms}.{}ms", digits.trim_end_matches('0'));
    }
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30secs"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("5 minutes"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2 days"), Ok(Duration::from_secs(172_800)));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("5MB").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn durations_have_a_maximum() {
        assert_eq!(parse_duration("3650d"), Ok(MAX_DURATION));
        let err = parse_duration("3651d").unwrap_err();
        assert!(err.contains("out of range"), "{err}");
        assert!(parse_duration("99999999999999999999999s").is_err());
        assert_eq!(duration_from_millis(1e23), None);
        assert_eq!(duration_from_millis(-1.0), None);
        assert_eq!(duration_from_millis(f64::NAN), None);
        assert_eq!(
            duration_from_millis(1500.0),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_size("512KB"), Ok(512_000));
        assert_eq!(parse_size("1MiB"), Ok(1_048_576));
        assert_eq!(parse_size("2 MB"), Ok(2_000_000));
        assert_eq!(parse_size("1TB"), Ok(1_000_000_000_000));
        assert!(parse_size("1TiB").is_err(), "over a terabyte");
        assert!(parse_size("5s").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("MB").is_err());
        assert!(parse_size("1MB 2").is_err());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("Ms"), Some("ms"));
        assert_eq!(suggest("mb"), Some("MB"));
        assert_eq!(suggest("millis"), Some("ms"));
        assert_eq!(suggest("percent"), Some("%"));
        assert_eq!(suggest("parsecs"), None);
    }

    #[test]
    fn exact_format_round_trips() {
        for d in [250, 1000, 90_000, 5_400_000, 3_600_000] {
            let d = Duration::from_millis(d);
            assert_eq!(parse_duration(&format_duration_exact(d)), Ok(d));
        }
        // a fraction of a millisecond (the units fuzzer's find: `1.5 ms` came back as `1ms`)
        for text in ["1.5 ms", "0.000001ms", "2.25s", "315359999999.5ms"] {
            let d = parse_duration(text).unwrap();
            assert_eq!(parse_duration(&format_duration_exact(d)), Ok(d), "{text}");
        }
        assert_eq!(format_duration_exact(Duration::from_micros(1500)), "1.5ms");
    }
}
