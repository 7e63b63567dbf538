//! Markdown checklists in styles other than the seeds': h4 groups, bold item titles, emoji headings,
//! loose lists, `1)` lists, boxes before any heading, CRLF, a BOM, comments, quotes, front matter,
//! and the two documents that must fail with a hint (no boxes, a fence that swallows boxes).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/checkbox_scan.rs"]
mod checkbox_scan;
#[path = "support/round_trip.rs"]
mod round_trip;

use round_trip::import_round_trip;

use flightdeck::checklist::{self, Checklist, FieldKind, markdown};
use std::path::Path;
use std::time::Duration;

fn text(name: &str) -> String {
    round_trip::fixture_text("markdown", name)
}

/// Imports, checks the items against the independent scan, and checks the TOML round trip.
fn import_checked(name: &str, source: &str) -> Checklist {
    let c = import_round_trip(name, source);
    let expected = checkbox_scan::checkbox_lines(source);
    let items = c.walk();
    assert_eq!(items.len(), expected.len(), "{name}: item count");
    for (got, want) in items.iter().zip(&expected) {
        // The scan sees one line; a box's text may continue on the next.
        assert!(
            got.item.text.starts_with(&want.text),
            "{name}: {:?} vs {:?}",
            got.item.text,
            want.text
        );
        assert_eq!(got.depth, want.depth, "{name}: {}", want.text);
    }
    c
}

fn import(name: &str) -> Checklist {
    import_checked(name, &text(name))
}

#[test]
fn h4_headings_become_groups_and_budgeted_steps_become_phases() {
    let c = import("h4-groups.md");
    assert_eq!(c.title, "Database failover runbook");
    assert_eq!(
        c.notes,
        ["Run this during the failover window. Ping #dba-oncall before starting."]
    );
    let names: Vec<&str> = c.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["Preparation", "Failover — Promote", "Failover — Verify"]
    );
    let prep = &c.phases[0];
    let groups: Vec<&str> = prep
        .items
        .iter()
        .map(|i| i.group.as_deref().unwrap())
        .collect();
    assert_eq!(
        groups,
        [
            "Primary / Replication",
            "Primary / Replication",
            "Primary / Backups",
            "Replica / Health",
            "Replica / Health"
        ]
    );
    let lag = &prep.items[0].fields[0];
    assert_eq!(
        (lag.kind, lag.unit.as_deref(), lag.target.as_deref()),
        (FieldKind::Number, Some("s"), Some("< 5s"))
    );
    assert_eq!(c.phases[1].budget, Some(Duration::from_secs(180)));
    assert_eq!(
        c.phases[1].items[0].commands,
        ["pg_ctl promote -D /var/lib/postgresql/15/main"]
    );
    assert!(
        c.phases[2].gate,
        "a GO / NO-GO decision makes the phase a gate"
    );
    assert!(!c.phases[1].gate);
}

#[test]
fn bold_item_titles_lose_their_stars_and_keep_their_code() {
    let c = import("bold-titles.md");
    let texts: Vec<&str> = c.walk().iter().map(|r| r.item.text.as_str()).collect();
    assert_eq!(texts[0], "Announce the window in #ops");
    assert_eq!(texts[1], "Snapshot Redis: `redis-cli --rdb /tmp/dump.rdb`");
    let reviewed = c.item("runbook-reviewed-required").unwrap().item;
    assert!(
        reviewed.checked && reviewed.required,
        "[X] is ticked, (required) is required"
    );
    let switch = c.item("switch-traffic-to-the-new-cluster").unwrap().item;
    assert_eq!(switch.fields[0].label, "Switched at");
    assert_eq!(
        switch.notes,
        ["**Note:** keep the old cluster warm for 24 hours."]
    );
    assert_eq!(
        texts[4],
        "Purge the old keys once traffic is confirmed on the new cluster"
    );
    let ratio = &c.item("check-hit-ratio-target-90").unwrap().item.fields[0];
    assert_eq!(
        (ratio.unit.as_deref(), ratio.target.as_deref()),
        (Some("%"), Some("> 90%"))
    );
}

