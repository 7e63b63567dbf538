//! A `[[notify]]` target's message template: text with `{placeholder}`s from a small fixed set,
//! parsed once when the config loads (a bad one is a located error) and filled in per message.

use crate::suggest::closest;

/// What a template may say. Each is one line of text (empty when the event has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The notification's kind (`trigger_fired`, `phase_started`, … `test`).
    Kind,
    /// `info`, `warning` or `critical`.
    Severity,
    /// flightdeck's one-line summary of the event.
    Summary,
    Session,
    /// The checklist's title.
    Checklist,
    /// The `--env` the cockpit runs with.
    Env,
    /// The phase's name.
    Phase,
    /// The item's text.
    Item,
    /// The trigger's name.
    Trigger,
    Actor,
    /// When it happened, RFC 3339 in UTC.
    Time,
    /// What the condition read, on one line: `errors.value = 0.08, api.status = 503`.
    Evidence,
}

/// Every placeholder with its name, in the order the docs list them.
pub const PLACEHOLDERS: &[(&str, Placeholder)] = &[
    ("kind", Placeholder::Kind),
    ("severity", Placeholder::Severity),
    ("summary", Placeholder::Summary),
    ("session", Placeholder::Session),
    ("checklist", Placeholder::Checklist),
    ("env", Placeholder::Env),
    ("phase", Placeholder::Phase),
    ("item", Placeholder::Item),
    ("trigger", Placeholder::Trigger),
    ("actor", Placeholder::Actor),
    ("time", Placeholder::Time),
    ("evidence", Placeholder::Evidence),
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(Placeholder),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Why a template does not parse: at which byte of its text, what, and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub at: usize,
    pub message: String,
    pub hint: String,
}

fn names() -> Vec<&'static str> {
    PLACEHOLDERS.iter().map(|(n, _)| *n).collect()
}

impl Template {
    /// Parses `text`: `{name}` is a placeholder, `{{` and `}}` are literal braces.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text.char_indices().peekable();
        while let Some((at, c)) = rest.next() {
            match c {
                '{' if rest.peek().is_some_and(|(_, n)| *n == '{') => {
                    rest.next();
                    literal.push('{');
                }
                '}' if rest.peek().is_some_and(|(_, n)| *n == '}') => {
                    rest.next();
                    literal.push('}');
                }
                '}' => {
                    return Err(TemplateError {
                        at,
                        message: "a `}` with no `{` before it".into(),
                        hint: "write `}}` for a literal brace".into(),
                    });
                }
                '{' => {
                    let Some(close) = text[at..].find('}') else {
                        return Err(TemplateError {
                            at,
                            message: "a `{` that is never closed".into(),
                            hint:
                                "close the placeholder with `}`, or write `{{` for a literal brace"
                                    .into(),
                        });
                    };
                    let name = &text[at + 1..at + close];
                    let Some((_, field)) = PLACEHOLDERS.iter().find(|(n, _)| *n == name.trim())
                    else {
                        let list = names().join(", ");
                        let hint = match closest(name.trim(), &names()) {
                            Some(near) => {
                                format!("did you mean `{{{near}}}`? (placeholders: {list})")
                            }
                            None => format!("placeholders: {list}"),
                        };
                        return Err(TemplateError {
                            at,
                            message: format!("unknown placeholder `{{{name}}}`"),
                            hint,
                        });
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Field(*field));
                    while rest.peek().is_some_and(|(i, _)| *i <= at + close) {
                        rest.next();
                    }
                }
                other => literal.push(other),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// The text with every placeholder replaced by `value(placeholder)`.
    pub fn render(&self, value: impl Fn(Placeholder) -> String) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(p) => out.push_str(&value(*p)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(p: Placeholder) -> String {
        format!("<{p:?}>")
    }

    #[test]
    fn placeholders_and_braces() {
        let t = Template::parse("{severity}: {summary} {{json}} in { session }").unwrap();
        assert_eq!(t.render(fill), "<Severity>: <Summary> {json} in <Session>");
        assert_eq!(Template::parse("plain").unwrap().render(fill), "plain");
    }

    #[test]
    fn bad_templates_say_where_and_why() {
        let e = Template::parse("x {sumary}").unwrap_err();
        assert_eq!(e.at, 2);
        assert!(e.hint.contains("did you mean `{summary}`"), "{}", e.hint);
        let e = Template::parse("x {").unwrap_err();
        assert_eq!(
            (e.at, e.message.as_str()),
            (2, "a `{` that is never closed")
        );
        let e = Template::parse("a } b").unwrap_err();
        assert_eq!(e.at, 2);
        let e = Template::parse("{}").unwrap_err();
        assert!(e.message.contains("unknown placeholder"), "{}", e.message);
    }
}
