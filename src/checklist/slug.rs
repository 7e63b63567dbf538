//! Readable slugs from text: `Verify No Active Syncs` → `verify-no-active-syncs`, in any script
//! (`Cập nhật env` → `cap-nhat-env`, `Проверить бэкап` → `проверить-бэкап`), plus the id sets
//! that keep phase and field ids unique.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest slug kept whole, in bytes. With the two hash suffixes an item id may carry
/// (`-1a2b` for a cut text, `-1a2b3c` for a repeated one) an id stays within 44 bytes.
pub const MAX_SLUG: usize = 37;

/// A cut slug is shortened to this so its content hash still fits in [`MAX_SLUG`].
const CUT_SLUG: usize = MAX_SLUG - 5;

/// Past this many bytes the slug of a text stops growing; the rest only feeds the hash.
const FULL_SLUG_CAP: usize = 256;

/// Lowercase letters and digits joined by single dashes, at most [`MAX_SLUG`] bytes, cut between
/// words. Latin letters lose their accents, other scripts keep their letters; mis-decoded emoji
/// (`ðŸš€`) and link targets are dropped. Empty when the text has no letter or digit.
pub fn slug(text: &str) -> String {
    truncate(full_slug(text), MAX_SLUG)
}

/// The slug of the whole text (up to a generous cap), before any cut: two texts with the same
/// full slug read the same to a person (`Backup` / `backup!`).
pub fn full_slug(text: &str) -> String {
    let repaired = repair_mojibake(text);
    let mut out = String::new();
    let mut pending_dash = false;
    // Combining marks stay only after a letter kept as it is (Devanagari vowel signs), not after
    // one folded to ASCII (`e` + U+0301).
    let mut kept_letter = false;
    for c in strip_link_targets(&repaired).chars() {
        if out.len() >= FULL_SLUG_CAP {
            break;
        }
        if c.is_ascii() {
            // The common case, without the Unicode tables.
            if c.is_ascii_alphanumeric() {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push(c.to_ascii_lowercase());
            } else if c != '\'' {
                pending_dash = true;
            }
            kept_letter = false;
            continue;
        }
        if is_combining_mark(c) {
            if kept_letter {
                out.push(c);
            }
            continue;
        }
        if !c.is_alphanumeric() {
            // Apostrophes join words (`don't` → `dont`); everything else separates them.
            if c != '\'' && c != '’' {
                pending_dash = true;
            }
            kept_letter = false;
            continue;
        }
        if pending_dash && !out.is_empty() {
            out.push('-');
        }
        pending_dash = false;
        kept_letter = push_folded(c, &mut out);
    }
    out
}

/// Pushes `c` lowercased, Latin letters folded to ASCII; true when kept as a non-ASCII letter.
fn push_folded(c: char, out: &mut String) -> bool {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return false;
    }
    let lower: String = c.to_lowercase().collect();
    if let Some(special) = special_fold(&lower) {
        out.push_str(special);
        return false;
    }
    let mut decomposed = lower.nfd();
    if let Some(base) = decomposed.next()
        && base.is_ascii_alphanumeric()
        && decomposed.all(is_combining_mark)
    {
        out.push(base);
        return false;
    }
    out.push_str(&lower);
    true
}

/// Latin letters without a decomposition to ASCII.
fn special_fold(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "ß" => "ss",
        "æ" => "ae",
        "œ" => "oe",
        "ø" => "o",
        "đ" | "ð" => "d",
        "þ" => "th",
        "ł" => "l",
        "ı" => "i",
        "ħ" => "h",
        _ => return None,
    })
}

/// Cuts at the last dash that keeps at least half of `max`, so words are not chopped.
fn truncate(mut s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let at_word_end = s[end..].starts_with('-');
    s.truncate(end);
    if !at_word_end
        && let Some(dash) = s.rfind('-')
        && dash >= max / 2
    {
        s.truncate(dash);
    }
    while s.ends_with('-') {
        s.pop();
    }
    s
}

/// The readable part of an item id: the slug, or — when the text is longer than a slug can hold —
/// its first words and a short hash of the whole text, so texts that differ only at the end
/// (`… in us-east-1` / `… in eu-west-1`) get different ids that depend on nothing else.
/// A text without letters or digits gets `item-` and a hash of the text.
pub fn readable(text: &str) -> String {
    let full = full_slug(text);
    if full.is_empty() {
        return format!("item-{}", short_hash(text.trim(), 4));
    }
    if full.len() <= MAX_SLUG {
        return full;
    }
    let hash = short_hash(&key_of(text, &full), 4);
    format!("{}-{hash}", truncate(full, CUT_SLUG))
}

/// What two texts must share to read the same: their full slug (or, without letters or
/// digits, the text itself; past the slug cap, the text too).
pub fn text_key(text: &str) -> String {
    key_of(text, &full_slug(text))
}

fn key_of(text: &str, full: &str) -> String {
    if full.is_empty() {
        text.trim().to_string()
    } else if full.len() >= FULL_SLUG_CAP {
        format!("{full}\u{1f}{}", text.trim())
    } else {
        full.to_string()
    }
}

