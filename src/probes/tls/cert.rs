//! What a leaf certificate says and whether it is to be trusted: its fields read with
//! `x509-parser`, its chain checked against the roots (the system's, plus a `ca_file`), and its
//! names against the host — each answer kept apart, so an expired, untrusted or misnamed
//! certificate still shows everything it says.

use crate::model::{Outputs, Value};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use x509_parser::extensions::GeneralName;

/// The system's root certificates, loaded once for every tls probe.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// The trust anchors: the system's, plus those of `ca_file`.
pub(super) fn roots(ca_file: Option<&Path>) -> Result<Arc<RootCertStore>, String> {
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(system_roots().iter().cloned());
    if let Some(path) = ca_file {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .and_then(|iter| iter.collect())
            .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "CA file {} holds no PEM certificate",
                path.display()
            ));
        }
        store.add_parsable_certificates(certs);
    }
    Ok(Arc::new(store))
}

/// Accepts any certificate during the handshake (its signatures still checked), so the probe
/// can read what the server presents and judge it afterwards, naming what is wrong.
#[derive(Debug)]
pub(super) struct AcceptAndJudgeLater {
    pub provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAndJudgeLater {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Reads the leaf's fields and judges the chain and the name into `out`.
pub(super) fn judge(
    out: &mut Outputs,
    chain: &[CertificateDer<'_>],
    name: &ServerName<'_>,
    roots: Arc<RootCertStore>,
    provider: Arc<CryptoProvider>,
) -> Result<(), String> {
    let leaf = chain.first().ok_or("the server sent no certificate")?;
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.as_ref())
        .map_err(|e| format!("the server's certificate does not parse: {e}"))?;
    let not_after = cert.validity().not_after.timestamp();
    let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
    out.number("days_left", (not_after as f64 - now) / 86_400.0);
    if let Some(at) = chrono::DateTime::from_timestamp(not_after, 0) {
        out.set("not_after", Value::Text(at.to_rfc3339()));
    }
    out.set("subject", Value::Text(cert.subject().to_string()));
    out.set("issuer", Value::Text(cert.issuer().to_string()));
    out.set("sans", Value::Text(sans(&cert).join(", ")));

    let parsed = rustls::server::ParsedCertificate::try_from(leaf)
        .map_err(|e| format!("the server's certificate does not parse: {e}"))?;
    let hostname_ok = rustls::client::verify_server_name(&parsed, name).is_ok();
    out.set("hostname_ok", Value::Bool(hostname_ok));

    let verifier = WebPkiServerVerifier::builder_with_provider(roots, provider)
        .build()
        .map_err(|e| format!("cannot check the chain: {e}"))?;
    let verdict = verifier.verify_server_cert(leaf, &chain[1..], name, &[], UnixTime::now());
    match verdict {
        Ok(_) => out.set("chain_ok", Value::Bool(true)),
        // the name is judged on its own above; the chain itself is sound
        Err(Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => out.set("chain_ok", Value::Bool(true)),
        Err(e) => {
            out.set("chain_ok", Value::Bool(false));
            out.set("chain_error", Value::Text(chain_error(&e)));
        }
    }
    Ok(())
}

fn sans(cert: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ext)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    ext.value
        .general_names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DNSName(d) => Some(d.to_string()),
            GeneralName::IPAddress(b) => match b.len() {
                4 => <[u8; 4]>::try_from(*b)
                    .ok()
                    .map(|a| std::net::Ipv4Addr::from(a).to_string()),
                16 => <[u8; 16]>::try_from(*b)
                    .ok()
                    .map(|a| std::net::Ipv6Addr::from(a).to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Short words for the usual chain failures.
fn chain_error(e: &Error) -> String {
    match e {
        Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "expired".into(),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "not valid yet".into()
            }
            CertificateError::UnknownIssuer => "unknown issuer (not signed by a trusted CA)".into(),
            CertificateError::BadSignature => "bad signature".into(),
            CertificateError::Revoked => "revoked".into(),
            other => format!("{other:?}"),
        },
        other => other.to_string(),
    }
}
