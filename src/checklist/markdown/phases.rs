//! The heading side of the Markdown import: which headings are the title, phases, promoted
//! budgeted steps or groups, and the final pass that names and numbers the phases.

use super::blocks::{Block, Kind};
use super::builder::{Builder, PhaseMeta, Prev};
use super::text;
use super::timing::{Timing, heading_timing};
use crate::checklist::slug::IdSet;
use crate::checklist::source_map::{Loaded, sorted_capped};
use crate::checklist::{FieldKind, Item, Phase};
use crate::error::SourceErrors;
use std::collections::HashMap;

impl Builder<'_> {
    pub(super) fn heading(&mut self, index: usize, level: usize, text: &str) {
        self.flush_pending();
        self.stack.clear();
        self.last_item = None;
        self.label_group = None;
        self.prev = Prev::PhaseHeading;
        let clean = text::visible(text);
        if Some(index) == self.title_block {
            // Items are only ever appended to the last phase, so that phases keep document order:
            // a title that comes after other phases opens a fresh phase named after it.
            let last = self.checklist.phases.len().checked_sub(1);
            if self.title_phase.is_some() && self.title_phase != last {
                let title = self.checklist.title.clone();
                self.title_phase = Some(self.start_phase(title.clone(), None, title, 0));
            }
            self.current = self.title_phase;
            self.parent = self.title_phase;
            self.parent_name = self.checklist.title.clone();
            self.promoted_level = None;
            self.groups.clear();
            self.pending_group_heading = None;
            return;
        }
        if self
            .phase_level
            .is_none_or(|phase_level| level <= phase_level)
        {
            let (name, timing) = split_timing(&clean);
            let index = self.start_phase(name.clone(), timing, name.clone(), level);
            self.parent = Some(index);
            self.parent_name = name;
            self.promoted_level = None;
            self.groups.clear();
            self.pending_group_heading = None;
            return;
        }
        let timing = heading_timing(&clean);
        // A sub-heading with its own time, or a go/no-go gate, is a phase of its own so the
        // budget or the decision is not lost in a group.
        if timing.is_some()
            || is_gate_name(&clean)
            || self.promoted_level.is_some_and(|p| level <= p)
        {
            let (sub, timing) = match timing {
                Some((sub, t)) if !sub.is_empty() => (sub, Some(t)),
                _ => (clean, None),
            };
            let name = format!("{} — {sub}", self.parent_name);
            self.start_phase(name, timing, sub, level);
            self.promoted_level = Some(self.promoted_level.map_or(level, |p| p.min(level)));
            self.groups.clear();
            self.pending_group_heading = None;
            return;
        }
        self.groups.retain(|(l, _)| *l < level);
        self.groups.push((level, clean.clone()));
        self.prev = Prev::GroupHeading(clean);
        self.pending_group_heading = Some(format!("{} {}", "#".repeat(level), text.trim()));
    }

    fn start_phase(
        &mut self,
        name: String,
        timing: Option<Timing>,
        id_source: String,
        level: usize,
    ) -> usize {
        let name = if name.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            name
        };
        self.checklist.phases.push(Phase {
            name,
            budget: timing.map(|t| t.budget),
            offset: timing.and_then(|t| t.offset),
            ..Phase::default()
        });
        self.meta.push(PhaseMeta { id_source, level });
        let index = self.checklist.phases.len() - 1;
        self.current = Some(index);
        index
    }

    /// The phase items go to; before any phase heading, one named after the title.
    pub(super) fn phase_index(&mut self) -> usize {
        if let Some(index) = self.current {
            return index;
        }
        let title = self.checklist.title.clone();
        let index = self.start_phase(title.clone(), None, title, 0);
        self.title_phase = Some(index);
        if self.parent.is_none() {
            self.parent = Some(index);
        }
        index
    }

    pub(super) fn finish(mut self) -> Result<Loaded, SourceErrors> {
        self.flush_pending();
        if self.items == 0 && self.errors.is_empty() {
            self.error(
                0,
                "no checkboxes found: flightdeck makes one item per `- [ ]` line".into(),
                "mark each step to check with a box, e.g. `- [ ] Back up the database`".into(),
            );
        }
        if !self.errors.is_empty() {
            return Err(sorted_capped(self.errors, self.file));
        }
        let mut checklist = self.checklist;
        let mut kept: Vec<(Phase, PhaseMeta)> = Vec::new();
        for (phase, meta) in checklist.phases.drain(..).zip(self.meta) {
            let holds_something = !(phase.items.is_empty()
                && phase.procedures.is_empty()
                && phase.fields.is_empty()
                && phase.commands.is_empty());
            if holds_something {
                kept.push((phase, meta));
            } else if !phase.notes.is_empty() {
                // A section without steps (contents, overview): its prose stays with the
                // checklist, under its heading.
                let hashes = "#".repeat(meta.level.clamp(1, 6));
                checklist.notes.push(format!("{hashes} {}", phase.name));
                checklist.notes.extend(phase.notes);
            }
        }
        let mut phase_ids = IdSet::default();
        let mut names = IdSet::default();
        for (mut phase, meta) in kept {
            phase.id = phase_ids.fresh(&meta.id_source, "phase");
            phase.name = names.unique(phase.name, |base, n| format!("{base} ({n})"));
            phase.gate = is_gate(&phase);
            checklist.phases.push(phase);
        }
        let offsets: Vec<usize> = checklist
            .walk()
            .iter()
            .map(|r| r.item.id.parse().unwrap_or(0))
            .collect();
        // Procedures name the item they follow by its stand-in id until now.
        let afters: std::collections::HashSet<usize> = checklist
            .phases
            .iter()
            .flat_map(|p| &p.procedures)
            .filter_map(|p| p.after.as_deref()?.parse().ok())
            .collect();
        crate::checklist::ids::assign(&mut checklist);
        let mut source = self.source;
        source.items.reserve(offsets.len());
        let mut renamed: HashMap<usize, String> = HashMap::with_capacity(afters.len());
        for (r, offset) in checklist.walk().iter().zip(offsets) {
            source.items.insert(r.item.id.clone(), offset);
            if afters.contains(&offset) {
                renamed.insert(offset, r.item.id.clone());
            }
        }
        for phase in &mut checklist.phases {
            for procedure in &mut phase.procedures {
                let stand_in = procedure.after.take().and_then(|a| a.parse().ok());
                procedure.after = stand_in.and_then(|o: usize| renamed.get(&o).cloned());
            }
            name_fields(&mut phase.fields);
            for item in &mut phase.items {
                name_item_fields(item);
            }
        }
        Ok(Loaded { checklist, source })
    }
}

