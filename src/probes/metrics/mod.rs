//! The `metrics` kind: scrapes a Prometheus-text `/metrics` page itself and computes its query
//! between two scrapes — the 5xx ratio of a service that has no Prometheus server.
//!
//! Counter increases are summed over matching series; a series that went down was reset (the
//! process restarted) and counts from zero; a series seen for the first time counts from zero
//! too (client libraries create labelled series on their first increment).

pub mod query;
pub mod text;

use super::web::{client, describe_reqwest, read_bounded};
use crate::config::{
    Headline, KindSettings, Poller, ProbeKind, ProbeSpec, SecretText, TableReader,
};
use crate::model::{Failure, OutputSpec, OutputType, Outputs, PollResult, ValueUnit};
use futures_util::future::BoxFuture;
use query::{MetricsQuery, Selector};
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use text::{MetricSample, parse_page};

const MAX_PAGE: u64 = 16 * 1024 * 1024;

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "value",
        OutputType::Number(None),
        "the query: a sum, a rate (/s) or a ratio",
    ),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "the scrape's time",
    ),
];

/// The `metrics` kind in the registry.
pub struct Metrics;

impl ProbeKind for Metrics {
    fn name(&self) -> &'static str {
        "metrics"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["url", "query"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let url = r.url("url = \"http://api:8080/metrics\"");
        if let Some(u) = &url {
            r.check_scheme(
                u,
                &["http", "https"],
                "use the page's http:// or https:// URL",
            );
        }
        let text = r.required(
            "query",
            "query = 'ratio(http_requests_total{code=~\"5..\"}, http_requests_total)'",
        );
        let query = match MetricsQuery::parse(text.as_deref()?) {
            Ok(q) => q,
            Err(err) => {
                r.fail_in_value(
                    "query",
                    err.offset,
                    format!("bad metrics query: {}", err.message),
                    "write `rate(name{label=\"v\"})`, `ratio(errors{code=~\"5..\"}, total)` \
                     or a plain `name{labels}` (summed)",
                );
                return None;
            }
        };
        Some(Arc::new(MetricsSettings { url: url?, query }))
    }
}

#[derive(Debug, Clone)]
pub struct MetricsSettings {
    /// The `/metrics` page.
    pub url: SecretText,
    pub query: MetricsQuery,
}

impl KindSettings for MetricsSettings {
    fn target(&self) -> String {
        self.url.redacted()
    }

    fn secret_parts(&self) -> Vec<String> {
        self.url.secret_parts()
    }

    fn poller(&self, spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(MetricsProbe::new(self, spec.timeout))
    }

    /// A ratio reads as a percentage and a rate per second, unless the probe says otherwise.
    fn headline(&self, unit: Option<ValueUnit>) -> Headline {
        let implied = if self.query.is_ratio() {
            Some(ValueUnit::Percent)
        } else if self.query.needs_two_scrapes() {
            Some(ValueUnit::PerSecond)
        } else {
            None
        };
        Headline {
            output: "value",
            unit: unit.or(implied),
        }
    }

