//! Slack's incoming-webhook format (also what Mattermost and Rocket.Chat accept): `text` for
//! notifications and clients without blocks, and `blocks` — the line, what the condition read,
//! and where in the window it happened.

use super::document::evidence_line;
use serde_json::{Value, json};

/// Slack refuses a section's text over 3,000 characters and a context element over 2,000.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// `<`, `>` and `&` are Slack's control characters in text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn mark(severity: &str) -> &'static str {
    match severity {
        "critical" => ":rotating_light:",
        "warning" => ":warning:",
        _ => ":information_source:",
    }
}

/// The body posted to a `slack` target: `text` is the target's line.
pub fn body(doc: &Value, text: &str) -> Value {
    let severity = doc["severity"].as_str().unwrap_or("info");
    let line = format!("{} {}", mark(severity), escape(text));
    let mut blocks = vec![json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": cut(&line, 3000)},
    })];
    let evidence = evidence_line(doc);
    if !evidence.is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut(&format!("*Evidence* {}", escape(&evidence)), 3000)},
        }));
    }
    let mut context = vec![format!(
        "session *{}*",
        doc["session"].as_str().unwrap_or("")
    )];
    if let Some(env) = doc["env"].as_str() {
        context.push(format!("env *{env}*"));
    }
    if let Some(phase) = doc["phase"]["name"].as_str() {
        context.push(format!("phase {phase}"));
    }
    context.push(format!(
        "{} · {}",
        doc["actor"].as_str().unwrap_or(""),
        doc["time"].as_str().unwrap_or("")
    ));
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": cut(&escape(&context.join(" · ")), 2000)}],
    }));
    json!({"text": cut(text, 3000), "blocks": blocks})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_blocks() {
        let doc = json!({
            "severity": "critical", "session": "s1", "env": null, "actor": "flightdeck",
            "time": "t", "phase": {"name": "Deploy"},
            "evidence": [{"probe": "api", "output": "status", "value": 503}],
        });
        let b = body(&doc, "api <down> & out");
        assert_eq!(b["text"], "api <down> & out");
        assert_eq!(
            b["blocks"][0]["text"]["text"],
            ":rotating_light: api &lt;down&gt; &amp; out"
        );
        assert_eq!(
            b["blocks"][1]["text"]["text"],
            "*Evidence* api.status = 503"
        );
        assert_eq!(b["blocks"][2]["type"], "context");
        assert!(cut(&"x".repeat(4000), 3000).chars().count() == 3000);
    }
}
