//! A small, fully anchored regex for label matchers (`code=~"5.."`, `path!~"/(health|ready)"`):
//! literals, `.`, `[a-z0-9]`/`[^…]` classes, `\d \w \s` and escaped punctuation, groups with `|`,
//! and `* + ? {n} {n,} {n,m}`. Matching tracks the set of reachable positions, so it is
//! polynomial on any input (no catastrophic backtracking).

use std::fmt;

#[derive(Clone)]
pub struct Regex {
    source: String,
    root: Alt,
}

#[derive(Debug, Clone)]
struct Alt(Vec<Vec<Piece>>);

#[derive(Debug, Clone)]
struct Piece {
    atom: Atom,
    min: u32,
    max: Option<u32>,
}

#[derive(Debug, Clone)]
enum Atom {
    Char(char),
    Any,
    Class {
        negated: bool,
        items: Vec<ClassItem>,
    },
    Group(Alt),
    /// `^` and `$`: redundant (matching is anchored) but accepted, as Prometheus does.
    Start,
    End,
}

#[derive(Debug, Clone)]
enum ClassItem {
    Range(char, char),
    Digit,
    Word,
    Space,
}

/// Where a pattern is malformed (char index) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RegexError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Regex({:?})", self.source)
    }
}

impl PartialEq for Regex {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Regex {
    pub fn new(pattern: &str) -> Result<Regex, RegexError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser { chars, pos: 0 };
        let root = p.alt()?;
        if p.pos < p.chars.len() {
            return Err(p.error("unmatched `)`"));
        }
        Ok(Regex {
            source: pattern.to_string(),
            root,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `text` matches (Prometheus anchors label regexes at both ends).
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let mut start = vec![false; chars.len() + 1];
        start[0] = true;
        alt_ends(&self.root, &chars, &start)[chars.len()]
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, message: &str) -> RegexError {
        RegexError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn alt(&mut self) -> Result<Alt, RegexError> {
        let mut branches = vec![self.seq()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.seq()?);
        }
        Ok(Alt(branches))
    }

    fn seq(&mut self) -> Result<Vec<Piece>, RegexError> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let (min, max) = self.quantifier()?;
            pieces.push(Piece { atom, min, max });
        }
        Ok(pieces)
    }

    fn atom(&mut self) -> Result<Atom, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.error("pattern ends early"));
        };
        self.pos += 1;
        Ok(match c {
            '.' => Atom::Any,
            '(' => {
                if self.chars[self.pos..].starts_with(&['?', ':']) {
                    self.pos += 2;
                }
                let inner = self.alt()?;
                if self.peek() != Some(')') {
                    return Err(self.error("missing `)`"));
                }
                self.pos += 1;
                Atom::Group(inner)
            }
            '[' => self.class()?,
            '\\' => match self.escape()? {
                ClassItem::Range(a, _) => Atom::Char(a),
                item => Atom::Class {
                    negated: false,
                    items: vec![item],
                },
            },
            '*' | '+' | '?' | '{' => {
                self.pos -= 1;
                return Err(self.error("quantifier with nothing to repeat"));
            }
            '^' => Atom::Start,
            '$' => Atom::End,
            other => Atom::Char(other),
        })
    }

    fn escape(&mut self) -> Result<ClassItem, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.error("pattern ends after `\\`"));
        };
        self.pos += 1;
        Ok(match c {
            'd' => ClassItem::Digit,
            'w' => ClassItem::Word,
            's' => ClassItem::Space,
            'n' => ClassItem::Range('\n', '\n'),
            't' => ClassItem::Range('\t', '\t'),
            c if c.is_ascii_punctuation() => ClassItem::Range(c, c),
            _ => {
                self.pos -= 1;
                return Err(self.error("unsupported escape"));
            }
        })
    }

    fn class(&mut self) -> Result<Atom, RegexError> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("missing `]`"));
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            self.pos += 1;
            let lo = if c == '\\' {
                match self.escape()? {
                    ClassItem::Range(a, _) => a,
                    item => {
                        items.push(item);
                        continue;
                    }
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']') {
                let hi = self.chars[self.pos + 1];
                self.pos += 2;
                if hi < lo {
                    return Err(self.error("range out of order"));
                }
                items.push(ClassItem::Range(lo, hi));
            } else {
                items.push(ClassItem::Range(lo, lo));
            }
        }
        Ok(Atom::Class { negated, items })
    }

    fn quantifier(&mut self) -> Result<(u32, Option<u32>), RegexError> {
        let q = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => return self.braces(),
            _ => return Ok((1, Some(1))),
        };
        self.pos += 1;
        Ok(q)
    }

    fn braces(&mut self) -> Result<(u32, Option<u32>), RegexError> {
        let start = self.pos;
        self.pos += 1;
        let close = self.chars[self.pos..]
            .iter()
            .position(|&c| c == '}')
            .ok_or_else(|| self.error("missing `}`"))?;
        let body: String = self.chars[self.pos..self.pos + close].iter().collect();
        let parse = |s: &str| s.trim().parse::<u32>().ok().filter(|n| *n <= 1000);
        let (min, max) = match body.split_once(',') {
            None => {
                let n = parse(&body);
                (n, n.map(Some))
            }
            Some((a, "")) => (parse(a), Some(None)),
            Some((a, b)) => (parse(a), parse(b).map(Some)),
        };
        match (min, max) {
            (Some(min), Some(max)) if max.is_none_or(|m| m >= min) => {
                self.pos += close + 1;
                Ok((min, max))
            }
            _ => {
                self.pos = start;
                Err(self.error("bad repetition; write {n}, {n,} or {n,m}"))
            }
        }
    }
}

