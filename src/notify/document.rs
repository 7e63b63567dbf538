//! The JSON document a notification carries — what `webhook` posts, what `command` reads on stdin
//! and what `slack` is written from — with its one-line summary, redacted before it is stored.
//!
//! ```json
//! {"flightdeck": 1, "id": "pfa-2026-11-23:42:trigger_fired", "kind": "trigger_fired",
//!  "severity": "critical", "summary": "CRITICAL rollback-error-rate fired: …", "text": "…",
//!  "session": "pfa-2026-11-23", "checklist": "PFA Vanguard", "env": "production", "seq": 42,
//!  "time": "2026-11-23T01:42:13.120000Z", "actor": "flightdeck",
//!  "phase": {"id": "deploy", "name": "T-0: Deploy"}, "item": null,
//!  "trigger": {"name": "rollback-error-rate", "message": "…", "when": "errors.value > 5% for 5m"},
//!  "decision": null, "note": null,
//!  "evidence": [{"probe": "errors", "output": "value", "value": 0.062, "state": "CRIT",
//!                "at": "2026-11-23T01:42:12.900000Z"}]}
//! ```
//! `text` is added per target when sent (its `template`, else the summary).

use crate::condition::Evidence;
use crate::config::{Level, Notice, Placeholder, Template};
use crate::redact::redact_json;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// The document's version: a receiver can tell a future shape from this one.
pub const VERSION: u32 = 1;

/// What one notification says, before it becomes JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub kind: Notice,
    pub severity: Level,
    pub session: String,
    pub checklist: String,
    pub env: Option<String>,
    pub seq: i64,
    pub time: DateTime<Utc>,
    pub actor: String,
    /// Id and name.
    pub phase: Option<(String, String)>,
    /// Id and text.
    pub item: Option<(String, String)>,
    /// Name, message, condition.
    pub trigger: Option<(String, String, String)>,
    /// GO / NO-GO and its note.
    pub decision: Option<(String, Option<String>)>,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// Literal secrets to scrub from every string of a document (URL passwords and tokens of the
/// config's probes and targets), on top of `redact_json`'s patterns.
#[derive(Debug, Clone, Default)]
pub struct Scrub {
    secrets: Vec<String>,
}

impl Scrub {
    pub fn new(mut secrets: Vec<String>) -> Scrub {
        // a header's `Bearer abc…`: the token alone may turn up too (echoed in a body)
        let words: Vec<String> = secrets
            .iter()
            .filter(|s| s.contains(' '))
            .flat_map(|s| s.split_whitespace().skip(1).map(str::to_owned))
            .filter(|w| w.len() >= 8)
            .collect();
        secrets.extend(words);
        secrets.retain(|s| s.len() >= 3);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Scrub { secrets }
    }

    pub fn text(&self, text: &str) -> String {
        let mut out = crate::redact::redact_text(text);
        for s in &self.secrets {
            out = out.replace(s.as_str(), "***");
        }
        out
    }

    /// Every string of `value` redacted and scrubbed (keys named like secrets hide their value).
    pub fn json(&self, value: &Value) -> Value {
        let mut v = redact_json(value);
        self.strings(&mut v);
        v
    }

    fn strings(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.strings(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.strings(v)),
            _ => {}
        }
    }
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The notice's id: the same on every screen and every retry, for receivers to drop repeats.
pub fn notice_id(session: &str, seq: i64, kind: Notice) -> String {
    format!("{session}:{seq}:{}", kind.as_str())
}

impl Facts {
    /// The redacted document, summary included.
    pub fn document(&self, scrub: &Scrub) -> Value {
        let evidence: Vec<Value> = self
            .evidence
            .iter()
            .map(|e| {
                let mut v = json!({
                    "probe": e.probe,
                    "output": e.path,
                    "value": e.value,
                    "state": e.state.map(|s| s.as_str()),
                    "at": e.at.map(time_text),
                });
                if e.baseline
                    && let Value::Object(map) = &mut v
                {
                    map.insert("baseline".into(), Value::Bool(true));
                    map.insert("scope".into(), json!(e.scope));
                }
                v
            })
            .collect();
        let mut doc = json!({
            "flightdeck": VERSION,
            "id": notice_id(&self.session, self.seq, self.kind),
            "kind": self.kind.as_str(),
            "severity": self.severity.as_str(),
            "summary": "",
            "session": self.session,
            "checklist": self.checklist,
            "env": self.env,
            "seq": self.seq,
            "time": time_text(self.time),
            "actor": self.actor,
            "phase": self.phase.as_ref().map(|(id, name)| json!({"id": id, "name": name})),
            "item": self.item.as_ref().map(|(id, text)| json!({"id": id, "text": text})),
            "trigger": self.trigger.as_ref().map(|(name, message, when)| {
                json!({"name": name, "message": message, "when": when})
            }),
            "decision": self.decision.as_ref().map(|(d, note)| json!({"decision": d, "note": note})),
            "note": self.note,
            "evidence": evidence,
        });
        let summary = summary(&doc);
        if let Value::Object(map) = &mut doc {
            map.insert("summary".into(), Value::String(summary));
        }
        scrub.json(&doc)
    }
}

fn field<'a>(doc: &'a Value, path: &[&str]) -> &'a str {
    let mut node = doc;
    for key in path {
        node = &node[*key];
    }
    node.as_str().unwrap_or("")
}

