//! HTTP plumbing shared by the http, prometheus and metrics probes: one reqwest client per TLS
//! setup (shared, so 200 probes do not each load the system's root certificates), bounded body
//! reads, and short error texts.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

#[derive(Clone, PartialEq, Eq, Hash)]
struct ClientKey {
    ca_file: Option<PathBuf>,
    insecure: bool,
    connect_timeout: Duration,
}

static CLIENTS: OnceLock<Mutex<HashMap<ClientKey, reqwest::Client>>> = OnceLock::new();

/// Installs the one rustls crypto provider (aws-lc-rs) for the process; calling it again is harmless.
pub fn ensure_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// A client for this TLS setup, built once and shared.
pub fn client(
    ca_file: Option<&PathBuf>,
    insecure: bool,
    connect_timeout: Duration,
) -> Result<reqwest::Client, String> {
    let key = ClientKey {
        ca_file: ca_file.cloned(),
        insecure,
        connect_timeout,
    };
    let cache = CLIENTS.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = cache.lock()
        && let Some(c) = map.get(&key)
    {
        return Ok(c.clone());
    }
    ensure_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // idle connections die before a load balancer's idle cut-off, so reuse never hits a dead one
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(4)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("flightdeck/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("CA file {} is not a PEM bundle: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "CA file {} holds no PEM certificate",
                path.display()
            ));
        }
        builder = builder.tls_certs_merge(certs);
    }
    if insecure {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    let client = builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", describe(&e)))?;
    if let Ok(mut map) = cache.lock() {
        map.insert(key, client.clone());
    }
    Ok(client)
}

/// A body read up to `max` bytes; the rest is never read (the connection is dropped).
pub struct BoundedBody {
    pub bytes: Vec<u8>,
    pub truncated: bool,
}

pub async fn read_bounded(
    mut response: reqwest::Response,
    max: u64,
) -> Result<BoundedBody, reqwest::Error> {
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = max - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(BoundedBody {
                bytes,
                truncated: true,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(BoundedBody {
        bytes,
        truncated: false,
    })
}

/// A short, human error text from an error and its causes (`connection refused`, `dns error: …`),
/// without repeating the URL (the panel already names the target).
pub fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let text = e.to_string();
        let text = match text.find(" for url (") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    // the innermost causes say the most; keep the chain short
    let keep = parts.len().saturating_sub(3);
    let text = parts[keep..].join(": ");
    if text.to_ascii_lowercase().contains("connection refused") {
        return "connection refused".into();
    }
    text
}

/// Text for a reqwest error, naming the common cases plainly.
pub fn describe_reqwest(err: &reqwest::Error) -> String {
    let detail = describe(err);
    let lower = detail.to_ascii_lowercase();
    if lower.contains("dns error") || lower.contains("failed to lookup address") {
        return format!("DNS lookup failed: {detail}");
    }
    if err.is_timeout() {
        return format!("timed out: {detail}");
    }
    detail
}
