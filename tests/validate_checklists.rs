//! The curated checklists in `checklists/` still hold every box of the team's original Markdown,
//! same text (mis-decoded emoji restored), same order, same depth. That each validates, with its
//! example config, is `tests/curated_checklists.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/checkbox_scan.rs"]
mod checkbox_scan;

use flightdeck::checklist::{self, Checklist};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The seeds' mis-decoded characters that the curated files restore.
const RESTORED: &[(&str, &str)] = &[("‚â•", "≥"), ("â†”", "↔")];

fn seed_text(prefix: &str) -> String {
    let shared = root().join("../shared/seeds");
    let dir = if shared.is_dir() {
        shared
    } else {
        root().join("tests/fixtures/seeds")
    };
    let path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap();
    let mut text = std::fs::read_to_string(path).unwrap();
    for (bad, good) in RESTORED {
        text = text.replace(bad, good);
    }
    text
}

fn load(name: &str) -> Checklist {
    checklist::load(&root().join("checklists").join(name)).unwrap()
}

#[test]
fn curated_checklists_keep_every_box_of_their_seed() {
    for (seed, name) in [
        ("000", "pds-provisioning.toml"),
        ("001", "pfa-vanguard-production.toml"),
        ("003", "secure-messenger-phase9-10.toml"),
    ] {
        let expected = checkbox_scan::checkbox_lines(&seed_text(seed));
        let c = load(name);
        let got: Vec<(String, usize, bool)> = c
            .walk()
            .iter()
            .map(|r| (r.item.text.clone(), r.depth, r.item.checked))
            .collect();
        let want: Vec<(String, usize, bool)> = expected
            .into_iter()
            .map(|b| (b.text, b.depth, b.checked))
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn curated_checklists_carry_budgets_gates_and_ids_people_use() {
    let pfa = load("pfa-vanguard-production.toml");
    let steps: Vec<(&str, u64)> = pfa
        .phases
        .iter()
        .filter(|p| p.name.starts_with("T-0 Step"))
        .map(|p| (p.id.as_str(), p.budget.unwrap().as_secs()))
        .collect();
    assert_eq!(steps.len(), 7);
    assert_eq!(steps[1], ("t0-step-2-database-migration", 300));
    let gates: Vec<&str> = pfa
        .phases
        .iter()
        .filter(|p| p.gate)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(gates, ["Pre-Deployment Sign-Off", "T-1 Hour: Final Checks"]);
    for id in [
        "queue-drained",
        "go-no-go",
        "pre-migration-backup",
        "rollback-if-error-rate-5pct",
    ] {
        assert!(pfa.item(id).is_some(), "{id}");
    }
    assert!(pfa.item("go-no-go").unwrap().item.required);

    let pds = load("pds-provisioning.toml");
    let vars = pds.item("set-all-required-variables").unwrap().item;
    assert!(vars.required);
    let required: Vec<bool> = vars.children.iter().map(|c| c.required).collect();
    assert_eq!(
        required,
        [true, true, true, true, false, false, false, true]
    );
    assert!(pds.item("rollback-restore-db").unwrap().item.commands[0].contains("pg_restore"));

    let messenger = load("secure-messenger-phase9-10.toml");
    assert_eq!(messenger.phases[0].name, "🚀 Pre-Deployment Setup");
    assert!(
        messenger
            .phases
            .iter()
            .any(|p| p.gate && p.name == "📊 Sign-Off")
    );
}

#[test]
fn the_format_reference_in_the_readme_is_valid() {
    let readme = std::fs::read_to_string(root().join("checklists/README.md")).unwrap();
    let example = readme
        .split("```toml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let c = flightdeck::checklist::toml_format::parse(example, Path::new("checklists/README.md"))
        .unwrap();
    // two item fields and one the phase records as a whole
    assert_eq!((c.phases.len(), c.item_count(), c.field_count()), (1, 2, 3));
    assert_eq!(c.phases[0].procedures.len(), 1);
    assert!(c.phases[0].offset.is_some() && c.owner.is_some());
    assert_eq!(c.probes.len(), 1);
    assert_eq!(c.triggers.len(), 1);
}
