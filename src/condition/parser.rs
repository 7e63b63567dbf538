//! Recursive-descent parser: tokens to a [`Condition`], with errors that say where and how to fix.
//!
//! ```text
//! condition  := or [ "for" DURATION ] EOF
//! or         := and ( "||" and )*
//! and        := not ( "&&" not )*
//! not        := "!" not | comparison
//! comparison := sum [ ("=="|"!="|"<"|"<="|">"|">=") sum ]
//! sum        := product ( ("+"|"-") product )*
//! product    := unary ( ("*"|"/") unary )*
//! unary      := "-" unary | primary
//! primary    := NUMBER | TEXT | true | false | REF | baseline | "(" or ")"
//! baseline   := "baseline(" REF [ "," TEXT ] ")"
//! ```
//! `!` binds looser than a comparison, so `!api.status == 200` means `!(api.status == 200)`.
//! `baseline(REF)` is the value captured when the session started; `baseline(REF, "PHASE-ID")`
//! the value when that phase started (the phase id is checked against the checklist, not here).

use super::ast::{ArithOp, CmpOp, Condition, Expr, Reference};
use super::error::ConditionError;
use super::lexer::{Tok, Token, lex};

mod refs;
mod tail;

/// Deep enough for any real condition; shallow enough that hostile input cannot blow the stack.
const MAX_DEPTH: usize = 64;
/// Long `&&` chains build deep trees without deep parsing; evaluation recurses, so cap them too.
const MAX_TOKENS: usize = 1000;

/// What an expression can stand for, checked while parsing so type mistakes get a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `&&`, `||`, `!`, comparisons.
    Cond,
    /// Numbers, text, arithmetic.
    Value,
    /// References and `true`/`false`: a value that may also be a flag (`redis.connected`).
    Either,
}

struct Node {
    expr: Expr,
    kind: Kind,
    start: usize,
    end: usize,
}

pub fn parse(src: &str, local: Option<&str>) -> Result<Condition, ConditionError> {
    let toks = lex(src)?;
    if toks.len() > MAX_TOKENS {
        return Err(ConditionError::new(
            src,
            0,
            format!("the condition is too long ({} tokens)", toks.len()),
        )
        .hint(
            "split it into simpler conditions, e.g. one probe's `ok` and another item's `auto`",
        ));
    }
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        local,
        refs: Vec::new(),
        depth: 0,
    };
    p.condition()
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    local: Option<&'s str>,
    refs: Vec<Reference>,
    depth: usize,
}

