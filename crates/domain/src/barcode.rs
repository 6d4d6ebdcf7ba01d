//! Barcode classification and GTIN check digits.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BarcodeKind {
    Ean13,
    Ean8,
    UpcA,
    /// A store's own code (not a GTIN length, or not all digits).
    Internal,
}

/// Classifies a scanned or typed code. All-digit codes of 8, 12 or 13 digits are GTINs and must
/// carry a valid check digit (a misread scan must not ring up another product); anything else of
/// 1 to 32 printable ASCII characters without spaces is an internal code.
pub fn classify_code(code: &str) -> Result<BarcodeKind, DomainError> {
    let invalid = |why| DomainError::InvalidBarcode {
        code: code.to_string(),
        why,
    };
    if code.is_empty() || code.len() > 32 {
        return Err(invalid("1 to 32 characters"));
    }
    if !code.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid("printable characters without spaces only"));
    }
    let all_digits = code.bytes().all(|b| b.is_ascii_digit());
    let kind = match (all_digits, code.len()) {
        (true, 13) => BarcodeKind::Ean13,
        (true, 12) => BarcodeKind::UpcA,
        (true, 8) => BarcodeKind::Ean8,
        _ => return Ok(BarcodeKind::Internal),
    };
    let (body, check) = code.split_at(code.len() - 1);
    if gtin_check_digit(body) != check.as_bytes()[0] - b'0' {
        return Err(invalid("wrong check digit"));
    }
    Ok(kind)
}

/// The GTIN (EAN/UPC) mod-10 check digit of `body` (all digits): weights 3,1,3,... from the right.
pub fn gtin_check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_codes() {
        let cases: &[(&str, Option<BarcodeKind>)] = &[
            ("4006381333931", Some(BarcodeKind::Ean13)),
            ("4006381333932", None),
            ("96385074", Some(BarcodeKind::Ean8)),
            ("96385075", None),
            ("036000291452", Some(BarcodeKind::UpcA)),
            ("036000291453", None),
            ("SKU-123", Some(BarcodeKind::Internal)),
            ("12345", Some(BarcodeKind::Internal)),
            ("", None),
            ("has space", None),
            ("é", None),
        ];
        for (code, want) in cases {
            assert_eq!(classify_code(code).ok(), *want, "{code:?}");
        }
    }

    #[test]
    fn computes_check_digits() {
        assert_eq!(gtin_check_digit("400638133393"), 1);
        assert_eq!(gtin_check_digit("9638507"), 4);
        assert_eq!(gtin_check_digit("03600029145"), 2);
    }
}
