//! Markdown import: a team's checklist (headings, `- [ ]` boxes, code blocks, `Yes / No` choices,
//! `___` blanks, tables, prose) becomes a flightdeck checklist, every checkbox one item, nothing lost.
//!
//! Rules: the first `#` is the title; the shallowest heading level that holds boxes makes phases;
//! deeper headings are groups, except one with a time budget ("Step 2 (5 minutes)"), which becomes
//! a phase of its own so the budget survives. See `DESIGN.md` section 3.

mod blocks;
mod fields;

use super::slug::IdSet;
use super::source_map::{LineIndex, Loaded, SourceMap, sorted_capped};
use super::{Checklist, Field, FieldKind, Item, MAX_DEPTH, Phase};
use crate::error::{SourceError, SourceErrors};
use blocks::{Block, Kind};
use std::path::Path;
use std::time::Duration;

/// Imports a Markdown checklist.
pub fn import(text: &str, file: &Path) -> Result<Checklist, SourceErrors> {
    import_located(text, file).map(|loaded| loaded.checklist)
}

/// Like [`import`], also recording where each item's checkbox is.
pub fn import_located(text: &str, file: &Path) -> Result<Loaded, SourceErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (blocks, scan_errors) = blocks::scan(text);
    let mut b = Builder::new(text, file, &blocks);
    for (offset, message, hint) in scan_errors {
        b.error(offset, message, hint);
    }
    for (index, block) in blocks.iter().enumerate() {
        b.block(index, block);
    }
    b.finish()
}

/// An open list item, by the column of its marker.
struct Open {
    indent: usize,
    kind: OpenKind,
}

enum OpenKind {
    /// A checkbox item: its path of indices from the phase's item list down.
    Item(Vec<usize>),
    /// A plain bullet; outside any item its text labels the boxes nested under it.
    Bullet { label: Option<String> },
}

#[derive(Default)]
struct PhaseMeta {
    /// What the id is derived from (the sub-heading alone for a promoted phase).
    id_source: String,
    /// Its sub-headings were promoted to phases of their own.
    promoted_parent: bool,
}

