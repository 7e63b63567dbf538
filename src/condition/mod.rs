//! The condition language: parse, evaluate, `for` windows. One language for probe `ok`/`warn`/`crit`,
//! item `auto` bindings and `[[trigger]]` criteria.

pub mod value;

pub use value::Value;
