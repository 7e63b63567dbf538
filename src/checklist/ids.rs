//! Item ids for imported checklists that stay put when other items change.
//!
//! The journal keys every tick on an item id, so an id must not move when a team edits its
//! checklist mid-window. The rule, for an item with text T:
//!
//! 1. Its *readable id* comes from T alone: the slug of T, or for a long T its first words and
//!    a 4-digit hash of the whole text (see [`super::slug::readable`]).
//! 2. When no other item of the checklist has the same readable id, that is the item id.
//! 3. Otherwise every item sharing it gets a 6-digit hash of its *context*: its text, its phase's
//!    name, its group and its parents' texts — so `Notify the team` under "Staging" and under
//!    "Production" get ids that do not depend on which comes first, nor on a third one
//!    added elsewhere.
//! 4. Items with the same text in the very same context (twins under one parent) also hash the
//!    text of the sibling just above them (the nearest one that reads differently): `Notify the
//!    team` after "Take a backup" and after "Deploy" stay apart whatever is inserted elsewhere.
//!    Only twins that also follow the same sibling are told apart by their order.
//!
//! No position counter is involved anywhere else, so inserting, deleting or editing other items
//! never changes an item's id, with these limits (the only ones):
//! - adding the first item that reads the same as a so far unique one (or removing the last
//!   such duplicate) moves that text between rule 2 and rule 3 (and likewise rule 4 for twins);
//! - renaming a phase, group or parent renames the repeated texts under it (rule 3), and
//!   changing the sibling just above a twin renames the twin (rule 4);
//! - twins that follow the same sibling follow their order among themselves.
//!
//! An id never passes to another step in these cases: the changed ids are new ones, so an old
//! tick is left on no step rather than on the wrong one. `checklist::diff` reports such an id
//! change with the same text as a rename, so the resume screen can offer to carry the tick.

use super::slug::{Fnv, readable, text_key};
use super::{Checklist, Item};
use std::collections::{HashMap, HashSet};

/// Gives every item of `checklist` its id by the rule above (explicit ids are not kept: this is
/// for checklists whose items have none, i.e. imported ones).
pub fn assign(checklist: &mut Checklist) {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for phase in &checklist.phases {
        collect(&phase.items, &phase.name, None, &mut entries);
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
    /// The text of the nearest sibling above that reads differently ("" for none).
    above: &'a str,
}

fn collect<'a>(items: &'a [Item], phase: &'a str, parent: Option<usize>, out: &mut Vec<Entry<'a>>) {
    // (key and text of the previous sibling, its own `above`), so a run of texts that read the
    // same costs O(1) each. "Reads the same" is the text key the context hash uses: comparing
    // the raw texts instead made `notify the team!` under `Notify the team` a new sibling above,
    // so a `Notify the team` inserted over the first twin took that twin's id.
    let mut previous: Option<(String, &'a str, &'a str)> = None;
    for item in items {
        let key = text_key(&item.text);
        let above = match &previous {
            Some((k, _, above)) if *k == key => *above,
            Some((_, text, _)) => *text,
            None => "",
        };
        previous = Some((key, &item.text, above));
        out.push(Entry {
            readable: readable(&item.text),
            text: &item.text,
            group: item.group.as_deref().unwrap_or(""),
            phase,
            parent,
            above,
        });
        let me = out.len() - 1;
        collect(&item.children, phase, Some(me), out);
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
    hash.write(&text_key(e.text));
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
    let contexts: Vec<Option<Fnv>> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (shared.get(e.readable.as_str()) != Some(&1)).then(|| context_hash(entries, i))
        })
        .collect();
    let mut in_context: HashMap<u64, usize> = HashMap::new();
    for hash in contexts.iter().flatten() {
        *in_context.entry(hash.0).or_default() += 1;
    }
    let mut twins: HashMap<u64, usize> = HashMap::new();
    let mut out: Vec<String> = Vec::with_capacity(entries.len());
    for (e, context) in entries.iter().zip(contexts) {
        let Some(mut hash) = context else {
            out.push(e.readable.clone());
            continue;
        };
        if in_context.get(&hash.0).is_some_and(|&n| n > 1) {
            hash.write(SEP_KEY);
            hash.write(e.above);
            let rank = twins.entry(hash.0).or_default();
            if *rank > 0 {
                hash.write(SEP_KEY);
                hash.write(&rank.to_string());
            }
            *rank += 1;
        }
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
