//! Second pass of the Markdown import: blocks → items, fields, notes and commands, placed under
//! the right phase and parent by indentation.

use super::blocks::{Block, Kind};
use super::{fields, lines};
use crate::checklist::slug::IdSet;
use crate::checklist::source_map::{LineIndex, SourceMap};
use crate::checklist::{Checklist, Field, Item, MAX_DEPTH};
use crate::error::SourceError;
use std::collections::HashMap;
use std::path::Path;

/// An open list item, by the column of its marker.
pub(super) struct Open {
    indent: usize,
    kind: OpenKind,
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
    /// Its sub-headings were promoted to phases of their own.
    pub promoted_parent: bool,
    /// Its heading sits above the phase level (`## Checklist` over `### Before`, `### During`).
    pub container: bool,
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
    pub(super) stack: Vec<Open>,
    pub(super) last_item: Option<Vec<usize>>,
    /// The previous block was a top-level bullet note: the next one joins it.
    pub(super) bullet_note_open: bool,
    pub(super) item_ids: IdSet,
    /// Field ids handed out so far, per item (phase, path).
    pub(super) field_ids: HashMap<(Option<usize>, Vec<usize>), IdSet>,
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
            stack: Vec::new(),
            last_item: None,
            bullet_note_open: false,
            item_ids: IdSet::default(),
            field_ids: HashMap::new(),
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

    pub(super) fn block(&mut self, index: usize, block: &Block) {
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
        item_at(&mut self.checklist, self.current, path)
    }

    /// Adds a field to the item at `path`, its id unique within the item.
    fn add_field(&mut self, path: &[usize], spec: fields::FieldSpec) {
        // One id set per item, kept, so an item with thousands of fields stays linear.
        let ids = self
            .field_ids
            .entry((self.current, path.to_vec()))
            .or_default();
        if let Some(item) = item_at(&mut self.checklist, self.current, path) {
            item.fields.push(Field {
                id: ids.fresh(&spec.label, "value"),
                label: spec.label,
                kind: spec.kind,
                options: spec.options,
                unit: spec.unit,
                target: spec.target,
            });
        }
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
        let field = fields::detect(&text);
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
        if let Some(spec) = field {
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
            match fields::detect(text) {
                Some(spec) => self.add_field(&path, spec),
                None if !text.trim().is_empty() => {
                    if let Some(item) = self.item_mut(&path) {
                        item.notes.push(text.trim().to_string());
                    }
                }
                None => {}
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
                // `**Label:** value` lines under an item are its record fields, one per line.
                let notes = if lines.iter().all(|l| lines::is_bold_label(l)) {
                    let mut notes = Vec::new();
                    for line in lines {
                        match fields::detect(line) {
                            Some(spec) => self.add_field(&path, spec),
                            None => notes.push(line.to_string()),
                        }
                    }
                    notes
                } else {
                    vec![lines.join("\n")]
                };
                if let Some(item) = self.item_mut(&path) {
                    item.notes.extend(notes);
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
}

/// The item at `path` (indices from the phase's item list down) in phase `phase`.
fn item_at<'c>(
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

/// `**Version:** `v4.0.0`` near the top names the checklist's version.
fn version_in(note: &str) -> Option<String> {
    note.lines().find_map(|line| {
        let clean = line.replace("**", "");
        let value = clean.trim().strip_prefix("Version:")?;
        let value = value.trim().trim_matches('`').trim();
        (!value.is_empty() && !value.contains("___")).then(|| value.to_string())
    })
}
