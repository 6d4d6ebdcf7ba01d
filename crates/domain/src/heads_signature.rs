//! A till's signature over the heads of one of its documents: made with its certified device key
//! each time it commits to the document, sent with its syncs and kept by head office as proof of
//! what the till held and wrote, whichever device carries its changes (the LAN issue).

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// At most this many heads are signed or checked: a document has a handful (one per writer
/// that wrote concurrently); more is not a till's document.
pub const MAX_SIGNED_HEADS: usize = 64;

/// Why a heads signature could not be made or is not genuine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadsSignatureError {
    #[error("the key is not an Ed25519 key in hex")]
    BadKey,
    #[error("a head is not 64 hex digits, or there are more than {MAX_SIGNED_HEADS}")]
    BadHeads,
    #[error("the signature is not genuine")]
    NotGenuine,
}

fn key_bytes(hex_text: &str) -> Result<[u8; 32], HeadsSignatureError> {
    let bytes = hex::decode(hex_text).map_err(|_| HeadsSignatureError::BadKey)?;
    bytes.try_into().map_err(|_| HeadsSignatureError::BadKey)
}

/// What is signed: the document id and its heads, sorted, so the order they were read in does
/// not matter.
fn message(doc_id: &str, heads: &[String]) -> Result<Vec<u8>, HeadsSignatureError> {
    let is_head = |h: &String| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    if heads.len() > MAX_SIGNED_HEADS || !heads.iter().all(is_head) {
        return Err(HeadsSignatureError::BadHeads);
    }
    let mut sorted: Vec<String> = heads.iter().map(|h| h.to_ascii_lowercase()).collect();
    sorted.sort();
    Ok(format!("kassa:heads:v1\n{doc_id}\n{}", sorted.join(",")).into_bytes())
}

/// The signature (hex) of `doc_id` at `heads` with a device's secret key (hex).
pub fn sign_heads(
    secret_hex: &str,
    doc_id: &str,
    heads: &[String],
) -> Result<String, HeadsSignatureError> {
    let key = SigningKey::from_bytes(&key_bytes(secret_hex)?);
    Ok(hex::encode(key.sign(&message(doc_id, heads)?).to_bytes()))
}

/// Checks a heads signature against the device's public key (hex).
pub fn verify_heads(
    public_hex: &str,
    doc_id: &str,
    heads: &[String],
    signature_hex: &str,
) -> Result<(), HeadsSignatureError> {
    let key = VerifyingKey::from_bytes(&key_bytes(public_hex)?)
        .map_err(|_| HeadsSignatureError::BadKey)?;
    let bytes: [u8; 64] = hex::decode(signature_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(HeadsSignatureError::NotGenuine)?;
    key.verify(&message(doc_id, heads)?, &Signature::from_bytes(&bytes))
        .map_err(|_| HeadsSignatureError::NotGenuine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt_code::{public_key, secret_key};

    fn head(byte: char) -> String {
        byte.to_string().repeat(64)
    }

    #[test]
    fn a_signature_checks_in_any_head_order_and_nothing_else_does() {
        let secret = secret_key(&[3; 32]);
        let public = public_key(&secret).unwrap();
        let heads = vec![head('b'), head('a')];
        let signature = sign_heads(&secret, "ledger/AMS1/1/2026-12-05", &heads).unwrap();
        let reversed = vec![head('a'), head('b')];
        assert_eq!(
            verify_heads(&public, "ledger/AMS1/1/2026-12-05", &reversed, &signature),
            Ok(())
        );
        for (doc, heads) in [
            ("ledger/AMS1/2/2026-12-05", reversed.clone()),
            ("ledger/AMS1/1/2026-12-05", vec![head('a')]),
            ("ledger/AMS1/1/2026-12-05", vec![head('a'), head('c')]),
        ] {
            assert_eq!(
                verify_heads(&public, doc, &heads, &signature),
                Err(HeadsSignatureError::NotGenuine)
            );
        }
        let other = public_key(&secret_key(&[4; 32])).unwrap();
        assert!(verify_heads(&other, "ledger/AMS1/1/2026-12-05", &heads, &signature).is_err());
        assert!(verify_heads(&public, "ledger/AMS1/1/2026-12-05", &heads, "zz").is_err());
    }

    #[test]
    fn malformed_heads_and_keys_are_refused() {
        let secret = secret_key(&[3; 32]);
        assert_eq!(
            sign_heads(&secret, "d", &["xyz".into()]),
            Err(HeadsSignatureError::BadHeads)
        );
        assert_eq!(
            sign_heads(&secret, "d", &vec![head('a'); MAX_SIGNED_HEADS + 1]),
            Err(HeadsSignatureError::BadHeads)
        );
        assert_eq!(
            sign_heads("nothex", "d", &[]),
            Err(HeadsSignatureError::BadKey)
        );
        assert_eq!(
            verify_heads("ab", "d", &[], &"0".repeat(128)),
            Err(HeadsSignatureError::BadKey)
        );
    }
}
