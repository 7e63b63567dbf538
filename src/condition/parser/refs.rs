//! Names in a condition: `true`/`false`, probe references, `baseline(…)` and its optional phase,
//! and the mistakes people make with words (`and`, `not`, unquoted text, unknown functions).

use super::{Kind, Node, Parser, describe};
use crate::condition::ast::{Expr, RefKind, Reference};
use crate::condition::error::ConditionError;
use crate::condition::lexer::Tok;
use crate::condition::lookup::SESSION_SCOPE;

impl Parser<'_> {
    pub(super) fn word(&mut self, w: String, start: usize) -> Result<Node, ConditionError> {
        let node = |expr, kind, end| {
            Ok(Node {
                expr,
                kind,
                start,
                end,
            })
        };
        let end = self.end_of_prev();
        match w.as_str() {
            "true" => return node(Expr::Bool(true), Kind::Either, end),
            "false" => return node(Expr::Bool(false), Kind::Either, end),
            _ => {}
        }
        if *self.peek() == Tok::LParen {
            if w != "baseline" {
                return Err(self
                    .err(start, format!("`{w}` is not a function"))
                    .hint("the one function is `baseline(probe.output)`, or \
                           `baseline(probe.output, \"phase-id\")` for the value when a phase started"));
            }
            return self.baseline(start);
        }
        if matches!(w.as_str(), "not" | "NOT") {
            return Err(self
                .err(start, format!("`{w}` is not an operator"))
                .hint("write `!`"));
        }
        if w == "for" {
            return Err(self
                .err(start, "`for` needs a condition before it")
                .hint("write the condition first: `api.ok for 30s`"));
        }
        let (probe, path, kind) = self.split_ref(&w, start)?;
        let expr = self.push_ref(probe, path, kind, start, None);
        node(expr, Kind::Either, end)
    }

    fn baseline(&mut self, start: usize) -> Result<Node, ConditionError> {
        self.advance();
        let at = self.offset();
        let Tok::Word(inner) = self.peek().clone() else {
            return Err(self
                .err(at, "`baseline` needs a probe output")
                .hint("write it like `baseline(error_rate.value)`"));
        };
        self.advance();
        let (probe, path, kind) = self.split_ref(&inner, at)?;
        if kind != RefKind::Output {
            return Err(self
                .err(at, "`baseline` needs an output, not a state")
                .hint("write it like `baseline(error_rate.value)`"));
        }
        let scope = if *self.peek() == Tok::Comma {
            self.advance();
            Some(self.phase_argument(&inner)?)
        } else {
            None
        };
        if *self.peek() != Tok::RParen {
            return Err(self
                .err(
                    self.offset(),
                    format!("expected `)`, found {}", describe(self.peek())),
                )
                .hint(
                    "`baseline` takes one probe output and, optionally, a phase id: \
                     `baseline(error_rate.value)` or `baseline(error_rate.value, \"deploy\")`",
                ));
        }
        self.advance();
        let expr = self.push_ref(probe, path, RefKind::Baseline, at, scope);
        Ok(Node {
            expr,
            kind: Kind::Value,
            start,
            end: self.end_of_prev(),
        })
    }

    /// The second argument of `baseline(…)`: a phase id in quotes, and where it is written.
    fn phase_argument(&mut self, output: &str) -> Result<(String, usize), ConditionError> {
        let at = self.offset();
        let example = |phase: &str| format!("write it like `baseline({output}, \"{phase}\")`");
        match self.advance() {
            Tok::Text(phase) if phase.trim().is_empty() => Err(self
                .err(at, "the phase id is empty")
                .hint(example("deploy"))),
            Tok::Text(phase) if phase == SESSION_SCOPE => {
                Err(self.err(at, "`\"session\"` is not a phase").hint(format!(
                    "`baseline({output})` is the value when the session started; \
                     a second argument names a phase by its id"
                )))
            }
            Tok::Text(phase) => Ok((phase, at)),
            Tok::Word(w) => Err(self
                .err(at, format!("the phase id `{w}` must be quoted"))
                .hint(example(&w))),
            tok => Err(self
                .err(
                    at,
                    format!("expected a phase id in quotes, found {}", describe(&tok)),
                )
                .hint(example("deploy"))),
        }
    }

    /// `api.body.queue.size` → (`api`, `body.queue.size`); bare names belong to the local probe.
    fn split_ref(&self, w: &str, at: usize) -> Result<(String, String, RefKind), ConditionError> {
        if let Some(own) = self.local {
            let path = w
                .strip_prefix(own)
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or(w);
            return Ok((own.to_string(), path.to_string(), RefKind::Output));
        }
        if self.src[at..].starts_with('[') {
            let written = self.src[at..].split(']').next().unwrap_or("");
            return Err(self
                .err(
                    at,
                    format!("`{written}]` works only in a probe's own ok/warn/crit"),
                )
                .hint(format!("here, name the probe: `api.{w}`")));
        }
        let Some((probe, path)) = w.split_once('.') else {
            return Err(self.err(at, format!("`{w}` needs an output")).hint(format!(
                "write `{w}.status`, `{w}.value` or another output, or `{w}.ok` / `{w}.up` / \
                 `{w}.state` for its state; \
                 if it is text, quote it: \"{w}\""
            )));
        };
        let kind = match path {
            "ok" => RefKind::State,
            "up" => RefKind::Up,
            "state" => RefKind::StateName,
            _ => RefKind::Output,
        };
        Ok((probe.to_string(), path.to_string(), kind))
    }

    /// `scope` is a baseline's phase and where its argument is written.
    fn push_ref(
        &mut self,
        probe: String,
        path: String,
        kind: RefKind,
        offset: usize,
        scope: Option<(String, usize)>,
    ) -> Expr {
        let column = ConditionError::new(self.src, offset, "").column;
        let (scope, scope_offset) = scope.unzip();
        self.refs.push(Reference {
            probe,
            path,
            kind,
            scope,
            column,
            offset,
            scope_offset,
        });
        Expr::Ref(self.refs.len() - 1)
    }
}