#[test]
fn emoji_and_mojibake_headings_are_kept_verbatim() {
    let c = import("emoji-headings.md");
    assert_eq!(c.title, "🚀 Release 2.3");
    let names: Vec<&str> = c.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["🔧 Prep", "🧪 Smoke tests ⚡", "ðŸš¨ Rollback"]);
    let ids: Vec<&str> = c.phases.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["prep", "smoke-tests", "rollback"]);
    assert_eq!(c.phases[2].items[0].text, "Revert the tag â†” previous");
}

#[test]
fn blank_line_separated_items_and_their_indented_notes() {
    let c = import("loose-lists.md");
    assert_eq!(c.phases[0].items.len(), 3);
    assert_eq!(
        c.phases[0].items[1].notes,
        ["This one matters: the pager will fire."]
    );
    let drill = &c.phases[1];
    assert_eq!(
        drill.items.len(),
        3,
        "ordered items separated by blank lines stay siblings"
    );
    assert_eq!(
        drill.items[1].children[0].fields[0].unit.as_deref(),
        Some("%")
    );
}

#[test]
fn paren_ordered_lists_nest() {
    let c = import("ordered-paren.md");
    let shape: Vec<(usize, &str)> = c
        .walk()
        .iter()
        .map(|r| (r.depth, r.item.text.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            (0, "Drain the node"),
            (1, "Cordon it: `kubectl cordon $NODE`"),
            (1, "Evict pods"),
            (2, "Daemonsets ignored"),
            (0, "Patch and reboot"),
            (0, "Uncordon"),
        ]
    );
}

#[test]
fn boxes_before_any_heading_go_in_a_phase_named_after_the_title() {
    let c = import("before-heading.md");
    assert_eq!(c.title, "before-heading", "no H1: the file name");
    assert_eq!(c.phases[0].name, "before-heading");
    assert_eq!(c.phases[0].items.len(), 2);
    assert_eq!(c.notes, ["Quick checks before anything else:"]);
    assert_eq!(c.phases[1].name, "Real work");
}

#[test]
fn comments_quotes_tables_front_matter_and_rules() {
    // The simple scan knows nothing of comments and quotes, so only the round trip is checked here.
    let c = import_round_trip("mixed.md", &text("mixed.md"));
    assert_eq!(c.title, "Mixed bag");
    assert_eq!(c.version.as_deref(), Some("1.2"));
    let texts: Vec<&str> = c.walk().iter().map(|r| r.item.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "A long item whose text continues on the next line",
            "Already done in the doc",
            "Star bullet",
            "Plus bullet",
            "Quoted box",
        ]
    );
    let phase = &c.phases[0];
    assert!(phase.notes[0].starts_with("| Check | Owner |"));
    assert!(
        phase.notes.contains(&"***".to_string()),
        "a rule inside a phase is kept"
    );
    assert!(phase.notes.iter().any(|n| n == "More prose after a rule."));
    assert_eq!(
        phase.items[4].commands,
        ["echo \"tilde fence for the quoted box\""]
    );
}

#[test]
fn crlf_and_bom_read_like_lf() {
    let lf = text("h4-groups.md");
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let a = import_checked("h4-groups.md", &lf);
    let b = import_checked("h4-groups.md", &crlf);
    assert_eq!(a, b);
}

#[test]
fn a_file_without_boxes_is_an_error_with_a_hint() {
    let err =
        markdown::import(&text("no-checkboxes.md"), Path::new("no-checkboxes.md")).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("no-checkboxes.md:1:1: error: no checkboxes found"),
        "{shown}"
    );
    assert!(shown.contains("hint: mark each step"), "{shown}");
    let empty = markdown::import("", Path::new("empty.md")).unwrap_err();
    assert!(empty.to_string().contains("no checkboxes"));
}

#[test]
fn an_unclosed_fence_that_would_hide_boxes_is_an_error() {
    let err = markdown::import(&text("unclosed-fence.md"), Path::new("u.md")).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("u.md:6:1: error: this code block is never closed"),
        "{shown}"
    );
    assert!(shown.contains("2 checkbox line(s)"), "{shown}");
    // Without boxes after it, an unclosed fence simply runs to the end, as in CommonMark.
    let ok = markdown::import("- [ ] One\n```\ncode to the end\n", Path::new("x.md")).unwrap();
    assert_eq!(ok.phases[0].items[0].commands, ["code to the end"]);
}

