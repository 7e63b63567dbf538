//! The `http` kind: one request; outputs `status`, `latency` (ms), `body` (JSON when it parses,
//! else text; read up to `max_body` bytes), `header.NAME` (lower-case names). Without an `ok`
//! condition an answer outside 2xx/3xx is CRIT.

use super::web::{client, describe_reqwest, read_bounded};
use crate::config::{
    Headline, KindSettings, Poller, ProbeKind, ProbeSpec, SecretText, TableReader,
};
use crate::model::{
    Failure, OutputSpec, OutputType, Outputs, PollResult, ProbeState, Value, ValueUnit,
};
use crate::redact::is_secret_name;
use futures_util::future::BoxFuture;
use std::any::Any;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const DEFAULT_MAX_BODY: u64 = 1024 * 1024;

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new("status", OutputType::Number(None), "the HTTP status code"),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "request to last body byte",
    ),
    OutputSpec::new(
        "body",
        OutputType::Json,
        "the body: JSON (reach in with body.a.b) or text",
    ),
    OutputSpec::new(
        "body_bytes",
        OutputType::Number(Some(ValueUnit::Bytes)),
        "bytes of body read",
    ),
    OutputSpec::new(
        "body_truncated",
        OutputType::Bool,
        "the body was longer than max_body",
    ),
    OutputSpec::new(
        "header.*",
        OutputType::Text,
        "a response header, lower-case name",
    ),
];

/// The `http` kind in the registry.
pub struct Http;

impl ProbeKind for Http {
    fn name(&self) -> &'static str {
        "http"
    }

    fn keys(&self) -> &'static [&'static str] {
        &[
            "url", "method", "headers", "body", "ca_file", "insecure", "max_body",
        ]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let url = r.url("url = \"https://api.example.com/health\"");
        if let Some(u) = &url {
            r.check_scheme(u, &["http", "https"], "use http:// or https://");
        }
        let method = match r.optional_str("method") {
            None => "GET".to_string(),
            Some(m) => {
                let upper = m.to_ascii_uppercase();
                if !METHODS.contains(&upper.as_str()) {
                    r.fail(
                        "method",
                        format!("unknown HTTP method `{m}`"),
                        "use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS",
                    );
                }
                upper
            }
        };
        let headers = r
            .string_table(
                "headers",
                "header",
                "headers = { Accept = \"application/json\" }",
            )
            .into_iter()
            .map(|(name, value)| {
                let value = HttpSettings::header_value(&name, value);
                (name, value)
            })
            .collect();
        let body = r.optional_str("body").map(SecretText::whole);
        let ca_file = r.ca_file();
        let insecure = r.bool("insecure");
        let max_body = r.size("max_body", DEFAULT_MAX_BODY);
        Some(Arc::new(HttpSettings {
            url: url?,
            method,
            headers,
            body,
            ca_file,
            insecure,
            max_body,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub url: SecretText,
    /// Upper-case method (`GET` by default).
    pub method: String,
    /// Request headers; values of secret-named headers print as `***`.
    pub headers: Vec<(String, SecretText)>,
    pub body: Option<SecretText>,
    /// Extra PEM CA bundle trusted on top of the system roots.
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate (explicit, for self-signed staging hosts).
    pub insecure: bool,
    /// Bytes of the body read at most; the rest is never read.
    pub max_body: u64,
}

impl HttpSettings {
    pub fn header_value(name: &str, value: String) -> SecretText {
        if is_secret_name(name) {
            SecretText::whole(value)
        } else {
            SecretText::new(value)
        }
    }
}

impl KindSettings for HttpSettings {
    fn target(&self) -> String {
        self.url.redacted()
    }

    fn secret_parts(&self) -> Vec<String> {
        let mut parts = self.url.secret_parts();
        for (_, value) in &self.headers {
            parts.extend(value.secret_parts());
        }
        parts
    }

    fn poller(&self, spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(HttpProbe::new(self, spec.timeout))
    }

    fn headline(&self, _unit: Option<ValueUnit>) -> Headline {
        Headline {
            output: "status",
            unit: None,
        }
    }

    fn sparkline(&self) -> &'static str {
        "latency"
    }

    fn default_state(&self, outputs: &BTreeMap<String, Value>) -> Option<(ProbeState, String)> {
        let status = outputs.get("status").and_then(Value::as_f64)?;
        (!(200.0..400.0).contains(&status)).then(|| (ProbeState::Crit, format!("HTTP {status}")))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct HttpProbe {
    client: Result<reqwest::Client, String>,
    url: SecretText,
    method: reqwest::Method,
    headers: Vec<(String, SecretText)>,
    body: Option<SecretText>,
    max_body: u64,
}

impl HttpProbe {
    pub fn new(settings: &HttpSettings, timeout: Duration) -> HttpProbe {
        HttpProbe {
            client: client(settings.ca_file.as_ref(), settings.insecure, timeout),
            url: settings.url.clone(),
            method: reqwest::Method::from_bytes(settings.method.as_bytes())
                .unwrap_or(reqwest::Method::GET),
            headers: settings.headers.clone(),
            body: settings.body.clone(),
            max_body: settings.max_body,
        }
    }

    async fn poll_once(&mut self) -> PollResult {
        let client = self.client.as_ref().map_err(Failure::cannot_judge)?;
        let mut request = client.request(self.method.clone(), self.url.expose());
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.expose());
        }
        if let Some(body) = &self.body {
            request = request.body(body.expose().to_string());
        }
        let started = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|e| Failure::no_answer(describe_reqwest(&e)))?;
        let mut out = Outputs::default();
        out.number("status", f64::from(response.status().as_u16()));
        for (name, value) in response.headers() {
            let name = name.as_str().to_ascii_lowercase();
            let shown = if is_secret_name(&name) {
                "***".to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            out.set(&format!("header.{name}"), Value::Text(shown));
        }
        let body = read_bounded(response, self.max_body).await.map_err(|e| {
            Failure::no_answer(format!("reading the body: {}", describe_reqwest(&e)))
        })?;
        let latency = started.elapsed().as_secs_f64() * 1000.0;
        out.latency_ms = Some(latency);
        out.number("latency", latency);
        out.number("body_bytes", body.bytes.len() as f64);
        if body.truncated {
            out.set("body_truncated", Value::Bool(true));
        }
        out.set("body", body_value(&body.bytes, body.truncated));
        Ok(out)
    }
}

impl Poller for HttpProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}

/// JSON when the body parses as JSON, else text (lossy UTF-8).
fn body_value(bytes: &[u8], truncated: bool) -> Value {
    if !truncated && let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) {
        return match json {
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => Value::Json(json),
            scalar => Value::from_json(&scalar),
        };
    }
    Value::Text(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert!(matches!(
            body_value(br#"{"status":"UP"}"#, false),
            Value::Json(_)
        ));
        assert_eq!(body_value(b"42", false), Value::Number(42.0));
        assert_eq!(body_value(b"OK", false), Value::Text("OK".into()));
        assert!(matches!(body_value(br#"{"a":1}"#, true), Value::Text(_)));
    }
}
