//! Issue 11, one fixture per arrow (`tests/fixtures/checklists/faithful/`): teams' own checklists
//! imported faithfully — ids that do not move, structure (code under headings, group commands,
//! bold labels, quotes, warnings, gates, decision lines), every blank a field, text as the reader
//! sees it, time windows, fenced files, sections without boxes, front matter, CR line endings.
//! Each import also round-trips through the TOML format.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/round_trip.rs"]
mod round_trip;

use flightdeck::checklist::{Checklist, FieldKind, Item, markdown};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    round_trip::fixture("faithful", name)
}

fn text(name: &str) -> String {
    round_trip::fixture_text("faithful", name)
}

fn import_text(name: &str, source: &str) -> Checklist {
    round_trip::import_round_trip(name, source)
}

fn import(name: &str) -> Checklist {
    import_text(name, &text(name))
}

fn item<'a>(c: &'a Checklist, text: &str) -> &'a Item {
    c.walk()
        .into_iter()
        .find(|r| r.item.text == text)
        .unwrap_or_else(|| panic!("no item {text:?}"))
        .item
}

#[test]
fn ids_come_from_the_text_and_stay_when_the_file_changes() {
    let c = import("ids.md");
    let ids: Vec<&str> = c.walk().iter().map(|r| r.item.id.as_str()).collect();
    assert!(
        ids[0].starts_with("verify-the-nightly-backup-of-the-"),
        "{ids:?}"
    );
    assert_ne!(ids[0], ids[1], "texts that differ at the end differ");
    assert_eq!(
        &ids[2..6],
        [
            "cap-nhat-env-tren-may-chu",
            "проверить-бэкап",
            "バックアップを確認",
            "80"
        ]
    );
    assert!(ids[6].starts_with("notify-the-team-") && ids[7].starts_with("notify-the-team-"));
    assert_ne!(ids[6], ids[7]);

    // Lines inserted above, one removed, one reworded: every other item keeps its id.
    let edited = text("ids.md")
        .replace(
            "## Verify\n",
            "## Verify\n- [ ] A new first step\n- [ ] Notify the team\n",
        )
        .replace("- [ ] Проверить бэкап\n", "")
        .replace("バックアップを確認", "バックアップを再確認");
    let e = import_text("ids.md", &edited);
    for r in c.walk() {
        let text = &r.item.text;
        if text == "Проверить бэкап" || text == "バックアップを確認" {
            continue;
        }
        let now = e
            .walk()
            .into_iter()
            .filter(|s| &s.item.text == text)
            .map(|s| s.item.id.clone())
            .collect::<Vec<_>>();
        assert!(
            now.contains(&r.item.id),
            "{text}: {} not in {now:?}",
            r.item.id
        );
    }
}

#[test]
fn headings_that_hold_only_code_keep_their_commands_with_their_labels() {
    let c = import("code-headings.md");
    let rollback = c
        .phases
        .iter()
        .find(|p| p.name == "Rollback")
        .expect("kept, though it has no box");
    let labelled: Vec<(&str, &str)> = rollback
        .procedures
        .iter()
        .map(|p| (p.label.as_str(), p.commands[0].as_str()))
        .collect();
    assert_eq!(
        labelled,
        [
            ("Scenario 1: application broken", "app rollback"),
            ("Scenario 2: bad migration", "restore-backup.sh")
        ]
    );
    assert!(rollback.commands.is_empty(), "no unlabelled pile");
}

#[test]
fn a_labelled_fence_after_a_list_belongs_to_the_group() {
    let c = import("group-fence.md");
    let phase = &c.phases[0];
    assert!(
        item(&c, "Stop the writers").commands.is_empty(),
        "not the last box's"
    );
    let p = &phase.procedures[0];
    assert_eq!(
        (p.label.as_str(), p.group.as_deref()),
        ("Command", Some("Schema"))
    );
    assert_eq!(p.commands, ["./migrate.sh --all"]);
    assert_eq!(
        p.after.as_deref(),
        Some(item(&c, "Stop the writers").id.as_str()),
        "its place"
    );
    // without a label, a fence right under a box is still that box's command
    let c = import_text("x.md", "## P\n- [ ] Run it\n```\nmake deploy\n```\n");
    assert_eq!(c.phases[0].items[0].commands, ["make deploy"]);
}

#[test]
fn bold_labels_over_a_list_are_sub_groups() {
    let c = import("bold-labels.md");
    assert_eq!(
        item(&c, "Roll back").group.as_deref(),
        Some("If issues found")
    );
    assert_eq!(
        item(&c, "Page the owner").group.as_deref(),
        Some("If issues found")
    );
    assert_eq!(item(&c, "Latency normal").group, None);
    assert_eq!(
        item(&c, "Create the cluster").group.as_deref(),
        Some("1. Blue Environment Provisioning")
    );
    assert!(
        c.phases.iter().all(|p| p.notes.is_empty()),
        "not pulled into the phase notes"
    );
}

