//! Values that probes produce and conditions compare.
//!
//! Units are normalised so comparisons are plain f64: durations in milliseconds, sizes in bytes,
//! ratios as fractions (a literal `5%` is 0.05).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Number(f64),
    Text(String),
    /// A JSON document (an HTTP body); conditions reach into it with a path (`body.queue.size`).
    Json(serde_json::Value),
}

impl Value {
    /// The value as a number when it is one, or a text that parses as one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Text(t) => t.trim().parse().ok(),
            Value::Json(j) => match j {
                serde_json::Value::Number(n) => n.as_f64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                serde_json::Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
                _ => None,
            },
        }
    }

    /// Follows a dotted path into a JSON value (`queue.size`, `items.0.id`).
    pub fn get_path(&self, path: &str) -> Option<Value> {
        let Value::Json(root) = self else {
            return if path.is_empty() {
                Some(self.clone())
            } else {
                None
            };
        };
        let mut node = root;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            node = match node {
                serde_json::Value::Object(map) => map.get(part)?,
                serde_json::Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(Value::from_json(node))
    }

    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                n.as_f64().map_or(Value::Json(v.clone()), Value::Number)
            }
            serde_json::Value::String(s) => Value::Text(s.clone()),
            other => Value::Json(other.clone()),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    write!(f, "{}", *n as i64)
                } else {
                    write!(f, "{}", (n * 1000.0).round() / 1000.0)
                }
            }
            Value::Text(t) => write!(f, "{t}"),
            Value::Json(j) => write!(f, "{j}"),
        }
    }
}
