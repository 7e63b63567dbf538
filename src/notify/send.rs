//! One attempt at one target: the body for its kind (the document, Slack's format, or the document
//! on a command's stdin), sent within the target's timeout, and what came of it — delivered, worth
//! another try (no answer, 5xx, 408, 429), or refused for good (another 4xx, a redirect, a
//! program that cannot start). Every error text is scrubbed of the target's secrets.

use super::document::{self, Scrub};
pub use super::outcome::Outcome;
use super::slack;
use crate::config::{Destination, NotifyTarget};
use serde_json::Value;
use std::sync::OnceLock;
use std::time::Duration;

/// The longest `Retry-After` honoured.
const RETRY_AFTER_MAX: Duration = Duration::from_secs(600);
/// How much of a refusing answer's body an error quotes.
const BODY_QUOTED: usize = 200;

/// One client for every webhook: no redirects (a POST must not turn into a GET somewhere else),
/// idle connections dropped before a load balancer drops them.
fn client() -> Result<reqwest::Client, String> {
    static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            crate::probes::web::ensure_crypto_provider();
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .pool_idle_timeout(Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("flightdeck/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"))
        })
        .clone()
}

/// The bytes a target is sent for `doc`.
pub fn body(target: &NotifyTarget, doc: &Value) -> Vec<u8> {
    let text = document::text(target.template.as_ref(), doc);
    let value = match target.destination {
        Destination::Slack { .. } => slack::body(doc, &text),
        Destination::Webhook { .. } | Destination::Command { .. } => {
            document::with_text(doc, &text)
        }
    };
    value.to_string().into_bytes()
}

/// Sends `doc` to `target` once. `scrub` hides the config's secrets (the target's among them) in
/// the body and in every error text.
pub async fn attempt(target: &NotifyTarget, doc: &Value, scrub: &Scrub) -> Outcome {
    let doc = scrub.json(doc);
    let body = body(target, &doc);
    let outcome = match &target.destination {
        Destination::Webhook { url, headers } => {
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.expose()))
                .collect();
            let id = doc["id"].as_str().unwrap_or("");
            post(url.expose(), &headers, id, body, target.timeout).await
        }
        Destination::Slack { url } => post(url.expose(), &[], "", body, target.timeout).await,
        Destination::Command { argv } => super::command::attempt(argv, body, target.timeout).await,
    };
    match outcome {
        Outcome::Delivered(t) => Outcome::Delivered(scrub.text(&t)),
        Outcome::Retry(t, after) => Outcome::Retry(scrub.text(&t), after),
        Outcome::Refused(t) => Outcome::Refused(scrub.text(&t)),
    }
}

async fn post(
    url: &str,
    headers: &[(&str, &str)],
    id: &str,
    body: Vec<u8>,
    timeout: Duration,
) -> Outcome {
    let client = match client() {
        Ok(c) => c,
        Err(e) => return Outcome::Retry(e, None),
    };
    let mut request = client
        .post(url)
        .timeout(timeout)
        .header("content-type", "application/json")
        .body(body);
    if !id.is_empty() {
        // the same on every retry and every screen: a receiver can drop repeats
        request = request.header("idempotency-key", id);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => return Outcome::Retry(crate::probes::web::describe_reqwest(&e), None),
    };
    let status = response.status();
    if status.is_success() {
        return Outcome::Delivered(format!("HTTP {}", status.as_u16()));
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s).min(RETRY_AFTER_MAX));
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let said = tokio::time::timeout(Duration::from_secs(2), response.text())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let said: String = said.trim().chars().take(BODY_QUOTED).collect();
    let mut error = format!("HTTP {}", status.as_u16());
    if !said.is_empty() {
        error.push_str(&format!(": {}", said.replace(['\n', '\r'], " ")));
    }
    let code = status.as_u16();
    if status.is_server_error() || matches!(code, 408 | 425 | 429) {
        Outcome::Retry(error, retry_after)
    } else if status.is_redirection() {
        // its host only: a path can carry a token as much as ours does
        let to = location.map(|l| format!(" to {}", crate::config::WebhookUrl::new(l).redacted()));
        Outcome::Refused(format!(
            "{error} (redirected{}; point `url` at the final address)",
            to.unwrap_or_default()
        ))
    } else {
        Outcome::Refused(error)
    }
}
