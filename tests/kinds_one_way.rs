#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The probe side of the module graph stays one way: `units` and `model` at the bottom,
//! `condition` over them, `config` over `condition` and the TOML reader (`toml_span`, `suggest`),
//! `probes` on top. A source file that names a
//! module above its own fails here, with the file and the line.

use std::path::{Path, PathBuf};

/// (module, the crate modules it may import); anything else named as `crate::X` is a violation.
const LAYERS: &[(&str, &[&str])] = &[
    ("units", &[]),
    ("model", &["units"]),
    ("condition", &["model", "units", "error"]),
    ("suggest", &[]),
    ("toml_span", &["error", "suggest"]),
    (
        "config",
        &[
            "model",
            "units",
            "error",
            "condition",
            "redact",
            "suggest",
            "toml_span",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn lower_modules_never_import_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for (module, allowed) in LAYERS {
        let mut files = Vec::new();
        let single = src.join(format!("{module}.rs"));
        if single.is_file() {
            files.push(single);
        }
        rust_files(&src.join(module), &mut files);
        assert!(!files.is_empty(), "no source for `{module}`");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                let mut rest = line;
                while let Some(at) = rest.find("crate::") {
                    rest = &rest[at + "crate::".len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if name != *module && !allowed.contains(&name.as_str()) {
                        violations.push(format!(
                            "{}:{}: `{module}` imports `{name}`",
                            file.display(),
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(violations.is_empty(), "\n{}", violations.join("\n"));
}
