//! TOML values with the byte range each was written at.

use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One TOML value and where it was written.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Range<usize>,
    pub value: NodeValue,
}

#[derive(Debug, Clone)]
pub enum NodeValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime,
    Array(Vec<Node>),
    Table(Table),
}

/// A table's entries, in the order they were written.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

/// A key of a table, where the key was written, and its value.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub node: Node,
}

impl NodeValue {
    /// The type with its article, for messages (`must be a string, not an integer`).
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
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_table(&self) -> Option<&Table> {
        match &self.value {
            NodeValue::Table(t) => Some(t),
            _ => None,
        }
    }

    pub(super) fn from_de(value: &Spanned<DeValue<'_>>) -> Node {
        let value_here = match value.get_ref() {
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
            DeValue::Table(table) => NodeValue::Table(Table::from_de(table)),
        };
        Node {
            span: value.span(),
            value: value_here,
        }
    }

    /// A value that was parsed without places, placed by the same value `found` in the file
    /// when there is one, else at `at` (the table that holds it).
    pub fn located(plain: &toml::Value, found: Option<&Node>, at: &Range<usize>) -> Node {
        let span = found.map_or_else(|| at.clone(), |n| n.span.clone());
        let value = match plain {
            toml::Value::String(s) => NodeValue::Str(s.clone()),
            toml::Value::Integer(i) => NodeValue::Int(*i),
            toml::Value::Float(f) => NodeValue::Float(*f),
            toml::Value::Boolean(b) => NodeValue::Bool(*b),
            toml::Value::Datetime(_) => NodeValue::Datetime,
            toml::Value::Array(items) => {
                let found_items = match found.map(|n| &n.value) {
                    Some(NodeValue::Array(f)) => f.as_slice(),
                    _ => &[],
                };
                NodeValue::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| Node::located(v, found_items.get(i), &span))
                        .collect(),
                )
            }
            toml::Value::Table(t) => {
                NodeValue::Table(Table::located(t, found.and_then(Node::as_table), &span))
            }
        };
        Node { span, value }
    }
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.node)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Entry> {
        self.entries.iter()
    }

    pub(super) fn from_de(table: &DeTable<'_>) -> Table {
        let entries = table
            .iter()
            .map(|(k, v)| Entry {
                key: k.get_ref().to_string(),
                key_span: k.span(),
                node: Node::from_de(v),
            })
            .collect();
        Table { entries }
    }

    /// A table that was parsed without places (a checklist's `[[probe]]` handed over as a
    /// `toml::Table`), each value placed by the same key in `found` (the table as read from the
    /// file) when it is there, else at `at`.
    pub fn located(plain: &toml::Table, found: Option<&Table>, at: &Range<usize>) -> Table {
        let entries = plain
            .iter()
            .map(|(key, value)| {
                let there = found.and_then(|t| t.entry(key));
                Entry {
                    key: key.clone(),
                    key_span: there.map_or_else(|| at.clone(), |e| e.key_span.clone()),
                    node: Node::located(value, there.map(|e| &e.node), at),
                }
            })
            .collect();
        Table { entries }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tables_take_the_places_of_the_file() {
        let text = "[[probe]]\nname = 'a'\nheaders = { A = 'b' }\n";
        let root = super::super::parse(text).unwrap();
        let NodeValue::Array(items) = &root.get("probe").unwrap().value else {
            panic!()
        };
        let plain: toml::Table =
            toml::from_str("name = 'a'\nheaders = { A = 'b' }\nextra = 1").unwrap();
        let at = items[0].span.clone();
        let table = Table::located(&plain, items[0].as_table(), &at);
        assert_eq!(&text[table.get("name").unwrap().span.clone()], "'a'");
        let headers = table.get("headers").unwrap().as_table().unwrap();
        assert_eq!(&text[headers.get("A").unwrap().span.clone()], "'b'");
        // a value the file does not have is placed at its table
        assert_eq!(table.get("extra").unwrap().span, at);
        assert_eq!(table.entry("extra").unwrap().key_span, at);
    }
}
