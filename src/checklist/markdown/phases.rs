//! The heading side of the Markdown import: which headings are the title, phases, promoted
//! budgeted steps or groups, and the final pass that names and numbers the phases.

use super::blocks::{Block, Kind};
use super::builder::{Builder, PhaseMeta};
use super::fields;
use crate::checklist::slug::IdSet;
use crate::checklist::source_map::{Loaded, sorted_capped};
use crate::checklist::{FieldKind, Item, Phase};
use crate::error::SourceErrors;
use std::time::Duration;

impl Builder<'_> {
    pub(super) fn heading(&mut self, index: usize, level: usize, text: &str) {
        self.stack.clear();
        self.last_item = None;
        let clean = fields::clean_text(text);
        if Some(index) == self.title_block {
            // Items are only ever appended to the last phase, so that phases keep document order:
            // a title that comes after other phases opens a fresh phase named after it.
            let last = self.checklist.phases.len().checked_sub(1);
            if self.title_phase.is_some() && self.title_phase != last {
                let title = self.checklist.title.clone();
                self.title_phase = Some(self.start_phase(title.clone(), None, title));
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
            let (name, budget) = split_budget(&clean);
            let index = self.start_phase(name.clone(), budget, name.clone());
            self.parent = Some(index);
            self.parent_name = name;
            self.promoted_level = None;
            self.groups.clear();
            self.pending_group_heading = None;
            return;
        }
        let budget = fields::heading_budget(&clean);
        if budget.is_some() || self.promoted_level.is_some_and(|p| level <= p) {
            let (sub, budget) = match budget {
                Some((sub, d)) => (sub, Some(d)),
                None => (clean, None),
            };
            let name = format!("{} — {sub}", self.parent_name);
            self.start_phase(name, budget, sub);
            if let Some(parent) = self.parent.and_then(|p| self.meta.get_mut(p)) {
                parent.promoted_parent = true;
            }
            self.promoted_level = Some(self.promoted_level.map_or(level, |p| p.min(level)));
            self.groups.clear();
            self.pending_group_heading = None;
            return;
        }
        self.groups.retain(|(l, _)| *l < level);
        self.groups.push((level, clean));
        self.pending_group_heading = Some(format!("{} {}", "#".repeat(level), text.trim()));
    }

    fn start_phase(&mut self, name: String, budget: Option<Duration>, id_source: String) -> usize {
        let name = if name.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            name
        };
        self.checklist.phases.push(Phase {
            name,
            budget,
            ..Phase::default()
        });
        self.meta.push(PhaseMeta {
            id_source,
            promoted_parent: false,
        });
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
        let index = self.start_phase(title.clone(), None, title);
        self.title_phase = Some(index);
        if self.parent.is_none() {
            self.parent = Some(index);
        }
        index
    }

    pub(super) fn finish(mut self) -> Result<Loaded, SourceErrors> {
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
        let kept: Vec<(Phase, PhaseMeta)> = checklist
            .phases
            .drain(..)
            .zip(self.meta)
            .filter(|(p, m)| {
                !(m.promoted_parent
                    && p.items.is_empty()
                    && p.notes.is_empty()
                    && p.commands.is_empty())
            })
            .collect();
        let mut phase_ids = IdSet::default();
        let mut names = IdSet::default();
        for (mut phase, meta) in kept {
            phase.id = phase_ids.fresh(&meta.id_source, "phase");
            phase.name = names.unique(phase.name, |base, n| format!("{base} ({n})"));
            phase.gate = is_gate(&phase);
            checklist.phases.push(phase);
        }
        Ok(Loaded {
            checklist,
            source: self.source,
        })
    }
}

/// The heading level that makes phases: the shallowest one (below the title) with boxes under it.
pub(super) fn phase_level(blocks: &[Block], title_block: Option<usize>) -> Option<usize> {
    let mut headings: Vec<(usize, usize)> = Vec::new();
    let mut best: Option<usize> = None;
    for (index, block) in blocks.iter().enumerate() {
        match &block.kind {
            Kind::Heading { level, .. } => {
                while headings.last().is_some_and(|(l, _)| l >= level) {
                    headings.pop();
                }
                headings.push((*level, index));
            }
            Kind::ListItem {
                checkbox: Some(_), ..
            } => {
                if let Some((level, _)) = headings.iter().find(|(_, i)| Some(*i) != title_block) {
                    best = Some(best.map_or(*level, |b| b.min(*level)));
                }
            }
            _ => {}
        }
    }
    best.or_else(|| {
        blocks
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != title_block)
            .filter_map(|(_, b)| match b.kind {
                Kind::Heading { level, .. } => Some(level),
                _ => None,
            })
            .min()
    })
}

fn split_budget(heading: &str) -> (String, Option<Duration>) {
    match fields::heading_budget(heading) {
        Some((name, budget)) if !name.is_empty() => (name, Some(budget)),
        _ => (heading.to_string(), None),
    }
}

/// A go/no-go phase: said in its name, or one of its items asks for a GO / NO-GO decision.
fn is_gate(phase: &Phase) -> bool {
    let name: String = phase
        .name
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if name.contains("go/no-go") || name.contains("go-no-go") {
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
