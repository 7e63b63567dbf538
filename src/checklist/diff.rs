//! What changed between two versions of a checklist, item by item: for the resume screen, when a
//! session is resumed with an edited file. Pure: two checklists in, a list of changes out.
//!
//! Items are matched by id. An id that disappeared while another appeared is paired up when the
//! two read the same (`renamed`: an id rule limit, see `checklist::ids`, the tick can follow) or
//! plausibly are the same step reworded (`reworded`: same phase, and the same place or enough
//! words in common — the cockpit asks before a tick follows). The rest are `added` / `removed`.

use super::Checklist;
use std::collections::{HashMap, HashSet};

/// One item of either version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffItem {
    pub id: String,
    pub text: String,
    /// The name of the phase it is in.
    pub phase: String,
}

/// An item of the old version and its counterpart in the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub old: DiffItem,
    pub new: DiffItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChecklistDiff {
    pub added: Vec<DiffItem>,
    pub removed: Vec<DiffItem>,
    /// Text changed: same id with a new text, or a new id in the old one's place.
    pub reworded: Vec<Change>,
    /// Same text under a new id.
    pub renamed: Vec<Change>,
}

impl ChecklistDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.reworded.is_empty()
            && self.renamed.is_empty()
    }
}

/// Least share of words two texts must have in common to count as one step reworded…
const SIMILAR: f64 = 0.5;
/// …or, when they stand at the same place (after the same unchanged item), this much.
const SIMILAR_IN_PLACE: f64 = 0.2;

struct Entry {
    item: DiffItem,
    /// The id of the nearest earlier item of the same phase that both versions have.
    anchor: Option<String>,
}

/// The changes from `old` to `new`, each list in document order.
pub fn diff(old: &Checklist, new: &Checklist) -> ChecklistDiff {
    let old_ids: HashSet<&str> = old.walk().iter().map(|r| r.item.id.as_str()).collect();
    let new_ids: HashSet<&str> = new.walk().iter().map(|r| r.item.id.as_str()).collect();
    let both: HashSet<&str> = old_ids.intersection(&new_ids).copied().collect();
    let old_entries = entries(old, &both);
    let new_entries = entries(new, &both);
    let mut out = ChecklistDiff::default();
    let new_by_id: HashMap<&str, &Entry> = new_entries
        .iter()
        .map(|e| (e.item.id.as_str(), e))
        .collect();
    for e in &old_entries {
        if let Some(n) = new_by_id.get(e.item.id.as_str())
            && n.item.text != e.item.text
        {
            out.reworded.push(change(e, n));
        }
    }
    let mut gone: Vec<&Entry> = old_entries
        .iter()
        .filter(|e| !both.contains(e.item.id.as_str()))
        .collect();
    let mut fresh: Vec<&Entry> = new_entries
        .iter()
        .filter(|e| !both.contains(e.item.id.as_str()))
        .collect();
    // Same text, new id: at the same place first, then in the same phase, then anywhere.
    gone.retain(|g| {
        let same = |f: &&Entry| f.item.text == g.item.text;
        let found = fresh
            .iter()
            .position(|f| same(f) && f.item.phase == g.item.phase && f.anchor == g.anchor)
            .or_else(|| {
                fresh
                    .iter()
                    .position(|f| same(f) && f.item.phase == g.item.phase)
            })
            .or_else(|| fresh.iter().position(same));
        match found {
            Some(i) => {
                out.renamed.push(change(g, fresh.remove(i)));
                false
            }
            None => true,
        }
    });
    // Reworded in place, best match first.
    gone.retain(|g| {
        let best = fresh
            .iter()
            .enumerate()
            .filter(|(_, f)| f.item.phase == g.item.phase)
            .map(|(i, f)| {
                let score = similarity(&g.item.text, &f.item.text);
                let needed = if f.anchor == g.anchor {
                    SIMILAR_IN_PLACE
                } else {
                    SIMILAR
                };
                (i, score, score >= needed)
            })
            .filter(|(_, _, ok)| *ok)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, _, _)) => {
                out.reworded.push(change(g, fresh.remove(i)));
                false
            }
            None => true,
        }
    });
    out.removed = gone.into_iter().map(|e| e.item.clone()).collect();
    out.added = fresh.into_iter().map(|e| e.item.clone()).collect();
    out
}

