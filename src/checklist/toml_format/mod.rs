//! The checklist TOML format: `[[phase]]`, `[[phase.item]]` (nesting as `[[phase.item.item]]`),
//! `[[phase.item.field]]`, `[[trigger]]`, `[[probe]]`. Every mistake is reported, all at once,
//! with file:line:column and a hint.

pub(crate) mod access;
mod item;

use super::slug::IdSet;
use super::source_map::{Loaded, MAX_SHOWN_ERRORS, SourceMap, sorted_capped};
use super::{Checklist, Phase, Severity, Trigger};
use crate::error::{SourceError, SourceErrors};
use crate::toml_span::{self, NodeValue, Table};
use crate::units::parse_duration;
use access::Ctx;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

pub(crate) use crate::suggest::closest;

/// A phase's `id` as written (with its span), if it was written.
type ExplicitId = Option<(String, Range<usize>)>;

const ROOT_KEYS: &[&str] = &[
    "title", "version", "owner", "notes", "uses", "probe", "phase", "trigger",
];
const PHASE_KEYS: &[&str] = &[
    "id",
    "name",
    "budget",
    "offset",
    "gate",
    "notes",
    "commands",
    "command",
    "field",
    "procedure",
    "item",
];
const TRIGGER_KEYS: &[&str] = &["name", "when", "severity", "message"];

/// Parses a checklist written in flightdeck's TOML format.
pub fn parse(text: &str, file: &Path) -> Result<Checklist, SourceErrors> {
    parse_located(text, file).map(|loaded| loaded.checklist)
}

/// Like [`parse`], and also says where each item, condition and probe reference sits in the text.
pub fn parse_located(text: &str, file: &Path) -> Result<Loaded, SourceErrors> {
    match parse_partial(text, file) {
        (Some(loaded), errors) if errors.is_empty() => Ok(loaded),
        (_, errors) => Err(sorted_capped(errors, file)),
    }
}

/// Like [`parse_located`], but keeps what could be read beside the errors (nothing after a
/// syntax error), so `validate` can check its conditions in the same pass.
pub fn parse_partial(text: &str, file: &Path) -> (Option<Loaded>, Vec<SourceError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut ctx = Ctx::new(text, file);
    let root = match toml_span::parse_all(text) {
        Ok(root) => root,
        Err(syntax_errors) => {
            // A recovered tree after a syntax error yields confusing follow-on errors: show syntax only.
            let markdown = super::looks_like_markdown(text);
            for e in syntax_errors.iter().take(MAX_SHOWN_ERRORS + 1) {
                let hint = syntax_hint(&e.message, markdown);
                ctx.error(e.at, format!("bad TOML: {}", e.message), hint);
            }
            return (None, ctx.doc.errors);
        }
    };
    let mut source = SourceMap::new(file, text);
    let checklist = read_root(&mut ctx, &root, 0..0, &mut source);
    (Some(Loaded { checklist, source }), ctx.doc.errors)
}

fn syntax_hint(message: &str, markdown: bool) -> String {
    if markdown {
        return "this looks like Markdown: name the file `.md`, or convert it with `flightdeck import FILE`".into();
    }
    if message.contains("duplicate key") {
        return "each key may appear once per table; remove or rename one of them".into();
    }
    if message.contains("quoted") || message.contains("string") {
        return "put text values in quotes: `text = \"Back up the database\"`".into();
    }
    "see checklists/*.toml for the format: `[[phase]]`, `[[phase.item]]`, `key = \"value\"`".into()
}

