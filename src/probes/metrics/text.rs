//! Parser for the Prometheus text exposition format (`/metrics` pages): `# HELP`/`# TYPE` lines,
//! `name{label="value",…} value [timestamp]`, escaped label values, `NaN`, `±Inf`, exponents,
//! and OpenMetrics exemplars (ignored).

/// One series' value on one scrape.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSample {
    pub name: String,
    /// Labels in the order written.
    pub labels: Vec<(String, String)>,
    pub value: f64,
    /// Milliseconds since the epoch, when the page gives one.
    pub timestamp: Option<i64>,
}

impl MetricSample {
    pub fn label(&self, name: &str) -> Option<&str> {
        if name == "__name__" {
            return Some(&self.name);
        }
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A stable identity for the series: name and sorted labels.
    pub fn series_key(&self) -> String {
        let mut labels: Vec<&(String, String)> = self.labels.iter().collect();
        labels.sort();
        let mut key = self.name.clone();
        key.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                key.push(',');
            }
            key.push_str(&format!("{k}={v:?}"));
        }
        key.push('}');
        key
    }
}

/// A page's samples, and how many lines could not be read.
#[derive(Debug, Default)]
pub struct Page {
    pub samples: Vec<MetricSample>,
    pub bad_lines: usize,
    /// The first unreadable line's number and why, for the error when nothing could be read.
    pub first_error: Option<(usize, String)>,
}

/// Parses a whole page; unreadable lines are counted, not fatal.
pub fn parse_page(text: &str) -> Page {
    let mut page = Page::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line) {
            Ok(sample) => page.samples.push(sample),
            Err(message) => {
                page.bad_lines += 1;
                if page.first_error.is_none() {
                    page.first_error = Some((i + 1, message));
                }
            }
        }
    }
    page
}

/// Parses one sample line.
pub fn parse_line(line: &str) -> Result<MetricSample, String> {
    let mut cur = Cursor { s: line, pos: 0 };
    let name = cur.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("expected a metric name".into());
    }
    let name = name.to_string();
    let mut labels = Vec::new();
    cur.skip_spaces();
    if cur.eat('{') {
        loop {
            cur.skip_spaces();
            if cur.eat('}') {
                break;
            }
            let label = cur
                .take_while(|c| c.is_ascii_alphanumeric() || c == '_')
                .to_string();
            if label.is_empty() {
                return Err(format!("expected a label name at column {}", cur.pos + 1));
            }
            cur.skip_spaces();
            if !cur.eat('=') {
                return Err(format!("expected `=` after label `{label}`"));
            }
            cur.skip_spaces();
            let value = cur.quoted()?;
            labels.push((label, value));
            cur.skip_spaces();
            if cur.eat(',') {
                continue;
            }
            if cur.eat('}') {
                break;
            }
            return Err(format!("expected `,` or `}}` at column {}", cur.pos + 1));
        }
    }
    cur.skip_spaces();
    let value_text = cur.take_while(|c| !c.is_whitespace());
    let value = parse_value(value_text)?;
    cur.skip_spaces();
    let mut timestamp = None;
    if !cur.rest().is_empty() && !cur.rest().starts_with('#') {
        let ts = cur.take_while(|c| !c.is_whitespace());
        timestamp = Some(
            ts.parse::<i64>()
                .ok()
                .or_else(|| ts.parse::<f64>().ok().map(|f| (f * 1000.0) as i64))
                .ok_or_else(|| format!("bad timestamp `{ts}`"))?,
        );
        cur.skip_spaces();
    }
    if !cur.rest().is_empty() && !cur.rest().starts_with('#') {
        return Err(format!("unexpected `{}` after the value", cur.rest()));
    }
    Ok(MetricSample {
        name,
        labels,
        value,
        timestamp,
    })
}

/// A sample value: a float, `NaN`, `+Inf`, `-Inf`.
pub fn parse_value(text: &str) -> Result<f64, String> {
    match text {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "" => Err("missing value".into()),
        t => t.parse::<f64>().map_err(|_| format!("bad value `{t}`")),
    }
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c: char| !f(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn skip_spaces(&mut self) {
        self.take_while(|c| c == ' ' || c == '\t');
    }

    fn eat(&mut self, c: char) -> bool {
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// A `"…"` label value with `\\`, `\"` and `\n` escapes.
    fn quoted(&mut self) -> Result<String, String> {
        if !self.eat('"') {
            return Err(format!("expected `\"` at column {}", self.pos + 1));
        }
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                other => out.push(other),
            }
        }
        Err("unterminated label value".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_realistic_page() {
        let page = parse_page(
            "# HELP http_requests_total The total.\n\
             # TYPE http_requests_total counter\n\
             http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n\
             http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n\
             msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n\
             metric_without_timestamp_and_labels 12.47\n\
             something_weird{problem=\"division by zero\"} +Inf -3982045\n\
             go_gc_ratio NaN\n\
             rpc_duration_seconds{quantile=\"0.5\"} 4773\n\
             rpc_duration_seconds_sum 1.7560473e+07\n\
             neg -Inf\n\
             exemplar_total{a=\"b\"} 5 # {trace_id=\"x\"} 1\n\
             # EOF\n",
        );
        assert_eq!(page.bad_lines, 0, "{:?}", page.first_error);
        let s = &page.samples;
        assert_eq!(s.len(), 10);
        assert_eq!(s[0].label("code"), Some("200"));
        assert_eq!(s[0].value, 1027.0);
        assert_eq!(s[0].timestamp, Some(1395066363000));
        assert_eq!(s[2].label("path"), Some("C:\\DIR\\FILE.TXT"));
        assert_eq!(s[2].label("error"), Some("Cannot find file:\n\"FILE.TXT\""));
        assert_eq!(s[2].value, 1.458255915e9);
        assert_eq!(s[3].labels.len(), 0);
        assert!(s[4].value.is_infinite() && s[4].value > 0.0);
        assert_eq!(s[4].timestamp, Some(-3982045));
        assert!(s[5].value.is_nan());
        assert_eq!(s[7].value, 1.7560473e7);
        assert_eq!(s[8].value, f64::NEG_INFINITY);
        assert_eq!(s[9].value, 5.0);
    }

    #[test]
    fn counts_bad_lines() {
        let page = parse_page("ok 1\n{x=\"y\"} 2\nbad{a=\"b} 3\nnovalue\nx 1 2 3\n");
        assert_eq!(page.samples.len(), 1);
        assert_eq!(page.bad_lines, 4);
        assert_eq!(page.first_error.map(|(l, _)| l), Some(2));
    }

    #[test]
    fn series_keys_ignore_label_order() {
        let a = parse_line("m{a=\"1\",b=\"2\"} 1").unwrap();
        let b = parse_line("m{b=\"2\",a=\"1\"} 3").unwrap();
        assert_eq!(a.series_key(), b.series_key());
    }
}
