//! Secrets never show: passwords in URLs and token-like values are replaced by `***` before any
//! text reaches the screen, a log line, an error message or a report.

/// Replaces the password of every `scheme://user:password@host` URL inside `text` with `***`,
/// and the value of `token=`, `password=`, `secret=`, `key=` style query parameters.
pub fn redact_text(text: &str) -> String {
    let mut out = redact_url_passwords(text);
    for key in SECRET_PARAMS {
        out = redact_param(&out, key);
    }
    out
}

/// A JSON document with every string redacted, and the value of every secret-named field
/// (`token`, `password`, …) replaced by `***`.
pub fn redact_json(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(redact_text(s)),
        Value::Array(items) => Value::Array(items.iter().map(redact_json).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let shown = if is_secret_name(k) && !v.is_object() && !v.is_array() {
                        Value::String("***".into())
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), shown)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether a header or variable name looks like it carries a secret.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "authorization",
        "token",
        "secret",
        "password",
        "passwd",
        "api-key",
        "api_key",
        "apikey",
        "x-api-key",
        "key",
        "cookie",
        "credential",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

/// A file (a config, a checklist with probes) that holds a secret as it is — a URL password, a
/// token-like key with a literal value — and that others on the host may read: the warning to give,
/// with the fix. References (`${DB_URL}`) are not secrets in the file.
pub fn exposed_file_warning(path: &std::path::Path, text: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    if mode & 0o077 == 0 || !holds_literal_secret(text) {
        return None;
    }
    Some(format!(
        "warning: {} holds a password or token and is readable by others (mode {:o})\n  hint: \
         chmod 600 {}, or write the secret as ${{ENV_VAR}}",
        path.display(),
        mode & 0o777,
        path.display()
    ))
}

/// Whether `text` holds a secret literally (not as a `${…}` reference).
fn holds_literal_secret(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        if line.starts_with('#') {
            return false;
        }
        if redact_text(line) != line && !line.contains(":${") && !line.contains("=${") {
            return true;
        }
        // `Authorization = "Bearer abc"`, `token = "…"` (inline tables too): a secret-named key
        // with a literal value
        line.match_indices('=').any(|(at, _)| {
            let key: String = line[..at]
                .trim_end()
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '"'))
                .collect::<String>()
                .chars()
                .rev()
                .filter(|c| *c != '"')
                .collect();
            let value = line[at + 1..].trim_start();
            let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
            let literal = quote.and_then(|q| value[1..].split(q).next()).unwrap_or("");
            // a redis probe's `key` names a list, not a secret
            key != "key" && is_secret_name(&key) && !literal.is_empty() && !literal.contains("${")
        })
    })
}

const SECRET_PARAMS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "access_token",
    "secret",
    "api_key",
    "apikey",
    "key",
    "sslpassword",
];

fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        // the authority ends at the first '/', '?', '#', whitespace or quote
        let end = tail
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '"' | '\'' | '`' | '>' | ')') || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Where a query parameter's value ends: at `&`, a quote, `,`, `;`, `)`, whitespace — or a `:`
/// that ends a sentence (`…?password=x: connection refused`), which a message's own punctuation
/// is, not the password's.
fn param_end(tail: &str) -> usize {
    let mut chars = tail.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '&' | '"' | '\'' | '`' | ',' | ';' | ')') || c.is_whitespace() {
            return i;
        }
        if c == ':' && chars.peek().is_none_or(|(_, next)| next.is_whitespace()) {
            return i;
        }
    }
    tail.len()
}

fn redact_param(text: &str, key: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let lower_key = key.to_ascii_lowercase();
    loop {
        let lower = rest.to_ascii_lowercase();
        let Some(pos) = find_param(&lower, &lower_key) else {
            out.push_str(rest);
            return out;
        };
        let value_start = pos + key.len() + 1;
        out.push_str(&rest[..value_start]);
        let tail = &rest[value_start..];
        let end = param_end(tail);
        if end > 0 {
            out.push_str("***");
        }
        rest = &tail[end..];
    }
}

/// Finds `key=` where `key` starts at a parameter boundary (start, `?`, `&`, space).
fn find_param(lower: &str, key: &str) -> Option<usize> {
    let needle = format!("{key}=");
    let mut from = 0;
    while let Some(found) = lower[from..].find(&needle) {
        let pos = from + found;
        let boundary = pos == 0
            || matches!(
                lower.as_bytes()[pos - 1],
                b'?' | b'&' | b' ' | b'\t' | b'\n' | b'"' | b'\'' | b';'
            );
        if boundary {
            return Some(pos);
        }
        from = pos + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_secrets_in_files_are_seen_references_are_not() {
        assert!(holds_literal_secret("url = \"postgres://ops:pw@db/app\""));
        assert!(holds_literal_secret(
            "headers = { Authorization = \"Bearer abc\" }"
        ));
        assert!(!holds_literal_secret(
            "url = \"postgres://ops:${PW}@db/app\""
        ));
        assert!(!holds_literal_secret("url = \"${DATABASE_URL}\""));
        assert!(!holds_literal_secret(
            "headers = { Authorization = \"Bearer ${TOKEN}\" }"
        ));
        assert!(!holds_literal_secret(
            "# url = \"postgres://ops:pw@db/app\""
        ));
        assert!(!holds_literal_secret("title = \"api /health\""));
        assert!(!holds_literal_secret("key = \"jobs\""));
    }

    /// A message's own `:` after a redacted parameter stays (it was eaten).
    #[test]
    fn the_colon_after_a_redacted_parameter_stays() {
        assert_eq!(
            redact_text("cannot open sqlite:///j.db?password=hunter2: connection refused"),
            "cannot open sqlite:///j.db?password=***: connection refused"
        );
        assert_eq!(redact_text("x?token=a:b:c"), "x?token=***");
        assert_eq!(redact_text("x?token=a:b: end"), "x?token=***: end");
    }

    #[test]
    fn url_passwords_are_hidden() {
        assert_eq!(
            redact_text("postgres://app:hunter2@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(
            redact_text("failed: redis://:s3cr3t@127.0.0.1:6379/0 refused"),
            "failed: redis://:***@127.0.0.1:6379/0 refused"
        );
        assert_eq!(redact_text("http://host/path"), "http://host/path");
        assert_eq!(redact_text("http://user@host/"), "http://user@host/");
    }

    #[test]
    fn token_params_are_hidden() {
        assert_eq!(
            redact_text("https://h/q?a=1&token=abc123&b=2"),
            "https://h/q?a=1&token=***&b=2"
        );
        assert_eq!(
            redact_text("postgres://h/db?password=pw"),
            "postgres://h/db?password=***"
        );
        assert_eq!(redact_text("monkey=1"), "monkey=1");
    }

    #[test]
    fn secret_names() {
        assert!(is_secret_name("Authorization"));
        assert!(is_secret_name("X-Api-Key"));
        assert!(!is_secret_name("Accept"));
    }
}