/// Field ids, unique within their item (or phase), from their labels.
fn name_fields(fields: &mut [crate::checklist::Field]) {
    if let [one] = fields {
        one.id = match crate::checklist::slug::slug(&one.label) {
            s if s.is_empty() => "value".to_string(),
            s => s,
        };
        return;
    }
    let mut ids = IdSet::default();
    for field in fields {
        field.id = ids.fresh(&field.label, "value");
    }
}

fn name_item_fields(item: &mut Item) {
    name_fields(&mut item.fields);
    for child in &mut item.children {
        name_item_fields(child);
    }
}

/// The heading level that makes phases: the shallowest one (below the title) with boxes under it.
///
/// One refinement: when a single heading at that level holds every box, and only through its
/// sub-headings (`## Checklist` over `### Before`, `### During`), it is a container, and the level
/// below makes the phases — one phase holding everything would help no one.
pub(super) fn phase_level(blocks: &[Block], title_block: Option<usize>) -> Option<usize> {
    // Per heading block: (level, carries boxes in its section, has boxes directly under it).
    let mut facts: std::collections::BTreeMap<usize, (usize, bool, bool)> = Default::default();
    let mut open: Vec<(usize, usize)> = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        match &block.kind {
            Kind::Heading { level, .. } if Some(index) != title_block => {
                while open.last().is_some_and(|(l, _)| l >= level) {
                    open.pop();
                }
                open.push((*level, index));
                facts.insert(index, (*level, false, false));
            }
            Kind::ListItem {
                checkbox: Some(_), ..
            } => {
                for (_, heading) in &open {
                    if let Some(f) = facts.get_mut(heading) {
                        f.1 = true;
                    }
                }
                if let Some(f) = open.last().and_then(|(_, h)| facts.get_mut(h)) {
                    f.2 = true;
                }
            }
            _ => {}
        }
    }
    let carrying = |level: usize| facts.values().filter(move |f| f.0 == level && f.1);
    let mut levels: Vec<usize> = facts.values().filter(|f| f.1).map(|f| f.0).collect();
    levels.sort_unstable();
    levels.dedup();
    let Some(mut level) = levels.first().copied() else {
        return facts.values().map(|f| f.0).min();
    };
    for &deeper in levels.iter().skip(1) {
        let here: Vec<_> = carrying(level).collect();
        let container = here.len() == 1 && !here[0].2;
        if !(container && carrying(deeper).count() >= 2) {
            break;
        }
        level = deeper;
    }
    Some(level)
}

fn split_timing(heading: &str) -> (String, Option<Timing>) {
    match heading_timing(heading) {
        Some((name, timing)) if !name.is_empty() => (name, Some(timing)),
        _ => (heading.to_string(), None),
    }
}

/// "Gate 1: Pre-Deployment Go/No-Go", "Go / No-Go decision", "Go-No-Go".
fn is_gate_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    let squeezed: String = lower
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '/' | '_'))
        .collect();
    squeezed.contains("gonogo")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "gate")
}

/// A go/no-go phase: said in its name, or one of its items asks for a GO / NO-GO decision.
fn is_gate(phase: &Phase) -> bool {
    if is_gate_name(&phase.name) {
        return true;
    }
    fn asks_go(item: &Item) -> bool {
        item.fields.iter().any(|f| {
            f.kind == FieldKind::Choice
                && f.options.iter().any(|o| {
                    let o = o.to_uppercase();
                    o == "NO-GO" || o == "NO GO"
                })
        }) || item.children.iter().any(asks_go)
    }
    phase.items.iter().any(asks_go)
}
