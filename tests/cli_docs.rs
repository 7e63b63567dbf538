//! `flightdeck completions` and `flightdeck man` come from the clap definitions: every subcommand
//! and option is in them, and bash accepts the script it is given.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");
const SUBCOMMANDS: [&str; 10] = [
    "run",
    "demo",
    "check",
    "import",
    "validate",
    "report",
    "sessions",
    "notify",
    "completions",
    "man",
];

fn stdout(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_name_every_subcommand_and_option() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&["completions", shell]);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no `{sub}` in\n{script}");
        }
        for option in ["--store", "--config", "--session", "--ascii", "--redis"] {
            assert!(
                script.contains(option.trim_start_matches('-')),
                "{shell}: no {option}"
            );
        }
    }
}

#[test]
fn bash_loads_the_completion_script() {
    let script = stdout(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flightdeck.bash");
    std::fs::write(&file, script).unwrap();
    // after sourcing, bash knows a completion function for flightdeck and it offers `demo`
    let probe = format!(
        "source {}; complete -p flightdeck && COMP_WORDS=(flightdeck de); COMP_CWORD=1; \
         _flightdeck flightdeck de flightdeck; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.lines().any(|l| l == "demo"), "{text}");
}

#[test]
fn man_page_has_every_subcommand_with_its_options() {
    let page = stdout(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH flightdeck 1"),
        "{page}"
    );
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!(".SH \"FLIGHTDECK {}\"", sub.to_uppercase())),
            "no section for {sub}"
        );
    }
    // a subcommand's own subcommand, with its options and exit codes
    assert!(page.contains(".SH \"FLIGHTDECK NOTIFY TEST\""), "{page}");
    assert!(page.contains("exit 1 when any target failed"), "{page}");
    // an option of a subcommand, with its help text
    assert!(page.contains("Journal store URL"), "{page}");
    assert!(page.contains("redis"), "{page}");
}
