//! Store credit codes are bearer secrets: whoever types one spends it. Only the receipt the
//! customer holds carries the code; everything Kassa keeps (ledger documents, projections, the
//! exceptions inbox, head office) holds its key, a SHA-256 of the code, which finds the credit
//! when the code is typed but cannot be turned back into it (about 59 random bits behind it).

use crate::tender::{Tender, TenderKind};
use sha2::{Digest, Sha256};

/// Length of a key: 64 lowercase hex digits.
pub const CREDIT_KEY_LEN: usize = 64;

/// Separates these hashes from every other SHA-256 Kassa takes.
const DOMAIN: &[u8] = b"kassa store credit v1\0";

/// A code as a person types it: spaces around and case do not matter.
pub fn normalise_credit_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// The key of a code a person typed. Always a hash, even of text shaped like a key: a key read
/// off a stolen document must not spend the credit it names.
pub fn credit_key_of_code(code: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(DOMAIN);
    hash.update(normalise_credit_code(code).as_bytes());
    hex::encode(hash.finalize())
}

/// Whether a stored reference is already a key (records written before keys held the code).
pub fn is_credit_key(reference: &str) -> bool {
    reference.len() == CREDIT_KEY_LEN
        && reference
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The key of a credit reference found in a record: kept when it is a key, hashed when it is a
/// code (a record from before keys, or a refund just issued).
pub fn credit_key_of_reference(reference: &str) -> String {
    if is_credit_key(reference) {
        reference.to_string()
    } else {
        credit_key_of_code(reference)
    }
}

/// How staff see a credit without its code: the key's first eight digits, enough to tell two
/// apart in the inbox and to match the one a customer's code shows at the till.
pub fn credit_label(key: &str) -> String {
    let short: String = key.chars().take(8).collect();
    format!("#{short}")
}

/// Whether any store credit tender holds a code rather than its key.
pub fn holds_credit_codes(tenders: &[Tender]) -> bool {
    tenders.iter().any(|t| {
        t.kind == TenderKind::Credit && t.reference.as_deref().is_some_and(|r| !is_credit_key(r))
    })
}

/// Replaces the code of every store credit tender with its key (other tenders are untouched).
/// Idempotent.
pub fn hide_credit_codes(tenders: &mut [Tender]) {
    for tender in tenders.iter_mut().filter(|t| t.kind == TenderKind::Credit) {
        if let Some(reference) = tender.reference.as_mut() {
            if !is_credit_key(reference) {
                *reference = credit_key_of_code(reference);
            }
        }
    }
}

/// The reference a receipt or screen shows for a tender: a credit's key as its label, anything
/// else as written.
pub fn shown_reference(tender: &Tender) -> Option<String> {
    let reference = tender.reference.as_deref()?;
    Some(
        if tender.kind == TenderKind::Credit && is_credit_key(reference) {
            credit_label(reference)
        } else {
            reference.to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Money;

    fn credit(reference: &str) -> Tender {
        Tender {
            kind: TenderKind::Credit,
            amount: Money::from_minor(500),
            reference: Some(reference.into()),
        }
    }

    #[test]
    fn a_code_and_its_typed_variants_share_one_key_that_does_not_contain_it() {
        let key = credit_key_of_code("CR-ABCDEFGHJKMN");
        assert_eq!(key, credit_key_of_code("  cr-abcdefghjkmn "));
        assert!(is_credit_key(&key));
        assert!(!key.to_ascii_uppercase().contains("ABCDEFGHJKMN"));
        assert_ne!(key, credit_key_of_code("CR-ABCDEFGHJKMP"));
    }

    #[test]
    fn a_typed_key_is_hashed_again_so_it_spends_nothing() {
        let key = credit_key_of_code("CR-ABCDEFGHJKMN");
        assert_ne!(credit_key_of_code(&key), key);
        assert_eq!(credit_key_of_reference(&key), key);
        assert_eq!(credit_key_of_reference("CR-ABCDEFGHJKMN"), key);
    }

    #[test]
    fn hiding_keeps_keys_and_other_tenders_and_is_idempotent() {
        let card = Tender {
            kind: TenderKind::Card,
            amount: Money::from_minor(100),
            reference: Some("T-1".into()),
        };
        let mut tenders = vec![credit("CR-ABCDEFGHJKMN"), card.clone()];
        assert!(holds_credit_codes(&tenders));
        hide_credit_codes(&mut tenders);
        assert!(!holds_credit_codes(&tenders));
        let once = tenders.clone();
        hide_credit_codes(&mut tenders);
        assert_eq!(tenders, once);
        assert_eq!(tenders[1], card);
        assert_eq!(
            tenders[0].reference.as_deref(),
            Some(credit_key_of_code("CR-ABCDEFGHJKMN").as_str())
        );
        assert_eq!(
            shown_reference(&tenders[0]).unwrap(),
            format!("#{}", &once[0].reference.as_deref().unwrap()[..8])
        );
        assert_eq!(shown_reference(&card).as_deref(), Some("T-1"));
    }

    #[test]
    fn uppercase_or_short_hex_is_not_a_key() {
        let key = credit_key_of_code("CR-ABCDEFGHJKMN");
        assert!(!is_credit_key(&key.to_ascii_uppercase()));
        assert!(!is_credit_key(&key[..63]));
        assert!(!is_credit_key("CR-ABCDEFGHJKMN"));
    }
}
