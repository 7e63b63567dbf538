//! The `http` probe: one request; outputs `status`, `latency` (ms), `body` (JSON when it parses,
//! else text; read up to `max_body` bytes), `header.NAME` (lower-case names).

use super::web::{client, describe_reqwest, read_bounded};
use super::{Failure, Outputs, PollResult};
use crate::condition::Value;
use crate::config::{HttpSettings, SecretText};
use crate::redact::is_secret_name;
use std::time::{Duration, Instant};

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

    pub(crate) async fn poll(&mut self) -> PollResult {
        let client = self.client.as_ref().map_err(Failure::new)?;
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
            .map_err(|e| Failure::new(describe_reqwest(&e)))?;
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
        let body = read_bounded(response, self.max_body)
            .await
            .map_err(|e| Failure::new(format!("reading the body: {}", describe_reqwest(&e))))?;
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
