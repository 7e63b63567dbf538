//! Every curated checklist in `checklists/` passes `flightdeck validate` (the real binary) with
//! the example config beside it, and watches something: `auto` bindings and triggers over the
//! probes it lists in `uses`, which are exactly the probes its config defines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use flightdeck::checklist::{self, Checklist};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CONFIG_SUFFIX: &str = ".config.toml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every checklist of `checklists/` with its example config, `NAME.toml` → `NAME.config.toml`.
/// A checklist without one fails here: it is what makes the checklist runnable.
fn curated() -> Vec<(PathBuf, PathBuf)> {
    let dir = root().join("checklists");
    let mut checklists: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".toml") && !name.ends_with(CONFIG_SUFFIX)
        })
        .collect();
    checklists.sort();
    assert!(checklists.len() >= 4, "{checklists:?}");
    checklists
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let config = dir.join(format!("{stem}{CONFIG_SUFFIX}"));
            assert!(
                config.is_file(),
                "{} has no example config: add checklists/{stem}{CONFIG_SUFFIX} defining the \
                 probes it uses",
                path.display()
            );
            (path, config)
        })
        .collect()
}

/// The process variables a config reads (`${DATABASE_URL}`), not `${env.…}` ones nor `$${`.
fn process_vars(config: &str) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    let mut rest = config;
    while let Some(at) = rest.find("${") {
        let escaped = rest[..at].ends_with('$');
        rest = &rest[at + 2..];
        let Some(end) = rest.find('}') else { break };
        let name = rest[..end].trim();
        if !escaped && !name.starts_with("env.") {
            vars.insert(name.to_owned());
        }
        rest = &rest[end + 1..];
    }
    vars
}

/// A value of the right shape that reaches nothing: port 1 on loopback, no real credentials.
fn harmless_value(var: &str) -> String {
    let value = if var.ends_with("DATABASE_URL") {
        "postgres://flightdeck:not-a-secret@127.0.0.1:1/flightdeck_test"
    } else if var.ends_with("REDIS_URL") {
        "redis://:not-a-secret@127.0.0.1:1/0"
    } else if var.ends_with("_URL") {
        "http://127.0.0.1:1"
    } else {
        "not-a-secret"
    };
    value.to_owned()
}

/// `flightdeck validate` in a clean environment holding only `vars`.
fn validate(checklist: &Path, config: &Path, env: &str, vars: &BTreeSet<String>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flightdeck"));
    cmd.env_clear()
        .current_dir(root())
        .arg("validate")
        .arg(checklist)
        .arg("--config")
        .arg(config)
        .arg("--env")
        .arg(env);
    for var in vars {
        cmd.env(var, harmless_value(var));
    }
    cmd.output().unwrap()
}

fn load(path: &Path) -> Checklist {
    checklist::load(path).unwrap()
}

#[test]
fn every_curated_checklist_validates_with_its_example_config() {
    for (path, config) in curated() {
        let vars = process_vars(&std::fs::read_to_string(&config).unwrap());
        let c = load(&path);
        let want = format!(
            "ok: {} phases, {} items, {} fields\n",
            c.phases.len(),
            c.item_count(),
            c.field_count()
        );
        for env in ["production", "staging"] {
            let out = validate(&path, &config, env, &vars);
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert!(
                out.status.success(),
                "{} --env {env}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(stdout, want, "{} --env {env}", path.display());
        }
    }
}

#[test]
fn secrets_come_from_the_environment_only() {
    for (path, config) in curated() {
        let text = std::fs::read_to_string(&config).unwrap();
        let vars = process_vars(&text);
        assert!(!vars.is_empty(), "{}", config.display());
        // Without them, validate stops and names each one: nothing falls back to a literal.
        let out = validate(&path, &config, "production", &BTreeSet::new());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}", config.display());
        for var in &vars {
            assert!(
                stderr.contains(&format!("environment variable `{var}` is not set")),
                "{}: {stderr}",
                config.display()
            );
        }
        // Connection strings are whole references, and request headers that carry a credential
        // take it from one too.
        let table: toml::Table = text.parse().unwrap();
        for probe in table["probe"].as_array().unwrap() {
            let name = probe["name"].as_str().unwrap();
            let kind = probe["kind"].as_str().unwrap();
            // tcp, dns, tls, log and command probes name a host, a file or a program: no URL
            let url = probe.get("url").and_then(|u| u.as_str());
            assert_eq!(
                url.is_some(),
                ["http", "sql", "redis", "prometheus", "metrics"].contains(&kind),
                "{}: `{name}`",
                config.display()
            );
            let url = url.unwrap_or_default();
            match kind {
                "sql" | "redis" => assert!(
                    url.starts_with("${") && url.ends_with('}') && !url.starts_with("${env."),
                    "{}: probe `{name}` has url {url:?}; connection strings come from ${{VAR}}",
                    config.display()
                ),
                _ => assert!(!url.contains('@'), "{}: `{name}`", config.display()),
            }
            if let Some(headers) = probe.get("headers").and_then(|h| h.as_table()) {
                for (header, value) in headers {
                    let value = value.as_str().unwrap();
                    if header.eq_ignore_ascii_case("authorization") {
                        assert!(value.contains("${"), "{}: `{name}`", config.display());
                    }
                }
            }
        }
    }
}

