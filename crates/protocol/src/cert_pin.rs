//! The fingerprint of head office's certificate authority that an enrollment code carries, so a
//! till trusts exactly the head office that made its code from the first request (no trust on
//! first use), and the code's text form: `SECRET` or `SECRET@PIN`.

use sha2::{Digest, Sha256};
use std::fmt;

/// The alphabet of enrollment codes: 32 characters without look-alikes (no I, O, 0, 1), read
/// back case-insensitively, so a pin can be typed from paper as well as scanned.
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Most characters an enrollment code may have (secret, pin and separators), checked before any
/// parsing: the code is typed or scanned by whoever stands at the till.
pub const MAX_ENROLLMENT_CODE_CHARS: usize = 120;

/// SHA-256 of a certificate's DER bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertPin([u8; 32]);

impl CertPin {
    pub fn of_der(der: &[u8]) -> CertPin {
        CertPin(Sha256::digest(der).into())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> CertPin {
        CertPin(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The pin as typed: 52 characters of the code alphabet in groups of four.
    pub fn to_text(&self) -> String {
        let mut chars = String::with_capacity(64);
        let mut bits: u32 = 0;
        let mut held = 0;
        for byte in self.0 {
            bits = (bits << 8) | u32::from(byte);
            held += 8;
            while held >= 5 {
                held -= 5;
                chars.push(ALPHABET[((bits >> held) & 31) as usize] as char);
            }
        }
        if held > 0 {
            chars.push(ALPHABET[((bits << (5 - held)) & 31) as usize] as char);
        }
        group(&chars)
    }

    /// Reads a pin typed in any case, with or without dashes and spaces.
    pub fn parse(text: &str) -> Result<CertPin, String> {
        let chars: Vec<u8> = text
            .bytes()
            .filter(|b| *b != b'-' && !b.is_ascii_whitespace())
            .map(|b| b.to_ascii_uppercase())
            .collect();
        if chars.len() != 52 {
            return Err(format!(
                "the head office fingerprint has {} characters, not 52",
                chars.len()
            ));
        }
        let mut out = Vec::with_capacity(33);
        let mut bits: u32 = 0;
        let mut held = 0;
        for c in chars {
            let value = ALPHABET.iter().position(|a| *a == c).ok_or_else(|| {
                format!(
                    "{:?} is not a character of a head office fingerprint",
                    c as char
                )
            })?;
            bits = (bits << 5) | value as u32;
            held += 5;
            if held >= 8 {
                held -= 8;
                out.push((bits >> held) as u8);
                bits &= (1 << held) - 1;
            }
        }
        // 52 characters carry 260 bits: the last 4 are padding and must be zero, so one pin has
        // exactly one spelling.
        if bits != 0 {
            return Err("the head office fingerprint is mistyped".into());
        }
        let bytes: [u8; 32] = out
            .try_into()
            .map_err(|_| "the head office fingerprint is mistyped".to_string())?;
        Ok(CertPin(bytes))
    }
}

impl fmt::Debug for CertPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertPin({})", self.to_text())
    }
}

impl fmt::Display for CertPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

fn group(chars: &str) -> String {
    chars
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a person types or scans at a till to enroll it: the one-time secret, and the pin of the
/// head office that made it when that head office has a private certificate authority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentCode {
    pub secret: String,
    pub pin: Option<CertPin>,
}

impl EnrollmentCode {
    pub fn parse(text: &str) -> Result<EnrollmentCode, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the enrollment code is empty".into());
        }
        if text.chars().count() > MAX_ENROLLMENT_CODE_CHARS {
            return Err("the enrollment code is too long".into());
        }
        let (secret, pin) = match text.split_once('@') {
            Some((secret, pin)) => (secret.trim(), Some(CertPin::parse(pin)?)),
            None => (text, None),
        };
        if secret.is_empty() {
            return Err("the enrollment code has no code before its fingerprint".into());
        }
        if !secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err("the enrollment code has characters a code never has".into());
        }
        Ok(EnrollmentCode {
            secret: secret.to_string(),
            pin,
        })
    }
}

impl fmt::Display for EnrollmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pin {
            Some(pin) => write!(f, "{}@{}", self.secret, pin),
            None => f.write_str(&self.secret),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_reads_back_from_its_text_in_any_case_and_grouping() {
        for seed in 0u8..=255 {
            let pin = CertPin::of_der(&[seed; 7]);
            let text = pin.to_text();
            assert_eq!(text.replace('-', "").len(), 52);
            assert_eq!(CertPin::parse(&text).unwrap(), pin);
            assert_eq!(
                CertPin::parse(&text.to_lowercase().replace('-', " ")).unwrap(),
                pin
            );
        }
    }

    #[test]
    fn a_mistyped_pin_is_refused_not_read_as_another() {
        let text = CertPin::of_der(b"head office").to_text().replace('-', "");
        assert!(CertPin::parse(&text[..51]).is_err());
        assert!(CertPin::parse(&format!("{text}A")).is_err());
        let mut wrong_char = text.clone().into_bytes();
        wrong_char[3] = b'1';
        assert!(CertPin::parse(std::str::from_utf8(&wrong_char).unwrap()).is_err());
        // Padding bits set: the same 256 bits could otherwise be spelt several ways.
        let mut padded = text.into_bytes();
        let last = ALPHABET.iter().position(|c| *c == padded[51]).unwrap();
        padded[51] = ALPHABET[last ^ 1];
        assert!(CertPin::parse(std::str::from_utf8(&padded).unwrap()).is_err());
    }

    #[test]
    fn codes_with_and_without_a_pin_round_trip() {
        let pin = CertPin::of_der(b"ca");
        let code = EnrollmentCode {
            secret: "ABCD-EFGH-JKLM".into(),
            pin: Some(pin),
        };
        assert_eq!(EnrollmentCode::parse(&code.to_string()).unwrap(), code);
        let plain = EnrollmentCode::parse("  abcd-efgh-jklm ").unwrap();
        assert_eq!(plain.secret, "abcd-efgh-jklm");
        assert_eq!(plain.pin, None);
    }

    #[test]
    fn bad_codes_are_refused_with_a_reason() {
        assert!(EnrollmentCode::parse("   ").is_err());
        assert!(EnrollmentCode::parse("@AAAA").is_err());
        assert!(EnrollmentCode::parse("ABCD@nonsense").is_err());
        assert!(EnrollmentCode::parse("AB CD").is_err());
        assert!(EnrollmentCode::parse(&"A".repeat(500)).is_err());
    }
}