impl<'s> Parser<'s> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |t| t.offset)
    }

    /// Where the current token ends, for spans.
    fn end_of_prev(&self) -> usize {
        let Some(prev) = self.pos.checked_sub(1).and_then(|i| self.toks.get(i)) else {
            return 0;
        };
        let next = self.toks.get(self.pos).map_or(self.src.len(), |t| t.offset);
        self.src[prev.offset..next].trim_end().len() + prev.offset
    }

    fn advance(&mut self) -> Tok {
        let tok = self.peek().clone();
        self.pos += 1;
        tok
    }

    fn err(&self, offset: usize, message: impl Into<String>) -> ConditionError {
        ConditionError::new(self.src, offset, message)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w == word)
    }

    fn condition(&mut self) -> Result<Condition, ConditionError> {
        if *self.peek() == Tok::Eof {
            return Err(self.err(0, "the condition is empty").hint(
                "write something like `api.status == 200` or `write_queue.value == 0 for 30s`",
            ));
        }
        let node = self.or()?;
        self.want(&node, Kind::Cond)?;
        let (hold, hold_text) = if self.is_word("for") {
            let (d, text) = self.hold()?;
            (Some(d), Some(text))
        } else {
            (None, None)
        };
        if *self.peek() != Tok::Eof {
            return Err(self.trailing());
        }
        Ok(Condition {
            source: self.src.to_string(),
            expr: node.expr,
            hold,
            hold_text,
            refs: std::mem::take(&mut self.refs),
            local: self.local.map(str::to_string),
        })
    }

    fn enter(&mut self) -> Result<(), ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self
                .err(self.offset(), "the condition is nested too deeply")
                .hint("split it into simpler conditions"));
        }
        Ok(())
    }

    /// Rejects a value where a condition belongs, or the reverse, pointing at the culprit.
    fn want(&self, node: &Node, kind: Kind) -> Result<(), ConditionError> {
        let text = self.src.get(node.start..node.end).unwrap_or("").trim();
        match (kind, node.kind) {
            (Kind::Cond, Kind::Value) => Err(self
                .err(node.start, format!("`{text}` is a value, not a condition"))
                .hint(format!(
                    "compare it with something, e.g. `{text} > 0` or `{text} == \"OK\"`"
                ))),
            (Kind::Value, Kind::Cond) => Err(self
                .err(node.start, format!("`{text}` is a condition, not a value"))
                .hint(
                    "arithmetic and comparisons take values; join conditions with `&&`, `||`, `!`",
                )),
            _ => Ok(()),
        }
    }

    fn or(&mut self) -> Result<Node, ConditionError> {
        self.enter()?;
        let mut left = self.and()?;
        while self.is_op("||") {
            self.want(&left, Kind::Cond)?;
            self.advance();
            let right = self.and()?;
            self.want(&right, Kind::Cond)?;
            left = self.join(
                left,
                right,
                |l, r| Expr::Or(Box::new(l), Box::new(r)),
                Kind::Cond,
            );
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, ConditionError> {
        let mut left = self.not()?;
        while self.is_op("&&") {
            self.want(&left, Kind::Cond)?;
            self.advance();
            let right = self.not()?;
            self.want(&right, Kind::Cond)?;
            left = self.join(
                left,
                right,
                |l, r| Expr::And(Box::new(l), Box::new(r)),
                Kind::Cond,
            );
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Node, ConditionError> {
        if !self.is_op("!") {
            return self.comparison();
        }
        let start = self.offset();
        self.advance();
        self.enter()?;
        let inner = self.not()?;
        self.depth -= 1;
        self.want(&inner, Kind::Cond)?;
        Ok(Node {
            end: inner.end,
            expr: Expr::Not(Box::new(inner.expr)),
            kind: Kind::Cond,
            start,
        })
    }

    fn comparison(&mut self) -> Result<Node, ConditionError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Tok::Op(op) => CmpOp::parse_op(op),
            _ => None,
        };
        let Some(op) = op else { return Ok(left) };
        self.want(&left, Kind::Value)?;
        self.advance();
        let right = self.sum()?;
        self.want(&right, Kind::Value)?;
        Ok(self.join(
            left,
            right,
            |l, r| Expr::Compare(op, Box::new(l), Box::new(r)),
            Kind::Cond,
        ))
    }

    fn sum(&mut self) -> Result<Node, ConditionError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => ArithOp::Add,
                Tok::Op("-") => ArithOp::Sub,
                _ => return Ok(left),
            };
            left = self.arith(left, op, Self::product)?;
        }
    }

    fn product(&mut self) -> Result<Node, ConditionError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => ArithOp::Mul,
                Tok::Op("/") => ArithOp::Div,
                _ => return Ok(left),
            };
            left = self.arith(left, op, Self::unary)?;
        }
    }

    fn arith(
        &mut self,
        left: Node,
        op: ArithOp,
        operand: fn(&mut Self) -> Result<Node, ConditionError>,
    ) -> Result<Node, ConditionError> {
        self.want(&left, Kind::Value)?;
        self.advance();
        let right = operand(self)?;
        self.want(&right, Kind::Value)?;
        Ok(self.join(
            left,
            right,
            |l, r| Expr::Arith(op, Box::new(l), Box::new(r)),
            Kind::Value,
        ))
    }

    fn join(&self, l: Node, r: Node, make: impl FnOnce(Expr, Expr) -> Expr, kind: Kind) -> Node {
        Node {
            start: l.start,
            end: r.end,
            expr: make(l.expr, r.expr),
            kind,
        }
    }

    fn unary(&mut self) -> Result<Node, ConditionError> {
        if !self.is_op("-") {
            return self.primary();
        }
        let start = self.offset();
        self.advance();
        self.enter()?;
        let inner = self.unary()?;
        self.depth -= 1;
        self.want(&inner, Kind::Value)?;
        // `-5ms` is a literal, so it prints back as written and compares without an extra step.
        let expr = match inner.expr {
            Expr::Number(v, text) => {
                let text = match text.strip_prefix('-') {
                    Some(positive) => positive.into(),
                    None => format!("-{text}").into(),
                };
                Expr::Number(-v, text)
            }
            other => Expr::Neg(Box::new(other)),
        };
        Ok(Node {
            expr,
            kind: Kind::Value,
            start,
            end: inner.end,
        })
    }

    fn primary(&mut self) -> Result<Node, ConditionError> {
        let start = self.offset();
        let (expr, kind) = match self.advance() {
            Tok::Number { value, text, .. } => (Expr::Number(value, text.into()), Kind::Value),
            Tok::Text(t) => (Expr::Text(t.into()), Kind::Value),
            Tok::LParen => return self.group(start),
            Tok::Word(w) => return self.word(w, start),
            Tok::Eof => {
                let prev = self.pos.checked_sub(2).and_then(|i| self.toks.get(i));
                let after = prev.map_or(String::new(), |t| format!(" after {}", describe(&t.tok)));
                return Err(self
                    .err(
                        start,
                        format!("the condition ends too early: expected a value{after}"),
                    )
                    .hint(
                        "each operator needs something on both sides, e.g. `api.status == 200`",
                    ));
            }
            tok => {
                return Err(self
                    .err(start, format!("expected a value, found {}", describe(&tok)))
                    .hint(
                        "each operator needs something on both sides, e.g. `api.status == 200`",
                    ));
            }
        };
        Ok(Node {
            expr,
            kind,
            start,
            end: self.end_of_prev(),
        })
    }

    fn group(&mut self, open: usize) -> Result<Node, ConditionError> {
        let inner = self.or()?;
        match self.peek() {
            Tok::RParen => {
                self.advance();
                Ok(Node {
                    start: open,
                    end: self.end_of_prev(),
                    ..inner
                })
            }
            Tok::Eof => Err(self
                .err(open, "this `(` is never closed")
                .hint("add a `)` where the group ends")),
            Tok::Word(w) if w == "for" => Err(self
                .err(self.offset(), "`for` cannot go inside parentheses")
                .hint("it applies to the whole condition: put `for DURATION` at the very end")),
            tok => {
                let column = ConditionError::new(self.src, open, "").column;
                Err(self
                    .err(
                        self.offset(),
                        format!("expected `)`, found {}", describe(tok)),
                    )
                    .hint(format!("close the `(` opened at column {column}")))
            }
        }
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Number { text, .. } => format!("`{text}`"),
        Tok::Text(t) => format!("text \"{t}\""),
        Tok::Op(op) => format!("`{op}`"),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Eof => "the end".into(),
    }
}
