//! Hostile input: arbitrary bytes and strings into the Markdown importer and the TOML loader never
//! panic; generated documents keep every box and survive the TOML round trip; 10 MB files,
//! pathological lines and invalid UTF-8 give a result or a clear error, never a hang.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/checkbox_scan.rs"]
mod checkbox_scan;

use flightdeck::checklist::{self, Checklist, markdown, toml_format};
use flightdeck::error::SourceErrors;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Generous: proves "no hang" on a slow, shared debug build, not a performance target.
const NO_HANG: Duration = Duration::from_secs(120);

fn within_bound<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    rx.recv_timeout(NO_HANG)
        .unwrap_or_else(|_| panic!("{what}: no answer within {NO_HANG:?} (hang or panic)"))
}

fn md(text: &str) -> Result<Checklist, SourceErrors> {
    markdown::import(text, Path::new("fuzz.md"))
}

fn round_trips(c: &Checklist) {
    let toml = checklist::to_toml(c);
    let back =
        toml_format::parse(&toml, Path::new("fuzz.toml")).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    assert_eq!(&back, c);
}

/// One line of a plausible Markdown checklist, with odd words.
fn md_line() -> impl Strategy<Value = String> {
    let word = "[a-zA-Z0-9 _*`/:%()<>|#é🚀ðŸ\\[\\]-]{0,14}";
    let indent = 0usize..8;
    let body = prop_oneof![
        word.prop_map(|w| format!("- [ ] {w}")),
        word.prop_map(|w| format!("* [x] {w}")),
        word.prop_map(|w| format!("1. [ ] {w}")),
        word.prop_map(|w| format!("2) [X] {w}")),
        word.prop_map(|w| format!("- {w}: `Yes / No`")),
        word.prop_map(|w| format!("- {w}: `___ ms` (target: < 5ms)")),
        word.prop_map(|w| format!("- [ ] {w}: ___ (target {w})")),
        word.prop_map(|w| format!("- {w}")),
        word.prop_map(|w| format!("# {w}")),
        word.prop_map(|w| format!("## {w}")),
        word.prop_map(|w| format!("### {w} (5 minutes)")),
        word.prop_map(|w| format!("#### {w}")),
        word.prop_map(|w| format!("**{w}:** `___`")),
        word.prop_map(|w| format!("{w} prose")),
        word.prop_map(|w| format!("| {w} | b |")),
        Just("```bash".to_string()),
        Just("```".to_string()),
        Just("~~~".to_string()),
        Just("---".to_string()),
        Just("===".to_string()),
        Just(String::new()),
    ];
    (indent, body).prop_map(|(n, b)| format!("{}{b}", " ".repeat(n)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = md(&text);
        let _ = toml_format::parse(&text, Path::new("fuzz.toml"));
    }

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,600}") {
        let _ = md(&text);
        let _ = toml_format::parse(&text, Path::new("fuzz.toml"));
    }

    #[test]
    fn generated_markdown_keeps_every_box(lines in proptest::collection::vec(md_line(), 0..40), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let expected = checkbox_scan::checkbox_lines(&text);
        match md(&text) {
            Ok(c) => {
                let items = c.walk();
                prop_assert_eq!(items.len(), expected.len(), "{}", text);
                for (got, want) in items.iter().zip(&expected) {
                    // An empty box takes its text from a continuation line, or a placeholder.
                    // `*`/`_` emphasis is rendered away (issue 11) and the simple scan knows
                    // nothing of it, so those two markers are left out of the comparison.
                    let plain = |t: &str| t.replace(['*', '_'], "");
                    prop_assert!(plain(&got.item.text).starts_with(&plain(&want.text)), "{:?} vs {:?}\n{}", got.item.text, want.text, text);
                }
                round_trips(&c);
            }
            Err(e) => {
                let shown = e.to_string();
                prop_assert!(
                    shown.contains("no checkboxes") || shown.contains("never closed"),
                    "unexpected error {}\n{}", shown, text
                );
            }
        }
    }

    #[test]
    fn generated_toml_never_panics_and_what_loads_round_trips(lines in proptest::collection::vec(toml_line(), 0..30)) {
        let text = format!("title = \"t\"\n{}", lines.join("\n"));
        if let Ok(c) = toml_format::parse(&text, Path::new("gen.toml")) {
            round_trips(&c);
        }
    }
}

/// A line of a plausible TOML checklist: real headers and keys, near-miss keys, odd values.
fn toml_line() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        Just("[[phase]]"),
        Just("[[phase.item]]"),
        Just("[[phase.item.item]]"),
        Just("[[phase.item.field]]"),
        Just("[[phase.item.item.field]]"),
        Just("[[trigger]]"),
        Just("[[probe]]"),
    ]
    .prop_map(str::to_string);
    let key = prop_oneof![
        Just("id"),
        Just("name"),
        Just("text"),
        Just("budget"),
        Just("gate"),
        Just("notes"),
        Just("command"),
        Just("commands"),
        Just("group"),
        Just("required"),
        Just("checked"),
        Just("auto"),
        Just("cosign"),
        Just("label"),
        Just("kind"),
        Just("options"),
        Just("unit"),
        Just("target"),
        Just("when"),
        Just("severity"),
        Just("message"),
        Just("txt"),
        Just("url"),
    ];
    let value = prop_oneof![
        "[a-z0-9 -]{0,8}".prop_map(|s| format!("\"{s}\"")),
        "[a-z\\n'\"\\\\]{0,8}".prop_map(|s| format!("'''{s}'''")),
        Just("\"5m\"".to_string()),
        Just("\"choice\"".to_string()),
        Just("\"critical\"".to_string()),
        Just("true".to_string()),
        Just("3".to_string()),
        Just("1.5".to_string()),
        Just("nan".to_string()),
        Just("[\"a\", \"b\"]".to_string()),
        Just("{ x = 1, y = [2] }".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
    ];
    prop_oneof![header, (key, value).prop_map(|(k, v)| format!("{k} = {v}"))]
}

