//! The `metrics` probe's query: a plain `name{labels}` (summed), `rate(name{labels})` (per second
//! between two scrapes), or `ratio(a{…}, b{…})` (increase of a over increase of b), with label
//! matchers `=`, `!=`, `=~`, `!~` (RE2 syntax through the `regex` crate, anchored at both ends
//! as Prometheus anchors them).

use super::text::MetricSample;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum MetricsQuery {
    /// Sum of the current values of matching series (gauges).
    Sum(Selector),
    /// Per-second increase of matching counters between two scrapes.
    Rate(Selector),
    /// Increase of the first over increase of the second between two scrapes.
    Ratio(Selector, Selector),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    pub name: String,
    pub matchers: Vec<LabelMatcher>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LabelMatcher {
    pub label: String,
    pub op: MatchOp,
    pub value: String,
    regex: Option<LabelRegex>,
}

/// A label matcher's pattern, compiled as `^(?:…)$`.
#[derive(Debug, Clone)]
struct LabelRegex(regex::Regex);

impl PartialEq for LabelRegex {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl LabelRegex {
    /// Compiles `pattern`; an error says where in the pattern (byte offset) and why.
    fn new(pattern: &str) -> Result<LabelRegex, (usize, String)> {
        if let Err(e) = regex_syntax::Parser::new().parse(pattern) {
            return Err(match e {
                regex_syntax::Error::Parse(e) => {
                    // the `)` an open group lacks belongs at the end
                    let at = match e.kind() {
                        regex_syntax::ast::ErrorKind::GroupUnclosed => pattern.len(),
                        _ => e.span().start.offset,
                    };
                    (at, e.kind().to_string())
                }
                regex_syntax::Error::Translate(e) => (e.span().start.offset, e.kind().to_string()),
                other => (0, other.to_string()),
            });
        }
        regex::Regex::new(&format!("^(?:{pattern})$"))
            .map(LabelRegex)
            .map_err(|e| (0, e.to_string()))
    }

    fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    Eq,
    Ne,
    Re,
    NotRe,
}

/// Where the query is wrong (byte offset in the query text) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
    pub offset: usize,
    pub message: String,
}

impl MetricsQuery {
    pub fn parse(text: &str) -> Result<MetricsQuery, QueryError> {
        let mut p = QueryParser { s: text, pos: 0 };
        p.spaces();
        let start = p.pos;
        let ident = p.ident();
        p.spaces();
        let query = if p.peek() == Some('(') {
            p.pos += 1;
            match ident {
                "rate" => {
                    let sel = p.selector()?;
                    p.expect(')')?;
                    MetricsQuery::Rate(sel)
                }
                "ratio" => {
                    let a = p.selector()?;
                    p.expect(',')?;
                    let b = p.selector()?;
                    p.expect(')')?;
                    MetricsQuery::Ratio(a, b)
                }
                other => {
                    return Err(QueryError {
                        offset: start,
                        message: format!("unknown function `{other}`; use rate(…) or ratio(…, …)"),
                    });
                }
            }
        } else {
            p.pos = start;
            MetricsQuery::Sum(p.selector()?)
        };
        p.spaces();
        if p.pos < text.len() {
            return Err(p.error("unexpected text after the query"));
        }
        Ok(query)
    }

    /// Whether a value needs two scrapes (counters).
    pub fn needs_two_scrapes(&self) -> bool {
        !matches!(self, MetricsQuery::Sum(_))
    }

    /// Whether the value is a fraction (shown as a percentage).
    pub fn is_ratio(&self) -> bool {
        matches!(self, MetricsQuery::Ratio(..))
    }
}

impl Selector {
    pub fn matches(&self, sample: &MetricSample) -> bool {
        sample.name == self.name
            && self.matchers.iter().all(|m| {
                let value = sample.label(&m.label).unwrap_or("");
                match m.op {
                    MatchOp::Eq => value == m.value,
                    MatchOp::Ne => value != m.value,
                    MatchOp::Re => m.regex.as_ref().is_some_and(|r| r.is_match(value)),
                    MatchOp::NotRe => !m.regex.as_ref().is_some_and(|r| r.is_match(value)),
                }
            })
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.matchers.is_empty() {
            f.write_str("{")?;
            for (i, m) in self.matchers.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                let op = match m.op {
                    MatchOp::Eq => "=",
                    MatchOp::Ne => "!=",
                    MatchOp::Re => "=~",
                    MatchOp::NotRe => "!~",
                };
                write!(f, "{}{op}{:?}", m.label, m.value)?;
            }
            f.write_str("}")?;
        }
        Ok(())
    }
}

impl fmt::Display for MetricsQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricsQuery::Sum(s) => write!(f, "{s}"),
            MetricsQuery::Rate(s) => write!(f, "rate({s})"),
            MetricsQuery::Ratio(a, b) => write!(f, "ratio({a}, {b})"),
        }
    }
}

