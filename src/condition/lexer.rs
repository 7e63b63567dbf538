//! Splits a condition string into tokens, each with its byte offset; bad characters and units are
//! reported here with a hint.

use super::error::ConditionError;
use crate::units::{self as unit, Dimension, KNOWN_UNITS};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name or dotted reference: `api.body.queue.size`, `for`, `true`, `baseline`.
    Word(String),
    /// A number with its unit applied; `text` is the literal as written, `dim` what it measures.
    Number {
        value: f64,
        text: String,
        dim: Dimension,
    },
    Text(String),
    Op(&'static str),
    LParen,
    RParen,
    /// Only between `baseline`'s arguments.
    Comma,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub offset: usize,
}

pub fn lex(src: &str) -> Result<Vec<Token>, ConditionError> {
    let mut lexer = Lexer { src, pos: 0 };
    let mut out = Vec::new();
    loop {
        let token = lexer.next()?;
        let eof = token.tok == Tok::Eof;
        out.push(token);
        if eof {
            return Ok(out);
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, skip: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(skip)
    }

    fn err(&self, offset: usize, message: impl Into<String>) -> ConditionError {
        ConditionError::new(self.src, offset, message)
    }

    fn next(&mut self) -> Result<Token, ConditionError> {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += self.peek().map_or(1, char::len_utf8);
        }
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Token {
                tok: Tok::Eof,
                offset: start,
            });
        };
        let tok = match c {
            '(' => self.single(Tok::LParen),
            ')' => self.single(Tok::RParen),
            ',' => self.single(Tok::Comma),
            '"' | '\'' => self.string(c)?,
            '[' => self.gatus_alias()?,
            c if c.is_ascii_digit() => self.number()?,
            '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number()?,
            c if is_word_start(c) => self.word(),
            _ => self.operator()?,
        };
        Ok(Token { tok, offset: start })
    }

    fn single(&mut self, tok: Tok) -> Tok {
        self.pos += 1;
        tok
    }

    fn operator(&mut self) -> Result<Tok, ConditionError> {
        const OPS: &[&str] = &[
            "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "*", "/", "+", "-",
        ];
        let rest = &self.src[self.pos..];
        if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
            // `<>`, `=<`, `=>` and `===` read as typos of real operators: say so rather than guess.
            if *op == "<" && rest.starts_with("<>") {
                return Err(self
                    .err(self.pos, "`<>` is not an operator")
                    .hint("write `!=` for \"not equal\""));
            }
            self.pos += op.len();
            return Ok(Tok::Op(op));
        }
        let c = self.peek().unwrap_or(' ');
        let (message, hint) = match c {
            '=' if rest.starts_with("=~") => (
                "`=~` (regex match) is not supported".to_string(),
                "compare with `==` against a quoted text".to_string(),
            ),
            '=' if rest.starts_with("=<") => {
                ("`=<` is not an operator".into(), "write `<=`".into())
            }
            '=' if rest.starts_with("=>") => {
                ("`=>` is not an operator".into(), "write `>=`".into())
            }
            '=' => (
                "`=` is not an operator here".into(),
                "to compare, write `==` (e.g. `api.status == 200`)".into(),
            ),
            '&' => (
                "`&` is not an operator".into(),
                "write `&&` for \"and\"".into(),
            ),
            '|' => (
                "`|` is not an operator".into(),
                "write `||` for \"or\"".into(),
            ),
            '≤' => ("`≤` is not an operator".into(), "write `<=`".into()),
            '≥' => ("`≥` is not an operator".into(), "write `>=`".into()),
            '≠' => ("`≠` is not an operator".into(), "write `!=`".into()),
            c => (
                format!("unexpected character `{c}`"),
                "a condition is made of `probe.output`, numbers with units, quoted text, \
                 comparisons (== != < <= > >=), && || ! and parentheses"
                    .into(),
            ),
        };
        Err(self.err(self.pos, message).hint(hint))
    }

    fn string(&mut self, quote: char) -> Result<Tok, ConditionError> {
        let start = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self
                    .err(start, "this text is never closed")
                    .hint(format!("end it with {quote}")));
            };
            self.pos += c.len_utf8();
            match c {
                '\\' => {
                    let Some(escaped) = self.peek() else { continue };
                    self.pos += escaped.len_utf8();
                    text.push(match escaped {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                c if c == quote => return Ok(Tok::Text(text)),
                c => text.push(c),
            }
        }
    }

    /// A name, or a dotted reference whose later segments may start with a digit (`items.0.id`).
    /// A `-` joins a name only when a letter, digit or `_` follows it: `content-type`, `replica-1`;
    /// subtraction is written with spaces (`a.value - b.value`).
    fn word(&mut self) -> Tok {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(c) if is_word_char(c) => self.pos += 1,
                Some('-') if self.peek_at(1).is_some_and(is_word_char) => {
                    self.pos += 1;
                }
                Some('.') if self.peek_at(1).is_some_and(is_word_char) => self.pos += 1,
                _ => break,
            }
        }
        Tok::Word(self.src[start..self.pos].to_string())
    }

    /// gatus's placeholders (`[STATUS]`, `[BODY].status`, `[RESPONSE_TIME]`), read as our names.
    fn gatus_alias(&mut self) -> Result<Tok, ConditionError> {
        let start = self.pos;
        let rest = &self.src[start..];
        let close = rest.find(']').unwrap_or(rest.len());
        let name = rest.get(1..close).unwrap_or("");
        let ours = match name {
            "STATUS" => "status",
            "RESPONSE_TIME" => "latency",
            "BODY" => "body",
            "CONNECTED" => "connected",
            _ => {
                return Err(self.err(start, format!("`[{name}]` is not known")).hint(
                    "gatus-style names understood: [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED]; \
                     or write the output's name: `status`, `latency`, `body.x`",
                ));
            }
        };
        self.pos += close + 1;
        let mut word = ours.to_string();
        if self.peek() == Some('.')
            && self.peek_at(1).is_some_and(is_word_char)
            && let Tok::Word(path) = self.word()
        {
            word.push_str(&path);
        }
        Ok(Tok::Word(word))
    }

    /// A number and its unit: `200`, `0.5`, `1e6`, `500ms`, `70%`, `1GiB`, `1h30m`.
    fn number(&mut self) -> Result<Tok, ConditionError> {
        let start = self.pos;
        let mut value = 0.0;
        let mut dim = Dimension::Plain;
        loop {
            let part_start = self.pos;
            let number = self.digits();
            let unit_start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '%')
            {
                self.pos += 1;
                if self.src[unit_start..self.pos].ends_with('%') {
                    break;
                }
            }
            let unit_text = &self.src[unit_start..self.pos];
            let n: f64 = number.parse().map_err(|_| {
                self.err(part_start, format!("`{number}` is not a number"))
                    .hint("write numbers like `200`, `0.5` or `1e6`")
            })?;
            if part_start > start && unit_text.is_empty() {
                return Err(self
                    .err(part_start, format!("`{number}` needs a unit here"))
                    .hint("durations in parts carry a unit on each part, like `1h30m`"));
            }
            let (part_dim, factor) = if unit_text.is_empty() {
                (Dimension::Plain, 1.0)
            } else {
                unit::lookup(unit_text).ok_or_else(|| self.unit_error(unit_start, unit_text))?
            };
            if part_start > start && (part_dim != Dimension::Duration || dim != Dimension::Duration)
            {
                return Err(self
                    .err(
                        part_start,
                        "only durations may be written in parts (`1h30m`)",
                    )
                    .hint("put an operator or a space between the numbers"));
            }
            dim = part_dim;
            // `41%` as 41 / 100 lands on the same f64 as `0.41`; 41 * 0.01 would not.
            value += if part_dim == Dimension::Ratio {
                n / 100.0
            } else {
                n * factor
            };
            // `1h30m`: another duration part follows directly.
            if dim != Dimension::Duration || !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                break;
            }
        }
        if self.peek().is_some_and(|c| is_word_char(c) || c == '.') {
            return Err(self
                .err(
                    start,
                    format!("`{}` is not a number with a unit", self.run_from(start)),
                )
                .hint(format!("units are {KNOWN_UNITS}")));
        }
        if !value.is_finite() {
            return Err(self
                .err(start, "this number is too large")
                .hint("use a smaller unit or a smaller number"));
        }
        Ok(Tok::Number {
            value,
            text: self.src[start..self.pos].to_string(),
            dim,
        })
    }

    fn digits(&mut self) -> &'a str {
        let src = self.src;
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        // An exponent only when digits follow, so `1e` stays a (bad) unit rather than a bad number.
        let exp_digits = match (self.peek(), self.peek_at(1), self.peek_at(2)) {
            (Some('e' | 'E'), Some(d), _) if d.is_ascii_digit() => Some(1),
            (Some('e' | 'E'), Some('+' | '-'), Some(d)) if d.is_ascii_digit() => Some(2),
            _ => None,
        };
        if let Some(skip) = exp_digits {
            self.pos += skip;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        &src[start..self.pos]
    }

    fn run_from(&self, start: usize) -> &str {
        let rest = &self.src[start..];
        let end = rest
            .find(|c: char| !(is_word_char(c) || c == '.' || c == '%'))
            .unwrap_or(rest.len());
        &rest[..end]
    }

    fn unit_error(&self, at: usize, unit_text: &str) -> ConditionError {
        let err = self.err(at, format!("`{unit_text}` is not a unit"));
        match unit::suggest(unit_text) {
            Some(fix) => err.hint(format!("did you mean `{fix}`? Units are {KNOWN_UNITS}")),
            None => err.hint(format!("units are {KNOWN_UNITS}")),
        }
    }
}
