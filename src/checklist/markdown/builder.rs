//! Second pass of the Markdown import: blocks → items and their fields, placed under the right
//! phase, parent and group by indentation. Prose, code and notes are placed by `place.rs`.

use super::blocks::{Block, Kind};
use super::decisions;
use super::fields::{self, FieldSpec};
use super::text;
use crate::checklist::source_map::{LineIndex, SourceMap};
use crate::checklist::{Checklist, Field, Item, MAX_DEPTH};
use crate::error::SourceError;
use std::path::Path;

/// An open list item, by the column of its marker.
pub(super) struct Open {
    pub(super) indent: usize,
    pub(super) kind: OpenKind,
}

pub(super) enum OpenKind {
    /// A checkbox item: its path of indices from the phase's item list down.
    Item(Vec<usize>),
    /// A plain bullet; outside any item its text labels the boxes nested under it.
    Bullet { label: Option<String> },
}

#[derive(Default)]
pub(super) struct PhaseMeta {
    /// What the id is derived from (the sub-heading alone for a promoted phase).
    pub id_source: String,
    /// The heading level of the phase (0 for the one named after the title).
    pub level: usize,
}

/// What came just before the current block, for the blocks whose meaning depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Prev {
    Nothing,
    /// A heading that made a group (not a phase): its text.
    GroupHeading(String),
    PhaseHeading,
    Item,
    /// A one-line label (`**Command:**`) right above a code block.
    Label(String),
    /// A code block placed in a procedure (the next block may add to it).
    Procedure,
    Other,
}

pub(super) struct Builder<'a> {
    pub(super) text: &'a str,
    pub(super) file: &'a Path,
    pub(super) title_block: Option<usize>,
    pub(super) phase_level: Option<usize>,
    pub(super) checklist: Checklist,
    pub(super) meta: Vec<PhaseMeta>,
    /// `None` before the first phase: notes go to the checklist.
    pub(super) current: Option<usize>,
    pub(super) title_phase: Option<usize>,
    pub(super) parent: Option<usize>,
    pub(super) parent_name: String,
    pub(super) promoted_level: Option<usize>,
    pub(super) groups: Vec<(usize, String)>,
    pub(super) pending_group_heading: Option<String>,
    /// A bold line over a list (`**If issues found:**`): a sub-group for the boxes below it at
    /// its indentation or deeper, as (indent, label).
    pub(super) label_group: Option<(usize, String)>,
    /// Prose found between two boxes of a phase, waiting for the box it stands above.
    pub(super) pending_before: Vec<String>,
    /// Per pending note: whether it is a warning (quoted, or `WARNING:`), which stays with the
    /// box above it when no box follows.
    pub(super) pending_quoted: Vec<bool>,
    pub(super) stack: Vec<Open>,
    pub(super) last_item: Option<Vec<usize>>,
    pub(super) prev: Prev,
    /// The previous block was a top-level bullet note: the next one joins it.
    pub(super) bullet_note_open: bool,
    pub(super) lines: LineIndex,
    pub(super) source: SourceMap,
    pub(super) errors: Vec<SourceError>,
    pub(super) items: usize,
}

