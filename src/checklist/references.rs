//! Cross-checks a loaded checklist: every `auto` and trigger `when` parses, every phase a baseline
//! names exists, and every probe it names (there, or in `uses`) exists in the config — each error
//! at its file:line:column.

use super::Loaded;
use crate::condition::{self, ConditionError, RefKind};
use crate::config::Config;
use crate::error::{SourceError, SourceErrors};
use crate::suggest::closest;

/// Every condition of the checklist, parsed: `(where, source offset, parsed)`.
fn conditions(loaded: &Loaded) -> (Vec<(usize, condition::Condition)>, Vec<SourceError>) {
    let source = &loaded.source;
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    let mut push = |offset: usize, text: &str| match condition::parse(text) {
        // an empty condition is the structural pass's error already
        _ if text.trim().is_empty() => {}
        Ok(c) => parsed.push((offset, c)),
        Err(e) => errors.push(e.locate(&source.file, &source.text, offset)),
    };
    for r in loaded.checklist.walk() {
        if let Some(auto) = &r.item.auto {
            let offset = source.auto.get(&r.item.id).copied().unwrap_or(0);
            push(offset, auto);
        }
    }
    for (i, t) in loaded.checklist.triggers.iter().enumerate() {
        let offset = source.trigger_when.get(i).copied().unwrap_or(0);
        push(offset, &t.when);
    }
    (parsed, errors)
}

/// Parses every `auto` and trigger `when`, and checks that each phase a `baseline(…, "PHASE")`
/// names is one of the checklist's.
pub fn condition_errors(loaded: &Loaded) -> Vec<SourceError> {
    let (parsed, mut errors) = conditions(loaded);
    errors.extend(phase_errors(loaded, &parsed));
    errors
}

/// A baseline's phase must be a phase id of the checklist, or it would never be captured.
fn phase_errors(loaded: &Loaded, parsed: &[(usize, condition::Condition)]) -> Vec<SourceError> {
    let source = &loaded.source;
    let ids: Vec<&str> = loaded
        .checklist
        .phases
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    let mut errors = Vec::new();
    for (offset, cond) in parsed {
        for r in cond.reference_slice() {
            let (Some(phase), Some(at)) = (&r.scope, r.scope_offset) else {
                continue;
            };
            if ids.contains(&phase.as_str()) {
                continue;
            }
            let by_name = loaded.checklist.phases.iter().find(|p| p.name == *phase);
            let hint = match (by_name, closest(phase, &ids)) {
                (Some(p), _) => format!("a baseline names its phase by id: `{}`", p.id),
                (None, Some(c)) => format!("did you mean `{c}`? phase ids: {}", listed(&ids)),
                (None, None) => format!("phase ids: {}", listed(&ids)),
            };
            let e = ConditionError::new(cond.source(), at, format!("unknown phase `{phase}`"))
                .hint(hint);
            errors.push(e.locate(&source.file, &source.text, *offset));
        }
    }
    errors
}