/// Probe names read by every `auto` and trigger `when` of a checklist.
fn referenced_probes(c: &Checklist) -> BTreeSet<String> {
    let autos = c.walk().into_iter().filter_map(|r| r.item.auto.clone());
    let whens = c.triggers.iter().map(|t| t.when.clone());
    autos
        .chain(whens)
        .flat_map(|src| flightdeck::condition::parse(&src).unwrap().references())
        .map(|r| r.probe)
        .collect()
}

#[test]
fn each_curated_checklist_binds_items_and_triggers_to_the_probes_it_uses() {
    for (path, config) in curated() {
        let c = load(&path);
        let name = path.display();
        let autos = c.walk().iter().filter(|r| r.item.auto.is_some()).count();
        assert!(autos >= 1, "{name}: no item has an `auto` binding");
        assert!(!c.triggers.is_empty(), "{name}: no [[trigger]]");
        assert!(
            c.triggers
                .iter()
                .any(|t| t.severity == checklist::Severity::Critical),
            "{name}: no critical (rollback) trigger"
        );
        for t in &c.triggers {
            assert!(
                !t.message.is_empty(),
                "{name}: trigger `{}` says nothing",
                t.name
            );
        }

        let uses: BTreeSet<String> = c.uses.iter().cloned().collect();
        assert_eq!(uses.len(), c.uses.len(), "{name}: `uses` repeats a probe");
        let referenced = referenced_probes(&c);
        assert!(
            referenced.is_subset(&uses),
            "{name}: conditions read {:?}, not listed in `uses`",
            referenced.difference(&uses).collect::<Vec<_>>()
        );
        let loaded = flightdeck::config::load_with(
            Some(&config),
            Some("production"),
            &|var| Some(harmless_value(var)),
            flightdeck::probes::KINDS,
        )
        .unwrap();
        let defined: BTreeSet<String> = loaded.probes.iter().map(|p| p.name.clone()).collect();
        assert_eq!(
            defined, uses,
            "{name}: the example config defines exactly the probes the checklist uses"
        );
    }
}

#[test]
fn the_readme_lists_every_curated_checklist_and_its_config() {
    let readme = std::fs::read_to_string(root().join("checklists/README.md")).unwrap();
    for (path, config) in curated() {
        for file in [path, config] {
            let file = file.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                readme.contains(&format!("`{file}`")),
                "checklists/README.md does not mention `{file}`"
            );
        }
    }
}

#[test]
fn process_vars_reads_only_process_references() {
    let vars = process_vars(
        "url = \"${DATABASE_URL}\"\nb = \"${env.api_base}/x ${ env.production.k }\"\nc = \"$${LITERAL}\"\nd = \"Bearer ${ TOKEN }\"",
    );
    assert_eq!(
        vars.into_iter().collect::<Vec<_>>(),
        ["DATABASE_URL", "TOKEN"]
    );
}
