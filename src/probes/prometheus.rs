//! The `prometheus` kind: an instant query through `GET {url}/api/v1/query`. `value` is the scalar
//! or the single sample; with several samples `value` is the first (by label set) and each is also
//! an output named by its labels (`value{code="500"}`), with `series` their count. An empty result
//! or NaN is "no data"; a failed query shows Prometheus's own error text.

use super::metrics::text::parse_value;
use super::web::{client, describe_reqwest, read_bounded};
use crate::config::{KindSettings, Poller, ProbeKind, ProbeSpec, SecretText, TableReader};
use crate::model::{Failure, OutputSpec, OutputType, Outputs, PollResult, Value, ValueUnit};
use futures_util::future::BoxFuture;
use serde_json::Value as Json;
use std::any::Any;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Outputs per series are kept for at most this many series.
const MAX_SERIES_OUTPUTS: usize = 20;
const MAX_ANSWER: u64 = 4 * 1024 * 1024;

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "value",
        OutputType::Any,
        "the scalar, or the first series' value",
    ),
    OutputSpec::new(
        "series",
        OutputType::Number(None),
        "series in a vector result",
    ),
    OutputSpec::new(
        "labels",
        OutputType::Text,
        "label set of the first series (several series)",
    ),
    OutputSpec::new(
        "value{*",
        OutputType::Number(None),
        "one series' value, by labels",
    ),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "the query's round trip",
    ),
];

/// The `prometheus` kind in the registry.
pub struct Prometheus;