#[test]
fn quoted_boxes_nest_and_quoted_bodies_are_notes() {
    let c = import("blockquotes.md");
    let shape: Vec<(usize, &str)> = c
        .walk()
        .iter()
        .map(|r| (r.depth, r.item.text.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            (0, "Quoted step"),
            (1, "Quoted sub-step"),
            (0, "Send the announcement"),
            (0, "Parent step"),
            (1, "Child in a quote"),
        ]
    );
    assert_eq!(
        item(&c, "Send the announcement").notes,
        ["Confirm receipt from the on-call lead", "Notify the team."]
    );
}

#[test]
fn warnings_between_items_keep_their_place() {
    let c = import("warnings.md");
    assert_eq!(
        item(&c, "Drop the old tables").before,
        ["**WARNING:** point of no return."]
    );
    assert_eq!(
        item(&c, "Restart the app").notes,
        ["**CAUTION:** watch the error rate for an hour."]
    );
    assert!(c.phases[0].notes.is_empty());
}

#[test]
fn go_no_go_headings_are_gates_and_inline_boxes_are_choices() {
    let c = import("gates.md");
    let gate = c
        .phases
        .iter()
        .find(|p| p.name.ends_with("Gate 1: Pre-Deployment Go/No-Go"))
        .unwrap();
    assert!(gate.gate);
    assert!(!c.phases[0].gate && !c.phases.last().unwrap().gate);
    let decision = &gate.items[1];
    assert_eq!(
        decision.text, "Go/No-Go decision: GO / NO-GO",
        "no literal [ ] left"
    );
    assert_eq!(
        (decision.fields[0].kind, decision.fields[0].options.clone()),
        (FieldKind::Choice, vec!["GO".to_string(), "NO-GO".into()])
    );
}

#[test]
fn decision_lines_and_empty_actual_columns_are_fields() {
    let c = import("decision-lines.md");
    let sign_off = c.phases.iter().find(|p| p.name == "Sign-off").unwrap();
    let fields: Vec<(&str, FieldKind, usize)> = sign_off
        .fields
        .iter()
        .map(|f| (f.label.as_str(), f.kind, f.options.len()))
        .collect();
    assert_eq!(
        fields,
        [
            ("Deployment Status", FieldKind::Choice, 3),
            ("Rollback Initiated", FieldKind::Choice, 2),
            ("Decision", FieldKind::Choice, 3),
            ("Deployed By", FieldKind::Text, 0),
            ("Error rate", FieldKind::Number, 0),
            ("P95 latency", FieldKind::Number, 0),
        ]
    );
    assert_eq!(sign_off.fields[5].target.as_deref(), Some("< 500ms"));
    assert!(
        sign_off.notes[0].starts_with("| Metric |"),
        "the table itself is kept"
    );
    assert_eq!(c.field_count(), 6);
}

#[test]
fn every_blank_is_a_field_and_nothing_of_the_line_is_lost() {
    let c = import("blanks.md");
    let labels = |text: &str| -> Vec<(String, Option<String>, Option<String>)> {
        item(&c, text)
            .fields
            .iter()
            .map(|f| (f.label.clone(), f.unit.clone(), f.target.clone()))
            .collect()
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        labels("Green weight: _______ (expected: 100)"),
        [("Green weight".into(), None, s("100"))]
    );
    assert_eq!(
        labels("Response time P95: ____ ms (baseline: ____)"),
        [
            ("Response time P95".into(), s("ms"), None),
            ("baseline".into(), None, None)
        ]
    );
    assert_eq!(labels("Meeting scheduled: _____ at _____").len(), 2);
    assert_eq!(
        labels("Developer: ____ Date: ____"),
        [
            ("Developer".into(), None, None),
            ("Date".into(), None, None)
        ]
    );
}

#[test]
fn inline_code_with_a_slash_is_a_choice_only_when_it_reads_as_answers() {
    let c = import("inline-code.md");
    for text in [
        "Check `CPU/RAM` usage",
        "Open `TCP/UDP` ports",
        "Green `CI/CD` pipeline",
        "Compare `A/B` buckets",
    ] {
        assert!(item(&c, text).fields.is_empty(), "{text}");
    }
    assert_eq!(
        item(&c, "Smoke tests `PASS/FAIL`").fields[0].options,
        ["PASS", "FAIL"]
    );
    assert_eq!(
        item(&c, "Certificate: `Valid / Invalid`").fields[0].options,
        ["Valid", "Invalid"]
    );
}

