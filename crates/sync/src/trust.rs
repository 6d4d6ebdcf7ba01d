//! Whom a till trusts as head office. A head office with a private certificate authority (made by
//! `kassa-hq tls init`) is trusted by the authority's fingerprint, carried in the enrollment code,
//! so the first request is already checked; one with a public certificate is checked against the
//! system's roots (never pinned to a leaf that renews). Plain `http://` is refused except to this
//! machine itself, where nothing crosses a network.

use crate::error::SyncError;
use kassa_protocol::CertPin;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// What the reason text of a refused handshake starts with, so the error can say so.
const NOT_OUR_HEAD_OFFICE: &str = "not the head office this till was enrolled with";

/// The one crypto provider of the till: ring, as for head office.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Refuses `http://` to anything but a loopback address; a scheme other than http(s) is refused.
pub fn check_address(base: &str) -> Result<(), SyncError> {
    let url = reqwest::Url::parse(base).map_err(|e| {
        SyncError::Invalid(format!("head office address {base:?} is not a URL: {e}"))
    })?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        "http" => Err(SyncError::Invalid(format!(
            "head office address {base:?} is plain http: use https:// (plain http is only for a \
             head office on this machine)"
        ))),
        _ => Err(SyncError::Invalid(format!(
            "head office address {base:?} must start with https://"
        ))),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The TLS settings for talking to head office: trust the pinned authority only, or the system's
/// roots when there is no pin.
pub fn client_config(pin: Option<CertPin>) -> Result<rustls::ClientConfig, SyncError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Invalid(format!("TLS settings: {e}")))?;
    let config = match pin {
        Some(pin) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedAuthority { pin, provider }))
            .with_no_client_auth(),
        None => {
            let mut roots = RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok(config)
}

/// Accepts head office's chain only when it contains the pinned certificate and the chain verifies
/// up to it as an ordinary web PKI chain (names, dates, signatures), with the pinned certificate
/// as the only root.
#[derive(Debug)]
struct PinnedAuthority {
    pin: CertPin,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedAuthority {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let anchor = std::iter::once(end_entity)
            .chain(intermediates)
            .find(|cert| CertPin::of_der(cert) == self.pin)
            .ok_or_else(|| rustls::Error::General(NOT_OUR_HEAD_OFFICE.into()))?;
        if anchor == end_entity {
            // The pin names head office's own certificate (a self-signed one): these exact bytes.
            return Ok(ServerCertVerified::assertion());
        }
        let mut roots = RootCertStore::empty();
        roots.add(anchor.clone().into_owned())?;
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone())
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?;
        verifier.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
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
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
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

/// The certificate problem behind a failed request, if that is why it failed: reqwest wraps it
/// in connector and I/O errors, and an I/O error hides its inner error from `source()`, so I/O
/// errors are opened by hand.
pub fn certificate_problem(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(error);
    while let Some(err) = next {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(describe(tls));
        }
        next = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

fn describe(error: &rustls::Error) -> String {
    match error {
        rustls::Error::General(text) if text == NOT_OUR_HEAD_OFFICE => format!(
            "this server's certificate is {NOT_OUR_HEAD_OFFICE} (its fingerprint differs from \
             the one in the enrollment code)"
        ),
        rustls::Error::InvalidCertificate(why) => {
            format!("head office's certificate is not trusted: {why:?}")
        }
        other => format!("the secure connection to head office failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        for fine in [
            "https://hq.example.com",
            "https://10.0.0.5:8750",
            "http://127.0.0.1:8750",
            "http://127.8.9.10",
            "http://localhost:8750",
            "http://[::1]:8750",
        ] {
            assert!(check_address(fine).is_ok(), "{fine}");
        }
        for refused in [
            "http://hq.example.com",
            "http://10.0.0.5:8750",
            "http://192.168.1.10",
            "http://localhost.example.com",
            "http://[::2]:8750",
            "ftp://127.0.0.1",
            "hq.example.com",
        ] {
            let error = check_address(refused).unwrap_err();
            assert!(matches!(error, SyncError::Invalid(_)), "{refused}: {error}");
        }
    }
}
