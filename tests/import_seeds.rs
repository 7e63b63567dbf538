//! The real checklists teams wrote (`../shared/seeds/`, copied to `tests/fixtures/seeds/` for CI):
//! every checkbox line becomes exactly one item, same text, same order, same depth; the TOML that
//! `to_toml` writes loads back equal; `flightdeck import` then `flightdeck validate` agree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/checkbox_scan.rs"]
mod checkbox_scan;

use checkbox_scan::checkbox_lines;
use flightdeck::checklist::{self, Checklist, FieldKind, markdown, toml_format};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn seed_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/seeds");
    if shared.is_dir() {
        shared
    } else {
        root.join("tests/fixtures/seeds")
    }
}

fn seeds() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(seed_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3, "expected the seeds in {:?}", seed_dir());
    paths
}

fn import(path: &Path) -> Checklist {
    let text = std::fs::read_to_string(path).unwrap();
    markdown::import(&text, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn seed(prefix: &str) -> Checklist {
    let path = seeds()
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap();
    import(&path)
}

#[test]
fn every_checkbox_line_becomes_one_item_in_order_at_its_depth() {
    for path in seeds() {
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = checkbox_lines(&text);
        let checklist = import(&path);
        let items = checklist.walk();
        assert_eq!(
            items.len(),
            expected.len(),
            "{}: item count",
            path.display()
        );
        for (n, (got, want)) in items.iter().zip(&expected).enumerate() {
            assert_eq!(got.item.text, want.text, "{} item {n}", path.display());
            assert_eq!(
                got.depth,
                want.depth,
                "{} item {n}: {}",
                path.display(),
                want.text
            );
            assert_eq!(
                got.item.checked,
                want.checked,
                "{} item {n}",
                path.display()
            );
        }
    }
}

#[test]
fn to_toml_loads_back_equal() {
    for path in seeds() {
        let checklist = import(&path);
        let toml = checklist::to_toml(&checklist);
        let back = toml_format::parse(&toml, Path::new("imported.toml"))
            .unwrap_or_else(|e| panic!("{}: {e}\n{toml}", path.display()));
        assert_eq!(back, checklist, "{}", path.display());
    }
}

#[test]
fn ids_are_unique_slugs() {
    for path in seeds() {
        let checklist = import(&path);
        let mut seen = std::collections::HashSet::new();
        for r in checklist.walk() {
            let id = &r.item.id;
            assert!(
                seen.insert(id.clone()),
                "{}: duplicate id {id}",
                path.display()
            );
            assert!(id.len() <= 44, "{id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
    }
}

#[test]
fn pfa_seed_keeps_budgets_gates_fields_and_commands() {
    let c = seed("001");
    assert_eq!(c.title, "Production Deployment Checklist");
    assert_eq!(
        c.version.as_deref(),
        Some("v4.0.0-phase4-bidirectional-sync")
    );
    let phase = |name: &str| {
        c.phases
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no phase {name}"))
    };
    let step2 = phase("T-0: Deployment Start — Step 2: Database Migration");
    assert_eq!(step2.budget, Some(Duration::from_secs(300)));
    let budgets: Vec<u64> = c
        .phases
        .iter()
        .filter(|p| p.name.contains("— Step"))
        .map(|p| p.budget.unwrap().as_secs() / 60)
        .collect();
    assert_eq!(budgets, [2, 5, 10, 5, 15, 10, 2]);
    assert!(
        phase("T-1 Hour: Final Checks").gate,
        "the go/no-go phase is a gate"
    );
    // `**Start Time:** `____`` outside any box is a value the phase records, not a note.
    let start = &phase("T-0: Deployment Start").fields[0];
    assert_eq!(
        (start.label.as_str(), start.kind),
        ("Start Time", FieldKind::Text)
    );
    let rollback_fields: Vec<(&str, FieldKind)> = c
        .phases
        .iter()
        .flat_map(|p| &p.fields)
        .filter(|f| f.label.starts_with("Rollback"))
        .map(|f| (f.label.as_str(), f.kind))
        .collect();
    assert_eq!(
        rollback_fields,
        [
            ("Rollback Initiated", FieldKind::Choice),
            ("Rollback Start Time", FieldKind::Text),
            ("Rollback Completed Time", FieldKind::Text),
            // the metrics table's empty "Actual" column
            ("Rollback required", FieldKind::Text),
        ]
    );

    let syncs = c.item("verify-no-active-syncs").unwrap().item;
    assert!(syncs.commands[0].contains("pfa_write_queue"));
    let active = &syncs.fields[0];
    assert_eq!(
        (active.label.as_str(), active.kind),
        ("Active syncs", FieldKind::Number)
    );
    assert_eq!(active.target.as_deref(), Some("0"));

    let backup = c.item("database-backup-created").unwrap().item;
    assert_eq!(backup.commands.len(), 1, "a two-line block is one command");
    let size = backup
        .fields
        .iter()
        .find(|f| f.label == "Backup size")
        .unwrap();
    assert_eq!(
        (size.kind, size.unit.as_deref()),
        (FieldKind::Number, Some("GB"))
    );

    let perf = c.item("performance-metrics").unwrap().item;
    let p95 = &perf.fields[0];
    assert_eq!(p95.unit.as_deref(), Some("ms"));
    assert_eq!(p95.target.as_deref(), Some("< 500ms"));
    let decision = c.item("rollback-decision-point").unwrap().item;
    assert_eq!(decision.fields[0].options, ["GO", "NO-GO"]);

    let summary = phase("Deployment Metrics Summary");
    let table = &summary.notes[0];
    assert!(table.starts_with("| Metric | Target |") && table.contains("Rollback required"));
    let total = &summary.fields[0];
    assert_eq!(
        (total.label.as_str(), total.kind, total.target.as_deref()),
        ("Total deployment time", FieldKind::Number, Some("< 60 min"))
    );
    assert_eq!(summary.fields.len(), 8, "one per empty Actual cell");
}

#[test]
fn pds_seed_keeps_ordered_rollback_steps_and_choices() {
    let c = seed("000");
    let rollback = c
        .phases
        .iter()
        .find(|p| p.name == "Rollback Procedure (If Needed)")
        .unwrap();
    let steps: Vec<&str> = rollback
        .items
        .iter()
        .filter(|i| i.group.as_deref() == Some("Rollback Steps"))
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(steps.len(), 9);
    let restore = rollback
        .items
        .iter()
        .find(|i| i.text.starts_with("Restore database"))
        .unwrap();
    assert!(restore.commands[0].starts_with("dropdb pnptv_db\ncreatedb pnptv_db"));
    let severity = rollback
        .items
        .iter()
        .find(|i| i.text.starts_with("Severity Level"))
        .unwrap();
    assert_eq!(severity.fields[0].options, ["CRITICAL", "HIGH", "MEDIUM"]);
    assert!(
        c.walk().iter().any(|r| r.item.text.contains("app â†” PDS")),
        "mis-decoded bytes are kept as they are"
    );
    let env = c.item("set-all-required-variables").unwrap().item;
    assert_eq!(env.children.len(), 8);
}

#[test]
fn messenger_seed_keeps_emoji_headings_and_ticked_boxes() {
    let c = seed("003");
    assert!(
        c.phases
            .iter()
            .any(|p| p.name.ends_with("Phase 9: Multi-Device Deployment"))
    );
    let done = c.walk().iter().filter(|r| r.item.checked).count();
    assert_eq!(done, 7);
    let nginx = c.item("configure-sticky-sessions-in-nginx").unwrap().item;
    assert!(nginx.commands[0].starts_with("upstream backend {\n  ip_hash;"));
    let metrics = c.item("record-multi-node-metrics").unwrap().item;
    let p95 = &metrics.children[0].fields[0];
    assert_eq!(
        (p95.label.as_str(), p95.unit.as_deref()),
        ("p95 latency", Some("ms"))
    );
    assert_eq!(p95.target.as_deref(), Some("< 250ms"));
}

#[test]
fn import_then_validate_through_the_binary() {
    let bin = env!("CARGO_BIN_EXE_flightdeck");
    let dir = tempfile::tempdir().unwrap();
    for path in seeds() {
        let out = Command::new(bin).arg("import").arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let toml_path = dir.path().join("seed.toml");
        std::fs::write(&toml_path, &out.stdout).unwrap();
        let out = Command::new(bin)
            .arg("validate")
            .arg(&toml_path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let c = import(&path);
        let line = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            line,
            format!(
                "ok: {} phases, {} items, {} fields\n",
                c.phases.len(),
                c.item_count(),
                c.field_count()
            )
        );
        // The same file under a .md name validates directly, imported on the fly.
        let md = dir.path().join("seed.md");
        std::fs::copy(&path, &md).unwrap();
        let direct = Command::new(bin).arg("validate").arg(&md).output().unwrap();
        assert_eq!(String::from_utf8(direct.stdout).unwrap(), line);
    }
}
