//! Items and their fields in the TOML format: ids unique across the checklist, text required,
//! `command` as a shorthand for one command, nesting through `[[….item.item]]`.

use super::access::Ctx;
use crate::checklist::slug::{IdSet, slug};
use crate::checklist::source_map::SourceMap;
use crate::checklist::{Field, FieldKind, Item, MAX_DEPTH, Procedure};
use crate::toml_span::Table;
use std::collections::HashMap;
use std::ops::Range;

const ITEM_KEYS: &[&str] = &[
    "id", "text", "group", "required", "checked", "commands", "command", "field", "notes",
    "before", "auto", "cosign", "decision", "item",
];
const FIELD_KEYS: &[&str] = &["id", "label", "kind", "options", "unit", "target", "note"];
const PROCEDURE_KEYS: &[&str] = &["label", "group", "after", "notes", "commands", "command"];
const FIELD_KINDS: &[&str] = &["choice", "text", "number"];

/// Item ids seen so far across the whole checklist, with where each was first defined.
#[derive(Default)]
pub(super) struct ItemIds {
    first: HashMap<String, usize>,
}

pub(super) fn read_items(
    ctx: &mut Ctx<'_>,
    table: &Table,
    header: &str,
    depth: usize,
    ids: &mut ItemIds,
    source: &mut SourceMap,
) -> Vec<Item> {
    let mut out = Vec::new();
    for (item_table, span) in ctx.tables(table, "item", header) {
        if depth >= MAX_DEPTH {
            ctx.error(
                span.start,
                format!("items are nested more than {MAX_DEPTH} levels deep"),
                "flatten the list: sub-steps of sub-steps rarely help during a window",
            );
            continue;
        }
        out.push(read_item(ctx, item_table, span, header, depth, ids, source));
    }
    out
}

fn read_item(
    ctx: &mut Ctx<'_>,
    table: &Table,
    span: Range<usize>,
    header: &str,
    depth: usize,
    ids: &mut ItemIds,
    source: &mut SourceMap,
) -> Item {
    let typos = ctx.check_keys(table, ITEM_KEYS, "an item");
    let text = match ctx.string(table, "text") {
        Some((t, s)) => {
            if t.trim().is_empty() {
                ctx.error(
                    s.start,
                    "the item text is empty",
                    "say what to do or check: `text = \"Back up the database\"`",
                );
            }
            t
        }
        None => {
            if table.get("text").is_none() && !typos.contains(&"text") {
                ctx.error(
                    span.start,
                    "this item has no `text`",
                    format!("add `text = \"…\"` under `[[{header}]]`"),
                );
            }
            String::new()
        }
    };
    let id = match ctx.string(table, "id") {
        Some((id, s)) => {
            if check_id(ctx, &id, &s, "item") {
                match ids.first.get(&id) {
                    Some(&first) => {
                        let line = ctx.line_of(first);
                        ctx.error(s.start, format!("duplicate item id `{id}`"), format!("item ids must be unique across the checklist (the journal refers to items by id); `{id}` is first used on line {line}"));
                    }
                    None => {
                        ids.first.insert(id.clone(), s.start);
                    }
                }
            }
            source.items.insert(id.clone(), span.start);
            id
        }
        None => {
            if table.get("id").is_none() && !typos.contains(&"id") {
                let suggestion = match slug(&text) {
                    s if s.is_empty() => "step-1".to_string(),
                    s => s,
                };
                ctx.error(span.start, "this item has no `id`", format!("add a stable id, e.g. `id = \"{suggestion}\"` (the journal refers to items by id)"));
            }
            String::new()
        }
    };
    let auto = ctx.string(table, "auto").map(|(a, s)| {
        if a.trim().is_empty() {
            ctx.error(s.start, "the `auto` condition is empty", "write a condition such as `auto = \"api.status == 200 for 30s\"`, or remove the key");
        }
        source.auto.insert(id.clone(), ctx.content_start(&s));
        a
    });
    let child_header = format!("{header}.item");
    Item {
        group: ctx.string(table, "group").map(|(g, _)| g),
        required: ctx.boolean(table, "required"),
        checked: ctx.boolean(table, "checked"),
        commands: commands(ctx, table),
        fields: read_fields(ctx, table, &format!("{header}.field")),
        notes: ctx
            .strings(table, "notes")
            .into_iter()
            .map(|(n, _)| n)
            .collect(),
        before: ctx
            .strings(table, "before")
            .into_iter()
            .map(|(n, _)| n)
            .collect(),
        auto,
        cosign: ctx.boolean(table, "cosign"),
        decision: ctx.boolean(table, "decision"),
        children: read_items(ctx, table, &child_header, depth + 1, ids, source),
        id,
        text,
    }
}

/// Ids go into the journal and onto the command line: no blanks, no control characters.
pub(super) fn check_id(ctx: &mut Ctx<'_>, id: &str, span: &Range<usize>, what: &str) -> bool {
    if id.trim().is_empty() {
        ctx.error(
            span.start,
            format!("the {what} id is empty"),
            "use a short slug such as `id = \"backup-db\"`",
        );
        return false;
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        ctx.error(
            span.start,
            format!("the {what} id `{id}` contains spaces or control characters"),
            format!("use letters, digits and dashes: `id = \"{}\"`", slug(id)),
        );
        return false;
    }
    true
}

