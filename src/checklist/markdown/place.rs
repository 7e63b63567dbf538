//! Where the Markdown import puts what is not a box: prose and quotes become notes of the item
//! they sit in or stand above, labels become groups or name procedures, code goes to its item or
//! its label, lines asking for a value become fields, front matter becomes metadata.

use super::blocks::{Block, Kind};
use super::builder::{Builder, Prev};
use super::{decisions, fields, lines, text};
use crate::checklist::Procedure;

/// Longest line read as a label over a list or a code block; longer ones are prose.
const MAX_LABEL: usize = 100;

impl Builder<'_> {
    pub(super) fn prose(&mut self, block: &Block, raw: &str, next: Option<&Block>) {
        self.close_to(block.indent);
        let quoted = raw.lines().all(|l| l.trim_start().starts_with('>'));
        let lines: Vec<String> = raw
            .lines()
            .map(|l| lines::strip_quotes(l).trim().to_string())
            .collect();
        if let Some(path) = self.owner_item() {
            // Under a box: `**Label:** ____` lines are its fields, the rest (a quoted body
            // without its `>`) its note.
            let mut rest = Vec::new();
            for line in lines {
                let specs = decisions::line_fields(&text::visible(&line));
                if specs.is_empty() {
                    rest.push(line);
                } else {
                    for spec in specs {
                        self.add_field(&path, spec);
                    }
                }
            }
            if !rest.is_empty()
                && let Some(item) = self.item_mut(&path)
            {
                item.notes.push(rest.join("\n"));
            }
            return;
        }
        self.stack.clear();
        // One line of prose right above a code block names it, label or sentence alike
        // ("Then restart the workers." over the command that does it).
        if let [line] = lines.as_slice()
            && matches!(next.map(|b| &b.kind), Some(Kind::Code { .. }))
            && let Some(label) = label_line(line).or_else(|| code_label(line))
        {
            self.prev = Prev::Label(label);
            return;
        }
        if let [line] = lines.as_slice()
            && let Some(label) = label_line(line)
        {
            match next.map(|b| &b.kind) {
                Some(Kind::Code { .. }) => {
                    self.prev = Prev::Label(label);
                    return;
                }
                // A bold line groups the list below it; a plain `Infrastructure:` only when the
                // list follows on the very next line (after a blank line it is often a sentence).
                Some(Kind::ListItem { .. })
                    if line.trim_start().starts_with("**")
                        || next.is_some_and(|n| self.adjacent(block, n)) =>
                {
                    self.label_group = Some((block.indent, label));
                    return;
                }
                // `**Notes/Issues**:` closing a section: a value left to write down.
                None
                | Some(
                    Kind::Heading { .. }
                    | Kind::Rule {
                        separator: true, ..
                    },
                ) if line.trim_start().starts_with("**") && self.current.is_some() => {
                    self.add_field(&[], fields::text_field(label));
                    return;
                }
                _ => {}
            }
        }
        // Prose at the top level ends the list a label stood over.
        self.label_group = None;
        // Lines asking for a value outside any box (`Deployed By: ____`) are the phase's fields.
        let mut kept = Vec::new();
        let mut plain = Vec::new();
        for (line, raw_line) in lines.iter().zip(raw.lines()) {
            let specs = if self.current.is_some() {
                decisions::line_fields(&text::visible(line))
            } else {
                Vec::new()
            };
            if specs.is_empty() {
                kept.push(raw_line.trim_end());
                plain.push(line.as_str());
            } else {
                for spec in specs {
                    self.add_field(&[], spec);
                }
            }
        }
        if kept.iter().all(|l| l.trim().is_empty()) {
            return;
        }
        if self.last_item.is_some() {
            // Between two boxes: it stands above the next one (or, if none comes, see flush);
            // as an item's note it reads without its `>` markers.
            self.pending_before.push(plain.join("\n"));
            self.pending_quoted.push(quoted || is_warning(&lines[0]));
        } else {
            self.note(kept.join("\n"));
        }
    }

    /// Whether `next` starts on the line right after `block` (a one-line block).
    fn adjacent(&self, block: &Block, next: &Block) -> bool {
        self.text
            .get(block.offset..next.offset)
            .is_some_and(|between| between.matches('\n').count() == 1)
    }

    pub(super) fn table(&mut self, indent: usize, raw: &str) {
        self.close_to(indent);
        let specs = decisions::table_fields(raw);
        match self.owner_item() {
            Some(path) => {
                let note: Vec<&str> = raw.lines().map(str::trim).collect();
                if let Some(item) = self.item_mut(&path) {
                    item.notes.push(note.join("\n"));
                }
                for spec in specs {
                    self.add_field(&path, spec);
                }
            }
            None => {
                self.stack.clear();
                self.label_group = None;
                if self.current.is_some() {
                    for spec in specs {
                        self.add_field(&[], spec);
                    }
                }
                self.note(raw.to_string());
            }
        }
    }

    pub(super) fn code(&mut self, indent: usize, body: &str, raw: &str, prev: &Prev) {
        self.close_to(indent);
        if let Some(path) = self.owner_item() {
            if let Some(item) = self.item_mut(&path) {
                item.commands.push(body.to_string());
            }
            return;
        }
        let label = match prev {
            Prev::Label(label) | Prev::GroupHeading(label) => Some(label.clone()),
            _ => None,
        };
        if let (Some(label), Some(phase)) = (label, self.current) {
            let group = self.group_label().filter(|g| *g != label).map(|g| {
                g.strip_suffix(&format!(" / {label}"))
                    .map_or(g.clone(), str::to_string)
            });
            let p = &mut self.checklist.phases[phase];
            p.procedures.push(Procedure {
                label,
                group,
                after: p.items.last().map(|i| i.id.clone()),
                commands: vec![body.to_string()],
                ..Procedure::default()
            });
            self.pending_group_heading = None;
            self.prev = Prev::Procedure;
            return;
        }
        if *prev == Prev::Procedure
            && let Some(procedure) = self
                .current
                .and_then(|p| self.checklist.phases[p].procedures.last_mut())
        {
            procedure.commands.push(body.to_string());
            self.prev = Prev::Procedure;
            return;
        }
        let target = self.last_item.clone();
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

    /// Prose still waiting for a box when the phase ends: a warning stays with the box it
    /// follows, anything else goes back to the phase.
    pub(super) fn flush_pending(&mut self) {
        let notes = std::mem::take(&mut self.pending_before);
        let warnings = std::mem::take(&mut self.pending_quoted);
        let last = self.last_item.clone();
        for (note, warning) in notes.into_iter().zip(warnings) {
            match &last {
                Some(path) if warning => {
                    if let Some(item) = self.item_mut(path) {
                        item.notes.push(note);
                    }
                }
                _ => self.phase_note(note),
            }
        }
    }

    /// A note for the current phase (or the checklist before any phase).
    pub(super) fn phase_note(&mut self, text: String) {
        match self.current {
            Some(p) => self.checklist.phases[p].notes.push(text),
            None => self.checklist.notes.push(text),
        }
    }

    /// A note for the current phase (or the checklist before any phase), after the group heading
    /// it sits under, so the note keeps its context.
    pub(super) fn note(&mut self, text: String) {
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

    /// YAML front matter: `title` (or `name`), `version` and `owner` (or `author`) are the
    /// checklist's; other keys are kept as a note.
    pub(super) fn front_matter(&mut self, raw: &str) {
        let mut rest = Vec::new();
        let body = raw
            .lines()
            .skip(1)
            .take(raw.lines().count().saturating_sub(2));
        for line in body {
            let top_level = !line.starts_with([' ', '\t', '-']);
            let Some((key, value)) = line.split_once(':').filter(|_| top_level) else {
                rest.push(line);
                continue;
            };
            let value = value.trim().trim_matches(['"', '\'']).trim();
            match key.trim().to_lowercase().as_str() {
                "title" | "name" if !value.is_empty() => {
                    if self.title_block.is_none() {
                        self.checklist.title = value.to_string();
                        self.parent_name = value.to_string();
                    } else if value != self.checklist.title {
                        rest.push(line);
                    }
                }
                "version" if !value.is_empty() => self.checklist.version = Some(value.to_string()),
                "owner" | "author" | "maintainer" | "maintainers" | "authors"
                    if !value.is_empty() =>
                {
                    self.checklist.owner = Some(value.to_string());
                }
                _ => rest.push(line),
            }
        }
        if rest.iter().any(|l| !l.trim().is_empty()) {
            self.checklist.notes.push(rest.join("\n"));
        }
    }
}

/// A one-line label over a list or a code block: `**If issues found:**`, `**Command:**`,
/// `**[  ] 1. Blue Environment Provisioning**`, `Run on each host:`. None for prose and for
/// lines that ask for a value.
fn label_line(line: &str) -> Option<String> {
    let t = line.trim();
    let bold = t.starts_with("**") && t.ends_with("**") && t.len() > 4;
    let visible = text::visible(t);
    let colon = visible.ends_with(':');
    if !(bold || colon) || visible.chars().count() > MAX_LABEL || !fields::detect(t).is_empty() {
        return None;
    }
    let label = visible
        .trim_end_matches(':')
        .trim()
        .trim_start_matches("[ ]")
        .trim_start_matches("[  ]")
        .trim_start_matches("[x]")
        .trim_start_matches("[X]")
        .trim();
    (!label.is_empty()).then(|| label.to_string())
}

/// A short sentence over a code block, as its label (its final period dropped).
fn code_label(line: &str) -> Option<String> {
    let visible = text::visible(line);
    let label = visible.trim().trim_end_matches(['.', ':']).trim();
    let fits = !label.is_empty() && label.chars().count() <= MAX_LABEL;
    (fits && fields::detect_visible(&visible).is_empty()).then(|| label.to_string())
}

/// `**WARNING:**`, `⚠️ Caution`, `IMPORTANT:` — a note that guards the step above or below it.
fn is_warning(line: &str) -> bool {
    let upper = text::visible(line).to_uppercase();
    let upper = upper.trim_start_matches(|c: char| !c.is_alphanumeric());
    line.contains('⚠')
        || [
            "WARNING",
            "CAUTION",
            "DANGER",
            "IMPORTANT",
            "CRITICAL",
            "NOTE",
        ]
        .iter()
        .any(|w| upper.starts_with(w))
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
