//! Evaluates a condition against the latest samples, in three-valued logic: whatever cannot be known
//! (no sample, a probe in UNKNOWN or STALE, NaN, text where a number is needed) is `Unknown` with a
//! reason, and never a pass.

use super::Value;
use super::ast::{ArithOp, CmpOp, Condition, Expr, RefKind, Reference};
use crate::model::ProbeState;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::borrow::Cow;
use std::cmp::Ordering;

/// The result of evaluating a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "truth", content = "reason", rename_all = "lowercase")]
pub enum Truth {
    True,
    False,
    /// Cannot be decided now; the text says why (`api is UNKNOWN`, `no sample from db yet`).
    Unknown(String),
}

impl Truth {
    pub fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    pub fn is_true(&self) -> bool {
        *self == Truth::True
    }

    pub fn is_false(&self) -> bool {
        *self == Truth::False
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Truth::Unknown(_))
    }

    pub fn negate(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            unknown => unknown,
        }
    }
}

impl std::fmt::Display for Truth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Truth::True => f.write_str("true"),
            Truth::False => f.write_str("false"),
            Truth::Unknown(why) => write!(f, "unknown ({why})"),
        }
    }
}

/// Where a condition reads probe outputs, states and baselines from.
pub trait Lookup {
    /// The latest value of `path` (an output, maybe with a JSON path) of `probe`.
    fn output(&self, probe: &str, path: &str) -> Option<Value>;
    /// The probe's current state, STALE included; `None` when nothing is known of it.
    fn state(&self, probe: &str) -> Option<ProbeState>;
    /// The value captured when the session (`scope` `None`) or the phase `scope` started.
    fn baseline(&self, probe: &str, path: &str, scope: Option<&str>) -> Option<Value>;
    /// When the probe's latest sample was taken, for evidence.
    fn sampled_at(&self, _probe: &str) -> Option<DateTime<Utc>> {
        None
    }
    /// When the baseline of `probe` in `scope` was captured, for evidence.
    fn baseline_at(&self, _probe: &str, _scope: Option<&str>) -> Option<DateTime<Utc>> {
        None
    }
}

/// A value in the middle of an evaluation; borrowed from the condition when it is a literal.
enum Operand<'a> {
    Num(f64),
    Text(Cow<'a, str>),
    Bool(bool),
}

type Reason = String;

impl Condition {
    /// Evaluates the condition now. The `for` duration is not applied here: feed the result to a
    /// [`HoldWindow`](super::HoldWindow).
    pub fn eval(&self, ctx: &dyn Lookup) -> Truth {
        self.truth(&self.expr, ctx)
    }

    fn truth(&self, e: &Expr, ctx: &dyn Lookup) -> Truth {
        match e {
            Expr::Or(l, r) => match self.truth(l, ctx) {
                Truth::True => Truth::True,
                left => match (left, self.truth(r, ctx)) {
                    (_, Truth::True) => Truth::True,
                    (Truth::Unknown(why), _) | (_, Truth::Unknown(why)) => Truth::Unknown(why),
                    _ => Truth::False,
                },
            },
            Expr::And(l, r) => match self.truth(l, ctx) {
                Truth::False => Truth::False,
                left => match (left, self.truth(r, ctx)) {
                    (_, Truth::False) => Truth::False,
                    (Truth::Unknown(why), _) | (_, Truth::Unknown(why)) => Truth::Unknown(why),
                    _ => Truth::True,
                },
            },
            Expr::Not(x) => self.truth(x, ctx).negate(),
            Expr::Compare(op, l, r) => {
                let left = match self.value(l, ctx) {
                    Ok(v) => v,
                    Err(why) => return Truth::Unknown(why),
                };
                let right = match self.value(r, ctx) {
                    Ok(v) => v,
                    Err(why) => return Truth::Unknown(why),
                };
                self.compare(*op, (l, left), (r, right))
            }
            other => match self.value(other, ctx) {
                Ok(Operand::Bool(b)) => Truth::from_bool(b),
                Ok(Operand::Text(t)) => match flag(&t) {
                    Some(b) => Truth::from_bool(b),
                    None => Truth::Unknown(format!(
                        "`{}` is \"{t}\", not true or false; compare it",
                        self.show(other)
                    )),
                },
                Ok(Operand::Num(n)) => Truth::Unknown(format!(
                    "`{}` is {}, not true or false; compare it (`{0} == {1}`)",
                    self.show(other),
                    Value::Number(n)
                )),
                Err(why) => Truth::Unknown(why),
            },
        }
    }