#[test]
fn load_picks_the_importer_by_extension_case_insensitively() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.MD", "b.markdown", "c.Md"] {
        let path = dir.path().join(name);
        std::fs::write(&path, "# T\n- [ ] x\n").unwrap();
        assert_eq!(checklist::load(&path).unwrap().item_count(), 1, "{name}");
    }
    // other names with Markdown checkboxes (the seeds are .txt) are imported as they are
    let path = dir.path().join("looks-like-md.txt");
    std::fs::write(&path, "# T\n- [ ] x\n").unwrap();
    assert_eq!(checklist::load(&path).unwrap().item_count(), 1);
    // a .toml file is always TOML: Markdown in it is an error that says what it looks like
    let path = dir.path().join("looks-like-md.toml");
    std::fs::write(&path, "# T\n- [ ] x\n").unwrap();
    let err = checklist::load(&path).unwrap_err().to_string();
    assert!(err.contains("this looks like Markdown"), "{err}");
}

#[test]
fn small_cases() {
    let one = |md: &str| markdown::import(md, Path::new("t.md")).unwrap();
    // A fence right after an unindented box belongs to it; one after a heading to the phase.
    let c = one("## P\n- [ ] Run it\n```\nmake deploy\n```\n## Q\n```\nprep\n```\n- [ ] y\n");
    assert_eq!(c.phases[0].items[0].commands, ["make deploy"]);
    assert_eq!(c.phases[1].commands, ["prep"]);
    // An empty box is still an item.
    assert_eq!(one("- [ ]\n- [ ] b\n").item_count(), 2);
    // A checkbox with only a blank keeps both.
    let c = one("- [ ] `___`\n");
    assert_eq!(c.phases[0].items[0].fields[0].label, "Value");
    // Repeated texts get a hash of their context, not a position counter (issue 11: ids must
    // not move when other items are inserted); duplicate phase names get a suffix.
    let c = one("## A\n- [ ] x\n## A\n- [ ] x\n- [ ] x\n");
    let ids: Vec<&str> = c.walk().iter().map(|r| r.item.id.as_str()).collect();
    assert!(
        ids.iter().all(|id| id.starts_with("x-") && id.len() == 8),
        "{ids:?}"
    );
    assert_eq!(
        ids.iter().collect::<std::collections::HashSet<_>>().len(),
        3
    );
    let alone = one("## A\n- [ ] x\n- [ ] y\n");
    assert_eq!(
        alone.phases[0].items[0].id, "x",
        "a unique text is its slug"
    );
    assert_eq!(
        (c.phases[1].name.as_str(), c.phases[1].id.as_str()),
        ("A (2)", "a-2")
    );
    // Setext headings and a plain bullet labelling the boxes under it.
    let c = one("Deploy\n======\n\nPrep\n----\n- Database\n  - [ ] backup\n");
    assert_eq!(c.title, "Deploy");
    assert_eq!(c.phases[0].name, "Prep");
    assert_eq!(c.phases[0].items[0].group.as_deref(), Some("Database"));
    // Tabs indent like four spaces.
    let c = one("- [ ] a\n\t- [ ] b\n");
    assert_eq!(c.walk()[1].depth, 1);
}

#[test]
fn a_single_container_heading_hands_the_phases_to_its_sub_headings() {
    let c = import("container-heading.md");
    let names: Vec<&str> = c.phases.iter().map(|p| p.name.as_str()).collect();
    // Sections without boxes are no phases (issue 11): `## Overview` and the empty
    // `## Checklist` are dropped, the overview's prose kept as a checklist note.
    assert_eq!(names, ["Before", "During"]);
    assert_eq!(c.notes, ["## Overview", "Some words."]);
    assert_eq!(c.phases[1].budget, Some(Duration::from_secs(600)));
    assert_eq!(c.phases[1].items[1].group.as_deref(), Some("Checks"));
}