/// Every probe named by the checklist must exist in `config` (which already holds the
/// checklist's own `[[probe]]` tables), and every output a condition reads must be one its kind
/// gives (`api.stauts` is an error with a did-you-mean).
pub fn probe_errors(loaded: &Loaded, config: &Config) -> Vec<SourceError> {
    let source = &loaded.source;
    let known: Vec<&str> = config.probes.iter().map(|p| p.name.as_str()).collect();
    // a checklist shipped with an example config beside it (`NAME.config.toml`)
    let sibling = source
        .file
        .file_stem()
        .map(|stem| {
            source
                .file
                .with_file_name(format!("{}.config.toml", stem.to_string_lossy()))
        })
        .filter(|p| p.is_file());
    let hint = |name: &str| -> String {
        match closest(name, &known) {
            Some(c) => format!("did you mean `{c}`?"),
            None if known.is_empty() => match &sibling {
                Some(p) => format!("no probes are defined: pass the config beside it, --config {}", p.display()),
                None => "no probes are defined: add a [[probe]] to the config (--config FILE) or to the checklist"
                    .to_owned(),
            },
            None => format!("known probes: {}", known.join(", ")),
        }
    };
    let mut errors = Vec::new();
    for (i, name) in loaded.checklist.uses.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            let offset = source.uses.get(i).copied().unwrap_or(0);
            errors.push(
                source
                    .error_at(offset, format!("unknown probe `{name}`"))
                    .with_hint(hint(name)),
            );
        }
    }
    let (parsed, _) = conditions(loaded);
    for (offset, cond) in parsed {
        for r in cond.references() {
            let Some(spec) = config.probe(&r.probe) else {
                let e = ConditionError {
                    offset: r.offset,
                    column: r.column,
                    message: format!("unknown probe `{}`", r.probe),
                    hint: Some(hint(&r.probe)),
                };
                errors.push(e.locate(&source.file, &source.text, offset));
                continue;
            };
            if !matches!(r.kind, RefKind::Output | RefKind::Baseline) {
                continue;
            }
            if let Some((message, output_hint)) = spec.kind().unknown_output(&r.probe, &r.path) {
                let e = ConditionError {
                    offset: r.offset,
                    column: r.column,
                    message,
                    hint: Some(output_hint),
                };
                errors.push(e.locate(&source.file, &source.text, offset));
            }
        }
    }
    once_per_name(errors)
}

/// Warnings, not errors: a trigger or `auto` that writes `!NAME.ok` for a probe that has a `warn`
/// condition fires on a merely slow answer (WARN is not OK) — an outage reads `!NAME.up`.
pub fn ok_warnings(loaded: &Loaded, config: &Config) -> Vec<SourceError> {
    let source = &loaded.source;
    let (parsed, _) = conditions(loaded);
    let mut out = Vec::new();
    for (offset, cond) in parsed {
        for r in cond.references() {
            if r.kind != condition::RefKind::State {
                continue;
            }
            let negated = cond
                .source()
                .get(..r.offset)
                .is_some_and(|before| before.trim_end().ends_with('!'));
            let has_warn = config
                .probes
                .iter()
                .any(|p| p.name == r.probe && p.warn.is_some());
            if negated && has_warn {
                let e = ConditionError {
                    offset: r.offset,
                    column: r.column,
                    message: format!(
                        "`!{0}.ok` is also true while `{0}` is merely WARN (its `warn` condition)",
                        r.probe
                    ),
                    hint: Some(format!(
                        "for \"{0} is down\" write `!{0}.up` (no answer, or CRIT); keep `!{0}.ok` \
                         only if WARN should count too",
                        r.probe
                    )),
                };
                out.push(e.locate(&source.file, &source.text, offset));
            }
        }
    }
    out
}

/// The first few ids, enough to recognise the one meant.
fn listed(ids: &[&str]) -> String {
    const SHOWN: usize = 12;
    let mut out = ids
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        out.push_str(", …");
    }
    out
}

/// One error per unknown probe name, at its first place, listing the other lines: thirty copies
/// of the same mistake hide the one that matters.
fn once_per_name(mut errors: Vec<SourceError>) -> Vec<SourceError> {
    errors.sort_by_key(|e| (e.line, e.column));
    let mut out: Vec<SourceError> = Vec::new();
    let mut more: Vec<Vec<usize>> = Vec::new();
    for e in errors {
        match out.iter().position(|o| o.message == e.message) {
            Some(i) => more[i].push(e.line),
            None => {
                out.push(e);
                more.push(Vec::new());
            }
        }
    }
    for (e, lines) in out.iter_mut().zip(more) {
        if !lines.is_empty() {
            let shown: Vec<String> = lines.iter().take(8).map(|l| l.to_string()).collect();
            let tail = if lines.len() > 8 { ", …" } else { "" };
            let hint = e.hint.take().unwrap_or_default();
            e.hint = Some(format!(
                "{hint} (also used on line {}{tail})",
                shown.join(", ")
            ));
        }
    }
    out
}

/// Both checks; all errors at once, in file order.
pub fn check(loaded: &Loaded, config: &Config) -> Result<(), SourceErrors> {
    let mut errors = condition_errors(loaded);
    if errors.is_empty() {
        errors = probe_errors(loaded, config);
    }
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    Err(SourceErrors(errors))
}
