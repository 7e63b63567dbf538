//! The kill -9 suite's script: its checklist, the actions a person takes on it (and the keys for
//! each), a seeded generator that picks them, and what a tmux capture shows of the session.

use super::tmux::Tmux;
use std::collections::{BTreeMap, BTreeSet};

pub const CHECKLIST: &str = r#"title = "Faults"

[[phase]]
id = "one"
name = "One"

[[phase.item]]
id = "alpha"
text = "alpha step"

[[phase.item]]
id = "bravo"
text = "bravo step"

[[phase.item]]
id = "charlie"
text = "charlie value"

[[phase.item.field]]
id = "v"
label = "Value"
kind = "text"

[[phase]]
id = "two"
name = "Two"
gate = true

[[phase.item]]
id = "delta"
text = "delta step"

[[phase.item]]
id = "echo"
text = "echo value"

[[phase.item.field]]
id = "v"
label = "Value"
kind = "text"

[[phase.item]]
id = "foxtrot"
text = "foxtrot decision"
decision = true
"#;

/// The items a person acts on: id, text, row in the tree (under `g`, the first phase's row is 0),
/// whether it has a field.
pub const ITEMS: &[(&str, &str, usize, bool)] = &[
    ("alpha", "alpha step", 1, false),
    ("bravo", "bravo step", 2, false),
    ("charlie", "charlie value", 3, true),
    ("delta", "delta step", 5, false),
    ("echo", "echo value", 6, true),
];
pub const DECISION_ROW: usize = 7;

/// A tiny deterministic generator: a run is replayed from its seed.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// What the screen shows of the session: each item's glyph, the gate's decision, and the tokens
/// (`n0012`, `r0012`, `v0012`) in the panes — never the prompt line, which echoes typing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shown {
    pub glyphs: BTreeMap<&'static str, char>,
    pub decision: Option<&'static str>,
    pub tokens: BTreeSet<String>,
}

pub fn read(screen: &str) -> Shown {
    let lines: Vec<&str> = screen.lines().collect();
    let panes = lines.len().saturating_sub(1);
    // the checklist pane ends at the first top-right corner; the detail pane is right of it
    let split = lines
        .iter()
        .find_map(|l| l.chars().position(|c| c == '┓' || c == '┐'))
        .unwrap_or(0);
    let left: Vec<String> = lines[..panes]
        .iter()
        .map(|l| l.chars().take(split + 1).collect())
        .collect();
    let right: Vec<String> = lines[..panes]
        .iter()
        .map(|l| l.chars().skip(split + 1).collect())
        .collect();
    let mut shown = Shown::default();
    for (id, text, _, _) in ITEMS
        .iter()
        .chain([&("foxtrot", "foxtrot decision", 7, false)])
    {
        if let Some(line) = left.iter().find(|l| l.contains(text)) {
            let before = &line[..line.find(text).unwrap_or(0)];
            if let Some(glyph) = before.trim_end().chars().last() {
                shown.glyphs.insert(id, glyph);
            }
        }
    }
    if let Some(row) = left.iter().find(|l| l.contains(" Two ")) {
        shown.decision = if row.contains("NO-GO") {
            Some("NO-GO")
        } else if row.contains("GO ") {
            Some("GO")
        } else {
            None
        };
    }
    for line in &right {
        let chars: Vec<char> = line.chars().collect();
        for i in 0..chars.len().saturating_sub(4) {
            let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
            let digits = chars[i + 1..i + 5].iter().all(char::is_ascii_digit);
            let word_end = chars.get(i + 5).is_none_or(|c| !c.is_alphanumeric());
            if "nrvd".contains(chars[i]) && word_start && digits && word_end {
                shown.tokens.insert(chars[i..i + 5].iter().collect());
            }
        }
    }
    shown
}

#[derive(Debug, Clone)]
pub enum Action {
    Tick(usize),
    Skip(usize, String),
    Note(usize, String),
    Field(usize, String),
    Decide(&'static str, String),
}

impl Action {
    pub fn token(&self) -> Option<&str> {
        match self {
            Action::Tick(_) => None,
            Action::Skip(_, t)
            | Action::Note(_, t)
            | Action::Field(_, t)
            | Action::Decide(_, t) => Some(t),
        }
    }

