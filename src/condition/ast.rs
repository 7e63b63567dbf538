//! A parsed condition: the expression tree, the references it reads, its `for` duration, and how it
//! prints back (canonically, so that printing and parsing again gives the same condition).

use serde::Serialize;
use std::fmt;
use std::time::Duration;

/// One condition, parsed. Cheap to evaluate many times; see [`Condition::eval`](super::eval).
#[derive(Debug, Clone)]
pub struct Condition {
    pub(crate) source: String,
    pub(crate) expr: Expr,
    pub(crate) hold: Option<Duration>,
    /// The `for` duration as written (`30s`), so it prints back the same.
    pub(crate) hold_text: Option<String>,
    pub(crate) refs: Vec<Reference>,
    /// Set for a probe's own `ok`/`warn`/`crit`: outputs are written bare and belong to this probe.
    pub(crate) local: Option<String>,
}

/// What a reference reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    /// `api.status`: an output of the probe's latest sample.
    Output,
    /// `api.ok`: whether the probe's state is OK.
    State,
    /// `api.up`: whether the probe's target answers — any state but CRIT (a slow or WARN answer
    /// is up; an answer that cannot be judged, UNKNOWN, is up too). Unknown when STALE.
    Up,
    /// `api.state`: the state's name (`"OK"`, `"WARN"`, `"CRIT"`, `"UNKNOWN"`, `"STALE"`), to
    /// compare: `api.state != "CRIT"`.
    StateName,
    /// `baseline(api.latency)`: the output as captured when the session started, or
    /// `baseline(api.latency, "deploy")` when that phase started.
    Baseline,
}

/// A probe output the condition reads, with where it is written (for validation and evidence).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Reference {
    pub probe: String,
    /// The output and any path into it (`status`, `body.queue.size`, `header.content-type`); `ok` for
    /// a state reference.
    pub path: String,
    pub kind: RefKind,
    /// For a baseline, the phase whose start it was captured at (`baseline(api.latency, "deploy")`
    /// reads `deploy`); `None` for the session's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// 1-based character column of the reference in the condition string.
    pub column: usize,
    /// Byte offset of the reference in the condition string.
    pub offset: usize,
    /// Byte offset of the phase argument (its opening quote), so a phase the checklist does not
    /// have is reported there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_offset: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn parse_op(op: &str) -> Option<CmpOp> {
        Some(match op {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }

    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    /// The value in base units (ms, bytes, fraction) and the literal as written (`500ms`).
    Number(f64, Box<str>),
    Text(Box<str>),
    Bool(bool),
    /// Index into [`Condition::refs`].
    Ref(usize),
}

impl Expr {
    /// Binding strength, for printing only the parentheses that are needed.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Or(..) => 1,
            Expr::And(..) => 2,
            Expr::Not(..) => 3,
            Expr::Compare(..) => 4,
            Expr::Arith(ArithOp::Add | ArithOp::Sub, ..) => 5,
            Expr::Arith(..) => 6,
            Expr::Neg(..) => 7,
            _ => 8,
        }
    }
}

impl Condition {
    /// The condition as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every probe output (or state) the condition reads, in the order written, repeats included.
    pub fn references(&self) -> Vec<Reference> {
        self.refs.clone()
    }

    /// The references without copying them.
    pub fn reference_slice(&self) -> &[Reference] {
        &self.refs
    }

    /// The distinct probes the condition reads, in the order first written.
    pub fn probes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.refs {
            if !out.contains(&r.probe.as_str()) {
                out.push(&r.probe);
            }
        }
        out
    }

    /// How long the condition must hold (`for 30s`), when it says.
    pub fn hold_for(&self) -> Option<Duration> {
        self.hold
    }

    /// The probe whose own outputs bare names refer to (`ok`/`warn`/`crit` conditions).
    pub fn local_probe(&self) -> Option<&str> {
        self.local.as_deref()
    }

    /// Writes one sub-expression, in parentheses when it binds looser than its place requires.
    pub(crate) fn write_expr(&self, f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
        if e.precedence() < min {
            f.write_str("(")?;
            self.write_expr(f, e, 0)?;
            return f.write_str(")");
        }
        match e {
            Expr::Or(l, r) => self.write_binary(f, l, "||", r, 1),
            Expr::And(l, r) => self.write_binary(f, l, "&&", r, 2),
            Expr::Not(x) => {
                // `!(a.x == 1)` keeps its parentheses: `!a.x == 1` parses the same here, but reads
                // as `(!a.x) == 1` to anyone who knows C.
                f.write_str("!")?;
                let min = if matches!(**x, Expr::Compare(..)) {
                    5
                } else {
                    3
                };
                self.write_expr(f, x, min)
            }
            Expr::Compare(op, l, r) => {
                self.write_expr(f, l, 5)?;
                write!(f, " {} ", op.as_str())?;
                self.write_expr(f, r, 5)
            }
            Expr::Arith(op, l, r) => self.write_binary(f, l, op.as_str(), r, e.precedence()),
            Expr::Neg(x) => {
                f.write_str("-")?;
                self.write_expr(f, x, 7)
            }
            Expr::Number(_, text) => f.write_str(text),
            Expr::Text(t) => write_quoted(f, t),
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Ref(i) => match self.refs.get(*i) {
                Some(r) => self.write_ref(f, r),
                None => f.write_str("?"),
            },
        }
    }

    /// Left-associative: the right operand needs parentheses at the same strength.
    fn write_binary(
        &self,
        f: &mut fmt::Formatter<'_>,
        l: &Expr,
        op: &str,
        r: &Expr,
        prec: u8,
    ) -> fmt::Result {
        self.write_expr(f, l, prec)?;
        write!(f, " {op} ")?;
        self.write_expr(f, r, prec + 1)
    }

    pub(crate) fn write_ref(&self, f: &mut fmt::Formatter<'_>, r: &Reference) -> fmt::Result {
        let bare = self.local.as_deref() == Some(r.probe.as_str());
        let baseline = r.kind == RefKind::Baseline;
        if baseline {
            f.write_str("baseline(")?;
        }
        if bare {
            f.write_str(&r.path)?;
        } else {
            write!(f, "{}.{}", r.probe, r.path)?;
        }
        if let Some(scope) = &r.scope {
            f.write_str(", ")?;
            write_quoted(f, scope)?;
        }
        if baseline {
            f.write_str(")")?;
        }
        Ok(())
    }

    /// A sub-expression printed on its own, for reasons such as "`api.latency` is NaN".
    pub(crate) fn show<'a>(&'a self, e: &'a Expr) -> impl fmt::Display + 'a {
        struct Show<'a>(&'a Condition, &'a Expr);
        impl fmt::Display for Show<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write_expr(f, self.1, 0)
            }
        }
        Show(self, e)
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Canonical form: the same meaning, normalised spacing and only the parentheses needed.
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_expr(f, &self.expr, 0)?;
        if let Some(text) = &self.hold_text {
            write!(f, " for {text}")?;
        }
        Ok(())
    }
}

/// Two conditions are equal when they mean the same tree, wherever they were written and however
/// spaced: positions and source text are ignored.
impl PartialEq for Condition {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
            && self.hold == other.hold
            && self.local == other.local
            && self.refs.len() == other.refs.len()
            && self.refs.iter().zip(&other.refs).all(|(a, b)| {
                a.probe == b.probe && a.path == b.path && a.kind == b.kind && a.scope == b.scope
            })
    }
}
