//! Cross-checks a loaded checklist: every `auto` and trigger `when` parses, and every probe it
//! names (there, or in `uses`) exists in the config — each error at its file:line:column.

use super::Loaded;
use crate::condition::{self, ConditionError};
use crate::config::Config;
use super::toml_format::access::closest;
use crate::error::{SourceError, SourceErrors};

/// Every condition of the checklist, parsed: `(where, source offset, parsed)`.
fn conditions(loaded: &Loaded) -> (Vec<(usize, condition::Condition)>, Vec<SourceError>) {
    let source = &loaded.source;
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    let mut push = |offset: usize, text: &str| match condition::parse(text) {
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

/// Parses every `auto` and trigger `when`.
pub fn condition_errors(loaded: &Loaded) -> Vec<SourceError> {
    conditions(loaded).1
}

/// Every probe named by the checklist must exist in `config` (which already holds the
/// checklist's own `[[probe]]` tables).
pub fn probe_errors(loaded: &Loaded, config: &Config) -> Vec<SourceError> {
    let source = &loaded.source;
    let known: Vec<&str> = config.probes.iter().map(|p| p.name.as_str()).collect();
    let hint = |name: &str| -> String {
        match closest(name, &known) {
            Some(c) => format!("did you mean `{c}`?"),
            None if known.is_empty() => {
                "no probes are defined: add a [[probe]] to the config (--config FILE) or to the checklist"
                    .to_owned()
            }
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
            if !known.contains(&r.probe.as_str()) {
                let e = ConditionError {
                    offset: r.offset,
                    column: r.column,
                    message: format!("unknown probe `{}`", r.probe),
                    hint: Some(hint(&r.probe)),
                };
                errors.push(e.locate(&source.file, &source.text, offset));
            }
        }
    }
    errors
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
