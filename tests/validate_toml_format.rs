//! The TOML format's conveniences and contracts: `command` shorthand, derived phase ids, nested
//! items, field kinds, raw `[[probe]]` tables, triggers, and where `auto`/`when` strings start (for
//! the condition checks `validate` will run).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use flightdeck::checklist::{self, FieldKind, Severity, toml_format};
use std::path::Path;
use std::time::Duration;

const FULL: &str = r#"
title = "PFA Vanguard — production deployment"
version = "v4.0.0"
uses = ["api", "write_queue"]

[[probe]]
name = "api"
kind = "http"
url = "https://example.test/health"
headers = { Accept = "application/json" }
interval = "5s"

[[phase]]
name = "T-0 Step 2: Database migration"
budget = "5m"
gate = true
notes = "one note as a plain string"

[[phase.item]]
id = "queue-drained"
text = "Verify no active syncs (target: 0)"
command = "psql $DATABASE_URL -c \"SELECT COUNT(*) FROM pfa_write_queue WHERE status = 'processing';\""
auto = "write_queue.value == 0 for 30s"
required = true

[[phase.item.field]]
label = "Active syncs"
kind = "number"
target = "0"

[[phase.item.field]]
label = "Decision"
options = ["GO", "NO-GO"]

[[phase.item.item]]
id = "sub-step"
text = "A sub-step"
cosign = true

[[phase]]
name = "T-0 Step 2: Database migration (again)"

[[trigger]]
name = "rollback-error-rate"
when = 'error_rate.value > 0.05 for 5m'
severity = "critical"
message = "Error rate > 5% sustained: immediate rollback criterion"
"#;

#[test]
fn reads_everything_the_format_offers() {
    let loaded = toml_format::parse_located(FULL, Path::new("full.toml")).unwrap();
    let c = &loaded.checklist;
    assert_eq!(c.uses, ["api", "write_queue"]);
    assert_eq!(c.probes.len(), 1);
    assert_eq!(
        c.probes[0]["headers"]["Accept"].as_str(),
        Some("application/json")
    );
    let phase = &c.phases[0];
    assert_eq!(
        phase.id, "t-0-step-2-database-migration",
        "derived from the name"
    );
    assert_eq!(c.phases[1].id, "t-0-step-2-database-migration-again");
    assert_eq!(phase.budget, Some(Duration::from_secs(300)));
    assert!(phase.gate);
    assert_eq!(phase.notes, ["one note as a plain string"]);
    let item = &phase.items[0];
    assert_eq!(item.commands.len(), 1, "`command` is one command");
    assert_eq!(item.auto.as_deref(), Some("write_queue.value == 0 for 30s"));
    assert!(item.required && !item.cosign);
    assert_eq!(
        item.fields[0].id, "active-syncs",
        "field id derived from the label"
    );
    assert_eq!(item.fields[0].kind, FieldKind::Number);
    assert_eq!(
        item.fields[1].kind,
        FieldKind::Choice,
        "options imply a choice"
    );
    assert!(item.children[0].cosign);
    assert_eq!(c.triggers[0].severity, Severity::Critical);

    // Where conditions start: just inside the quotes, for `ConditionError::locate`.
    let source = &loaded.source;
    let auto_at = source.auto["queue-drained"];
    assert!(FULL[auto_at..].starts_with("write_queue.value == 0"));
    assert!(FULL[source.trigger_when[0]..].starts_with("error_rate.value > 0.05"));
    assert!(FULL[source.uses[1]..].starts_with("write_queue\""));
    assert!(FULL[source.items["sub-step"]..].starts_with("[[phase.item.item]]"));
    let e = source.error_at(auto_at + 6, "demo");
    assert_eq!((e.line, e.column), (23, 15));
}

#[test]
fn what_it_reads_it_writes_back() {
    let c = toml_format::parse(FULL, Path::new("full.toml")).unwrap();
    let written = checklist::to_toml(&c);
    assert!(
        written.contains("command = \"psql $DATABASE_URL -c \\\"SELECT"),
        "{written}"
    );
    assert!(
        written.contains("when = \"error_rate.value > 0.05 for 5m\""),
        "{written}"
    );
    assert!(written.contains("[[phase.item.item]]"), "{written}");
    let again = toml_format::parse(&written, Path::new("again.toml")).unwrap();
    assert_eq!(again, c);
}

#[test]
fn a_bom_and_crlf_are_fine() {
    let text = format!("\u{feff}{}", FULL.replace('\n', "\r\n"));
    let a = toml_format::parse(&text, Path::new("crlf.toml")).unwrap();
    let b = toml_format::parse(FULL, Path::new("lf.toml")).unwrap();
    assert_eq!(a.item_count(), b.item_count());
    assert_eq!(a.phases[0].items[0].auto, b.phases[0].items[0].auto);
}

#[test]
fn errors_that_would_otherwise_pile_up_are_summarised() {
    let mut text = String::from("title = \"t\"\n[[phase]]\nname = \"p\"\n");
    for i in 0..200 {
        text.push_str(&format!(
            "[[phase.item]]\nid = \"x\"\ntext = \"item {i}\"\n"
        ));
    }
    let errors = toml_format::parse(&text, Path::new("dups.toml")).unwrap_err();
    assert_eq!(errors.0.len(), 51);
    assert!(
        errors
            .to_string()
            .ends_with("dups.toml: error: … and 149 more errors")
    );
}

#[test]
fn explicit_ids_and_derived_field_ids_cannot_collide() {
    let text = r#"
title = "t"
[[phase]]
name = "p"
[[phase.item]]
id = "a"
text = "A"
[[phase.item.field]]
label = "Size"
[[phase.item.field]]
id = "size"
label = "Other"
"#;
    let err = toml_format::parse(text, Path::new("f.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("f.toml:11:6: error: duplicate field id `size` in this item"),
        "{err}"
    );
}

#[test]
fn ids_with_spaces_are_refused_with_a_slug_to_use() {
    let text =
        "title = \"t\"\n[[phase]]\nname = \"p\"\n[[phase.item]]\nid = \"back up\"\ntext = \"x\"\n";
    let err = toml_format::parse(text, Path::new("s.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("s.toml:5:6: error: the item id `back up` contains spaces"),
        "{err}"
    );
    assert!(err.contains("`id = \"back-up\"`"), "{err}");
}

#[test]
fn markdown_hint_only_for_checkboxes_not_toml_comments() {
    let hint = |text: &str| {
        let err = toml_format::parse(text, Path::new("c.toml")).unwrap_err();
        err.0[0].hint.clone().unwrap_or_default()
    };
    // a `# comment` is TOML: a syntax error after one gets the TOML hint
    let commented = "# Deployment\ntitle = \"x\"\n[[phase]]\nname = Prep\n";
    assert!(
        hint(commented).contains("put text values in quotes"),
        "{}",
        hint(commented)
    );
    // a checkbox list is Markdown, whichever marker it uses
    for md in ["# T\n- [ ] x\n", "# T\n* [x] done\n", "1. [ ] first\n"] {
        assert!(hint(md).contains("this looks like Markdown"), "{md:?}");
    }
}