fn read_root(
    ctx: &mut Ctx<'_>,
    root: &Table,
    root_span: Range<usize>,
    source: &mut SourceMap,
) -> Checklist {
    let typos = ctx.check_keys(root, ROOT_KEYS, "the checklist");
    let title = match ctx.string(root, "title") {
        Some((t, span)) if t.trim().is_empty() => {
            ctx.error(
                span.start,
                "the title is empty",
                "write what the window is: `title = \"API v4 production deployment\"`",
            );
            String::new()
        }
        Some((t, _)) => t,
        None => {
            if root.get("title").is_none() && !typos.contains(&"title") {
                ctx.error(
                    root_span.start,
                    "the checklist has no `title`",
                    "add `title = \"…\"` at the top of the file",
                );
            }
            String::new()
        }
    };
    let version = ctx.string(root, "version").map(|(v, _)| v);
    let owner = ctx.string(root, "owner").map(|(o, _)| o);
    let notes = ctx
        .strings(root, "notes")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let uses = ctx.strings(root, "uses");
    source.uses = uses
        .iter()
        .map(|(_, span)| ctx.content_start(span))
        .collect();
    let probe_tables = ctx.tables(root, "probe", "probe");
    source.probes = probe_tables.iter().map(|(_, span)| span.start).collect();
    let probes = if probe_tables.is_empty() {
        Vec::new()
    } else {
        raw_probes(ctx.doc.text)
    };

    let phase_tables = ctx.tables(root, "phase", "phase");
    // `phase = 5` already got a wrong-type error; an absent or empty `phase` gets this one.
    let other_problem = root
        .get("phase")
        .is_some_and(|v| !matches!(&v.value, NodeValue::Array(a) if a.is_empty()));
    if phase_tables.is_empty() && !other_problem && !typos.contains(&"phase") {
        ctx.error(
            root_span.start,
            "the checklist has no phases",
            "add a `[[phase]]` with a `name`, then `[[phase.item]]` entries with `id` and `text`",
        );
    }
    let mut items = item::ItemIds::default();
    let mut phases: Vec<(Phase, ExplicitId)> = Vec::new();
    for (table, span) in &phase_tables {
        phases.push(read_phase(ctx, table, span.clone(), &mut items, source));
    }
    let phases = assign_phase_ids(ctx, phases, &phase_tables);
    let triggers = read_triggers(ctx, root, source);
    Checklist {
        title,
        version,
        owner,
        notes,
        uses: uses.into_iter().map(|(u, _)| u).collect(),
        probes,
        phases,
        triggers,
    }
}

/// The `[[probe]]` tables exactly as written, for the config loader to interpret.
fn raw_probes(text: &str) -> Vec<toml::Table> {
    #[derive(serde::Deserialize)]
    struct ProbesOnly {
        #[serde(default)]
        probe: Vec<toml::Table>,
    }
    toml::from_str::<ProbesOnly>(text)
        .map(|p| p.probe)
        .unwrap_or_default()
}

fn read_phase(
    ctx: &mut Ctx<'_>,
    table: &Table,
    span: Range<usize>,
    items: &mut item::ItemIds,
    source: &mut SourceMap,
) -> (Phase, ExplicitId) {
    let typos = ctx.check_keys(table, PHASE_KEYS, "a phase");
    let name = match ctx.string(table, "name") {
        Some((n, s)) if n.trim().is_empty() => {
            ctx.error(
                s.start,
                "the phase name is empty",
                "name the phase: `name = \"T-0 Step 2: Database migration\"`",
            );
            n
        }
        Some((n, _)) => n,
        None => {
            if table.get("name").is_none() && !typos.contains(&"name") {
                ctx.error(
                    span.start,
                    "this phase has no `name`",
                    "add `name = \"…\"` under `[[phase]]`",
                );
            }
            String::new()
        }
    };
    let explicit_id = ctx.string(table, "id");
    if let Some((id, s)) = &explicit_id {
        item::check_id(ctx, id, s, "phase");
    }
    let budget = duration(ctx, table, "budget");
    let offset = duration(ctx, table, "offset");
    let phase = Phase {
        id: String::new(),
        name,
        budget,
        offset,
        gate: ctx.boolean(table, "gate"),
        notes: ctx
            .strings(table, "notes")
            .into_iter()
            .map(|(n, _)| n)
            .collect(),
        commands: item::commands(ctx, table),
        fields: item::read_fields(ctx, table, "phase.field"),
        procedures: item::read_procedures(ctx, table),
        items: item::read_items(ctx, table, "phase.item", 0, items, source),
    };
    (phase, explicit_id)
}

/// `budget = "5m"` / `offset = "30m"`: a duration, or a located error.
fn duration(ctx: &mut Ctx<'_>, table: &Table, key: &str) -> Option<std::time::Duration> {
    ctx.string(table, key).and_then(|(b, s)| {
        parse_duration(&b)
            .map_err(|_| {
                ctx.error(
                    s.start,
                    format!("bad {key} `{b}`"),
                    format!(
                        "a{} is a duration such as `90s`, `5m` or `1h30m`",
                        if key == "offset" {
                            "n offset"
                        } else {
                            " budget"
                        }
                    ),
                )
            })
            .ok()
    })
}