struct Builder<'a> {
    text: &'a str,
    file: &'a Path,
    title_block: Option<usize>,
    phase_level: Option<usize>,
    checklist: Checklist,
    meta: Vec<PhaseMeta>,
    /// `None` before the first phase: notes go to the checklist.
    current: Option<usize>,
    title_phase: Option<usize>,
    parent: Option<usize>,
    parent_name: String,
    promoted_level: Option<usize>,
    groups: Vec<(usize, String)>,
    pending_group_heading: Option<String>,
    stack: Vec<Open>,
    last_item: Option<Vec<usize>>,
    /// The previous block was a top-level bullet note: the next one joins it.
    bullet_note_open: bool,
    item_ids: IdSet,
    lines: LineIndex,
    source: SourceMap,
    errors: Vec<SourceError>,
    items: usize,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, file: &'a Path, blocks: &[Block]) -> Self {
        let title_block = blocks
            .iter()
            .position(|b| matches!(b.kind, Kind::Heading { level: 1, .. }));
        let title = match title_block.map(|i| &blocks[i].kind) {
            Some(Kind::Heading { text, .. }) if !fields::clean_text(text).is_empty() => {
                fields::clean_text(text)
            }
            _ => file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "Checklist".into()),
        };
        Builder {
            text,
            file,
            title_block,
            phase_level: phase_level(blocks, title_block),
            parent_name: title.clone(),
            checklist: Checklist {
                title,
                ..Checklist::default()
            },
            meta: Vec::new(),
            current: None,
            title_phase: None,
            parent: None,
            promoted_level: None,
            groups: Vec::new(),
            pending_group_heading: None,
            stack: Vec::new(),
            last_item: None,
            bullet_note_open: false,
            item_ids: IdSet::default(),
            lines: LineIndex::new(text),
            source: SourceMap::new(file, text),
            errors: Vec::new(),
            items: 0,
        }
    }

    fn error(&mut self, offset: usize, message: String, hint: String) {
        let error = self.lines.error(self.file, self.text, offset, message);
        self.errors.push(error.with_hint(hint));
    }

    fn block(&mut self, index: usize, block: &Block) {
        let bullet_before = std::mem::replace(&mut self.bullet_note_open, false);
        match &block.kind {
            Kind::Heading { level, text } => self.heading(index, *level, text),
            Kind::ListItem {
                checkbox: Some(checked),
                text,
                ..
            } => {
                self.item(block, *checked, text);
            }
            Kind::ListItem {
                checkbox: None,
                text,
                raw,
            } => {
                self.bullet(block, text, raw, bullet_before);
            }
            Kind::Text { raw } | Kind::Table { raw } => self.prose(block.indent, raw),
            Kind::Rule { raw, separator } => {
                if !separator {
                    self.prose(block.indent, raw);
                }
            }
            Kind::Code { body, raw } => self.code(block.indent, body, raw),
            Kind::FrontMatter { raw } => self.front_matter(raw),
        }
    }

    fn heading(&mut self, index: usize, level: usize, text: &str) {
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
    fn phase_index(&mut self) -> usize {
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

    /// Closes list items that a block at `indent` is not nested in.
    fn close_to(&mut self, indent: usize) {
        while self
            .stack
            .last()
            .is_some_and(|open| indent < open.indent + 2)
        {
            self.stack.pop();
        }
    }

    fn owner_item(&self) -> Option<Vec<usize>> {
        self.stack.iter().rev().find_map(|open| match &open.kind {
            OpenKind::Item(path) => Some(path.clone()),
            OpenKind::Bullet { .. } => None,
        })
    }

    fn item_mut(&mut self, path: &[usize]) -> Option<&mut Item> {
        let phase = self.checklist.phases.get_mut(self.current?)?;
        let (first, rest) = path.split_first()?;
        let mut item = phase.items.get_mut(*first)?;
        for i in rest {
            item = item.children.get_mut(*i)?;
        }
        Some(item)
    }

    fn item(&mut self, block: &Block, checked: bool, text: &str) {
        self.close_to(block.indent);
        let depth = self
            .stack
            .iter()
            .filter(|o| matches!(o.kind, OpenKind::Item(_)))
            .count();
        if depth >= MAX_DEPTH {
            self.error(
                block.offset,
                format!("checkbox nested more than {MAX_DEPTH} levels deep"),
                "indent it less: flightdeck keeps sub-steps, but not lists this deep".into(),
            );
            return;
        }
        let phase = self.phase_index();
        let mut text = fields::clean_text(text);
        if text.is_empty() {
            text = "(empty checkbox)".into();
        }
        let mut item = Item {
            id: self.item_ids.fresh(&text, "item"),
            group: self.group_label(),
            required: fields::is_required(&text),
            checked,
            ..Item::default()
        };
        if let Some(spec) = fields::detect(&text) {
            add_field(&mut item, spec);
        }
        item.text = text;
        self.source.items.insert(item.id.clone(), block.offset);
        let path = match self.owner_item() {
            Some(mut parent_path) => {
                let Some(parent) = self.item_mut(&parent_path) else {
                    return;
                };
                parent.children.push(item);
                parent_path.push(parent.children.len() - 1);
                parent_path
            }
            None => {
                let items = &mut self.checklist.phases[phase].items;
                items.push(item);
                vec![items.len() - 1]
            }
        };
        self.stack.push(Open {
            indent: block.indent,
            kind: OpenKind::Item(path.clone()),
        });
        self.last_item = Some(path);
        self.pending_group_heading = None;
        self.items += 1;
    }

    /// Heading groups, then labels of plain bullets the box sits under, joined by ` / `.
    fn group_label(&self) -> Option<String> {
        let mut parts: Vec<&str> = self.groups.iter().map(|(_, g)| g.as_str()).collect();
        for open in &self.stack {
            if let OpenKind::Bullet { label: Some(label) } = &open.kind {
                parts.push(label);
            }
        }
        (!parts.is_empty()).then(|| parts.join(" / "))
    }

    fn bullet(&mut self, block: &Block, text: &str, raw: &str, join_previous: bool) {
        self.close_to(block.indent);
        if let Some(path) = self.owner_item() {
            if let Some(item) = self.item_mut(&path) {
                match fields::detect(text) {
                    Some(spec) => add_field(item, spec),
                    None if !text.trim().is_empty() => item.notes.push(text.trim().to_string()),
                    None => {}
                }
            }
            self.stack.push(Open {
                indent: block.indent,
                kind: OpenKind::Bullet { label: None },
            });
            return;
        }
        let label = Some(fields::clean_text(text)).filter(|l| !l.is_empty());
        self.stack.push(Open {
            indent: block.indent,
            kind: OpenKind::Bullet { label },
        });
        let previous = match self.current {
            Some(p) => self.checklist.phases[p].notes.last_mut(),
            None => self.checklist.notes.last_mut(),
        };
        match previous {
            Some(last) if join_previous => {
                last.push('\n');
                last.push_str(raw);
            }
            _ => self.note(raw.to_string()),
        }
        self.bullet_note_open = true;
    }

    fn prose(&mut self, indent: usize, raw: &str) {
        self.close_to(indent);
        match self.owner_item() {
            Some(path) => {
                let lines: Vec<&str> = raw.lines().map(str::trim).collect();
                let Some(item) = self.item_mut(&path) else {
                    return;
                };
                // `**Label:** value` lines under an item are its record fields, one per line.
                if lines.iter().all(|l| blocks::is_bold_label(l)) {
                    for line in lines {
                        match fields::detect(line) {
                            Some(spec) => add_field(item, spec),
                            None => item.notes.push(line.to_string()),
                        }
                    }
                } else {
                    item.notes.push(lines.join("\n"));
                }
            }
            None => {
                self.stack.clear();
                self.note(raw.to_string());
            }
        }
    }

    fn code(&mut self, indent: usize, body: &str, raw: &str) {
        self.close_to(indent);
        let target = self.owner_item().or_else(|| self.last_item.clone());
        if let Some(path) = target
            && let Some(item) = self.item_mut(&path)
        {
            item.commands.push(body.to_string());
            return;
        }
        match self.current {
            Some(p) => self.checklist.phases[p].commands.push(body.to_string()),
            None => self.checklist.notes.push(raw.to_string()),
        }
    }

    fn front_matter(&mut self, raw: &str) {
        for line in raw.lines() {
            if let Some((key, value)) = line.split_once(':') {
                let value = value.trim().trim_matches(['"', '\'']).trim();
                match key.trim() {
                    "title" if self.title_block.is_none() && !value.is_empty() => {
                        self.checklist.title = value.to_string();
                        self.parent_name = value.to_string();
                    }
                    "version" if !value.is_empty() => {
                        self.checklist.version = Some(value.to_string())
                    }
                    _ => {}
                }
            }
        }
        self.checklist.notes.push(raw.to_string());
    }

    /// A note for the current phase (or the checklist before any phase), after the group heading
    /// it sits under, so the note keeps its context.
    fn note(&mut self, text: String) {
        if self.items == 0 && self.checklist.version.is_none() {
            self.checklist.version = version_in(&text);
        }
        match self.current {
            Some(p) => {
                let notes = &mut self.checklist.phases[p].notes;
                if let Some(heading) = self.pending_group_heading.take() {
                    notes.push(heading);
                }
                notes.push(text);
            }
            None => self.checklist.notes.push(text),
        }
    }

    fn finish(mut self) -> Result<Loaded, SourceErrors> {
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
fn phase_level(blocks: &[Block], title_block: Option<usize>) -> Option<usize> {
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

fn add_field(item: &mut Item, spec: fields::FieldSpec) {
    let mut ids = IdSet::default();
    for field in &item.fields {
        ids.reserve(&field.id);
    }
    item.fields.push(Field {
        id: ids.fresh(&spec.label, "value"),
        label: spec.label,
        kind: spec.kind,
        options: spec.options,
        unit: spec.unit,
        target: spec.target,
    });
}

/// `**Version:** `v4.0.0`` near the top names the checklist's version.
fn version_in(note: &str) -> Option<String> {
    note.lines().find_map(|line| {
        let clean = line.replace("**", "");
        let value = clean.trim().strip_prefix("Version:")?;
        let value = value.trim().trim_matches('`').trim();
        (!value.is_empty() && !value.contains("___")).then(|| value.to_string())
    })
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