/// `errors.value = 0.062, baseline(errors.value) = 0.01`.
pub fn evidence_line(doc: &Value) -> String {
    let Some(items) = doc["evidence"].as_array() else {
        return String::new();
    };
    items
        .iter()
        .map(|e| {
            let name = format!("{}.{}", field(e, &["probe"]), field(e, &["output"]));
            let name = if e["baseline"].as_bool() == Some(true) {
                format!("baseline({name})")
            } else {
                name
            };
            let value = match &e["value"] {
                Value::Null => "no value".to_owned(),
                Value::String(s) => s.clone(),
                Value::Number(n) => match n.as_f64() {
                    Some(f) => crate::model::Value::Number(f).to_string(),
                    None => n.to_string(),
                },
                other => other.to_string(),
            };
            let value: String = value.chars().take(120).collect();
            format!("{name} = {value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one-line summary of a document.
pub fn summary(doc: &Value) -> String {
    let evidence = evidence_line(doc);
    let with_evidence = |text: String| {
        if evidence.is_empty() {
            text
        } else {
            format!("{text} ({evidence})")
        }
    };
    let trigger = field(doc, &["trigger", "name"]);
    let item = field(doc, &["item", "text"]);
    let phase = field(doc, &["phase", "name"]);
    let actor = field(doc, &["actor"]);
    match field(doc, &["kind"]) {
        "trigger_fired" => {
            let message = field(doc, &["trigger", "message"]);
            let level = field(doc, &["severity"]).to_uppercase();
            with_evidence(format!("{level} {trigger} fired: {message}"))
        }
        "trigger_acked" => format!("{trigger} acknowledged by {actor}"),
        "trigger_cleared" => with_evidence(format!("{trigger} cleared")),
        "regressed" => with_evidence(format!("REGRESSED: {item}")),
        "recovered" => with_evidence(format!("recovered: {item}")),
        "decision" => {
            let decision = field(doc, &["decision", "decision"]);
            let note = field(doc, &["decision", "note"]);
            let mut text = format!("{decision} at \"{phase}\" by {actor}");
            if !note.is_empty() {
                text.push_str(&format!(": {note}"));
            }
            text
        }
        "phase_started" => format!("phase started: {phase}"),
        "phase_finished" => format!("phase finished: {phase}"),
        "session_finished" => format!("every phase finished: {}", field(doc, &["checklist"])),
        "note" => format!("note by {actor}: {}", field(doc, &["note"])),
        "test" => format!(
            "test message from flightdeck ({actor}){}",
            match doc["note"].as_str() {
                Some(n) => format!(": {n}"),
                None => String::new(),
            }
        ),
        other => other.to_owned(),
    }
}

/// The message line for a target: its template filled in from the document, else the summary.
/// Always one line, at most 3,000 characters (Slack's limit for a text block).
pub fn text(template: Option<&Template>, doc: &Value) -> String {
    let text = match template {
        None => field(doc, &["summary"]).to_owned(),
        Some(t) => t.render(|p| {
            match p {
                Placeholder::Kind => field(doc, &["kind"]),
                Placeholder::Severity => field(doc, &["severity"]),
                Placeholder::Summary => field(doc, &["summary"]),
                Placeholder::Session => field(doc, &["session"]),
                Placeholder::Checklist => field(doc, &["checklist"]),
                Placeholder::Env => field(doc, &["env"]),
                Placeholder::Phase => field(doc, &["phase", "name"]),
                Placeholder::Item => field(doc, &["item", "text"]),
                Placeholder::Trigger => field(doc, &["trigger", "name"]),
                Placeholder::Actor => field(doc, &["actor"]),
                Placeholder::Time => field(doc, &["time"]),
                Placeholder::Evidence => return evidence_line(doc),
            }
            .to_owned()
        }),
    };
    let line = text.replace(['\n', '\r'], " ");
    line.chars().take(3000).collect()
}

/// The document with `text` set, as sent to a webhook or a command.
pub fn with_text(doc: &Value, text: &str) -> Value {
    let mut out = doc.clone();
    if let Value::Object(map) = &mut out {
        map.insert("text".into(), Value::String(text.to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProbeState;

    fn facts() -> Facts {
        Facts {
            kind: Notice::TriggerFired,
            severity: Level::Critical,
            session: "s1".into(),
            checklist: "Deploy".into(),
            env: Some("prod".into()),
            seq: 42,
            time: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            actor: "flightdeck".into(),
            phase: Some(("deploy".into(), "T-0: Deploy".into())),
            item: None,
            trigger: Some((
                "rollback".into(),
                "Error rate > 5%".into(),
                "errors.value > 5%".into(),
            )),
            decision: None,
            note: None,
            evidence: vec![Evidence {
                probe: "errors".into(),
                path: "value".into(),
                value: Some(crate::model::Value::Number(0.062)),
                at: None,
                state: Some(ProbeState::Crit),
                baseline: false,
                scope: None,
            }],
        }
    }

    #[test]
    fn document_summary_and_template() {
        let doc = facts().document(&Scrub::default());
        assert_eq!(doc["id"], "s1:42:trigger_fired");
        assert_eq!(doc["evidence"][0]["value"], 0.062);
        assert_eq!(doc["evidence"][0]["state"], "CRIT");
        assert_eq!(
            doc["summary"],
            "CRITICAL rollback fired: Error rate > 5% (errors.value = 0.062)"
        );
        let t = Template::parse("[{env}] {trigger}: {evidence} in {phase}").unwrap();
        assert_eq!(
            text(Some(&t), &doc),
            "[prod] rollback: errors.value = 0.062 in T-0: Deploy"
        );
    }

    #[test]
    fn secrets_are_scrubbed_from_every_string() {
        let mut f = facts();
        f.note = Some("dsn postgres://app:hunter2@db/x token sk-live-12345".into());
        let doc = f.document(&Scrub::new(vec!["sk-live-12345".into()]));
        let text = doc.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("sk-live-12345"),
            "{text}"
        );
    }
}
