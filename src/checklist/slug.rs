//! Stable, readable ids from text: `Verify No Active Syncs` → `verify-no-active-syncs`, made unique
//! with `-2`, `-3` in document order.

use std::collections::{HashMap, HashSet};

/// Longest id we derive; long enough to stay recognisable, short enough for a journal column.
pub const MAX_SLUG: usize = 40;

/// Lowercase ASCII letters and digits joined by single dashes; link targets and markup dropped.
/// Returns an empty string when the text has no ASCII letter or digit (all emoji, say).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in strip_link_targets(text).chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '’' {
            // Apostrophes join words (`don't` → `dont`); everything else separates them.
            pending_dash = true;
        }
        if out.len() > MAX_SLUG * 2 {
            break;
        }
    }
    truncate(out)
}

/// Cuts at the last dash that keeps at least half the length, so words are not chopped.
fn truncate(mut s: String) -> String {
    if s.len() <= MAX_SLUG {
        return s;
    }
    s.truncate(MAX_SLUG);
    if let Some(dash) = s.rfind('-')
        && dash >= MAX_SLUG / 2
    {
        s.truncate(dash);
    }
    while s.ends_with('-') {
        s.pop();
    }
    s
}

/// `[text](target)` → `text`, so ids do not fill up with URLs.
fn strip_link_targets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("](") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        match after.find(')') {
            Some(end) => rest = &after[end + 1..],
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Hands out ids unique within one namespace (items of a checklist, phases, fields of an item).
#[derive(Debug, Default)]
pub struct IdSet {
    used: HashSet<String>,
    /// Next suffix to try per base, so a thousand equal texts cost a thousand steps, not a million.
    next_suffix: HashMap<String, usize>,
}

impl IdSet {
    /// Reserves an id given explicitly; false when it was already taken.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.used.contains(id)
    }

    /// A fresh id derived from `text` (or `fallback` when the text yields none).
    pub fn fresh(&mut self, text: &str, fallback: &str) -> String {
        let base = match slug(text) {
            s if s.is_empty() => fallback.to_string(),
            s => s,
        };
        self.unique(base, |base, n| format!("{base}-{n}"))
    }

    /// `base` itself if free, else `numbered(base, 2)`, `numbered(base, 3)`…
    pub fn unique(&mut self, base: String, numbered: impl Fn(&str, usize) -> String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(2);
        loop {
            let candidate = numbered(&base, *n);
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_read_well() {
        assert_eq!(slug("**Verify No Active Syncs**"), "verify-no-active-syncs");
        assert_eq!(
            slug("`uuid` package installed: `npm ls uuid`"),
            "uuid-package-installed-npm-ls-uuid"
        );
        assert_eq!(slug("ðŸš€ Pre-Deployment Setup"), "pre-deployment-setup");
        assert_eq!(
            slug("See [the guide](./GUIDE.md) first"),
            "see-the-guide-first"
        );
        assert_eq!(slug("🚀🚀"), "");
        let long =
            slug("Run migration: psql -U postgres -d pnptv_db -f apps/backend/migrations/064.sql");
        assert!(long.len() <= MAX_SLUG && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn ids_are_unique_in_order() {
        let mut ids = IdSet::default();
        assert_eq!(ids.fresh("Backup", "item"), "backup");
        assert_eq!(ids.fresh("backup", "item"), "backup-2");
        assert!(ids.reserve("x"));
        assert!(!ids.reserve("x"));
        assert_eq!(ids.fresh("", "item"), "item");
        assert_eq!(ids.fresh("✅", "item"), "item-2");
    }
}
