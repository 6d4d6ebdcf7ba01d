//! The code printed as a QR on every receipt, in one of two forms:
//! - `kassa:receipt:{receipt no}:{sale id}:{total}:{sig}`, signed with the store's Ed25519 key
//!   (a stand-alone till, which is its own store, and receipts printed before till keys);
//! - `kassa:receipt:{receipt no}:{sale id}:{total}:{sig}:{till key}:{certificate}`, signed with the
//!   till's own key, which carries its certificate: the store's signature over the store, the till
//!   number and the till's public key, made at head office. The store's secret key never leaves
//!   head office, and a code stays checkable offline with the store's public key alone.
//!
//! Every till holds every store's public key, so a till of any store checks offline that a
//! receipt is genuine (not typed up or altered); only the store's own tills can sign for it, and
//! a till's key signs only for its own till number.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

const PREFIX: &str = "kassa:receipt:";

/// What a genuine receipt code says.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReceiptCode {
    /// The store that issued it: the receipt number's first part.
    pub store: String,
    pub receipt_no: String,
    pub sale_id: String,
    /// The sale's total in minor units.
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptCodeError {
    #[error("not a Kassa receipt code")]
    Malformed,
    #[error("no key for store {0}: sync with head office first")]
    UnknownStore(String),
    #[error("the receipt code of {0} is not genuine (its signature does not match)")]
    Forged(String),
    #[error("bad receipt key")]
    BadKey,
    #[error("the till key is not certified by its store's key")]
    BadCertificate,
}

fn message(receipt_no: &str, sale_id: &str, total: i64) -> Vec<u8> {
    format!("kassa-receipt-v1\0{receipt_no}\0{sale_id}\0{total}").into_bytes()
}

/// What a store's key signs to certify a till's key: distinct from a receipt's message, so no
/// certificate can pass for a receipt signature or the other way round.
fn certificate_message(store: &str, till_no: u16, till_public: &[u8; 32]) -> Vec<u8> {
    let mut out = format!("kassa-till-key-v1\0{store}\0{till_no}\0").into_bytes();
    out.extend_from_slice(till_public);
    out
}

/// Certifies a till's public key (hex) for one store and till number with the store's secret
/// key (hex), at head office. The certificate is a signature, URL-safe base64.
pub fn certify_till(
    store_secret_hex: &str,
    store: &str,
    till_no: u16,
    till_public_hex: &str,
) -> Result<String, ReceiptCodeError> {
    let till_public = verifying_key(till_public_hex)?;
    let signature = signing_key(store_secret_hex)?.sign(&certificate_message(
        store,
        till_no,
        till_public.as_bytes(),
    ));
    Ok(URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// Checks a till's certificate against its store's public key (hex).
pub fn check_certificate(
    store_public_hex: &str,
    store: &str,
    till_no: u16,
    till_public_hex: &str,
    certificate: &str,
) -> Result<(), ReceiptCodeError> {
    let store_key = verifying_key(store_public_hex)?;
    let till_public = verifying_key(till_public_hex)?;
    store_key
        .verify(
            &certificate_message(store, till_no, till_public.as_bytes()),
            &signature(certificate)?,
        )
        .map_err(|_| ReceiptCodeError::BadCertificate)
}

fn verifying_key(public_hex: &str) -> Result<VerifyingKey, ReceiptCodeError> {
    VerifyingKey::from_bytes(&hex_decode_32(public_hex)?).map_err(|_| ReceiptCodeError::BadKey)
}

fn signature(text: &str) -> Result<Signature, ReceiptCodeError> {
    let bytes: [u8; 64] = URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(ReceiptCodeError::Malformed)?;
    Ok(Signature::from_bytes(&bytes))
}

/// The public key (hex) of a store's secret key (hex).
pub fn public_key(secret_hex: &str) -> Result<String, ReceiptCodeError> {
    Ok(hex_encode(
        signing_key(secret_hex)?.verifying_key().as_bytes(),
    ))
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode_32(text: &str) -> Result<[u8; 32], ReceiptCodeError> {
    // A key can come from a scanned code: anything but 64 ASCII hex digits is refused before
    // it is sliced (slicing a multi-byte character would panic).
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ReceiptCodeError::BadKey);
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16)
            .map_err(|_| ReceiptCodeError::BadKey)?;
    }
    Ok(out)
}

fn signing_key(secret_hex: &str) -> Result<SigningKey, ReceiptCodeError> {
    Ok(SigningKey::from_bytes(&hex_decode_32(secret_hex)?))
}

/// A new secret key (hex) from 32 random bytes the caller draws.
pub fn secret_key(random: &[u8; 32]) -> String {
    hex_encode(random)
}

