//! Writes a checklist as readable TOML that `toml_format::parse` reads back to an equal checklist:
//! keys in a fixed, reader-friendly order, `command = '''…'''` blocks, one header per item.

use super::{Checklist, Field, FieldKind, Item, Phase, Procedure, Severity, Trigger};
use crate::units::format_duration_exact;
use std::fmt::Write as _;

/// The checklist in flightdeck's TOML format.
pub fn to_toml(checklist: &Checklist) -> String {
    let mut out = String::new();
    line(&mut out, "title", &string(&checklist.title));
    if let Some(version) = &checklist.version {
        line(&mut out, "version", &string(version));
    }
    if let Some(owner) = &checklist.owner {
        line(&mut out, "owner", &string(owner));
    }
    strings(&mut out, "notes", &checklist.notes);
    strings(&mut out, "uses", &checklist.uses);
    for probe in &checklist.probes {
        out.push_str("\n[[probe]]\n");
        for (key, value) in probe {
            line(&mut out, &key_text(key), &inline_value(value));
        }
    }
    for phase in &checklist.phases {
        write_phase(&mut out, phase);
    }
    for trigger in &checklist.triggers {
        write_trigger(&mut out, trigger);
    }
    out
}

fn write_phase(out: &mut String, phase: &Phase) {
    out.push_str("\n[[phase]]\n");
    line(out, "id", &string(&phase.id));
    line(out, "name", &string(&phase.name));
    if let Some(budget) = phase.budget {
        line(out, "budget", &string(&format_duration_exact(budget)));
    }
    if let Some(offset) = phase.offset {
        line(out, "offset", &string(&format_duration_exact(offset)));
    }
    if phase.gate {
        line(out, "gate", "true");
    }
    strings(out, "notes", &phase.notes);
    commands(out, &phase.commands);
    for field in &phase.fields {
        write_field(out, field, "phase");
    }
    for procedure in &phase.procedures {
        write_procedure(out, procedure);
    }
    for item in &phase.items {
        write_item(out, item, "phase.item");
    }
}

fn write_item(out: &mut String, item: &Item, header: &str) {
    let _ = write!(out, "\n[[{header}]]\n");
    line(out, "id", &string(&item.id));
    line(out, "text", &string(&item.text));
    if let Some(group) = &item.group {
        line(out, "group", &string(group));
    }
    for (key, set) in [
        ("required", item.required),
        ("checked", item.checked),
        ("cosign", item.cosign),
        ("decision", item.decision),
    ] {
        if set {
            line(out, key, "true");
        }
    }
    if let Some(auto) = &item.auto {
        line(out, "auto", &string(auto));
    }
    commands(out, &item.commands);
    strings(out, "before", &item.before);
    strings(out, "notes", &item.notes);
    for field in &item.fields {
        write_field(out, field, header);
    }
    let child_header = format!("{header}.item");
    for child in &item.children {
        write_item(out, child, &child_header);
    }
}

fn write_field(out: &mut String, field: &Field, item_header: &str) {
    let _ = write!(out, "\n[[{item_header}.field]]\n");
    line(out, "id", &string(&field.id));
    line(out, "label", &string(&field.label));
    let kind = match field.kind {
        FieldKind::Choice => "choice",
        FieldKind::Text => "text",
        FieldKind::Number => "number",
    };
    line(out, "kind", &string(kind));
    if !field.options.is_empty() {
        let options: Vec<String> = field.options.iter().map(|o| string(o)).collect();
        line(out, "options", &format!("[{}]", options.join(", ")));
    }
    if let Some(unit) = &field.unit {
        line(out, "unit", &string(unit));
    }
    if let Some(target) = &field.target {
        line(out, "target", &string(target));
    }
    if let Some(note) = &field.note {
        line(out, "note", &string(note));
    }
}

