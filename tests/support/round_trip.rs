//! Importing a Markdown text in a test, and holding the result to the TOML round trip: what
//! `to_toml` writes loads back equal.
#![allow(dead_code)]

use flightdeck::checklist::{self, Checklist, markdown, toml_format};
use std::path::Path;

/// Imports `source` (named `name` in errors) and checks that its TOML loads back equal.
pub fn import_round_trip(name: &str, source: &str) -> Checklist {
    let c = markdown::import(source, Path::new(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let toml = checklist::to_toml(&c);
    let back = toml_format::parse(&toml, Path::new("x.toml"))
        .unwrap_or_else(|e| panic!("{name}: {e}\n{toml}"));
    assert_eq!(back, c, "{name}: round trip\n{toml}");
    c
}

/// A Markdown fixture under `tests/fixtures/checklists/DIR/`.
pub fn fixture(dir: &str, name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/checklists")
        .join(dir)
        .join(name)
}

/// The text of that fixture.
pub fn fixture_text(dir: &str, name: &str) -> String {
    let path = fixture(dir, name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