fn change(old: &Entry, new: &Entry) -> Change {
    Change {
        old: old.item.clone(),
        new: new.item.clone(),
    }
}

fn entries(c: &Checklist, both: &HashSet<&str>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut anchor: Option<String> = None;
    let mut phase_index = usize::MAX;
    for r in c.walk() {
        if r.phase != phase_index {
            phase_index = r.phase;
            anchor = None;
        }
        let phase = c
            .phases
            .get(r.phase)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        out.push(Entry {
            item: DiffItem {
                id: r.item.id.clone(),
                text: r.item.text.clone(),
                phase,
            },
            anchor: anchor.clone(),
        });
        if both.contains(r.item.id.as_str()) {
            anchor = Some(r.item.id.clone());
        }
    }
    out
}

/// Shared words over all words (lowercase, letters and digits only).
fn similarity(a: &str, b: &str) -> f64 {
    let words = |t: &str| -> HashSet<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{Item, Phase};

    fn checklist(items: &[(&str, &str)]) -> Checklist {
        Checklist {
            phases: vec![Phase {
                name: "P".into(),
                items: items
                    .iter()
                    .map(|(id, text)| Item {
                        id: (*id).into(),
                        text: (*text).into(),
                        ..Item::default()
                    })
                    .collect(),
                ..Phase::default()
            }],
            ..Checklist::default()
        }
    }

    fn ids(items: &[DiffItem]) -> Vec<&str> {
        items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn same_checklist_no_changes() {
        let c = checklist(&[("a", "A"), ("b", "B")]);
        assert!(diff(&c, &c).is_empty());
    }

    #[test]
    fn added_removed_and_reworded() {
        let old = checklist(&[
            ("backup", "Take a backup"),
            ("notify", "Notify the team on Slack"),
            ("drop", "Drop the old tables"),
            ("restart", "Restart the app"),
        ]);
        let new = checklist(&[
            ("new-first", "Announce the window"),
            ("backup", "Take a backup"),
            ("tell", "Tell the team in #ops"),
            ("restart", "Restart the app"),
            ("verify", "Verify the health check"),
        ]);
        let d = diff(&old, &new);
        assert_eq!(ids(&d.added), ["new-first", "verify"]);
        assert_eq!(ids(&d.removed), ["drop"]);
        assert_eq!(d.reworded.len(), 1);
        assert_eq!(
            (d.reworded[0].old.id.as_str(), d.reworded[0].new.id.as_str()),
            ("notify", "tell")
        );
        assert_eq!(d.reworded[0].old.text, "Notify the team on Slack");
        assert!(d.renamed.is_empty());
    }

    #[test]
    fn same_text_new_id_is_a_rename_and_same_id_new_text_a_rewording() {
        let old = checklist(&[("notify", "Notify"), ("x", "Check the disk")]);
        let new = checklist(&[("notify-1a2b3c", "Notify"), ("x", "Check the disks")]);
        let d = diff(&old, &new);
        assert_eq!(d.renamed.len(), 1);
        assert_eq!(d.renamed[0].new.id, "notify-1a2b3c");
        assert_eq!(d.reworded.len(), 1);
        assert_eq!(d.reworded[0].new.text, "Check the disks");
        assert!(d.added.is_empty() && d.removed.is_empty());
    }

    #[test]
    fn a_renamed_twin_pairs_with_the_one_at_its_place() {
        let old = checklist(&[("backup", "Take a backup"), ("notify", "Notify")]);
        let new = checklist(&[
            ("freeze", "Freeze merges"),
            ("notify-aaaaaa", "Notify"),
            ("backup", "Take a backup"),
            ("notify-bbbbbb", "Notify"),
        ]);
        let d = diff(&old, &new);
        assert_eq!(d.renamed.len(), 1);
        assert_eq!(
            d.renamed[0].new.id, "notify-bbbbbb",
            "the one after the backup, as before"
        );
        assert_eq!(ids(&d.added), ["freeze", "notify-aaaaaa"]);
    }

    #[test]
    fn unrelated_texts_elsewhere_are_not_paired() {
        let old = checklist(&[("a", "Take a backup"), ("b", "Rotate the keys")]);
        let new = checklist(&[("c", "Scale the workers"), ("a", "Take a backup")]);
        let d = diff(&old, &new);
        assert_eq!((ids(&d.added), ids(&d.removed)), (vec!["c"], vec!["b"]));
        assert!(d.reworded.is_empty());
    }
}
