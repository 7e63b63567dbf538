//! The checklist as the rest of flightdeck sees it: phases, items, fields, triggers — already validated.
//!
//! This is also the shape `flightdeck import` writes as TOML, so field order and the
//! `skip_serializing_if` attributes decide how a generated checklist reads.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A whole checklist: what one maintenance window walks through.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Checklist {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Who owns the checklist (from a Markdown file's front matter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Prose, tables and blocks that sit before the first phase (and the prose of sections that
    /// hold no step).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Names of probes from the config that this checklist relies on (checked by `validate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<String>,
    /// Probe definitions carried by the checklist itself, kept as raw TOML for the config loader.
    #[serde(default, skip_serializing_if = "Vec::is_empty", rename = "probe")]
    pub probes: Vec<toml::Table>,
    #[serde(default, rename = "phase")]
    pub phases: Vec<Phase>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", rename = "trigger")]
    pub triggers: Vec<Trigger>,
}

/// A phase of the window (T-24h preparation, T-0 step, post-deployment checks, rollback…).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub name: String,
    /// Time the team allows itself for this phase.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::units::serde_opt_duration"
    )]
    pub budget: Option<Duration>,
    /// When the phase starts, counted from the start of the window ("(30-60 minutes)" starts at
    /// 30m, with a budget of 30m).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::units::serde_opt_duration"
    )]
    pub offset: Option<Duration>,
    /// A go/no-go gate: the phase ends with a recorded decision.
    #[serde(default, skip_serializing_if = "is_false")]
    pub gate: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    /// Values the phase records as a whole (`Deployment Status: SUCCESS / FAILED`, `Deployed
    /// By: ____`), written outside any step.
    #[serde(default, skip_serializing_if = "Vec::is_empty", rename = "field")]
    pub fields: Vec<Field>,
    /// Commands under a label of their own that are not a step (a heading or a bold line over a
    /// code block, with no box).
    #[serde(default, skip_serializing_if = "Vec::is_empty", rename = "procedure")]
    pub procedures: Vec<Procedure>,
    #[serde(default, rename = "item")]
    pub items: Vec<Item>,
}

/// Labelled commands of a phase that are not a step to tick: `### Scenario 1: app broken` over
/// ```` ```bash app rollback``` ````, or `**Command:**` over a block meant for a whole group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Procedure {
    pub label: String,
    /// The sub-heading (group) it sits under, as for items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The id of the top-level item it follows in the phase (none: before the first item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
}

/// One thing to do or check. Items nest: `children` are sub-steps.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Item {
    /// Stable id, unique across the checklist: the journal refers to items by it.
    pub id: String,
    pub text: String,
    /// The sub-heading (group) the item sits under inside its phase, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// The box was already ticked in the source document (`- [x]`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub checked: bool,
    /// Shown and copyable, never executed by flightdeck.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", rename = "field")]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Notes that stand just above the item in the source (a warning that guards this step):
    /// shown before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Condition over probes that ticks the item by itself (`write_queue.value == 0 for 30s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto: Option<String>,
    /// Done only when a second, different person confirms it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cosign: bool,
    /// Ticked by recording its phase's go/no-go decision (`D`): "Go / no-go decision recorded".
    #[serde(default, skip_serializing_if = "is_false")]
    pub decision: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty", rename = "item")]
    pub children: Vec<Item>,
}

/// A value the checklist asks the engineer to record.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Field {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub kind: FieldKind,
    /// For `choice`: the allowed answers, in order (`["Yes", "No"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// For `number`: the unit shown after the value (`ms`, `GB`, `%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// What the value should be, as written (`< 500ms`, `> 99%`, `0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// What else the source says about the value (`baseline: 120ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Choice,
    #[default]
    Text,
    Number,
}

/// A rollback or alert criterion watched for the whole window.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub when: String,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[default]
    Warning,
    Critical,
}

impl Severity {
    /// The name checklists and the journal use (`info`, `warning`, `critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Checklist {
    /// A short fingerprint of the checklist's content (FNV-1a over its JSON form): the same
    /// checklist gives the same fingerprint on every host and build.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{:016x}", crate::hash::fnv1a(json.as_bytes()))
    }

    /// Every item in document order, depth-first, with its phase index and nesting depth (0 = top).
    pub fn walk(&self) -> Vec<ItemRef<'_>> {
        let mut out = Vec::new();
        for (phase_index, phase) in self.phases.iter().enumerate() {
            for item in &phase.items {
                walk_item(item, phase_index, 0, &mut out);
            }
        }
        out
    }

    /// Finds an item by id anywhere in the tree.
    pub fn item(&self, id: &str) -> Option<ItemRef<'_>> {
        self.walk().into_iter().find(|r| r.item.id == id)
    }

    pub fn item_count(&self) -> usize {
        self.walk().len()
    }

    /// Fields of every item, and those a phase records as a whole.
    pub fn field_count(&self) -> usize {
        let phase_fields: usize = self.phases.iter().map(|p| p.fields.len()).sum();
        phase_fields
            + self
                .walk()
                .iter()
                .map(|r| r.item.fields.len())
                .sum::<usize>()
    }
}

/// A borrowed view of one item with where it sits.
#[derive(Debug, Clone, Copy)]
pub struct ItemRef<'a> {
    pub item: &'a Item,
    pub phase: usize,
    pub depth: usize,
}

fn walk_item<'a>(item: &'a Item, phase: usize, depth: usize, out: &mut Vec<ItemRef<'a>>) {
    out.push(ItemRef { item, phase, depth });
    for child in &item.children {
        walk_item(child, phase, depth + 1, out);
    }
}
