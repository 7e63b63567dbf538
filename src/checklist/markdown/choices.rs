//! Which alternatives are a choice: `Yes / No`, `GO / NO-GO`, `PASS/FAIL`, `SUCCESS / FAILED /
//! ROLLED BACK`, or short capitalised ones after a label — never `CPU/RAM` or `api/v1`.

/// Words that read as answers: alternatives made of them are a choice even without a label.
#[rustfmt::skip]
const ANSWERS: &[&str] = &[
    "yes", "no", "y", "n", "go", "no-go", "nogo", "no go", "pass", "passed",
    "fail", "failed", "failure", "ok", "okay", "nok", "not ok", "approved", "declined",
    "rejected", "denied", "accepted", "valid", "invalid", "success", "successful", "succeeded",
    "done", "not done", "complete", "completed", "incomplete", "pending", "true", "false",
    "healthy", "unhealthy", "degraded", "green", "yellow", "amber", "red", "stable", "unstable",
    "rollback", "rolled back", "proceed", "abort", "hold", "continue", "stop", "confirmed",
    "partial", "blocked", "skipped", "monitor", "patch", "n/a", "na", "none",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Inside backticks with no label before: only answers make a choice (`CPU/RAM` does not).
    Code,
    /// Inside backticks after `Label:`.
    Labelled,
    /// After `Label:` without backticks.
    Bare,
}

/// Two to six short alternatives that read as answers: `Yes / No`, `GO / NO-GO`,
/// `SUCCESS / FAILED / ROLLED BACK`, or any short capitalised ones after a label.
pub(super) fn choice_options(content: &str, mode: Mode) -> Option<Vec<String>> {
    if !content.contains('/') || content.contains("__") {
        return None;
    }
    let parts: Vec<&str> = content.split('/').map(str::trim).collect();
    if !(2..=6).contains(&parts.len()) || !parts.iter().all(|p| short_answer(p)) {
        return None;
    }
    let spaced = content
        .split('/')
        .skip(1)
        .all(|after| after.starts_with(' '))
        && content
            .split('/')
            .rev()
            .skip(1)
            .all(|before| before.ends_with(' '));
    let capitalised = parts
        .iter()
        .all(|p| p.chars().next().is_some_and(char::is_uppercase));
    let answers = parts
        .iter()
        .filter(|p| ANSWERS.contains(&p.to_lowercase().as_str()))
        .count();
    let ok = match mode {
        Mode::Code => answers * 2 >= parts.len(),
        Mode::Labelled => spaced || capitalised || answers == parts.len(),
        Mode::Bare => (spaced && capitalised) || answers == parts.len(),
    };
    ok.then(|| parts.iter().map(|p| p.to_string()).collect())
}

pub(super) fn short_answer(p: &str) -> bool {
    !p.is_empty()
        && p.chars().count() <= 24
        && p.split_whitespace().count() <= 3
        && p.chars().next().is_some_and(char::is_alphabetic)
        && p.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
}
