//! The typed config the rest of flightdeck reads; every type that may hold a secret prints it as `***`.

use crate::error::SourceError;
pub use crate::model::ValueUnit;
use crate::redact::redact_text;
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Default)]
pub struct StoreConfig {
    /// `sqlite:///path` or `postgres://…`; `None` means SQLite in the XDG state dir.
    pub url: Option<SecretText>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Dark,
    Light,
    /// No colours at all (also chosen by `NO_COLOR`).
    Mono,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiConfig {
    pub theme: Theme,
    /// ASCII glyphs instead of Unicode symbols.
    pub ascii: bool,
    /// Ring the terminal bell once when a trigger fires (on unless turned off).
    pub bell: bool,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            theme: Theme::default(),
            ascii: false,
            bell: true,
        }
    }
}

/// A string that may carry a secret (a URL with a password, a token): `expose` gives the real
/// text to the code that connects; `Debug` and `Display` show it redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText {
    text: String,
    /// The whole value is a secret (a header named like a token), not only a URL password.
    whole: bool,
}

impl SecretText {
    pub fn new(text: impl Into<String>) -> SecretText {
        SecretText {
            text: text.into(),
            whole: false,
        }
    }

    /// A value that is a secret as a whole (an `Authorization` header).
    pub fn whole(text: impl Into<String>) -> SecretText {
        SecretText {
            text: text.into(),
            whole: true,
        }
    }

    pub fn expose(&self) -> &str {
        &self.text
    }

    pub fn redacted(&self) -> String {
        if self.whole {
            "***".into()
        } else {
            redact_text(&self.text)
        }
    }

    /// The literal secret parts of this value (URL password, whole secret values), so error texts
    /// from drivers can be scrubbed of them even when they do not look like URLs.
    pub fn secret_parts(&self) -> Vec<String> {
        if self.whole {
            return vec![self.text.clone()];
        }
        let mut parts = Vec::new();
        if let Ok(url) = url::Url::parse(&self.text)
            && let Some(pw) = url.password()
        {
            parts.push(pw.to_string());
            if let Ok(decoded) = urlencoding_decode(pw) {
                parts.push(decoded);
            }
        }
        parts.retain(|p| p.len() >= 3);
        parts
    }
}

fn urlencoding_decode(text: &str) -> Result<String, ()> {
    let decoded: Vec<u8> = url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())
        .ok_or(())?;
    String::from_utf8(decoded).map_err(|_| ())
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl fmt::Display for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A condition as written in the file, with where it was written so the condition parser's
/// errors can point into the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionText {
    pub text: String,
    pub file: PathBuf,
    /// 1-based line and column of the condition's first character (when known).
    pub line: usize,
    pub column: usize,
    /// Byte offset of the condition's first character in the file (when known).
    pub offset: Option<usize>,
}

impl ConditionText {
    /// A located error at byte `at` inside the condition text.
    pub fn error_at(&self, at: usize, message: impl Into<String>) -> SourceError {
        let (dl, dc) = crate::error::line_col(&self.text, at);
        let (line, column) = if dl == 1 {
            (self.line, self.column + dc - 1)
        } else {
            (self.line + dl - 1, dc)
        };
        SourceError {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }
}

/// Where a probe was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &self.url)
            .finish()
    }
}
