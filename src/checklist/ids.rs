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

use super::slug::{Fnv, readable_id};
use super::{Checklist, Item};
use std::collections::{HashMap, HashSet};

/// Gives every item of `checklist` its id by the rule above (explicit ids are not kept: this is
/// for checklists whose items have none, i.e. imported ones).
pub fn assign(checklist: &mut Checklist) {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for phase in &checklist.phases {
        for item in &phase.items {
            collect(item, &phase.name, None, &mut entries);
        }
    }
    let ids = ids_for(&entries);
    drop(entries);
    let mut next = ids.into_iter();
    for phase in &mut checklist.phases {
        for item in &mut phase.items {
            apply(item, &mut next);
        }
    }
}

struct Entry<'a> {
    readable: String,
    text: &'a str,
    group: &'a str,
    phase: &'a str,
    /// Index of the parent item's entry.
    parent: Option<usize>,
}

fn collect<'a>(item: &'a Item, phase: &'a str, parent: Option<usize>, out: &mut Vec<Entry<'a>>) {
    out.push(Entry {
        readable: readable_id(&item.text).0,
        text: &item.text,
        group: item.group.as_deref().unwrap_or(""),
        phase,
        parent,
    });
    let me = out.len() - 1;
    for child in &item.children {
        collect(child, phase, Some(me), out);
    }
}

fn apply(item: &mut Item, ids: &mut impl Iterator<Item = String>) {
    if let Some(id) = ids.next() {
        item.id = id;
    }
    for child in &mut item.children {
        apply(child, ids);
    }
}

/// The hash of a repeated text in its context: its full text key, its phase, its group and its
/// parents' texts, outermost first.
fn context_hash(entries: &[Entry<'_>], index: usize) -> Fnv {
    let e = &entries[index];
    let mut parents = Vec::new();
    let mut up = e.parent;
    while let Some(p) = up {
        parents.push(entries[p].text);
        up = entries[p].parent;
    }
    let mut hash = Fnv::default();
    hash.write(&readable_id(e.text).1);
    for piece in [SEP_KEY, e.phase, SEP_PART, e.group, SEP_PART] {
        hash.write(piece);
    }
    for (n, parent) in parents.iter().rev().enumerate() {
        if n > 0 {
            hash.write(SEP_PARENT);
        }
        hash.write(parent);
    }
    hash
}

const SEP_KEY: &str = "\u{1d}";
const SEP_PART: &str = "\u{1f}";
const SEP_PARENT: &str = "\u{1e}";

fn ids_for(entries: &[Entry<'_>]) -> Vec<String> {
    let mut shared: HashMap<&str, usize> = HashMap::new();
    for e in entries {
        *shared.entry(e.readable.as_str()).or_default() += 1;
    }
    let mut twins: HashMap<u64, usize> = HashMap::new();
    let mut out: Vec<String> = Vec::with_capacity(entries.len());
    for (index, e) in entries.iter().enumerate() {
        if shared.get(e.readable.as_str()) == Some(&1) {
            out.push(e.readable.clone());
            continue;
        }
        let mut hash = context_hash(entries, index);
        let rank = twins.entry(hash.0).or_default();
        if *rank > 0 {
            hash.write(SEP_KEY);
            hash.write(&rank.to_string());
        }
        *rank += 1;
        out.push(format!("{}-{}", e.readable, hash.hex(6)));
    }
    // A hash clash, or a slug that happens to read like another's hashed id: extremely rare, and
    // only then does order decide.
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(out.len());
    for id in &out {
        *count.entry(id.as_str()).or_default() += 1;
    }
    if count.values().all(|&n| n == 1) {
        return out;
    }
    drop(count);
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
