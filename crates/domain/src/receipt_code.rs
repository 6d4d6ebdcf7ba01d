//! The code printed as a QR on every receipt: `kassa:receipt:{receipt no}:{sale id}:{total}:{sig}`,
//! signed with the store's Ed25519 key. Every till holds every store's public key, so a till of
//! any store checks offline that a receipt is genuine (not typed up or altered); only the store's
//! own tills can sign for it.

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
}

fn message(receipt_no: &str, sale_id: &str, total: i64) -> Vec<u8> {
    format!("kassa-receipt-v1\0{receipt_no}\0{sale_id}\0{total}").into_bytes()
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
    if text.len() != 64 {
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

/// Whether `text` looks like a receipt code at all (scanned rather than typed).
pub fn is_receipt_code(text: &str) -> bool {
    text.trim().starts_with(PREFIX)
}

/// Checks a scanned code with the public key of the store it names (`key_of(store)`).
pub fn verify(
    text: &str,
    key_of: impl FnOnce(&str) -> Option<String>,
) -> Result<ReceiptCode, ReceiptCodeError> {
    let body = text
        .trim()
        .strip_prefix(PREFIX)
        .ok_or(ReceiptCodeError::Malformed)?;
    let parts: Vec<&str> = body.split(':').collect();
    let [receipt_no, sale_id, total, signature] = parts[..] else {
        return Err(ReceiptCodeError::Malformed);
    };
    let total: i64 = total.parse().map_err(|_| ReceiptCodeError::Malformed)?;
    let store = receipt_no
        .split('-')
        .next()
        .filter(|s| !s.is_empty())
        .ok_or(ReceiptCodeError::Malformed)?;
    let public = key_of(store).ok_or_else(|| ReceiptCodeError::UnknownStore(store.into()))?;
    let key =
        VerifyingKey::from_bytes(&hex_decode_32(&public)?).map_err(|_| ReceiptCodeError::BadKey)?;
    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(ReceiptCodeError::Malformed)?;
    key.verify(
        &message(receipt_no, sale_id, total),
        &Signature::from_bytes(&signature),
    )
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
}
