//! A TOML document as a tree that remembers where each value was written, and the error sink
//! that turns those places into `file:line:column` errors.
//!
//! Config files are parsed with spans (`toml::de::DeTable`); a checklist's probe tables arrive as
//! plain `toml::Table`s without spans, so their places are found again by searching the file text.

use crate::error::{SourceError, line_col};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One TOML value with the byte range it was written at (when known).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub span: Option<Range<usize>>,
    pub value: NodeValue,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

/// A key of a table and its value.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Option<Range<usize>>,
    pub node: Node,
}

impl NodeValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            NodeValue::Str(_) => "a string",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a float",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Datetime => "a date-time",
            NodeValue::Array(_) => "an array",
            NodeValue::Table(_) => "a table",
        }
    }
}

impl Node {
    pub fn from_de(value: &toml::Spanned<toml::de::DeValue<'_>>) -> Node {
        use toml::de::DeValue;
        let span = Some(value.span());
        let value = match value.get_ref() {
            DeValue::String(s) => NodeValue::Str(s.to_string()),
            DeValue::Integer(i) => {
                let text = i.as_str().replace('_', "");
                let digits = text
                    .trim_start_matches(['+'])
                    .trim_start_matches("0x")
                    .trim_start_matches("0o")
                    .trim_start_matches("0b");
                match i64::from_str_radix(digits, i.radix()) {
                    Ok(n) => NodeValue::Int(n),
                    Err(_) => NodeValue::Float(f64::NAN),
                }
            }
            DeValue::Float(f) => {
                NodeValue::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN))
            }
            DeValue::Boolean(b) => NodeValue::Bool(*b),
            DeValue::Datetime(_) => NodeValue::Datetime,
            DeValue::Array(items) => NodeValue::Array(items.iter().map(Node::from_de).collect()),
            DeValue::Table(table) => NodeValue::Table(Self::entries_from_de(table)),
        };
        Node { span, value }
    }

    pub fn entries_from_de(table: &toml::de::DeTable<'_>) -> Vec<Entry> {
        table
            .iter()
            .map(|(k, v)| Entry {
                key: k.get_ref().to_string(),
                key_span: Some(k.span()),
                node: Node::from_de(v),
            })
            .collect()
    }

    /// A value without places (a checklist's probe table).
    pub fn from_plain(value: &toml::Value) -> Node {
        let value = match value {
            toml::Value::String(s) => NodeValue::Str(s.clone()),
            toml::Value::Integer(i) => NodeValue::Int(*i),
            toml::Value::Float(f) => NodeValue::Float(*f),
            toml::Value::Boolean(b) => NodeValue::Bool(*b),
            toml::Value::Datetime(_) => NodeValue::Datetime,
            toml::Value::Array(items) => {
                NodeValue::Array(items.iter().map(Node::from_plain).collect())
            }
            toml::Value::Table(t) => NodeValue::Table(Self::entries_from_plain(t)),
        };
        Node { span: None, value }
    }

    pub fn entries_from_plain(table: &toml::Table) -> Vec<Entry> {
        table
            .iter()
            .map(|(k, v)| Entry {
                key: k.clone(),
                key_span: None,
                node: Node::from_plain(v),
            })
            .collect()
    }
}

/// Collects located errors for one file.
pub(crate) struct Sink {
    pub file: PathBuf,
    pub text: String,
    pub errors: Vec<SourceError>,
    /// Where the table being read starts when the tree has no spans (checklist probes).
    pub fallback: Option<Range<usize>>,
}

impl Sink {
    pub fn new(file: &Path, text: String) -> Sink {
        Sink {
            file: file.to_path_buf(),
            text,
            errors: Vec::new(),
            fallback: None,
        }
    }

    /// The byte offset to report for a value: its span, else the line `key = …` inside the
    /// current fallback table, else the table itself.
    pub fn offset(&self, span: &Option<Range<usize>>, key: Option<&str>) -> usize {
        if let Some(span) = span {
            return span.start;
        }
        let Some(table) = &self.fallback else {
            return 0;
        };
        if let Some(key) = key
            && let Some(at) = find_key_value(&self.text, table.clone(), key)
        {
            return at;
        }
        table.start
    }

    pub fn error(&self, offset: usize, message: impl Into<String>) -> SourceError {
        SourceError::at(&self.file, &self.text, offset, message)
    }

    pub fn push(&mut self, error: SourceError) {
        self.errors.push(error);
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }
}

/// Finds `key = value` on a line inside `range` (up to the next table header) and returns the
/// offset of the value.
fn find_key_value(text: &str, range: Range<usize>, key: &str) -> Option<usize> {
    let start = range.start.min(text.len());
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if pos > start && trimmed.starts_with('[') {
            return None;
        }
        let bare = trimmed.strip_prefix(key).or_else(|| {
            trimmed
                .strip_prefix('"')
                .and_then(|t| t.strip_prefix(key))
                .and_then(|t| t.strip_prefix('"'))
        });
        if let Some(rest) = bare {
            let after_key = rest.trim_start();
            if let Some(value) = after_key.strip_prefix('=') {
                let value_start = line.len() - value.trim_start().len();
                return Some(pos + value_start);
            }
        }
        pos += line.len();
    }
    None
}

/// The byte ranges of every top-level `[[probe]]` header in `text`, in order.
pub(crate) fn probe_headers(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        if trimmed.starts_with("[[") {
            let inner = trimmed
                .trim_start_matches("[[")
                .split("]]")
                .next()
                .unwrap_or("")
                .trim();
            if inner == "probe" {
                out.push(pos + indent..text.len());
            }
        }
        pos += line.len();
    }
    out
}

/// Where `needle` sits inside the raw text of a string literal at `span`, as an absolute offset.
pub(crate) fn find_in_literal(text: &str, span: &Range<usize>, needle: &str) -> Option<usize> {
    let raw = text.get(span.clone())?;
    raw.find(needle).map(|i| span.start + i)
}

/// The offset where a string literal's content starts (after its opening quotes and, for a
/// multi-line string, the newline that follows them).
pub(crate) fn literal_content_start(text: &str, span: &Range<usize>) -> usize {
    let raw = text.get(span.clone()).unwrap_or("");
    for quote in ["\"\"\"", "'''"] {
        if let Some(rest) = raw.strip_prefix(quote) {
            let skip = if rest.starts_with("\r\n") {
                2
            } else if rest.starts_with('\n') {
                1
            } else {
                0
            };
            return span.start + 3 + skip;
        }
    }
    if raw.starts_with('"') || raw.starts_with('\'') {
        span.start + 1
    } else {
        span.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_inside_a_probe_table() {
        let text = "title = 'x'\n[[probe]]\nname = \"a\"\nurl = 'u'\n[[probe]]\nname = 'b'\n";
        let headers = probe_headers(text);
        assert_eq!(headers.len(), 2);
        let at = find_key_value(text, headers[0].clone(), "url");
        assert_eq!(at.map(|a| &text[a..a + 3]), Some("'u'"));
        assert_eq!(find_key_value(text, headers[1].clone(), "url"), None);
    }

    #[test]
    fn literal_starts() {
        let text = "a = '''\nxy'''";
        assert_eq!(literal_content_start(text, &(4..text.len())), 8);
        let text = "a = \"xy\"";
        assert_eq!(literal_content_start(text, &(4..8)), 5);
    }
}