/// [`readable`] and [`text_key`] together.
pub fn readable_id(text: &str) -> (String, String) {
    (readable(text), text_key(text))
}

/// `digits` lowercase hex digits of a stable 64-bit FNV-1a hash (the same on every build and
/// platform, unlike `std`'s hasher, because ids derived from it are stored in journals).
pub fn short_hash(text: &str, digits: usize) -> String {
    let mut hash = Fnv::default();
    hash.write(text);
    hash.hex(digits)
}

/// FNV-1a, fed piece by piece: hashing `a` then `b` equals hashing `a + b`.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, text: &str) {
        for byte in text.bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The first `digits` (at most 16) lowercase hex digits.
    pub fn hex(&self, digits: usize) -> String {
        let hex = format!("{:016x}", self.0);
        hex[..digits.min(16)].to_string()
    }
}

/// UTF-8 read as Windows-1252 (`ðŸš€` for 🚀, `â†”` for ↔): the original characters, so slugs
/// neither fill up with `ðÿš` nor lose real words. Text that is not such a run is left alone.
fn repair_mojibake(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| cp1252_byte(c).is_some_and(|b| b >= 0xC2))
    {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some((decoded, used)) = decode_run(&chars[i..]) {
            out.push(decoded);
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// One UTF-8 sequence spelled as Windows-1252 characters at the start of `chars`.
fn decode_run(chars: &[char]) -> Option<(char, usize)> {
    let lead = cp1252_byte(*chars.first()?)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = vec![lead];
    for &c in chars.get(1..len)? {
        let b = cp1252_byte(c).filter(|b| (0x80..=0xBF).contains(b))?;
        bytes.push(b);
    }
    let decoded = std::str::from_utf8(&bytes).ok()?.chars().next()?;
    Some((decoded, len))
}

/// The Windows-1252 byte that displays as `c`, for bytes 0x80 and up.
fn cp1252_byte(c: char) -> Option<u8> {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    let code = u32::from(c);
    if (0xA0..=0xFF).contains(&code) {
        return u8::try_from(code).ok();
    }
    let at = HIGH.iter().position(|&h| h == c)?;
    u8::try_from(0x80 + at).ok()
}

/// `[text](target)` → `text`, so ids do not fill up with URLs.
fn strip_link_targets(text: &str) -> Cow<'_, str> {
    if !text.contains("](") {
        return Cow::Borrowed(text);
    }
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
    Cow::Owned(out)
}

/// Hands out ids unique within one namespace (phases of a checklist, fields of an item).
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
            slug("`uuid` package: `npm ls uuid`"),
            "uuid-package-npm-ls-uuid"
        );
        assert_eq!(slug("ðŸš€ Pre-Deployment Setup"), "pre-deployment-setup");
        assert_eq!(slug("app â†” PDS"), "app-pds");
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
    fn other_scripts_keep_their_letters() {
        assert_eq!(
            slug("Cập nhật env trên máy chủ"),
            "cap-nhat-env-tren-may-chu"
        );
        assert_eq!(slug("Überprüfe Größe"), "uberprufe-grosse");
        assert_eq!(slug("Проверить бэкап"), "проверить-бэкап");
        assert_eq!(slug("バックアップを確認"), "バックアップを確認");
        assert_eq!(slug("数据库备份 80%"), "数据库备份-80");
        assert_eq!(slug("नमस्ते दुनिया"), "नमस्ते-दुनिया");
        assert_eq!(slug("e\u{301}te\u{301}"), "ete");
        let cut = slug(&"проверка ".repeat(20));
        assert!(
            cut.len() <= MAX_SLUG && cut.starts_with("проверка"),
            "{cut}"
        );
    }

    #[test]
    fn long_texts_differ_by_their_end() {
        let east = "Verify the nightly backup of the primary database cluster in us-east-1";
        let west = "Verify the nightly backup of the primary database cluster in eu-west-1";
        let (a, _) = readable_id(east);
        let (b, _) = readable_id(west);
        assert_ne!(a, b);
        assert!(a.starts_with("verify-the-nightly-backup-of-the"), "{a}");
        assert!(a.len() <= MAX_SLUG, "{a}");
        assert_eq!(readable_id(east).0, a, "stable");
        assert_eq!(readable_id("Backup").0, "backup");
        assert!(readable_id("🚀").0.starts_with("item-"));
        assert_ne!(readable_id("🚀").0, readable_id("✅").0);
    }

    #[test]
    fn the_hash_never_changes() {
        // Ids built from it are stored in journals: this value must hold on every build.
        assert_eq!(short_hash("backup", 6), "8f75c6");
    }

    #[test]
    fn id_sets_number_repeats() {
        let mut ids = IdSet::default();
        assert_eq!(ids.fresh("Backup", "phase"), "backup");
        assert_eq!(ids.fresh("backup", "phase"), "backup-2");
        assert!(ids.reserve("x"));
        assert!(!ids.reserve("x"));
        assert_eq!(ids.fresh("", "phase"), "phase");
    }
}