    fn value<'a>(&'a self, e: &'a Expr, ctx: &dyn Lookup) -> Result<Operand<'a>, Reason> {
        match e {
            Expr::Number(n, _) => Ok(Operand::Num(*n)),
            Expr::Text(t) => Ok(Operand::Text(Cow::Borrowed(&**t))),
            Expr::Bool(b) => Ok(Operand::Bool(*b)),
            Expr::Ref(i) => match self.refs.get(*i) {
                Some(r) => self.read(r, ctx),
                None => Err("internal: dangling reference".into()),
            },
            Expr::Neg(x) => Ok(Operand::Num(-self.number(x, ctx)?)),
            Expr::Arith(op, l, r) => {
                let (a, b) = (self.number(l, ctx)?, self.number(r, ctx)?);
                let n = match op {
                    ArithOp::Add => a + b,
                    ArithOp::Sub => a - b,
                    ArithOp::Mul => a * b,
                    ArithOp::Div if b == 0.0 => {
                        return Err(format!("`{}` divides by zero", self.show(e)));
                    }
                    ArithOp::Div => a / b,
                };
                if n.is_nan() {
                    return Err(format!("`{}` is NaN", self.show(e)));
                }
                Ok(Operand::Num(n))
            }
            cond => Ok(Operand::Bool(self.truth(cond, ctx).is_true())),
        }
    }

    fn number(&self, e: &Expr, ctx: &dyn Lookup) -> Result<f64, Reason> {
        match self.value(e, ctx)? {
            Operand::Num(n) => Ok(n),
            Operand::Text(t) => t
                .trim()
                .parse()
                .map_err(|_| format!("`{}` is \"{t}\", not a number", self.show(e))),
            Operand::Bool(b) => Err(format!("`{}` is {b}, not a number", self.show(e))),
        }
    }

    /// Reads one reference, refusing values from probes whose state says they cannot be trusted.
    fn read<'a>(&self, r: &Reference, ctx: &dyn Lookup) -> Result<Operand<'a>, Reason> {
        let shown = Shown(self, r);
        if r.kind == RefKind::Baseline {
            let v = ctx
                .baseline(&r.probe, &r.path, r.scope.as_deref())
                .ok_or_else(|| {
                    let when = match &r.scope {
                        Some(phase) => format!(" when phase `{phase}` started"),
                        None => String::new(),
                    };
                    format!("no baseline of `{}.{}` was captured{when}", r.probe, r.path)
                })?;
            return operand(v, &shown);
        }
        let state = ctx.state(&r.probe);
        match (r.kind, state) {
            (RefKind::Up | RefKind::StateName, None) => {
                return Err(format!("no sample from `{}` yet", r.probe));
            }
            // a stale sample says nothing about whether the target answers now
            (RefKind::Up, Some(ProbeState::Stale)) => {
                return Err(format!("`{shown}`: probe `{}` is STALE", r.probe));
            }
            (RefKind::Up, Some(s)) => return Ok(Operand::Bool(s != ProbeState::Crit)),
            (RefKind::StateName, Some(s)) => {
                return operand(Value::Text(s.as_str().to_owned()), &shown);
            }
            _ => {}
        }
        if let Some(s @ (ProbeState::Unknown | ProbeState::Stale)) = state {
            // `api.ok` is a fact about the state itself: UNKNOWN and STALE are knowably not OK,
            // so a rollback trigger written `!api.ok for 2m` fires when the API stops answering.
            if r.kind == RefKind::State {
                return Ok(Operand::Bool(false));
            }
            return Err(format!("`{shown}`: probe `{}` is {}", r.probe, s.as_str()));
        }
        if r.kind == RefKind::State {
            return match state {
                Some(s) => Ok(Operand::Bool(s == ProbeState::Ok)),
                None => Err(format!("no sample from `{}` yet", r.probe)),
            };
        }
        match ctx.output(&r.probe, &r.path) {
            Some(v) => operand(v, &shown),
            None if state.is_none() && self.local.is_none() => {
                Err(format!("no sample from `{}` yet", r.probe))
            }
            None => Err(format!(
                "`{shown}`: `{}` has no output `{}`",
                r.probe, r.path
            )),
        }
    }