fn seed_text() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/seeds/001_14ae320941f2eb32.txt");
    let path: PathBuf = if shared.exists() {
        shared
    } else {
        root.join("tests/fixtures/seeds/001_14ae320941f2eb32.txt")
    };
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_ten_megabyte_checklist_imports() {
    let seed = seed_text();
    let copies = 10 * 1024 * 1024 / seed.len() + 1;
    let text = seed.repeat(copies);
    assert!(text.len() >= 10 * 1024 * 1024);
    let expected = checkbox_scan::checkbox_lines(&text).len();
    let count = within_bound("10 MB import", move || md(&text).map(|c| c.item_count()));
    assert_eq!(count.unwrap(), expected);
}

#[test]
fn pathological_inputs_end_quickly() {
    // 4 MB each: enough that anything quadratic would take hours, small enough to keep CI quick.
    const SIZE: usize = 4 * 1024 * 1024;
    let cases: Vec<(&str, String)> = vec![
        ("one long box line", format!("- [ ] {}", "a".repeat(SIZE))),
        ("one long line of backticks", "`".repeat(SIZE)),
        (
            "blanks and targets",
            format!("- [ ] x: {}", "___ (target ".repeat(SIZE / 12)),
        ),
        ("unclosed fences of falling length", {
            let mut s = String::new();
            let mut n = 3000;
            while s.len() < SIZE && n > 3 {
                s.push_str(&"`".repeat(n));
                s.push_str("\n- [ ] box\n");
                n -= 1;
            }
            s
        }),
        ("unclosed comments", "<!--\n- [ ] x\n".repeat(SIZE / 12)),
        (
            "deep nesting",
            (0..200)
                .map(|d| format!("{}- [ ] x\n", "  ".repeat(d)))
                .collect::<String>()
                .repeat(SIZE / 40_000),
        ),
        ("table rows", "| a | b |\n".repeat(SIZE / 10)),
        (
            "one item, many fields",
            format!(
                "- [ ] a\n{}",
                "  - Same label: `Yes / No`\n".repeat(SIZE / 28)
            ),
        ),
        (
            "deep plain bullets",
            (0..2000)
                .map(|d| format!("{}- b\n{}- [ ] x\n", "  ".repeat(d), "  ".repeat(d + 1)))
                .collect(),
        ),
        ("many equal texts", "- [ ] Same text\n".repeat(SIZE / 16)),
        (
            "unmatched emphasis",
            format!("- [ ] {}{}", "*a ".repeat(SIZE / 6), "b_ ".repeat(SIZE / 6)),
        ),
        (
            "inline boxes",
            format!("- [ ] Pick: {}", "[ ] A ".repeat(SIZE / 6)),
        ),
        (
            "headings",
            "# a\n## b\n### c (5 min)\n- [ ] x\n".repeat(SIZE / 32),
        ),
    ];
    for (what, text) in cases {
        let outcome = within_bound(what, move || {
            md(&text).map(|c| c.item_count()).map_err(|e| e.0.len())
        });
        // A result or an error are both fine; an answer is what counts.
        let _ = outcome;
    }
}

#[test]
fn ten_megabytes_of_garbage_toml_is_a_clear_error() {
    let text: String = (0..10 * 1024 * 1024)
        .map(|i| if i % 97 == 0 { '\n' } else { '[' })
        .collect();
    let result = within_bound("10 MB TOML", move || {
        toml_format::parse(&text, Path::new("big.toml"))
    });
    let errors = result.unwrap_err();
    let shown = errors.to_string();
    assert!(
        shown.starts_with("big.toml:2:") && shown.contains("error: bad TOML"),
        "{}",
        errors.0[0]
    );
    assert!(errors.0.len() <= 51, "a flood of errors is summarised");
}

#[test]
fn invalid_utf8_and_oversized_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.md");
    std::fs::write(&bad, b"# Deploy\n- [ ] caf\xE9 open\n").unwrap();
    let err = checklist::load(&bad).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "{}:2:10: error: invalid UTF-8 (byte 0xE9)",
            bad.display()
        )),
        "{err}"
    );

    let big = dir.path().join("big.md");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(17 * 1024 * 1024).unwrap();
    let err = checklist::load(&big).unwrap_err().to_string();
    assert!(
        err.contains("is 17.0 MiB; a checklist may be at most 16 MiB"),
        "{err}"
    );

    let ten = dir.path().join("ten.md");
    std::fs::write(
        &ten,
        seed_text().repeat(10 * 1024 * 1024 / seed_text().len() + 1),
    )
    .unwrap();
    let loaded = within_bound("load 10 MB", move || {
        checklist::load(&ten).map(|c| c.item_count())
    });
    assert!(loaded.unwrap() > 50_000);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_files_load_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..1024), markdown in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if markdown { "x.md" } else { "x.toml" });
        std::fs::write(&path, &bytes).unwrap();
        if let Err(e) = checklist::load(&path) {
            let shown = e.to_string();
            prop_assert!(shown.starts_with(&path.display().to_string()), "{}", shown);
            prop_assert!(!shown.contains("panicked"));
        }
    }
}