impl<'a> Builder<'a> {
    pub(super) fn new(text: &'a str, file: &'a Path, blocks: &[Block]) -> Self {
        let title_block = blocks
            .iter()
            .position(|b| matches!(b.kind, Kind::Heading { level: 1, .. }));
        let title = match title_block.map(|i| &blocks[i].kind) {
            Some(Kind::Heading { text, .. }) if !text::visible(text).is_empty() => {
                text::visible(text)
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
            phase_level: super::phases::phase_level(blocks, title_block),
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
            label_group: None,
            pending_before: Vec::new(),
            pending_quoted: Vec::new(),
            stack: Vec::new(),
            last_item: None,
            prev: Prev::Nothing,
            bullet_note_open: false,
            lines: LineIndex::new(text),
            source: SourceMap::new(file, text),
            errors: Vec::new(),
            items: 0,
        }
    }

    pub(super) fn error(&mut self, offset: usize, message: String, hint: String) {
        let error = self.lines.error(self.file, self.text, offset, message);
        self.errors.push(error.with_hint(hint));
    }

    /// Places one block; `next` is the block after it (a label over a code block reads it).
    pub(super) fn block(&mut self, index: usize, block: &Block, next: Option<&Block>) {
        let bullet_before = std::mem::replace(&mut self.bullet_note_open, false);
        let prev = std::mem::replace(&mut self.prev, Prev::Other);
        match &block.kind {
            Kind::Heading { level, text } => self.heading(index, *level, text),
            Kind::ListItem {
                checkbox: Some(checked),
                text,
                ..
            } => {
                self.item(block, *checked, text);
                self.prev = Prev::Item;
            }
            Kind::ListItem {
                checkbox: None,
                text,
                raw,
            } => {
                self.bullet(block, text, raw, bullet_before);
            }
            Kind::Text { raw } => self.prose(block, raw, next),
            Kind::Table { raw } => self.table(block.indent, raw),
            Kind::Rule { raw, separator } => {
                if !separator {
                    self.close_to(block.indent);
                    self.label_group = None;
                    self.phase_note(raw.clone());
                }
            }
            Kind::Code { body, raw, .. } => self.code(block.indent, body, raw, &prev),
            Kind::FrontMatter { raw } => self.front_matter(raw),
        }
    }

    /// Closes list items that a block at `indent` is not nested in.
    pub(super) fn close_to(&mut self, indent: usize) {
        while self
            .stack
            .last()
            .is_some_and(|open| indent < open.indent + 2)
        {
            self.stack.pop();
        }
    }

    pub(super) fn owner_item(&self) -> Option<Vec<usize>> {
        self.stack.iter().rev().find_map(|open| match &open.kind {
            OpenKind::Item(path) => Some(path.clone()),
            OpenKind::Bullet { .. } => None,
        })
    }

    pub(super) fn item_mut(&mut self, path: &[usize]) -> Option<&mut Item> {
        item_at(&mut self.checklist, self.current, path)
    }

    /// Adds a field to the item at `path` (the current phase itself for an empty path); its id
    /// is given in `finish`, once per item.
    pub(super) fn add_field(&mut self, path: &[usize], spec: FieldSpec) {
        let field = Field {
            id: String::new(),
            label: spec.label,
            kind: spec.kind,
            options: spec.options,
            unit: spec.unit,
            target: spec.target,
            note: spec.note,
        };
        if path.is_empty() {
            let phase = self.phase_index();
            self.checklist.phases[phase].fields.push(field);
        } else if let Some(item) = item_at(&mut self.checklist, self.current, path) {
            push_lean(&mut item.fields, field);
        }
    }

    fn item(&mut self, block: &Block, checked: bool, raw_text: &str) {
        self.close_to(block.indent);
        if self
            .label_group
            .as_ref()
            .is_some_and(|(indent, _)| block.indent < *indent)
        {
            self.label_group = None;
        }
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
        let (mut text, links) = text::render(raw_text);
        let mut specs = Vec::new();
        if let Some((shown, spec)) = decisions::inline_alternatives(&text) {
            text = shown;
            specs.push(spec);
        } else {
            specs = fields::detect_visible(&text);
        }
        if text.is_empty() {
            text = "(empty checkbox)".into();
        }
        let mut item = Item {
            // The offset stands in for the id until the whole tree is known (`ids::assign`).
            id: block.offset.to_string(),
            group: self.group_label(),
            required: fields::is_required(&text),
            checked,
            notes: link_notes(links),
            ..Item::default()
        };
        item.text = text;
        let owner = self.owner_item();
        if owner.is_none() {
            item.before = std::mem::take(&mut self.pending_before);
            self.pending_quoted.clear();
        }
        let path = match owner {
            Some(mut parent_path) => {
                let Some(parent) = self.item_mut(&parent_path) else {
                    return;
                };
                push_lean(&mut parent.children, item);
                parent_path.push(parent.children.len() - 1);
                parent_path
            }
            None => {
                let items = &mut self.checklist.phases[phase].items;
                items.push(item);
                vec![items.len() - 1]
            }
        };
        for spec in specs {
            self.add_field(&path, spec);
        }
        self.stack.push(Open {
            indent: block.indent,
            kind: OpenKind::Item(path.clone()),
        });
        self.last_item = Some(path);
        self.pending_group_heading = None;
        self.items += 1;
    }

    /// Heading groups, then a bold label and the labels of plain bullets the box sits under,
    /// joined by ` / `.
    pub(super) fn group_label(&self) -> Option<String> {
        let mut parts: Vec<&str> = self.groups.iter().map(|(_, g)| g.as_str()).collect();
        if let Some((_, label)) = &self.label_group {
            parts.push(label);
        }
        for open in &self.stack {
            if let OpenKind::Bullet { label: Some(label) } = &open.kind {
                parts.push(label);
            }
        }
        (!parts.is_empty()).then(|| parts.join(" / "))
    }

    fn bullet(&mut self, block: &Block, text: &str, raw: &str, join_previous: bool) {
        self.close_to(block.indent);
        let specs = decisions::line_fields(&text::visible(text));
        if let Some(path) = self.owner_item() {
            if specs.is_empty() {
                if !text.trim().is_empty()
                    && let Some(item) = self.item_mut(&path)
                {
                    item.notes.push(text.trim().to_string());
                }
            } else {
                for spec in specs {
                    self.add_field(&path, spec);
                }
            }
            self.stack.push(Open {
                indent: block.indent,
                kind: OpenKind::Bullet { label: None },
            });
            return;
        }
        let label = Some(text::visible(text)).filter(|l| !l.is_empty());
        self.stack.push(Open {
            indent: block.indent,
            kind: OpenKind::Bullet { label },
        });
        // `- Deployed By: ____` outside any step: a value the phase records.
        if !specs.is_empty() && self.current.is_some() {
            for spec in specs {
                self.add_field(&[], spec);
            }
            return;
        }
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
}

/// Links in an item's line, kept as notes (`Grafana: https://…`) since the text keeps only the
/// label, as the reader sees it.
fn link_notes(links: Vec<text::Link>) -> Vec<String> {
    links
        .into_iter()
        .filter(|l| !l.target.is_empty() && !l.target.starts_with('#'))
        .map(|l| format!("{}: {}", l.label, l.target))
        .collect()
}

/// Pushes without the first allocation's room for four: most items have one field or one
/// sub-step, and a 5 MB checklist would otherwise carry tens of megabytes of empty slots.
fn push_lean<T>(list: &mut Vec<T>, value: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(value);
}

/// The item at `path` (indices from the phase's item list down) in phase `phase`.
pub(super) fn item_at<'c>(
    checklist: &'c mut Checklist,
    phase: Option<usize>,
    path: &[usize],
) -> Option<&'c mut Item> {
    let phase = checklist.phases.get_mut(phase?)?;
    let (first, rest) = path.split_first()?;
    let mut item = phase.items.get_mut(*first)?;
    for i in rest {
        item = item.children.get_mut(*i)?;
    }
    Some(item)
}
