//! Field targets as teams write them (`< 500ms`, `> 99%`, `0`, `≥ 100k`, `< 2 min`), checked against
//! a value a person typed (`430`, `0.4s`, `99.95%`, `12 GB`) in the field's unit.

use serde::Serialize;

/// The verdict on one typed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum TargetCheck {
    Met,
    Missed {
        why: String,
    },
    /// The target or the value is not a number we can read, or their units measure different things.
    NotComparable,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// What a quantity measures; an unknown unit (`MB/hour`, `req/s`) is compared only with itself.
#[derive(Debug, Clone, PartialEq)]
enum Dim {
    Plain,
    Duration,
    Size,
    Ratio,
    Other(String),
}

/// Checks `value` (as typed) against `target` (as written), `unit` being the field's unit, which a
/// bare number on either side is taken to be in.
pub fn check<'a>(target: &'a str, value: &'a str, unit: Option<&'a str>) -> TargetCheck {
    let Some((op, target_text)) = comparator(target) else {
        return TargetCheck::NotComparable;
    };
    let (Some((t_num, t_unit)), Some((v_num, v_unit))) = (number(target_text), number(value))
    else {
        return TargetCheck::NotComparable;
    };
    let field_unit = unit.map(str::trim).filter(|u| !u.is_empty());
    // A bare number is in the field's unit, else in the other side's; `k`/`M` are magnitudes of
    // the number they follow, never a unit to lend.
    let lend = |u: Option<&'a str>| u.filter(|u| !matches!(*u, "k" | "K" | "M"));
    let t_unit = t_unit.or(field_unit).or(lend(v_unit));
    let v_unit = v_unit.or(field_unit).or(lend(t_unit));
    let (Some((t_dim, t_factor)), Some((v_dim, v_factor))) = (dimension(t_unit), dimension(v_unit))
    else {
        return TargetCheck::NotComparable;
    };
    if t_dim != v_dim {
        return TargetCheck::NotComparable;
    }
    let (a, b) = (v_num * v_factor, t_num * t_factor);
    let close = (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    let met = match op {
        Op::Lt => a < b && !close,
        Op::Le => a <= b || close,
        Op::Gt => a > b && !close,
        Op::Ge => a >= b || close,
        Op::Eq => close,
        Op::Ne => !close,
    };
    if met {
        return TargetCheck::Met;
    }
    let typed = value.trim();
    let shown = match (number(value).and_then(|(_, u)| u), field_unit) {
        (None, Some(u)) => format!("{typed} {u}"),
        _ => typed.to_string(),
    };
    TargetCheck::Missed {
        why: format!("{shown} is not {}", target_label(target)),
    }
}

/// A number a person typed into a field whose unit is `field_unit`, as it is recorded: `800ms`
/// in a field in ms is `800`, `0.8s` is `800` too, `12` stays `12`; in a field without a unit a
/// unit typed is kept (`12 GB`). Text that is not a number, a unit that is not one, or a unit of
/// another kind (`5 GB` in a field in ms) is refused with a one-line reason.
pub fn normalize(value: &str, field_unit: Option<&str>) -> Result<String, String> {
    let typed = value.trim();
    let Some((n, unit)) = number(typed) else {
        return Err(format!("`{typed}` is not a number"));
    };
    let field_unit = field_unit.map(str::trim).filter(|u| !u.is_empty());
    let Some(unit) = unit else {
        return Ok(plain(n));
    };
    let Some((dim, factor)) = dimension(Some(unit)) else {
        return Err(format!("`{typed}` is not a number with a unit"));
    };
    let Some(field_unit) = field_unit else {
        return Ok(format!("{} {unit}", plain(n)));
    };
    if unit == field_unit {
        return Ok(plain(n));
    }
    match dimension(Some(field_unit)) {
        // `12k` in a count field: a magnitude, not a unit
        _ if dim == Dim::Plain => Ok(plain(n * factor)),
        Some((field_dim, field_factor)) if field_dim == dim && !matches!(dim, Dim::Other(_)) => {
            Ok(plain(n * factor / field_factor))
        }
        _ => Err(format!("`{typed}` is not in {field_unit}")),
    }
}

/// A number as a field records it: no trailing zeros, at most six decimals.
fn plain(n: f64) -> String {
    let text = format!("{n:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// The target as shown in a message: trimmed, without a leading `target:`.
fn target_label(target: &str) -> &str {
    strip_prefix_ci(target.trim(), "target")
        .map(|rest| rest.trim_start_matches(':').trim())
        .unwrap_or(target.trim())
}

/// The comparison and what follows it; no comparison means "equals" (`0`, `100%`).
fn comparator(target: &str) -> Option<(Op, &str)> {
    let text = target_label(target);
    // Longest first; `‚â•`/`‚â§` are `≥`/`≤` mis-decoded as Mac Roman, which the seeds carry.
    const OPS: &[(&str, Op)] = &[
        ("‚â•", Op::Ge),
        ("‚â§", Op::Le),
        ("less than or equal to", Op::Le),
        ("greater than or equal to", Op::Ge),
        ("less than", Op::Lt),
        ("more than", Op::Gt),
        ("greater than", Op::Gt),
        ("at least", Op::Ge),
        ("at most", Op::Le),
        ("up to", Op::Le),
        ("under", Op::Lt),
        ("below", Op::Lt),
        ("over", Op::Gt),
        ("above", Op::Gt),
        ("max", Op::Le),
        ("min", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        (">=", Op::Ge),
        ("=>", Op::Ge),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<>", Op::Ne),
        ("≤", Op::Le),
        ("≥", Op::Ge),
        ("≠", Op::Ne),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ];
    for (word, op) in OPS {
        if let Some(rest) = strip_prefix_ci(text, word) {
            let rest = rest.trim_start_matches(':').trim();
            // `max`/`min` only as words, so `min` is never read off `min 5` wrongly as a unit.
            if word.chars().all(|c| c.is_ascii_alphabetic())
                && !rest.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-')
            {
                continue;
            }
            return Some((*op, rest));
        }
    }
    Some((Op::Eq, text))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A number and the unit after it: `430`, `0.4s`, `99.95 %`, `10,000`, `100k`, `12 GB`.
fn number(text: &str) -> Option<(f64, Option<&str>)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '_' | '-' | '+')))
        .unwrap_or(text.len());
    let digits: String = text[..end]
        .chars()
        .filter(|c| !matches!(c, ',' | '_'))
        .collect();
    let n: f64 = digits.parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    let unit = text[end..].trim();
    Some((n, (!unit.is_empty()).then_some(unit)))
}

/// A unit as people write it, loosely: case does not matter except `m` (minutes) and `M` (million).
fn dimension(unit: Option<&str>) -> Option<(Dim, f64)> {
    let Some(unit) = unit else {
        return Some((Dim::Plain, 1.0));
    };
    if unit == "M" {
        return Some((Dim::Plain, 1e6));
    }
    if unit.contains(|c: char| c.is_ascii_digit() || c.is_whitespace()) {
        return None;
    }
    let lower = unit.to_ascii_lowercase();
    Some(match lower.as_str() {
        "k" => (Dim::Plain, 1e3),
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => (Dim::Duration, 1.0),
        "s" | "sec" | "secs" | "second" | "seconds" => (Dim::Duration, 1e3),
        "m" | "min" | "mins" | "minute" | "minutes" => (Dim::Duration, 6e4),
        "h" | "hr" | "hrs" | "hour" | "hours" => (Dim::Duration, 3.6e6),
        "d" | "day" | "days" => (Dim::Duration, 8.64e7),
        "%" | "pct" | "percent" => (Dim::Ratio, 0.01),
        "b" | "byte" | "bytes" => (Dim::Size, 1.0),
        "kb" => (Dim::Size, 1e3),
        "mb" => (Dim::Size, 1e6),
        "gb" => (Dim::Size, 1e9),
        "tb" => (Dim::Size, 1e12),
        "kib" => (Dim::Size, 1024.0),
        "mib" => (Dim::Size, 1_048_576.0),
        "gib" => (Dim::Size, 1_073_741_824.0),
        "tib" => (Dim::Size, 1_099_511_627_776.0),
        _ => (Dim::Other(lower), 1.0),
    })
}
