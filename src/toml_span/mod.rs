//! The one span-aware TOML reader: TOML text becomes a tree of values that remember the bytes
//! they were written at, and a [`TomlFile`] turns those places into `file:line:column` errors.
//! Config files and checklists both read through it.

mod file;
mod tree;

pub use file::TomlFile;
pub use tree::{Entry, Node, NodeValue, Table};

use std::ops::Range;

/// A TOML syntax error: where, and what the parser said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
}

impl SyntaxError {
    fn from_toml(err: &toml::de::Error) -> SyntaxError {
        SyntaxError {
            at: err.span().map_or(0, |s| s.start),
            message: err.message().to_string(),
        }
    }
}

/// Parses a whole document, stopping at the first syntax error.
pub fn parse(text: &str) -> Result<Table, SyntaxError> {
    toml::de::DeTable::parse(text)
        .map(|root| Table::from_de(root.get_ref()))
        .map_err(|e| SyntaxError::from_toml(&e))
}

/// Parses a whole document, reporting every syntax error the parser can recover from.
pub fn parse_all(text: &str) -> Result<Table, Vec<SyntaxError>> {
    let (root, errors) = toml::de::DeTable::parse_recoverable(text);
    if errors.is_empty() {
        Ok(Table::from_de(root.get_ref()))
    } else {
        Err(errors.iter().map(SyntaxError::from_toml).collect())
    }
}

/// Where the text of a string literal at `span` starts in `text`: just after its opening
/// quote(s), past the newline that TOML trims after `"""` / `'''`. Any other value: its start.
pub fn content_start(text: &str, span: &Range<usize>) -> usize {
    let raw = text.get(span.clone()).unwrap_or("");
    for quote in ["\"\"\"", "'''"] {
        if let Some(rest) = raw.strip_prefix(quote) {
            let skip = if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(rest.starts_with('\n'))
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

/// Where `needle` sits inside the raw text of the value at `span`, as an offset into `text`.
pub fn find_in_literal(text: &str, span: &Range<usize>, needle: &str) -> Option<usize> {
    let raw = text.get(span.clone())?;
    raw.find(needle).map(|i| span.start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_starts() {
        let text = "a = '''\nxy'''";
        assert_eq!(content_start(text, &(4..text.len())), 8);
        let text = "a = \"\"\"\r\nxy\"\"\"";
        assert_eq!(content_start(text, &(4..text.len())), 9);
        let text = "a = \"xy\"";
        assert_eq!(content_start(text, &(4..8)), 5);
        let text = "a = 12";
        assert_eq!(content_start(text, &(4..6)), 4);
    }

    #[test]
    fn values_keep_their_places() {
        let text =
            "title = 'x'\n\n  [[probe]]\nname = \"a\"\nport = 0x1F\n\n[[probe]]\nname = 'c'\n";
        let root = parse(text).unwrap();
        let probes = root.get("probe").unwrap();
        let NodeValue::Array(items) = &probes.value else {
            panic!("{probes:?}")
        };
        // an array-of-tables element is placed at its `[[probe]]` header
        assert_eq!(&text[items[0].span.start..][..9], "[[probe]]");
        assert_eq!(items[1].span.start, text.rfind("[[probe]]").unwrap());
        let first = items[0].as_table().unwrap();
        let name = first.entry("name").unwrap();
        assert_eq!(&text[name.key_span.clone()], "name");
        assert_eq!(&text[name.node.span.clone()], "\"a\"");
        assert!(matches!(
            first.get("port").unwrap().value,
            NodeValue::Int(31)
        ));
    }

    #[test]
    fn syntax_errors() {
        let err = parse("a = 1\nb = \n").unwrap_err();
        assert_eq!(err.at, 10);
        assert!(err.message.contains("quoted"), "{}", err.message);
        assert_eq!(parse_all("a = 1\nb = \n[x\n").unwrap_err().len(), 2);
    }
}