/// The signed code for a sale.
pub fn sign(
    secret_hex: &str,
    receipt_no: &str,
    sale_id: &str,
    total: i64,
) -> Result<String, ReceiptCodeError> {
    let signature = signing_key(secret_hex)?.sign(&message(receipt_no, sale_id, total));
    Ok(format!(
        "{PREFIX}{receipt_no}:{sale_id}:{total}:{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

/// A till's key and the certificate its store's key gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TillKey {
    pub secret_hex: String,
    pub public_hex: String,
    pub certificate: String,
}

/// The signed code for a sale, signed with a till's certified key.
pub fn sign_as_till(
    key: &TillKey,
    receipt_no: &str,
    sale_id: &str,
    total: i64,
) -> Result<String, ReceiptCodeError> {
    let signature = signing_key(&key.secret_hex)?.sign(&message(receipt_no, sale_id, total));
    Ok(format!(
        "{PREFIX}{receipt_no}:{sale_id}:{total}:{}:{}:{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes()),
        key.public_hex,
        key.certificate
    ))
}

/// Whether `text` looks like a receipt code at all (scanned rather than typed).
pub fn is_receipt_code(text: &str) -> bool {
    text.trim().starts_with(PREFIX)
}

/// Checks a scanned code with the public key of the store it names (`key_of(store)`): signed by
/// the store's key, or by a till key the store's key certified for the till the receipt names.
/// The store a receipt code says it is from (not checked: [`verify`] checks), to find the keys
/// to check it with.
pub fn store_of(text: &str) -> Result<String, ReceiptCodeError> {
    text.trim()
        .strip_prefix(PREFIX)
        .and_then(|body| body.split(':').next())
        .and_then(|receipt_no| receipt_no.split('-').next())
        .filter(|store| !store.is_empty())
        .map(str::to_string)
        .ok_or(ReceiptCodeError::Malformed)
}

pub fn verify(
    text: &str,
    key_of: impl FnOnce(&str) -> Option<String>,
) -> Result<ReceiptCode, ReceiptCodeError> {
    let body = text
        .trim()
        .strip_prefix(PREFIX)
        .ok_or(ReceiptCodeError::Malformed)?;
    let parts: Vec<&str> = body.split(':').collect();
    let (receipt_no, sale_id, total, signature_text, till_key) = match parts[..] {
        [receipt_no, sale_id, total, signature] => (receipt_no, sale_id, total, signature, None),
        [receipt_no, sale_id, total, signature, till_public, certificate] => (
            receipt_no,
            sale_id,
            total,
            signature,
            Some((till_public, certificate)),
        ),
        _ => return Err(ReceiptCodeError::Malformed),
    };
    let total: i64 = total.parse().map_err(|_| ReceiptCodeError::Malformed)?;
    let mut number_parts = receipt_no.split('-');
    let store = number_parts
        .next()
        .filter(|s| !s.is_empty())
        .ok_or(ReceiptCodeError::Malformed)?;
    let signature = signature(signature_text)?;
    let store_public = key_of(store).ok_or_else(|| ReceiptCodeError::UnknownStore(store.into()))?;
    let signer = match till_key {
        None => verifying_key(&store_public)?,
        Some((till_public, certificate)) => {
            // The certificate names the till: a key certified for till 2 cannot sign till 3's
            // receipts.
            let till_no: u16 = number_parts
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or(ReceiptCodeError::Malformed)?;
            check_certificate(&store_public, store, till_no, till_public, certificate)
                .map_err(|_| ReceiptCodeError::Forged(receipt_no.to_string()))?;
            verifying_key(till_public)?
        }
    };
    signer
        .verify(&message(receipt_no, sale_id, total), &signature)
        .map_err(|_| ReceiptCodeError::Forged(receipt_no.to_string()))?;
    Ok(ReceiptCode {
        store: store.to_string(),
        receipt_no: receipt_no.to_string(),
        sale_id: sale_id.to_string(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_a_code_names_is_read_without_checking_it() {
        let code = sign(&secret_key(&[7; 32]), "AMS1-2-15", "s", 1).unwrap();
        assert_eq!(store_of(&code).unwrap(), "AMS1");
        assert_eq!(
            store_of("kassa:receipt:-2-15:s:1:x"),
            Err(ReceiptCodeError::Malformed)
        );
        assert_eq!(store_of("AMS1-2-15"), Err(ReceiptCodeError::Malformed));
    }

    #[test]
    fn a_signed_code_verifies_and_any_change_does_not() {
        let secret = secret_key(&[7; 32]);
        let public = public_key(&secret).unwrap();
        let code = sign(&secret, "AMS1-2-15", "01a2-sale", 2248).unwrap();
        assert!(code.starts_with("kassa:receipt:AMS1-2-15:01a2-sale:2248:"));
        let key = |store: &str| (store == "AMS1").then(|| public.clone());
        let checked = verify(&code, key).unwrap();
        assert_eq!((checked.store.as_str(), checked.total), ("AMS1", 2248));

        let altered = code.replace(":2248:", ":9248:");
        assert_eq!(
            verify(&altered, |_| Some(public.clone())),
            Err(ReceiptCodeError::Forged("AMS1-2-15".into()))
        );
        let other_store = public_key(&secret_key(&[8; 32])).unwrap();
        assert!(matches!(
            verify(&code, |_| Some(other_store.clone())),
            Err(ReceiptCodeError::Forged(_))
        ));
        assert_eq!(
            verify(&code, |_| None),
            Err(ReceiptCodeError::UnknownStore("AMS1".into()))
        );
        for bad in [
            "AMS1-2-15",
            "kassa:receipt:AMS1-2-15",
            "kassa:receipt:a:b:c:d",
            "kassa:receipt:A-1:s:x:sig",
        ] {
            assert!(verify(bad, |_| Some(public.clone())).is_err(), "{bad}");
        }
        assert!(is_receipt_code(&code) && !is_receipt_code("AMS1-2-15"));
    }

    fn till_key(store_secret: &str, store: &str, till_no: u16, seed: u8) -> TillKey {
        let secret_hex = secret_key(&[seed; 32]);
        let public_hex = public_key(&secret_hex).unwrap();
        let certificate = certify_till(store_secret, store, till_no, &public_hex).unwrap();
        TillKey {
            secret_hex,
            public_hex,
            certificate,
        }
    }

    #[test]
    fn a_till_key_certified_by_the_store_signs_only_its_own_tills_receipts() {
        let store_secret = secret_key(&[7; 32]);
        let store_public = public_key(&store_secret).unwrap();
        let key_of = |store: &str| (store == "AMS1").then(|| store_public.clone());
        let till2 = till_key(&store_secret, "AMS1", 2, 9);

        let code = sign_as_till(&till2, "AMS1-2-15", "01a2-sale", 2248).unwrap();
        let checked = verify(&code, key_of).unwrap();
        assert_eq!(
            (checked.receipt_no.as_str(), checked.total),
            ("AMS1-2-15", 2248)
        );
        assert!(!code.contains(&store_secret) && !code.contains(&till2.secret_hex));

        // Till 2's key on till 3's receipt, an altered total, a certificate for another store,
        // a key the store never certified: all forged.
        let wrong_till = sign_as_till(&till2, "AMS1-3-15", "01a2-sale", 2248).unwrap();
        let altered = code.replace(":2248:", ":9248:");
        let other_store_secret = secret_key(&[8; 32]);
        let other_cert = till_key(&other_store_secret, "AMS1", 2, 9);
        let uncertified = sign_as_till(&other_cert, "AMS1-2-15", "01a2-sale", 2248).unwrap();
        let mut swapped = till2.clone();
        swapped.secret_hex = secret_key(&[10; 32]);
        let wrong_secret = sign_as_till(&swapped, "AMS1-2-15", "01a2-sale", 2248).unwrap();
        for forged in [wrong_till, altered, uncertified, wrong_secret] {
            assert!(
                matches!(
                    verify(&forged, |_| Some(store_public.clone())),
                    Err(ReceiptCodeError::Forged(_))
                ),
                "{forged}"
            );
        }
        assert_eq!(
            check_certificate(
                &store_public,
                "AMS1",
                2,
                &till2.public_hex,
                &till2.certificate
            ),
            Ok(())
        );
        assert_eq!(
            check_certificate(
                &store_public,
                "RTM1",
                2,
                &till2.public_hex,
                &till2.certificate
            ),
            Err(ReceiptCodeError::BadCertificate)
        );
        // A key of 64 bytes that are not all hex digits (a multi-byte character in it) is
        // refused, not sliced (found by fuzzing).
        let parts: Vec<&str> = code.split(':').collect();
        let odd_key = format!("{}\u{29e}{}", &parts[6][..21], &parts[6][23..]);
        assert_eq!(odd_key.len(), 64);
        let hostile = code.replace(parts[6], &odd_key);
        assert!(verify(&hostile, |_| Some(store_public.clone())).is_err());

        // A certificate is not a receipt signature: swapping one for the other fails.
        let crossed = format!(
            "kassa:receipt:AMS1-2-15:01a2-sale:2248:{}:{}:{}",
            parts[7], parts[6], parts[5]
        );
        assert!(verify(&crossed, |_| Some(store_public.clone())).is_err());
    }
}