fn write_procedure(out: &mut String, procedure: &Procedure) {
    out.push_str("\n[[phase.procedure]]\n");
    line(out, "label", &string(&procedure.label));
    if let Some(group) = &procedure.group {
        line(out, "group", &string(group));
    }
    if let Some(after) = &procedure.after {
        line(out, "after", &string(after));
    }
    strings(out, "notes", &procedure.notes);
    commands(out, &procedure.commands);
}

fn write_trigger(out: &mut String, trigger: &Trigger) {
    out.push_str("\n[[trigger]]\n");
    line(out, "name", &string(&trigger.name));
    line(out, "when", &string(&trigger.when));
    let severity = match trigger.severity {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    };
    line(out, "severity", &string(severity));
    if !trigger.message.is_empty() {
        line(out, "message", &string(&trigger.message));
    }
}

fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {value}");
}

fn commands(out: &mut String, commands: &[String]) {
    match commands {
        [] => {}
        [one] => line(out, "command", &string(one)),
        many => strings(out, "commands", many),
    }
}

/// Short lists stay on one line; long or multi-line ones get one element per line.
fn strings(out: &mut String, key: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    let parts: Vec<String> = values.iter().map(|v| string(v)).collect();
    let inline_len: usize = parts.iter().map(|p| p.len() + 2).sum::<usize>() + key.len();
    if inline_len <= 96 && !parts.iter().any(|p| p.contains('\n')) {
        line(out, key, &format!("[{}]", parts.join(", ")));
        return;
    }
    let _ = writeln!(out, "{key} = [");
    for part in parts {
        let _ = writeln!(out, "    {part},");
    }
    out.push_str("]\n");
}

/// A TOML string literal for `s`, choosing the most readable form that reads back exactly.
pub(crate) fn string(s: &str) -> String {
    if s.contains('\n') {
        let literal_ok = !s.contains("'''")
            && !s.ends_with('\'')
            && s.chars().all(|c| c == '\n' || !is_forbidden(c));
        if literal_ok {
            return format!("'''\n{s}'''");
        }
        return format!("\"\"\"\n{}\"\"\"", escape(s, true));
    }
    let plain = s.chars().all(|c| !is_forbidden(c));
    if plain && !s.contains('"') && !s.contains('\\') {
        return format!("\"{s}\"");
    }
    if plain && !s.contains('\'') {
        return format!("'{s}'");
    }
    format!("\"{}\"", escape(s, false))
}

/// Characters a TOML literal string cannot hold (tab is allowed).
fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\t') || c == '\u{7f}'
}

fn escape(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            '\r' => out.push_str("\\r"),
            c if is_forbidden(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

fn key_text(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        format!("\"{}\"", escape(key, false))
    }
}

/// Probe tables are written inline so that nested tables stay under their `[[probe]]`.
fn inline_value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => string(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) if f.is_nan() => "nan".into(),
        toml::Value::Float(f) if f.is_infinite() => {
            if *f > 0.0 {
                "inf".into()
            } else {
                "-inf".into()
            }
        }
        toml::Value::Float(f) => format!("{f:?}"),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(inline_value).collect();
            format!("[{}]", parts.join(", "))
        }
        toml::Value::Table(table) => {
            let parts: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{} = {}", key_text(k), inline_value(v)))
                .collect();
            if parts.is_empty() {
                "{}".into()
            } else {
                format!("{{ {} }}", parts.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_back(s: &str) {
        let doc = format!("v = {}\n", string(s));
        let table: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
        assert_eq!(table["v"].as_str(), Some(s), "{doc}");
    }

    #[test]
    fn strings_read_back_exactly() {
        for s in [
            "plain",
            "say \"hi\"",
            "it's \"both\"",
            "back\\slash",
            "two\nlines",
            "ends with quote'\nx'",
            "has ''' inside\n",
            "\nleading newline",
            "tab\there",
            "bell\u{7}\nline",
            "cr\r\nlf",
            "ðŸš€ mojibake",
            "",
        ] {
            reads_back(s);
        }
    }
}