    fn needs_two_polls(&self) -> bool {
        self.query.needs_two_scrapes()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Counter values of the matching series at one scrape, by series key.
type Counters = HashMap<String, f64>;

struct Scrape {
    at: Instant,
    a: Counters,
    b: Counters,
}

pub struct MetricsProbe {
    client: Result<reqwest::Client, String>,
    url: SecretText,
    query: MetricsQuery,
    previous: Option<Scrape>,
}

impl MetricsProbe {
    pub fn new(settings: &MetricsSettings, timeout: Duration) -> MetricsProbe {
        MetricsProbe {
            client: client(None, false, timeout),
            url: settings.url.clone(),
            query: settings.query.clone(),
            previous: None,
        }
    }

    async fn poll_once(&mut self) -> PollResult {
        let client = self.client.as_ref().map_err(Failure::cannot_judge)?;
        let started = Instant::now();
        let response = client
            .get(self.url.expose())
            .send()
            .await
            .map_err(|e| Failure::no_answer(describe_reqwest(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(Failure::cannot_judge(format!(
                "HTTP {status} from the metrics page"
            )));
        }
        let body = read_bounded(response, MAX_PAGE).await.map_err(|e| {
            Failure::no_answer(format!("reading the page: {}", describe_reqwest(&e)))
        })?;
        let at = Instant::now();
        let latency = started.elapsed().as_secs_f64() * 1000.0;
        let page = parse_page(&String::from_utf8_lossy(&body.bytes));
        if page.samples.is_empty() {
            return Err(Failure::cannot_judge(match page.first_error {
                Some((line, why)) => format!("not a Prometheus text page (line {line}: {why})"),
                None => "no data: the metrics page is empty".into(),
            }));
        }
        let mut out = Outputs::answered_in(latency);
        let value = self.evaluate(&page.samples, at)?;
        out.number("value", value);
        Ok(out)
    }

    fn evaluate(&mut self, samples: &[MetricSample], at: Instant) -> Result<f64, Failure> {
        let (a_sel, b_sel) = match &self.query {
            MetricsQuery::Sum(sel) => {
                let matching: Vec<f64> = samples
                    .iter()
                    .filter(|s| sel.matches(s))
                    .map(|s| s.value)
                    .collect();
                if matching.is_empty() {
                    return Err(Failure::cannot_judge(format!(
                        "no data: no series matches `{sel}`"
                    )));
                }
                return Ok(matching.iter().sum());
            }
            MetricsQuery::Rate(sel) => (sel, None),
            MetricsQuery::Ratio(a, b) => (a, Some(b)),
        };
        let scrape = Scrape {
            at,
            a: counters(samples, a_sel),
            b: b_sel.map(|b| counters(samples, b)).unwrap_or_default(),
        };
        let Some(previous) = self.previous.replace(scrape) else {
            return Err(Failure::cannot_judge("warming up (need two scrapes)"));
        };
        let Some(current) = &self.previous else {
            return Err(Failure::cannot_judge("warming up (need two scrapes)"));
        };
        let seconds = current.at.duration_since(previous.at).as_secs_f64();
        if seconds <= 0.0 {
            return Err(Failure::cannot_judge("warming up (need two scrapes)"));
        }
        match b_sel {
            None => {
                if current.a.is_empty() && previous.a.is_empty() {
                    return Err(Failure::cannot_judge(format!(
                        "no data: no series matches `{a_sel}`"
                    )));
                }
                Ok(increase(&previous.a, &current.a) / seconds)
            }
            Some(b) => {
                if current.b.is_empty() && previous.b.is_empty() {
                    return Err(Failure::cannot_judge(format!(
                        "no data: no series matches `{b}`"
                    )));
                }
                let denominator = increase(&previous.b, &current.b);
                if denominator <= 0.0 {
                    return Err(Failure::cannot_judge(format!(
                        "no data: `{b}` did not increase between scrapes (no traffic)"
                    )));
                }
                Ok(increase(&previous.a, &current.a) / denominator)
            }
        }
    }
}

impl Poller for MetricsProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}

fn counters(samples: &[MetricSample], selector: &Selector) -> Counters {
    samples
        .iter()
        .filter(|s| selector.matches(s) && s.value.is_finite())
        .map(|s| (s.series_key(), s.value))
        .collect()
}

/// Sum of counter increases; a series that went down (reset) or is new counts from zero.
fn increase(before: &Counters, after: &Counters) -> f64 {
    after
        .iter()
        .map(|(key, now)| match before.get(key) {
            Some(then) if now >= then => now - then,
            _ => *now,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(query: &str) -> MetricsProbe {
        MetricsProbe {
            client: Err("unused".into()),
            url: SecretText::new("http://x/metrics"),
            query: MetricsQuery::parse(query).unwrap(),
            previous: None,
        }
    }

    fn page(text: &str) -> Vec<MetricSample> {
        parse_page(text).samples
    }

    #[test]
    fn ratio_between_scrapes_survives_resets() {
        let mut p = probe(r#"ratio(req_total{code=~"5.."}, req_total)"#);
        let t0 = Instant::now();
        let first = page("req_total{code=\"200\"} 100\nreq_total{code=\"500\"} 10\n");
        let err = p.evaluate(&first, t0).unwrap_err();
        assert!(err.reason.contains("warming up"));
        let second = page(
            "req_total{code=\"200\"} 190\nreq_total{code=\"500\"} 20\nreq_total{code=\"503\"} 5\n",
        );
        let v = p.evaluate(&second, t0 + Duration::from_secs(1)).unwrap();
        // errors: +10 (500) +5 (503, new); total: +90 +10 +5
        assert!((v - 15.0 / 105.0).abs() < 1e-12, "{v}");
        // the process restarted: counters start again near zero
        let third = page("req_total{code=\"200\"} 8\nreq_total{code=\"500\"} 2\n");
        let v = p.evaluate(&third, t0 + Duration::from_secs(2)).unwrap();
        assert!((v - 0.2).abs() < 1e-12, "{v}");
        // no traffic: the ratio has no denominator
        let err = p.evaluate(&third, t0 + Duration::from_secs(3)).unwrap_err();
        assert!(err.reason.starts_with("no data"), "{}", err.reason);
    }

    #[test]
    fn rate_is_per_second() {
        let mut p = probe("rate(jobs_total)");
        let t0 = Instant::now();
        let _ = p.evaluate(&page("jobs_total 10\n"), t0);
        let v = p
            .evaluate(&page("jobs_total 30\n"), t0 + Duration::from_secs(4))
            .unwrap();
        assert_eq!(v, 5.0);
    }

    #[test]
    fn plain_sum_needs_one_scrape() {
        let mut p = probe(r#"queue_depth{queue!="dead"}"#);
        let samples = page(
            "queue_depth{queue=\"a\"} 3\nqueue_depth{queue=\"b\"} 4\nqueue_depth{queue=\"dead\"} 100\n",
        );
        assert_eq!(p.evaluate(&samples, Instant::now()).unwrap(), 7.0);
        let err = probe("nothing_here")
            .evaluate(&samples, Instant::now())
            .unwrap_err();
        assert!(err.reason.starts_with("no data"));
    }
}