/// Explicit ids must be unique; omitted ones are derived from the name and made unique.
fn assign_phase_ids(
    ctx: &mut Ctx<'_>,
    phases: Vec<(Phase, ExplicitId)>,
    tables: &[(&Table, Range<usize>)],
) -> Vec<Phase> {
    let mut ids = IdSet::default();
    let mut first_id: HashMap<String, usize> = HashMap::new();
    for (_, explicit) in &phases {
        if let Some((id, span)) = explicit {
            match first_id.get(id) {
                Some(&first) => {
                    let line = ctx.line_of(first);
                    ctx.error(
                        span.start,
                        format!("duplicate phase id `{id}`"),
                        format!("phase ids must be unique; `{id}` is already used on line {line}"),
                    );
                }
                None => {
                    first_id.insert(id.clone(), span.start);
                    ids.reserve(id);
                }
            }
        }
    }
    let mut first_name: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for ((mut phase, explicit), (table, header)) in phases.into_iter().zip(tables) {
        let name_at = table.get("name").map_or(header.start, |v| v.span.start);
        if !phase.name.is_empty() {
            match first_name.get(&phase.name) {
                Some(&first) => {
                    let line = ctx.line_of(first);
                    ctx.error(name_at, format!("duplicate phase name `{}`", phase.name), format!("phase names must be unique so the screen and the report can tell them apart; the first is on line {line}"));
                }
                None => {
                    first_name.insert(phase.name.clone(), name_at);
                }
            }
        }
        phase.id = match explicit {
            Some((id, _)) => id,
            None => ids.fresh(&phase.name, "phase"),
        };
        out.push(phase);
    }
    out
}

fn read_triggers(ctx: &mut Ctx<'_>, root: &Table, source: &mut SourceMap) -> Vec<Trigger> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (table, span) in ctx.tables(root, "trigger", "trigger") {
        let typos = ctx.check_keys(table, TRIGGER_KEYS, "a trigger");
        let name = match ctx.string(table, "name") {
            Some((n, s)) => {
                if n.trim().is_empty() {
                    ctx.error(
                        s.start,
                        "the trigger name is empty",
                        "name it: `name = \"rollback-error-rate\"`",
                    );
                } else if let Some(&first) = seen.get(&n) {
                    let line = ctx.line_of(first);
                    ctx.error(s.start, format!("duplicate trigger name `{n}`"), format!("trigger names must be unique (the journal refers to them by name); the first is on line {line}"));
                } else {
                    seen.insert(n.clone(), s.start);
                }
                n
            }
            None => {
                if table.get("name").is_none() && !typos.contains(&"name") {
                    ctx.error(
                        span.start,
                        "this trigger has no `name`",
                        "add `name = \"rollback-error-rate\"`",
                    );
                }
                String::new()
            }
        };
        let when = match ctx.string(table, "when") {
            Some((w, s)) => {
                if w.trim().is_empty() {
                    ctx.error(
                        s.start,
                        "the trigger condition is empty",
                        "write the criterion: `when = \"error_rate.value > 0.05 for 5m\"`",
                    );
                }
                source.trigger_when.push(ctx.content_start(&s));
                w
            }
            None => {
                if table.get("when").is_none() && !typos.contains(&"when") {
                    ctx.error(
                        span.start,
                        "this trigger has no `when` condition",
                        "add `when = \"error_rate.value > 0.05 for 5m\"`",
                    );
                }
                source.trigger_when.push(span.start);
                String::new()
            }
        };
        let severity = match ctx.string(table, "severity") {
            None => Severity::default(),
            Some((s, span)) => match s.as_str() {
                "info" => Severity::Info,
                "warning" => Severity::Warning,
                "critical" => Severity::Critical,
                other => {
                    ctx.error(
                        span.start,
                        format!("unknown severity `{other}`"),
                        "use `info`, `warning` or `critical`",
                    );
                    Severity::default()
                }
            },
        };
        let message = ctx
            .string(table, "message")
            .map(|(m, _)| m)
            .unwrap_or_default();
        out.push(Trigger {
            name,
            when,
            severity,
            message,
        });
    }
    out
}
