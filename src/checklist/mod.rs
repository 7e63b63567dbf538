//! Checklists: the model, the TOML format with located errors, and the Markdown importer.

pub mod model;

pub use model::{Checklist, Field, FieldKind, Item, ItemRef, Phase, Severity, Trigger};
