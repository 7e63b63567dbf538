//! The condition language: parse, evaluate, `for` windows. (being built)