    fn compare(&self, op: CmpOp, l: (&Expr, Operand<'_>), r: (&Expr, Operand<'_>)) -> Truth {
        use Operand::*;
        let ord = match (&l.1, &r.1) {
            (Num(a), Num(b)) => approx_cmp(*a, *b),
            (Text(a), Text(b)) => Some(a.as_ref().cmp(b.as_ref())),
            (Bool(a), Bool(b)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => Some(a.cmp(b)),
            (Bool(_), Bool(_)) => {
                return Truth::Unknown(format!(
                    "`{}` and `{}` are true/false: only `==` and `!=` compare them",
                    self.show(l.0),
                    self.show(r.0)
                ));
            }
            (Num(a), Text(t)) => match t.trim().parse::<f64>() {
                Ok(b) => approx_cmp(*a, b),
                Err(_) => return self.mismatch(r.0, t),
            },
            (Text(t), Num(b)) => match t.trim().parse::<f64>() {
                Ok(a) => approx_cmp(a, *b),
                Err(_) => return self.mismatch(l.0, t),
            },
            (Bool(a), Num(b)) => f64::from(u8::from(*a)).partial_cmp(b),
            (Num(a), Bool(b)) => a.partial_cmp(&f64::from(u8::from(*b))),
            (Bool(a), Text(t)) | (Text(t), Bool(a)) => match flag(t) {
                Some(b) => Some(a.cmp(&b)),
                None => return self.mismatch(if let Text(_) = l.1 { l.0 } else { r.0 }, t),
            },
        };
        match ord {
            Some(ord) => Truth::from_bool(op.holds(ord)),
            None => Truth::Unknown(format!(
                "`{} {} {}` compares NaN",
                self.show(l.0),
                op.as_str(),
                self.show(r.0)
            )),
        }
    }

    fn mismatch(&self, e: &Expr, text: &str) -> Truth {
        Truth::Unknown(format!("`{}` is \"{text}\", not a number", self.show(e)))
    }
}

/// A reference printed as written, for reasons.
struct Shown<'a>(&'a Condition, &'a Reference);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.write_ref(f, self.1)
    }
}

fn operand<'a>(v: Value, shown: &Shown<'_>) -> Result<Operand<'a>, Reason> {
    match v {
        Value::Number(n) if n.is_nan() => Err(format!("`{shown}` is NaN")),
        Value::Number(n) => Ok(Operand::Num(n)),
        Value::Bool(b) => Ok(Operand::Bool(b)),
        Value::Text(t) => Ok(Operand::Text(Cow::Owned(t))),
        Value::Json(j) => match Value::from_json(&j) {
            Value::Json(serde_json::Value::Null) => Err(format!("`{shown}` is null")),
            Value::Json(serde_json::Value::Object(_)) => Err(format!(
                "`{shown}` is a JSON object; name a field in it (`{shown}.x`)"
            )),
            Value::Json(serde_json::Value::Array(_)) => Err(format!(
                "`{shown}` is a JSON list; name an item in it (`{shown}.0`)"
            )),
            Value::Json(other) => Err(format!("`{shown}` is {other}, not a value")),
            plain => operand(plain, shown),
        },
    }
}

/// Numbers within a few parts in 10¹² are equal, so `0.1 * 3 == 0.3` and unit scaling
/// (`1.1s` is 1100.0000000000002 ms) do not make a boundary flip.
fn approx_cmp(a: f64, b: f64) -> Option<Ordering> {
    let close = a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
    if close {
        return Some(Ordering::Equal);
    }
    a.partial_cmp(&b)
}

/// `"true"`/`"false"` in any case, as HTTP bodies and headers often carry flags.
fn flag(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}