#[test]
fn text_reads_as_rendered() {
    let c = import("markup.md");
    let texts: Vec<&str> = c.walk().iter().map(|r| r.item.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Deploy the API",
            "A line that ends in a hard break and goes on",
            "Check all the replicas and primaries",
            "Open the dashboard and run `kubectl get pods -l app=api`",
        ]
    );
    assert_eq!(
        c.walk()[0].item.id,
        "deploy-the-api",
        "no comment in the id either"
    );
    assert_eq!(
        c.walk()[3].item.notes,
        ["dashboard: https://grafana.example/d/api"],
        "the link's target kept"
    );
}

#[test]
fn ranges_are_windows_and_max_is_a_budget() {
    let c = import("windows.md");
    let timing: Vec<(&str, Option<u64>, Option<u64>)> = c
        .phases
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.offset.map(|d| d.as_secs() / 60),
                p.budget.map(|d| d.as_secs() / 60),
            )
        })
        .collect();
    assert_eq!(
        timing,
        [
            ("Deploy", None, Some(10)),
            ("Watch closely", Some(30), Some(30)),
            ("Watch", Some(60), Some(180)),
            ("Settle", Some(240), Some(1200)),
        ]
    );
    assert_eq!(c.phases[1].budget, Some(Duration::from_secs(1800)));
}

#[test]
fn a_checklist_inside_a_fence_is_named_and_read_on_request() {
    let source = text("fenced-whole.md");
    let err = markdown::import(&source, Path::new("f.md"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("f.md:1:1: error: no checkboxes outside code blocks: the 2 box(es) are inside the fenced `markdown` block opened at line 1"),
        "{err}"
    );
    assert!(err.contains("--read-fenced"), "{err}");
    let options = markdown::Options { read_fenced: true };
    let c = markdown::import_with(&source, Path::new("f.md"), options)
        .unwrap()
        .checklist;
    assert_eq!((c.title.as_str(), c.item_count()), ("Pasted checklist", 2));

    // The same through the binary: import and validate take the flag.
    let bin = env!("CARGO_BIN_EXE_flightdeck");
    let path = fixture("fenced-whole.md");
    let refused = Command::new(bin)
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("opened at line 1"));
    let ok = Command::new(bin)
        .args(["validate", "--read-fenced"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout),
        "ok: 1 phases, 2 items, 0 fields\n"
    );
    let toml = Command::new(bin)
        .args(["import", "--read-fenced"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        toml.status.success() && String::from_utf8_lossy(&toml.stdout).contains("text = \"Two\"")
    );
}

#[test]
fn sections_without_boxes_are_notes_of_the_checklist() {
    let c = import("boxless-sections.md");
    let names: Vec<&str> = c.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Prepare", "Deploy"]);
    assert_eq!(c.notes[0], "A subtitle under the title.");
    assert_eq!(c.notes[1], "## Contents");
    assert!(c.notes[2].contains("[Deploy](#deploy)"));
}

#[test]
fn front_matter_is_metadata() {
    let c = import("front-matter.md");
    assert_eq!(c.title, "Payments release");
    assert_eq!(c.version.as_deref(), Some("2.4.0"));
    assert_eq!(c.owner.as_deref(), Some("team-payments"));
    assert_eq!(
        c.notes,
        ["tags: [release]"],
        "other keys kept, without the --- lines"
    );
}

#[test]
fn old_mac_line_endings_read_like_lf() {
    let lf = text("blanks.md");
    let cr = lf.replace('\n', "\r");
    assert_eq!(import_text("blanks.md", &cr), import_text("blanks.md", &lf));
}

#[test]
fn record_blocks_with_boxes_inside_lines_are_fields() {
    let c = import("sign-off.md");
    let fields = |name: &str| -> Vec<(String, Vec<String>)> {
        let p = c.phases.iter().find(|p| p.name == name).unwrap();
        p.fields
            .iter()
            .map(|f| (f.label.clone(), f.options.clone()))
            .collect()
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        fields("Release Information"),
        [
            ("Release Version".to_string(), vec![]),
            ("Release Type".into(), s(&["Patch", "Minor", "Major"])),
            ("Release Manager".into(), vec![]),
        ]
    );
    assert_eq!(
        fields("Sign-Off"),
        [
            (
                "Deployment Status".to_string(),
                s(&["Success", "Success with Issues", "Rolled Back"])
            ),
            ("Notes/Issues".into(), vec![]),
        ]
    );
    assert!(item(&c, "Technical lead approval").notes.is_empty());
}
