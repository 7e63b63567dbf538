//! The end of a condition: `for DURATION`, and what to say about anything left over.

use super::{Parser, describe};
use crate::condition::ast::CmpOp;
use crate::condition::error::ConditionError;
use crate::condition::lexer::Tok;
use crate::units::{Dimension, MAX_DURATION_TEXT, duration_from_millis};
use std::time::Duration;

impl Parser<'_> {
    /// `for DURATION`, which must end the condition.
    pub(super) fn hold(&mut self) -> Result<(Duration, String), ConditionError> {
        let for_at = self.offset();
        self.advance();
        let at = self.offset();
        let (ms, text) = match self.advance() {
            Tok::Number {
                value,
                text,
                dim: Dimension::Duration,
            } => (value, text),
            Tok::Number {
                text,
                dim: Dimension::Plain,
                ..
            } => {
                return Err(self.err(at, format!("`{text}` has no unit")).hint(format!(
                    "a `for` needs a duration: `for {text}s` or `for {text}m`"
                )));
            }
            Tok::Number { text, .. } => {
                return Err(self
                    .err(at, format!("`{text}` is not a duration"))
                    .hint("a `for` needs a duration such as `30s`, `5m` or `1h`"));
            }
            _ => {
                return Err(self
                    .err(at, "expected a duration after `for`")
                    .hint("write how long it must hold, e.g. `for 30s` or `for 5m`"));
            }
        };
        if *self.peek() != Tok::Eof {
            let message = format!("`for {text}` must come at the end of the condition");
            if !(self.is_op("&&") || self.is_op("||")) {
                return Err(self.err(for_at, message).hint(format!(
                    "`for DURATION` ends the condition; remove what follows it ({})",
                    describe(self.peek())
                )));
            }
            let joiner = if self.is_op("||") { "||" } else { "&&" };
            let before = self.src[..for_at].trim_end();
            let after = self.src[self.offset() + 2..].trim();
            return Err(self.err(for_at, message).hint(format!(
                "it applies to the whole condition; move it to the end: `{before} {joiner} {after} for {text}`"
            )));
        }
        let hold = duration_from_millis(ms).ok_or_else(|| {
            self.err(
                at,
                format!("`for {text}` is longer than {MAX_DURATION_TEXT}"),
            )
            .hint("a `for` holds for at most 10 years; write a shorter duration such as `5m`")
        })?;
        Ok((hold, text))
    }

    /// Something left over after a complete condition.
    pub(super) fn trailing(&self) -> ConditionError {
        let at = self.offset();
        match self.peek() {
            Tok::RParen => self
                .err(at, "this `)` has no matching `(`")
                .hint("remove it, or add the `(` it closes"),
            Tok::Word(w) if w.eq_ignore_ascii_case("and") => self
                .err(at, format!("`{w}` is not an operator"))
                .hint("write `&&`"),
            Tok::Word(w) if w.eq_ignore_ascii_case("or") => self
                .err(at, format!("`{w}` is not an operator"))
                .hint("write `||`"),
            Tok::Op(op) if CmpOp::parse_op(op).is_some() => self
                .err(at, "comparisons do not chain")
                .hint("write each comparison on its own and join them: `a < b && b < c`"),
            tok => self
                .err(
                    at,
                    format!("unexpected {} after a complete condition", describe(tok)),
                )
                .hint("join conditions with `&&` or `||`; a `for DURATION` goes last"),
        }
    }
}