/// `commands = [...]`, or `command = "…"` for the common case of one.
pub(super) fn commands(ctx: &mut Ctx<'_>, table: &Table) -> Vec<String> {
    let mut out: Vec<String> = ctx
        .strings(table, "commands")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    if let Some(value) = table.get("command") {
        if table.get("commands").is_some() {
            ctx.error(value.span.start, "both `command` and `commands` are set", "keep one: `command = \"…\"` for a single command, `commands = [\"…\", \"…\"]` for several");
        }
        match value.as_str() {
            Some(c) => out.push(c.to_string()),
            None => ctx.wrong_type(
                "command",
                value,
                "a string",
                "commands = [\"…\", \"…\"] for several",
            ),
        }
    }
    out
}

/// `[[phase.procedure]]`: labelled commands that are not a step.
pub(super) fn read_procedures(ctx: &mut Ctx<'_>, phase: &Table) -> Vec<Procedure> {
    let mut out = Vec::new();
    for (table, span) in ctx.tables(phase, "procedure", "phase.procedure") {
        ctx.check_keys(table, PROCEDURE_KEYS, "a procedure");
        let label = match ctx.string(table, "label") {
            Some((l, _)) => l,
            None => {
                ctx.error(
                    span.start,
                    "this procedure has no `label`",
                    "add `label = \"…\"`: what the commands are for",
                );
                String::new()
            }
        };
        out.push(Procedure {
            label,
            group: ctx.string(table, "group").map(|(g, _)| g),
            after: ctx.string(table, "after").map(|(a, _)| a),
            notes: ctx
                .strings(table, "notes")
                .into_iter()
                .map(|(n, _)| n)
                .collect(),
            commands: commands(ctx, table),
        });
    }
    out
}

pub(super) fn read_fields(ctx: &mut Ctx<'_>, item: &Table, header: &str) -> Vec<Field> {
    let mut ids = IdSet::default();
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (table, span) in ctx.tables(item, "field", header) {
        let typos = ctx.check_keys(table, FIELD_KEYS, "a field");
        let label = ctx.string(table, "label");
        let id = match ctx.string(table, "id") {
            Some((id, s)) => {
                if check_id(ctx, &id, &s, "field") {
                    if let Some(&at) = first.get(&id) {
                        let line = ctx.line_of(at);
                        ctx.error(s.start, format!("duplicate field id `{id}` in this item"), format!("field ids must be unique within an item; the first is on line {line}"));
                    } else if !ids.reserve(&id) {
                        ctx.error(s.start, format!("duplicate field id `{id}` in this item"), "an earlier field without an `id` got this one from its label; give that field an explicit `id`");
                    } else {
                        first.insert(id.clone(), s.start);
                    }
                }
                id
            }
            None => match &label {
                Some((l, _)) if table.get("id").is_none() => ids.fresh(l, "value"),
                _ => {
                    if table.get("id").is_none() && typos.is_empty() {
                        ctx.error(span.start, "this field has neither `id` nor `label`", "add `label = \"Backup size\"` (the id is derived from it) or `id = \"backup-size\"`");
                    }
                    String::new()
                }
            },
        };
        let options: Vec<String> = ctx
            .strings(table, "options")
            .into_iter()
            .map(|(o, _)| o)
            .collect();
        let kind = match ctx.string(table, "kind") {
            None if !options.is_empty() => FieldKind::Choice,
            None => FieldKind::Text,
            Some((k, s)) => match k.as_str() {
                "choice" => FieldKind::Choice,
                "text" => FieldKind::Text,
                "number" => FieldKind::Number,
                other => {
                    let hint = match super::closest(other, FIELD_KINDS) {
                        Some(best) => format!("did you mean `{best}`? kinds are `choice`, `text` and `number`"),
                        None => "use `choice` (with `options`), `text` or `number` (with an optional `unit`)".into(),
                    };
                    ctx.error(s.start, format!("unknown field kind `{other}`"), hint);
                    FieldKind::Text
                }
            },
        };
        let kind_at = table.get("kind").map_or(span.start, |v| v.span.start);
        if kind == FieldKind::Choice && options.is_empty() {
            ctx.error(
                kind_at,
                "a choice field needs `options`",
                "list the answers: `options = [\"Yes\", \"No\"]`",
            );
        }
        if kind != FieldKind::Choice && !options.is_empty() {
            let at = table.get("options").map_or(span.start, |v| v.span.start);
            ctx.error(
                at,
                "`options` only apply to choice fields",
                "set `kind = \"choice\"`, or remove `options`",
            );
        }
        out.push(Field {
            label: label.map_or_else(|| id.clone(), |(l, _)| l),
            id,
            kind,
            options,
            unit: ctx.string(table, "unit").map(|(u, _)| u),
            target: ctx.string(table, "target").map(|(t, _)| t),
            note: ctx.string(table, "note").map(|(n, _)| n),
        });
    }
    out
}
