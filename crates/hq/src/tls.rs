//! Head office's side of TLS: the server settings from a certificate and key file, and
//! `kassa-hq tls init`, which makes a private certificate authority and a server certificate for
//! a chain without a public certificate. Tills trust such a head office by the authority's
//! fingerprint, carried in every enrollment code ([`private_ca_pin`]).

use crate::HqError;
use kassa_protocol::CertPin;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where `tls init` keeps its files, inside head office's data directory.
pub fn tls_dir(data: &Path) -> PathBuf {
    data.join("tls")
}

/// The files `tls init` writes.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// The authority's certificate: its fingerprint is what tills trust.
    pub ca_cert: PathBuf,
    /// The authority's key: only for issuing the next server certificate; keep it offline.
    pub ca_key: PathBuf,
    /// The server's certificate followed by the authority's (what `serve --tls-cert` takes).
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    pub fn in_dir(dir: &Path) -> TlsFiles {
        TlsFiles {
            ca_cert: dir.join("ca.pem"),
            ca_key: dir.join("ca-key.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }
}

/// How long what `tls init` makes is valid: the authority for twenty years (tills are pinned to
/// it), the server certificate for two (a new one from the same authority changes no till).
const CA_YEARS: i32 = 20;
const SERVER_YEARS: i32 = 2;

/// Makes a private authority and a server certificate for `names` (host names or IP addresses)
/// in `dir`, and returns the authority's fingerprint. Refuses to replace an existing authority:
/// every enrolled till trusts it and would stop syncing.
pub fn init_private_ca(dir: &Path, names: &[String]) -> Result<(TlsFiles, CertPin), HqError> {
    if names.is_empty() {
        return Err(HqError::BadRequest(
            "give at least one name (host name or IP address) for head office".into(),
        ));
    }
    let files = TlsFiles::in_dir(dir);
    if files.ca_cert.exists() {
        return Err(HqError::Conflict(format!(
            "{} exists: head office already has an authority, and enrolled tills trust it",
            files.ca_cert.display()
        )));
    }
    let failed = |e: rcgen::Error| HqError::Io(format!("cannot make the certificate: {e}"));
    let today = chrono::Utc::now().date_naive();
    let date = |years: i32| {
        use chrono::Datelike;
        rcgen::date_time_ymd(
            today.year() + years,
            today.month() as u8,
            today.day().min(28) as u8,
        )
    };

    let ca_key = KeyPair::generate().map_err(failed)?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name = name("Kassa head office authority");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = date(0);
    ca.not_after = date(CA_YEARS);
    let ca_cert = ca.self_signed(&ca_key).map_err(failed)?;

    let server_key = KeyPair::generate().map_err(failed)?;
    let mut server = CertificateParams::new(names.to_vec()).map_err(|e| {
        HqError::BadRequest(format!("{names:?} are not host names or addresses: {e}"))
    })?;
    server.distinguished_name = name(&names[0]);
    server.is_ca = IsCa::NoCa;
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.not_before = date(0);
    server.not_after = date(SERVER_YEARS);
    let server_cert = server
        .signed_by(&server_key, &ca_cert, &ca_key)
        .map_err(failed)?;

    std::fs::create_dir_all(dir)
        .map_err(|e| HqError::Io(format!("cannot create {}: {e}", dir.display())))?;
    write_file(&files.ca_key, &ca_key.serialize_pem(), true)?;
    write_file(&files.key, &server_key.serialize_pem(), true)?;
    write_file(
        &files.cert,
        &format!("{}{}", server_cert.pem(), ca_cert.pem()),
        false,
    )?;
    // The authority's certificate last: its presence is what says the set is complete.
    write_file(&files.ca_cert, &ca_cert.pem(), false)?;
    Ok((files, CertPin::of_der(ca_cert.der())))
}

fn name(common: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common);
    name
}

fn write_file(path: &Path, text: &str, secret: bool) -> Result<(), HqError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options
        .open(path)
        .map_err(|e| HqError::Io(format!("cannot write {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| HqError::Io(format!("cannot write {}: {e}", path.display())))
}

/// The fingerprint of head office's private authority (made by `tls init`), if it has one.
pub fn private_ca_pin(data: &Path) -> Result<Option<CertPin>, HqError> {
    let path = TlsFiles::in_dir(&tls_dir(data)).ca_cert;
    if !path.exists() {
        return Ok(None);
    }
    let cert = CertificateDer::from_pem_file(&path)
        .map_err(|e| HqError::Corrupt(format!("{}: {e}", path.display())))?;
    Ok(Some(CertPin::of_der(&cert)))
}

/// The server's TLS settings from a PEM certificate chain and key, on ring (the one crypto
/// provider of the whole chain of crates).
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, HqError> {
    let unreadable = |path: &Path, e: &dyn std::fmt::Display| {
        HqError::BadRequest(format!("cannot read {}: {e}", path.display()))
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| unreadable(cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unreadable(cert, &e))?;
    if chain.is_empty() {
        return Err(HqError::BadRequest(format!(
            "{} holds no certificate",
            cert.display()
        )));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| unreadable(key, &e))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| HqError::Io(format!("TLS settings: {e}")))?
    .with_no_client_auth()
    .with_single_cert(chain, key_der)
    .map_err(|e| {
        HqError::BadRequest(format!(
            "{} and {} do not make a server certificate: {e}",
            cert.display(),
            key.display()
        ))
    })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_a_usable_set_once_and_its_pin_is_the_authority() {
        let dir = tempfile::tempdir().unwrap();
        let tls = tls_dir(dir.path());
        assert_eq!(private_ca_pin(dir.path()).unwrap(), None);
        let (files, pin) =
            init_private_ca(&tls, &["localhost".into(), "127.0.0.1".into()]).unwrap();
        assert_eq!(private_ca_pin(dir.path()).unwrap(), Some(pin));
        server_config(&files.cert, &files.key).unwrap();
        // The chain file carries the authority, so a till can find what it pinned.
        let chain: Vec<_> = CertificateDer::pem_file_iter(&files.cert)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(chain.len(), 2);
        assert_eq!(CertPin::of_der(&chain[1]), pin);
        assert_ne!(CertPin::of_der(&chain[0]), pin);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.ca_key)
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the authority's key is readable by others");
        }
        let again = init_private_ca(&tls, &["localhost".into()]).unwrap_err();
        assert!(matches!(again, HqError::Conflict(_)), "{again}");
        assert_eq!(private_ca_pin(dir.path()).unwrap(), Some(pin));
    }

    #[test]
    fn a_key_that_does_not_match_the_certificate_is_refused() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let (a, _) = init_private_ca(one.path(), &["localhost".into()]).unwrap();
        let (b, _) = init_private_ca(two.path(), &["localhost".into()]).unwrap();
        assert!(server_config(&a.cert, &b.key).is_err());
        assert!(server_config(&a.ca_key, &a.key).is_err());
        assert!(init_private_ca(&one.path().join("x"), &[]).is_err());
    }
}
