//! Item ids for imported checklists that stay put when other items change.
//!
//! The journal keys every tick on an item id, so an id must not move when a team edits its
//! checklist mid-window. The rule, for an item with text T:
//!
//! 1. Its *readable id* comes from T alone: the slug of T, or for a long T its first words and
//!    a 4-digit hash of the whole text (see [`slug::readable_id`]).
//! 2. When no other item of the checklist has the same readable id, that is the item id.
//! 3. Otherwise every item sharing it gets a 6-digit hash of its *context*: its text, its phase's
//!    name, its group and its parents' texts — so `Notify the team` under "Staging" and under
//!    "Production" get ids that do not depend on which comes first, nor on a third one
//!    added elsewhere. Items with the same text in the very same context (twins under one
//!    parent) are told apart by their rank among those twins only; the first twin's hash has no
//!    rank in it, so a twin added below never renames it.
//!
//! No position counter is involved anywhere else, so inserting, deleting or editing other items
//! never changes an item's id, with these limits (the only ones):
//! - adding the first item that reads the same as a so far unique one (or removing the last
//!   such duplicate) moves that text between rule 2 and rule 3;
//! - renaming a phase, group or parent renames the repeated texts under it (rule 3);
//! - twins in one context follow their order among themselves.
//!
//! `checklist::diff` reports such an id change with the same text as a rename, so the cockpit
//! can keep the tick on its step.

use super::slug::{readable_id, short_hash};
use super::{Checklist, Item};
use std::collections::{HashMap, HashSet};

/// Gives every item of `checklist` its id by the rule above (explicit ids are not kept: this is
/// for checklists whose items have none, i.e. imported ones).
pub fn assign(checklist: &mut Checklist) {
    let mut entries: Vec<Entry> = Vec::new();
    for phase in &checklist.phases {
        let mut parents: Vec<&str> = Vec::new();
        for item in &phase.items {
            collect(item, &phase.name, &mut parents, &mut entries);
        }
    }
    let ids = ids_for(&entries);
    let mut next = ids.into_iter();
    for phase in &mut checklist.phases {
        for item in &mut phase.items {
            apply(item, &mut next);
        }
    }
}

struct Entry {
    readable: String,
    key: String,
    context: String,
}

fn collect<'a>(item: &'a Item, phase: &str, parents: &mut Vec<&'a str>, out: &mut Vec<Entry>) {
    let (readable, key) = readable_id(&item.text);
    let context = format!(
        "{phase}\u{1f}{}\u{1f}{}",
        item.group.as_deref().unwrap_or(""),
        parents.join("\u{1e}")
    );
    out.push(Entry {
        readable,
        key,
        context,
    });
    parents.push(&item.text);
    for child in &item.children {
        collect(child, phase, parents, out);
    }
    parents.pop();
}

fn apply(item: &mut Item, ids: &mut impl Iterator<Item = String>) {
    if let Some(id) = ids.next() {
        item.id = id;
    }
    for child in &mut item.children {
        apply(child, ids);
    }
}

fn ids_for(entries: &[Entry]) -> Vec<String> {
    let mut shared: HashMap<&str, usize> = HashMap::new();
    for e in entries {
        *shared.entry(e.readable.as_str()).or_default() += 1;
    }
    let mut twins: HashMap<(&str, &str), usize> = HashMap::new();
    let mut out: Vec<String> = entries
        .iter()
        .map(|e| {
            if shared.get(e.readable.as_str()) == Some(&1) {
                return e.readable.clone();
            }
            let rank = twins.entry((&e.key, &e.context)).or_default();
            let seed = match *rank {
                0 => format!("{}\u{1d}{}", e.key, e.context),
                n => format!("{}\u{1d}{}\u{1d}{n}", e.key, e.context),
            };
            *rank += 1;
            format!("{}-{}", e.readable, short_hash(&seed, 6))
        })
        .collect();
    // A hash clash, or a slug that happens to read like another's hashed id: extremely rare, and
    // only then does order decide.
    let mut seen: HashSet<String> = HashSet::with_capacity(out.len());
    for id in &mut out {
        if !seen.insert(id.clone()) {
            let base = id.clone();
            let mut n = 2;
            while seen.contains(&format!("{base}-{n}")) {
                n += 1;
            }
            *id = format!("{base}-{n}");
            seen.insert(id.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Phase;

    fn item(text: &str) -> Item {
        Item {
            text: text.into(),
            ..Item::default()
        }
    }

    fn ids(c: &Checklist) -> Vec<String> {
        c.walk().iter().map(|r| r.item.id.clone()).collect()
    }

    fn checklist(phases: &[(&str, &[&str])]) -> Checklist {
        let mut c = Checklist::default();
        for (name, texts) in phases {
            c.phases.push(Phase {
                name: (*name).into(),
                items: texts.iter().map(|t| item(t)).collect(),
                ..Phase::default()
            });
        }
        assign(&mut c);
        c
    }

    #[test]
    fn unique_texts_get_their_slug() {
        let c = checklist(&[("P", &["Take a backup", "Deploy"])]);
        assert_eq!(ids(&c), ["take-a-backup", "deploy"]);
    }

    #[test]
    fn repeated_texts_get_context_hashes_that_ignore_order() {
        let a = checklist(&[("Staging", &["Notify"]), ("Prod", &["Notify"])]);
        let b = checklist(&[("Prod", &["Notify"]), ("Staging", &["Notify"])]);
        assert_ne!(ids(&a)[0], ids(&a)[1]);
        assert_eq!(ids(&a)[0], ids(&b)[1]);
        assert!(ids(&a)[0].starts_with("notify-"));
        // a third one elsewhere changes neither
        let c = checklist(&[
            ("Staging", &["Notify"]),
            ("Canary", &["Notify"]),
            ("Prod", &["Notify"]),
        ]);
        assert_eq!(ids(&c)[0], ids(&a)[0]);
        assert_eq!(ids(&c)[2], ids(&a)[1]);
    }

    #[test]
    fn twins_keep_the_first_ones_id() {
        let one = checklist(&[("P", &["Check", "Check"])]);
        let two = checklist(&[("P", &["Check", "Check", "Check"])]);
        assert_eq!(ids(&one)[..], ids(&two)[..2]);
        let all: HashSet<String> = ids(&two).into_iter().collect();
        assert_eq!(all.len(), 3);
    }
}
