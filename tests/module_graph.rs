//! Data flows one way: no module imports a module that imports it back. This reads `src/` and
//! fails on any cycle between top-level modules (`app` → `view` → `app`), and between the files of
//! one module (`app::auto` → `app::update` → `app::auto`), naming the path of the cycle and the
//! lines that make it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One module's outgoing edges, each with the first place that makes it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/app/update.rs` → `["app", "update"]`; `src/app/mod.rs` → `["app"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a line without its comment (doc links name modules without depending on them).
fn code_of(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return "";
    }
    match line.find("//") {
        // a `//` inside a string (a URL) is not a comment; keep it simple: cut only after `; //`
        Some(i) if line[..i].trim_end().ends_with(';') || line[..i].trim_end().ends_with('{') => {
            &line[..i]
        }
        _ => line,
    }
}

/// Identifiers that follow `prefix` in `code` (`crate::app::x` with prefix `crate::` → `app`).
fn names_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0 {
            out.push(&rest[..end]);
        }
    }
    out
}

/// `use crate::{a, b::c}` lists several modules in braces.
fn braced_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        rest = &rest[i + prefix.len()..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            for part in inner[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        }
    }
    out
}

struct Graphs {
    top: Graph,
    /// Per top-level module, the graph between its direct submodules.
    inner: BTreeMap<String, Graph>,
}

fn build() -> Graphs {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let tops: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_path(&src, f).first().cloned())
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut top = Graph::new();
    let mut inner: BTreeMap<String, Graph> = BTreeMap::new();
    for file in &files {
        let path = module_path(&src, file);
        let Some(own) = path.first().cloned() else {
            continue;
        };
        if !tops.contains(&own) {
            continue;
        }
        let own_sub = path.get(1).cloned();
        let text = std::fs::read_to_string(file).unwrap();
        let mut in_tests = false;
        for (n, line) in text.lines().enumerate() {
            // unit tests may reach anywhere; they are not part of the module graph
            if line.trim_start().starts_with("#[cfg(test)]") {
                in_tests = true;
            }
            if in_tests {
                continue;
            }
            let code = code_of(line);
            let place = format!("{}:{}: {}", file.display(), n + 1, line.trim());
            let mut targets: Vec<String> = names_after(code, "crate::")
                .into_iter()
                .map(str::to_owned)
                .collect();
            targets.extend(braced_after(code, "crate::"));
            for target in targets {
                if tops.contains(&target) && target != own {
                    top.entry(own.clone())
                        .or_default()
                        .entry(target)
                        .or_insert_with(|| place.clone());
                }
            }
            // edges between files of one module: `super::x` from a direct submodule, and
            // `crate::own::x`
            let Some(sub) = &own_sub else { continue };
            let mut siblings: Vec<String> = Vec::new();
            if path.len() == 2 {
                siblings.extend(names_after(code, "super::").into_iter().map(str::to_owned));
                siblings.extend(braced_after(code, "super::"));
            }
            let own_prefix = format!("crate::{own}::");
            siblings.extend(
                names_after(code, &own_prefix)
                    .into_iter()
                    .map(str::to_owned),
            );
            siblings.extend(braced_after(code, &own_prefix));
            for sibling in siblings {
                let exists = src.join(&own).join(format!("{sibling}.rs")).exists()
                    || src.join(&own).join(&sibling).join("mod.rs").exists();
                if exists && &sibling != sub {
                    inner
                        .entry(own.clone())
                        .or_default()
                        .entry(sub.clone())
                        .or_default()
                        .entry(sibling)
                        .or_insert_with(|| place.clone());
                }
            }
        }
    }
    Graphs { top, inner }
}

/// Every cycle as its path `a → b → a`, with the lines that make each edge.
fn cycles(graph: &Graph) -> Vec<String> {
    let mut found = Vec::new();
    let mut seen_sets: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, path)) = stack.pop() {
            for next in graph.get(&node).map(|m| m.keys()).into_iter().flatten() {
                if next == start {
                    let mut key = path.clone();
                    key.sort();
                    if seen_sets.insert(key) {
                        let mut text = path.join(" → ");
                        text.push_str(&format!(" → {start}"));
                        let mut hops = path.clone();
                        hops.push(start.clone());
                        for pair in hops.windows(2) {
                            text.push_str(&format!("\n    {}", graph[&pair[0]][&pair[1]]));
                        }
                        found.push(text);
                    }
                } else if !path.contains(next) && path.len() < 8 {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    found
}

#[test]
fn no_cycle_between_top_level_modules() {
    let graphs = build();
    assert!(
        graphs.top.len() > 5,
        "the module graph looks empty: {:?}",
        graphs.top.keys()
    );
    let found = cycles(&graphs.top);
    assert!(
        found.is_empty(),
        "module cycles (each module must only import modules that do not import it back):\n{}",
        found.join("\n")
    );
}

#[test]
fn no_cycle_between_the_files_of_a_module() {
    let graphs = build();
    let mut found = Vec::new();
    for (module, graph) in &graphs.inner {
        for cycle in cycles(graph) {
            found.push(format!("in {module}: {cycle}"));
        }
    }
    assert!(
        found.is_empty(),
        "cycles between the files of one module:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut graph = Graph::new();
    graph
        .entry("a".into())
        .or_default()
        .insert("b".into(), "a.rs:1".into());
    graph
        .entry("b".into())
        .or_default()
        .insert("a".into(), "b.rs:1".into());
    graph
        .entry("b".into())
        .or_default()
        .insert("c".into(), "b.rs:2".into());
    let found = cycles(&graph);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("a → b → a") || found[0].starts_with("b → a → b"));
    assert_eq!(
        names_after("use crate::app::{x}; crate::view::y", "crate::"),
        ["app", "view"]
    );
    assert_eq!(
        braced_after("use crate::{app, view::x};", "crate::"),
        ["app", "view"]
    );
}
