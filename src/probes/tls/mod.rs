//! The `tls` kind: handshakes with `host:port` (SNI `server_name`, extra roots from `ca_file`,
//! STARTTLS for PostgreSQL or SMTP) and reads the leaf certificate. Outputs `days_left`,
//! `not_after`, `subject`, `issuer`, `sans`, `hostname_ok`, `chain_ok`, `chain_error`,
//! `latency`. Without conditions an expired, untrusted or misnamed certificate is CRIT with the
//! reason; a refused connection or a failed handshake is CRIT too.

mod cert;
mod starttls;

pub use starttls::StartTls;

use crate::config::{Headline, KindSettings, Poller, ProbeKind, ProbeSpec, TableReader};
use crate::model::{
    Failure, OutputSpec, OutputType, Outputs, PollResult, ProbeState, Value, ValueUnit,
};
use futures_util::future::BoxFuture;
use rustls::pki_types::ServerName;
use std::any::Any;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new(
        "days_left",
        OutputType::Number(Some(ValueUnit::Days)),
        "days until notAfter (fractional; negative once expired)",
    ),
    OutputSpec::new("not_after", OutputType::Text, "notAfter, RFC 3339"),
    OutputSpec::new("subject", OutputType::Text, "the leaf's subject"),
    OutputSpec::new("issuer", OutputType::Text, "the leaf's issuer"),
    OutputSpec::new(
        "sans",
        OutputType::Text,
        "subject alternative names, comma-separated",
    ),
    OutputSpec::new(
        "hostname_ok",
        OutputType::Bool,
        "the certificate names the host (or server_name)",
    ),
    OutputSpec::new(
        "chain_ok",
        OutputType::Bool,
        "the chain leads to a trusted root and is in date",
    ),
    OutputSpec::new(
        "chain_error",
        OutputType::Text,
        "why the chain is not trusted",
    ),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "connect, STARTTLS and handshake",
    ),
];

/// The `tls` kind in the registry.
pub struct Tls;

impl ProbeKind for Tls {
    fn name(&self) -> &'static str {
        "tls"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["host", "port", "server_name", "ca_file", "starttls"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let host = r.required("host", "host = \"api.example.com\"");
        let port = if r.has("port") {
            r.integer("port", 1..=65535)
                .and_then(|p| u16::try_from(p).ok())
        } else {
            Some(443)
        };
        let server_name = r.optional_str("server_name");
        let shown = server_name.clone().or_else(|| host.clone());
        if let Some(name) = &shown
            && ServerName::try_from(name.clone()).is_err()
        {
            let key = if server_name.is_some() {
                "server_name"
            } else {
                "host"
            };
            r.fail(
                key,
                format!("`{name}` is not a host name or an IP address"),
                "write the name the certificate should carry: server_name = \"api.example.com\"",
            );
        }
        let ca_file = r.ca_file();
        let starttls = r.optional_str("starttls").and_then(|text| {
            let parsed = StartTls::parse(&text);
            if parsed.is_none() {
                r.fail(
                    "starttls",
                    format!("unknown STARTTLS protocol `{text}`"),
                    "starttls is \"postgres\" or \"smtp\"",
                );
            }
            parsed
        });
        Some(Arc::new(TlsSettings {
            host: host?,
            port: port?,
            server_name,
            ca_file,
            starttls,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct TlsSettings {
    pub host: String,
    pub port: u16,
    /// The name sent as SNI and checked against the certificate (default: `host`).
    pub server_name: Option<String>,
    /// A PEM bundle trusted on top of the system roots.
    pub ca_file: Option<PathBuf>,
    pub starttls: Option<StartTls>,
}

impl TlsSettings {
    fn name(&self) -> &str {
        self.server_name.as_deref().unwrap_or(&self.host)
    }
}

impl KindSettings for TlsSettings {
    fn target(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let mut text = format!("{host}:{}", self.port);
        if let Some(name) = &self.server_name {
            text.push_str(&format!(" (as {name})"));
        }
        if let Some(s) = self.starttls {
            text.push_str(&format!(" STARTTLS {s:?}").to_lowercase());
        }
        text
    }

    fn secret_parts(&self) -> Vec<String> {
        Vec::new()
    }

    fn poller(&self, _spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(TlsProbe {
            settings: self.clone(),
            roots: None,
        })
    }

    fn headline(&self, _unit: Option<ValueUnit>) -> Headline {
        Headline {
            output: "days_left",
            unit: Some(ValueUnit::Days),
        }
    }

    fn sparkline(&self) -> &'static str {
        "latency"
    }

    fn default_state(&self, outputs: &BTreeMap<String, Value>) -> Option<(ProbeState, String)> {
        let text = |name: &str| outputs.get(name).map(Value::to_string).unwrap_or_default();
        let days = outputs.get("days_left").and_then(Value::as_f64);
        if days.is_some_and(|d| d <= 0.0) {
            return Some((
                ProbeState::Crit,
                format!("certificate expired {}", text("not_after")),
            ));
        }
        if outputs.get("chain_ok") == Some(&Value::Bool(false)) {
            return Some((
                ProbeState::Crit,
                format!("certificate not trusted: {}", text("chain_error")),
            ));
        }
        if outputs.get("hostname_ok") == Some(&Value::Bool(false)) {
            let sans = text("sans");
            return Some((
                ProbeState::Crit,
                format!(
                    "certificate is not valid for {} (it names {sans})",
                    self.name()
                ),
            ));
        }
        None
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct TlsProbe {
    settings: TlsSettings,
    /// Built on the first poll that can read them, then kept.
    roots: Option<Arc<rustls::RootCertStore>>,
}

impl TlsProbe {
    async fn poll_once(&mut self) -> PollResult {
        let roots = match &self.roots {
            Some(roots) => roots.clone(),
            None => {
                let roots =
                    cert::roots(self.settings.ca_file.as_deref()).map_err(Failure::cannot_judge)?;
                self.roots = Some(roots.clone());
                roots
            }
        };
        let s = &self.settings;
        super::web::ensure_crypto_provider();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let name = ServerName::try_from(s.name().to_string())
            .map_err(|e| Failure::cannot_judge(format!("bad server name `{}`: {e}", s.name())))?;
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Failure::cannot_judge(format!("cannot set up TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(cert::AcceptAndJudgeLater {
                provider: provider.clone(),
            }))
            .with_no_client_auth();

        let started = Instant::now();
        let (mut stream, _) = super::tcp::connect(&s.host, s.port).await?;
        if let Some(protocol) = s.starttls {
            protocol.negotiate(&mut stream).await?;
        }
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tls = connector
            .connect(name.clone(), stream)
            .await
            .map_err(|e| Failure::no_answer(format!("TLS handshake failed: {e}")))?;
        let latency = started.elapsed().as_secs_f64() * 1000.0;
        let (_, conn) = tls.get_ref();
        let chain = conn.peer_certificates().unwrap_or_default().to_vec();
        let mut out = Outputs::answered_in(latency);
        cert::judge(&mut out, &chain, &name, roots, provider).map_err(Failure::cannot_judge)?;
        Ok(out)
    }
}

impl Poller for TlsProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }
}