fn class_has(items: &[ClassItem], c: char) -> bool {
    items.iter().any(|item| match item {
        ClassItem::Range(lo, hi) => (*lo..=*hi).contains(&c),
        ClassItem::Digit => c.is_ascii_digit(),
        ClassItem::Word => c.is_ascii_alphanumeric() || c == '_',
        ClassItem::Space => c.is_whitespace(),
    })
}

/// Positions reachable after matching `alt` from any position set in `from`.
fn alt_ends(alt: &Alt, text: &[char], from: &[bool]) -> Vec<bool> {
    let mut out = vec![false; from.len()];
    for seq in &alt.0 {
        let mut cur = from.to_vec();
        for piece in seq {
            cur = piece_ends(piece, text, &cur);
            if !cur.iter().any(|b| *b) {
                break;
            }
        }
        for (o, c) in out.iter_mut().zip(cur) {
            *o |= c;
        }
    }
    out
}

fn piece_ends(piece: &Piece, text: &[char], from: &[bool]) -> Vec<bool> {
    let mut result = vec![false; from.len()];
    if piece.min == 0 {
        result.copy_from_slice(from);
    }
    let mut seen = from.to_vec();
    let mut cur = from.to_vec();
    let mut count = 0u32;
    loop {
        if piece.max.is_some_and(|m| count >= m) {
            break;
        }
        cur = atom_ends(&piece.atom, text, &cur);
        count += 1;
        if !cur.iter().any(|b| *b) {
            break;
        }
        if count >= piece.min {
            for (r, c) in result.iter_mut().zip(&cur) {
                *r |= *c;
            }
        }
        if piece.max.is_none() && count >= piece.min {
            // unbounded: stop once no new position appears
            let mut new = false;
            for (s, c) in seen.iter_mut().zip(&cur) {
                if *c && !*s {
                    *s = true;
                    new = true;
                }
            }
            if !new {
                break;
            }
        }
    }
    result
}

fn atom_ends(atom: &Atom, text: &[char], from: &[bool]) -> Vec<bool> {
    if let Atom::Group(alt) = atom {
        return alt_ends(alt, text, from);
    }
    let mut out = vec![false; from.len()];
    for (pos, _) in from.iter().enumerate().filter(|(_, b)| **b) {
        match atom {
            Atom::Start if pos == 0 => out[pos] = true,
            Atom::End if pos == text.len() => out[pos] = true,
            _ => {}
        }
        let Some(&c) = text.get(pos) else { continue };
        let hit = match atom {
            Atom::Char(x) => *x == c,
            Atom::Any => true,
            Atom::Class { negated, items } => class_has(items, c) != *negated,
            Atom::Group(_) | Atom::Start | Atom::End => false,
        };
        if hit {
            out[pos + 1] = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p).unwrap().is_match(t)
    }

    #[test]
    fn anchored_matching() {
        assert!(m("5..", "503"));
        assert!(!m("5..", "5030"));
        assert!(!m("5..", "403"));
        assert!(m("2..|3..", "302"));
        assert!(m("/(health|ready)z?", "/healthz"));
        assert!(m("/(health|ready)z?", "/ready"));
        assert!(!m("/(health|ready)z?", "/readyzz"));
        assert!(m("[45][0-9]{2}", "429"));
        assert!(!m("[^5].*", "500"));
        assert!(m("[^5].*", "200"));
        assert!(m("a+b*", "aaa"));
        assert!(m("", ""));
        assert!(!m("", "x"));
        assert!(m(".*", "anything at all"));
        assert!(m("\\d+\\.\\d+", "12.5"));
        assert!(m("(a|ab)(c|bcd)(d*)", "abcd"));
        assert!(m("(?:GET|POST)", "POST"));
        assert!(m("(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaab"));
        assert!(!m("(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac"));
    }

    #[test]
    fn rejects_bad_patterns() {
        assert!(Regex::new("(ab").is_err());
        assert!(Regex::new("ab)").is_err());
        assert!(Regex::new("*a").is_err());
        assert!(Regex::new("[a-").is_err());
        assert!(Regex::new("^5..$").unwrap().is_match("503"));
        assert_eq!(Regex::new("ab{x}").unwrap_err().offset, 2);
    }
}