    /// The token the detail pane shows once it is done (a decision's note is not shown: the
    /// phase row and the item say GO or NO-GO).
    pub fn token_shown(&self) -> Option<&str> {
        match self {
            Action::Decide(..) => None,
            _ => self.token(),
        }
    }

    /// The keys, in bursts; a prompt's text is typed literally.
    pub fn keys(&self) -> Vec<Vec<String>> {
        let to = |row: usize| {
            let mut k = vec!["g".to_owned()];
            k.extend(std::iter::repeat_n("j".to_owned(), row));
            k
        };
        let with = |mut k: Vec<String>, key: &str| {
            k.push(key.to_owned());
            k
        };
        match self {
            Action::Tick(i) => vec![with(to(ITEMS[*i].2), "Space")],
            Action::Skip(i, t) => vec![with(to(ITEMS[*i].2), "s"), vec![format!("={t}")]],
            Action::Note(i, t) => vec![with(to(ITEMS[*i].2), "i"), vec![format!("={t}")]],
            // the prompt holds the value already there: C-u clears it
            Action::Field(i, t) => vec![
                with(with(to(ITEMS[*i].2), "e"), "C-u"),
                vec![format!("={t}")],
            ],
            Action::Decide(d, t) => vec![
                with(
                    with(to(DECISION_ROW), "D"),
                    if *d == "GO" { "G" } else { "N" },
                ),
                vec!["Enter".into()],
                vec![format!("={t}")],
            ],
        }
    }

    /// What the screen shows once it is done, from what it showed before.
    pub fn done(&self, before: &Shown) -> Shown {
        let mut after = before.clone();
        match self {
            Action::Tick(i) => {
                let id = ITEMS[*i].0;
                let glyph = if before.glyphs.get(id) == Some(&'☐') {
                    '✔'
                } else {
                    '☐'
                };
                after.glyphs.insert(id, glyph);
            }
            Action::Skip(i, _) => {
                after.glyphs.insert(ITEMS[*i].0, '⊘');
            }
            Action::Decide(d, _) => {
                after.decision = Some(d);
                after.glyphs.insert("foxtrot", '✔');
            }
            Action::Note(..) | Action::Field(..) => {}
        }
        after
    }

    /// Whether `now` shows this action done (its row, its decision, its token in the detail).
    pub fn shows(&self, before: &Shown, now: &Shown) -> bool {
        let want = self.done(before);
        now.glyphs == want.glyphs
            && now.decision == want.decision
            && self.token_shown().is_none_or(|t| now.tokens.contains(t))
    }
}

pub fn send(t: &Tmux, bursts: &[Vec<String>], enter: bool) {
    for burst in bursts {
        match burst.first().and_then(|k| k.strip_prefix('=')) {
            Some(text) => t.type_text(text),
            None => t.send_burst(&burst.iter().map(String::as_str).collect::<Vec<_>>()),
        }
    }
    if enter && !matches!(bursts.last(), Some(b) if b.iter().any(|k| k == "Space")) {
        t.send(&["Enter"]);
    }
}

/// Notes an item may get: the detail pane lists them all, oldest first, and a 30-row terminal
/// shows about this many below the item's other lines.
pub const NOTES_PER_ITEM: usize = 8;

/// The script: a seeded generator, the last token number, notes given per item.
pub struct Script {
    pub rng: Lcg,
    pub n: usize,
    pub notes: [usize; ITEMS.len()],
}

impl Script {
    /// A random action valid for what the screen shows; tokens count up.
    pub fn pick(&mut self, shown: &Shown) -> Action {
        self.n += 1;
        let n = self.n;
        let i = self.rng.below(ITEMS.len() as u64) as usize;
        let token = |c: char| format!("{c}{n:04}");
        match self.rng.below(10) {
            4 | 5 if self.notes[i] < NOTES_PER_ITEM => {
                self.notes[i] += 1;
                Action::Note(i, token('n'))
            }
            6 => Action::Skip(i, token('r')),
            7 | 8 if ITEMS[i].3 => Action::Field(i, token('v')),
            9 => {
                let next = if shown.decision == Some("GO") {
                    "NO-GO"
                } else {
                    "GO"
                };
                Action::Decide(next, token('d'))
            }
            _ => Action::Tick(i),
        }
    }
}
