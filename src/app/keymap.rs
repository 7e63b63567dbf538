//! Keys become actions in one place; the footer hints and the `?` help screen are generated from
//! this same table, so what the screen says is what the keys do.

use super::msg::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Fold,
    Unfold,
    Tick,
    Skip,
    /// A note on the selected item, or on the phase when the cursor is on its row.
    Note,
    /// A note on the whole window (a timeline entry: "02:14 paged the DBA").
    SessionNote,
    EditField,
    /// Enter: fill in the item's fields, or open the selected probe.
    Open,
    Copy,
    Search,
    /// `n` / `N` after a search: the next / previous match, as in less, vim and k9s.
    SearchNext,
    SearchPrev,
    NextPhase,
    PrevPhase,
    Focus,
    PollNow,
    Acknowledge,
    Decide,
    Cosign,
    /// Ask for the wheel (watching), hand it to the asker (driving), or take it when nobody
    /// holds it or its holder went silent.
    Wheel,
    Help,
    Quit,
}

pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in hints (`space`, `j/k`).
    pub label: &'static str,
    pub action: Action,
    /// Short word for the footer; `None` keeps it out of the footer (still in help).
    pub hint: Option<&'static str>,
    pub help: &'static str,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::Up, Key::Char('k')],
        label: "↑/k",
        action: Action::Up,
        hint: None,
        help: "move up",
    },
    Binding {
        keys: &[Key::Down, Key::Char('j')],
        label: "↓/j",
        action: Action::Down,
        hint: None,
        help: "move down",
    },
    Binding {
        keys: &[Key::PageUp, Key::Ctrl('u')],
        label: "PgUp",
        action: Action::PageUp,
        hint: None,
        help: "page up",
    },
    Binding {
        keys: &[Key::PageDown, Key::Ctrl('d')],
        label: "PgDn",
        action: Action::PageDown,
        hint: None,
        help: "page down",
    },
    Binding {
        keys: &[Key::Home, Key::Char('g')],
        label: "g/Home",
        action: Action::Top,
        hint: None,
        help: "first row",
    },
    Binding {
        keys: &[Key::End, Key::Char('G')],
        label: "G/End",
        action: Action::Bottom,
        hint: None,
        help: "last row",
    },
    Binding {
        keys: &[Key::Left, Key::Char('h')],
        label: "h/←",
        action: Action::Fold,
        hint: None,
        help: "fold the phase / go to it",
    },
    Binding {
        keys: &[Key::Right, Key::Char('l')],
        label: "l/→",
        action: Action::Unfold,
        hint: None,
        help: "unfold the phase",
    },
    Binding {
        keys: &[Key::Char(' ')],
        label: "space",
        action: Action::Tick,
        hint: Some("tick"),
        help: "tick / untick (phase: fold)",
    },
    Binding {
        keys: &[Key::Char('s')],
        label: "s",
        action: Action::Skip,
        hint: Some("skip"),
        help: "skip as N/A, with a reason",
    },
    Binding {
        keys: &[Key::Char('i')],
        label: "i",
        action: Action::Note,
        hint: Some("note"),
        help: "note on the item or phase",
    },
    Binding {
        keys: &[Key::Char('I')],
        label: "I",
        action: Action::SessionNote,
        hint: None,
        help: "note on the whole window",
    },
    Binding {
        keys: &[Key::Char('e')],
        label: "e",
        action: Action::EditField,
        hint: Some("edit"),
        help: "fill in the item's fields",
    },
    Binding {
        keys: &[Key::Enter],
        label: "Enter",
        action: Action::Open,
        hint: None,
        help: "fields / probe details",
    },
    Binding {
        keys: &[Key::Char('y')],
        label: "y",
        action: Action::Copy,
        hint: Some("copy"),
        help: "copy the command (OSC 52)",
    },
    Binding {
        keys: &[Key::Char('/')],
        label: "/",
        action: Action::Search,
        hint: Some("search"),
        help: "search the items",
    },
    Binding {
        keys: &[Key::Char('n')],
        label: "n",
        action: Action::SearchNext,
        hint: None,
        help: "next match of the search",
    },
    Binding {
        keys: &[Key::Char('N')],
        label: "N",
        action: Action::SearchPrev,
        hint: None,
        help: "previous match",
    },
    Binding {
        keys: &[Key::Char(']')],
        label: "]",
        action: Action::NextPhase,
        hint: None,
        help: "next phase",
    },
    Binding {
        keys: &[Key::Char('[')],
        label: "[",
        action: Action::PrevPhase,
        hint: Some("phase"),
        help: "previous phase",
    },
    Binding {
        keys: &[Key::Tab, Key::BackTab],
        label: "tab",
        action: Action::Focus,
        hint: Some("focus"),
        help: "focus: checklist / probes",
    },
    Binding {
        keys: &[Key::Char('r')],
        label: "r",
        action: Action::PollNow,
        hint: Some("probe now"),
        help: "poll the selected probe now",
    },
    Binding {
        keys: &[Key::Char('A')],
        label: "A",
        action: Action::Acknowledge,
        hint: None,
        help: "acknowledge the alarms",
    },
    Binding {
        keys: &[Key::Char('D')],
        label: "D",
        action: Action::Decide,
        hint: None,
        help: "go / no-go for the phase",
    },
    Binding {
        keys: &[Key::Char('c')],
        label: "c",
        action: Action::Cosign,
        hint: None,
        help: "co-sign another's tick",
    },
    Binding {
        keys: &[Key::Char('w')],
        label: "w",
        action: Action::Wheel,
        hint: None,
        help: "wheel: ask / hand over / take",
    },
    Binding {
        keys: &[Key::Char('?')],
        label: "?",
        action: Action::Help,
        hint: Some("help"),
        help: "this help",
    },
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        label: "q",
        action: Action::Quit,
        hint: Some("quit"),
        help: "quit (asks; resumes later)",
    },
];

/// The action bound to a key in normal mode.
pub fn action_for(key: Key) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.keys.contains(&key))
        .map(|b| b.action)
}

/// Footer hints: `(label, word, action)` in table order.
pub fn footer_hints() -> impl Iterator<Item = (&'static str, &'static str, Action)> {
    BINDINGS.iter().filter_map(|b| {
        b.hint.map(|h| {
            (
                if b.action == Action::PrevPhase {
                    "[ ]"
                } else {
                    b.label
                },
                h,
                b.action,
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = std::collections::HashSet::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(seen.insert(*k), "{k:?} bound twice");
            }
        }
    }

    /// The `?` screen has two columns at 80x24: every label and help text fits its column.
    #[test]
    fn help_texts_fit_two_columns_at_80() {
        for b in BINDINGS {
            assert!(b.label.chars().count() <= 6, "label too long: {}", b.label);
            assert!(
                b.help.chars().count() <= 29,
                "help text longer than its column at 80 columns: {:?}",
                b.help
            );
        }
    }

    #[test]
    fn footer_comes_from_the_table() {
        let words: Vec<_> = footer_hints().map(|(_, w, _)| w).collect();
        assert!(words.contains(&"tick"));
        assert!(words.contains(&"quit"));
        assert_eq!(action_for(Key::Char(' ')), Some(Action::Tick));
    }
}