impl ProbeKind for Prometheus {
    fn name(&self) -> &'static str {
        "prometheus"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["url", "query"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let url = r.url("url = \"http://prometheus:9090\"");
        if let Some(u) = &url {
            r.check_scheme(
                u,
                &["http", "https"],
                "use the server's http:// or https:// base URL",
            );
        }
        let query = r.required("query", "query = 'up{job=\"api\"}'");
        Some(Arc::new(PrometheusSettings {
            url: url?,
            query: query?,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct PrometheusSettings {
    /// The server's base URL (`http://prometheus:9090`).
    pub url: SecretText,
    /// An instant PromQL query.
    pub query: String,
}

impl KindSettings for PrometheusSettings {
    fn target(&self) -> String {
        self.url.redacted()
    }

    fn secret_parts(&self) -> Vec<String> {
        self.url.secret_parts()
    }

    fn poller(&self, spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(PrometheusProbe::new(self, spec.timeout))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct PrometheusProbe {
    client: Result<reqwest::Client, String>,
    url: SecretText,
    query: String,
}

impl PrometheusProbe {
    pub fn new(settings: &PrometheusSettings, timeout: Duration) -> PrometheusProbe {
        PrometheusProbe {
            client: client(None, false, timeout),
            url: settings.url.clone(),
            query: settings.query.clone(),
        }
    }

    async fn poll_once(&mut self) -> PollResult {
        let client = self.client.as_ref().map_err(Failure::cannot_judge)?;
        let base = self.url.expose().trim_end_matches('/');
        let mut url = url::Url::parse(&format!("{base}/api/v1/query")).map_err(|e| {
            Failure::cannot_judge(format!("bad Prometheus URL {}: {e}", self.url.redacted()))
        })?;
        url.query_pairs_mut().append_pair("query", &self.query);
        let started = Instant::now();
        let response = client
            .get(url)
            .send()
            .await
            .map_err(|e| Failure::no_answer(describe_reqwest(&e)))?;
        let status = response.status();
        let body = read_bounded(response, MAX_ANSWER).await.map_err(|e| {
            Failure::no_answer(format!("reading the answer: {}", describe_reqwest(&e)))
        })?;
        let latency = started.elapsed().as_secs_f64() * 1000.0;
        let json: Json = match serde_json::from_slice(&body.bytes) {
            Ok(j) => j,
            Err(_) => {
                let text = String::from_utf8_lossy(&body.bytes);
                let head: String = text.trim().chars().take(200).collect();
                return Err(Failure::cannot_judge(if status.is_success() {
                    format!("the answer is not Prometheus JSON: {head}")
                } else {
                    format!("HTTP {status}: {head}")
                }));
            }
        };
        if json["status"] != "success" {
            let kind = json["errorType"].as_str().unwrap_or("error");
            let message = json["error"].as_str().unwrap_or("no error text");
            return Err(Failure::cannot_judge(format!(
                "Prometheus {kind} (HTTP {}): {message}",
                status.as_u16()
            )));
        }
        let mut out = Outputs::answered_in(latency);
        read_result(&json["data"], &mut out).map_err(Failure::cannot_judge)?;
        Ok(out)
    }
}

impl Poller for PrometheusProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}

/// Fills `value` (and per-series outputs) from `data`.
fn read_result(data: &Json, out: &mut Outputs) -> Result<(), String> {
    match data["resultType"].as_str() {
        Some("scalar") => {
            let v = sample_value(&data["result"])?;
            out.number("value", v);
            Ok(())
        }
        Some("string") => {
            let text = data["result"][1].as_str().unwrap_or_default().to_string();
            out.set("value", Value::Text(text));
            Ok(())
        }
        Some("vector") => {
            let empty = Vec::new();
            let items = data["result"].as_array().unwrap_or(&empty);
            let mut series: Vec<(String, f64)> = items
                .iter()
                .map(|item| Ok((label_set(&item["metric"]), sample_value(&item["value"])?)))
                .collect::<Result<_, String>>()?;
            series.sort_by(|a, b| a.0.cmp(&b.0));
            let Some((first_labels, first)) = series.first().cloned() else {
                return Err("no data: the query returned no series".into());
            };
            out.number("series", series.len() as f64);
            if series.len() > 1 {
                out.set("labels", Value::Text(first_labels));
                for (labels, v) in series.iter().take(MAX_SERIES_OUTPUTS) {
                    out.number(&format!("value{labels}"), *v);
                }
            }
            out.number("value", first);
            Ok(())
        }
        Some("matrix") => Err(
            "the query returns a range vector; probes need an instant value (drop the `[5m]`, or \
             wrap it in rate(…))"
                .into(),
        ),
        other => Err(format!("unexpected result type {other:?}")),
    }
}

/// `[ts, "1.5"]` → 1.5; NaN is "no data".
fn sample_value(pair: &Json) -> Result<f64, String> {
    let text = pair[1]
        .as_str()
        .ok_or_else(|| "a sample without a value".to_string())?;
    let v = parse_value(text)?;
    if v.is_nan() {
        return Err("no data: the value is NaN (no traffic in the window?)".into());
    }
    Ok(v)
}

/// `{code="500",job="api"}` (sorted, without `__name__`), or `{}`.
fn label_set(metric: &Json) -> String {
    let mut labels: Vec<(String, String)> = metric
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "__name__")
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    labels.sort();
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results() {
        let mut out = Outputs::default();
        read_result(
            &json!({"resultType": "scalar", "result": [1.0, "0.25"]}),
            &mut out,
        )
        .unwrap();
        assert_eq!(out.values["value"], Value::Number(0.25));

        let mut out = Outputs::default();
        let data = json!({"resultType": "vector", "result": [
            {"metric": {"code": "503", "__name__": "x"}, "value": [1.0, "2"]},
            {"metric": {"code": "500"}, "value": [1.0, "+Inf"]}
        ]});
        read_result(&data, &mut out).unwrap();
        assert_eq!(out.values["series"], Value::Number(2.0));
        assert_eq!(out.values["value"], Value::Number(f64::INFINITY));
        assert_eq!(out.values["value{code=\"503\"}"], Value::Number(2.0));

        let mut out = Outputs::default();
        let empty = json!({"resultType": "vector", "result": []});
        assert!(
            read_result(&empty, &mut out)
                .unwrap_err()
                .starts_with("no data")
        );
        let nan = json!({"resultType": "vector", "result": [{"metric": {}, "value": [1, "NaN"]}]});
        assert!(
            read_result(&nan, &mut out)
                .unwrap_err()
                .starts_with("no data")
        );
    }
}