struct QueryParser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> QueryParser<'a> {
    fn error(&self, message: &str) -> QueryError {
        QueryError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: char) -> Result<(), QueryError> {
        self.spaces();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`")))
        }
    }

    fn ident(&mut self) -> &'a str {
        let rest = &self.s[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn selector(&mut self) -> Result<Selector, QueryError> {
        self.spaces();
        let at = self.pos;
        let name = self.ident().to_string();
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            self.pos = at;
            return Err(self.error("expected a metric name"));
        }
        let mut matchers = Vec::new();
        self.spaces();
        if self.peek() == Some('{') {
            self.pos += 1;
            loop {
                self.spaces();
                if self.peek() == Some('}') {
                    self.pos += 1;
                    break;
                }
                matchers.push(self.matcher()?);
                self.spaces();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some('}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
        }
        Ok(Selector { name, matchers })
    }

    fn matcher(&mut self) -> Result<LabelMatcher, QueryError> {
        let label = self.ident().to_string();
        if label.is_empty() {
            return Err(self.error("expected a label name"));
        }
        self.spaces();
        let rest = &self.s[self.pos..];
        let (op, len) = if rest.starts_with("=~") {
            (MatchOp::Re, 2)
        } else if rest.starts_with("!~") {
            (MatchOp::NotRe, 2)
        } else if rest.starts_with("!=") {
            (MatchOp::Ne, 2)
        } else if rest.starts_with('=') {
            (MatchOp::Eq, 1)
        } else {
            return Err(self.error("expected `=`, `!=`, `=~` or `!~`"));
        };
        self.pos += len;
        self.spaces();
        let value_at = self.pos;
        let value = self.string()?;
        let regex = match op {
            MatchOp::Re | MatchOp::NotRe => {
                Some(LabelRegex::new(&value).map_err(|(at, why)| QueryError {
                    offset: value_at + 1 + at,
                    message: format!("bad regex: {why}"),
                })?)
            }
            _ => None,
        };
        Ok(LabelMatcher {
            label,
            op,
            value,
            regex,
        })
    }

    fn string(&mut self) -> Result<String, QueryError> {
        let quote = match self.peek() {
            Some(q @ ('"' | '\'' | '`')) => q,
            _ => return Err(self.error("expected a quoted label value")),
        };
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.s[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.pos += i + 1;
                return Ok(out);
            }
            if c == '\\' && quote != '`' {
                match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    // keep regex escapes such as `\.` and `\d` for the regex parser
                    Some((_, e)) if e == quote || e == '\\' => out.push(e),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => break,
                }
            } else {
                out.push(c);
            }
        }
        self.pos = start;
        Err(self.error("unterminated label value"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::metrics::text::parse_line;

    #[test]
    fn parses_the_three_forms() {
        let q =
            MetricsQuery::parse(r#"ratio(http_requests_total{code=~"5.."}, http_requests_total)"#)
                .unwrap();
        assert!(q.is_ratio());
        assert_eq!(
            q.to_string(),
            r#"ratio(http_requests_total{code=~"5.."}, http_requests_total)"#
        );
        let q = MetricsQuery::parse(r#" rate( jobs_total { queue = "mail" , state != 'x' } ) "#)
            .unwrap();
        assert!(matches!(q, MetricsQuery::Rate(ref s) if s.matchers.len() == 2));
        let q = MetricsQuery::parse("queue_depth").unwrap();
        assert!(!q.needs_two_scrapes());
    }

    #[test]
    fn reports_the_place_of_errors() {
        let e = MetricsQuery::parse("rat(x)").unwrap_err();
        assert_eq!(e.offset, 0);
        let e = MetricsQuery::parse(r#"rate(x{code=~"5(.."})"#).unwrap_err();
        assert!(e.message.contains("regex"), "{e:?}");
        let e = MetricsQuery::parse("rate(x{code=5})").unwrap_err();
        assert_eq!(e.offset, 12);
        let e = MetricsQuery::parse("ratio(a)").unwrap_err();
        assert_eq!(e.offset, 7);
        assert!(MetricsQuery::parse("x y").is_err());
    }

    #[test]
    fn matchers_select_series() {
        let q = MetricsQuery::parse(r#"x{code=~"5..",path!~"/health|/ready",m!="GET"}"#).unwrap();
        let MetricsQuery::Sum(sel) = q else { panic!() };
        let hit = parse_line(r#"x{code="503",path="/api",m="POST"} 1"#).unwrap();
        let wrong_code = parse_line(r#"x{code="200",path="/api",m="POST"} 1"#).unwrap();
        let health = parse_line(r#"x{code="500",path="/health",m="POST"} 1"#).unwrap();
        let get = parse_line(r#"x{code="500",path="/api",m="GET"} 1"#).unwrap();
        let other = parse_line(r#"y{code="500"} 1"#).unwrap();
        assert!(sel.matches(&hit));
        assert!(!sel.matches(&wrong_code));
        assert!(!sel.matches(&health));
        assert!(!sel.matches(&get));
        assert!(!sel.matches(&other));
    }

    #[test]
    fn label_regexes_are_re2_and_anchored() {
        let re = |p: &str| LabelRegex::new(p).unwrap();
        assert!(re("5..").is_match("503") && !re("5..").is_match("5030"));
        assert!(!re("0").is_match("500"), "anchored at both ends");
        assert!(re("a|b").is_match("b") && !re("a|b").is_match("ab"));
        assert!(re(r"\d{3}").is_match("404"));
        assert!(re("(?i)get").is_match("GET"));
        assert!(re("^5..$").is_match("503"), "explicit anchors are harmless");
        assert!(re("").is_match("") && !re("").is_match("x"));
        assert!(LabelRegex::new("(ab").is_err());
        assert!(LabelRegex::new("ab)").is_err());
        assert!(LabelRegex::new("*a").is_err());
        assert_eq!(LabelRegex::new("ab{2").unwrap_err().0, 2);
        // RE2 has no lookaround or backreferences, and neither has the regex crate
        assert!(LabelRegex::new("a(?=b)").is_err());
        assert!(LabelRegex::new(r"(a)\1").is_err());
    }

    #[test]
    fn regex_errors_point_into_the_query() {
        let e = MetricsQuery::parse(r#"x{code=~"5[0-"}"#).unwrap_err();
        assert!(e.message.starts_with("bad regex"), "{e:?}");
        // the `[` opens at byte 1 of the pattern, which starts after `x{code=~"`
        assert_eq!(e.offset, 9 + 1, "{e:?}");
    }
}
