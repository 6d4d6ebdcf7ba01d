//! Secrets: random tokens and codes, stored only as SHA-256 hashes.

use sha2::{Digest, Sha256};

/// A random secret, hex encoded (`bytes` random bytes).
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source works");
    hex::encode(buf)
}

/// A one-time enrollment code a person can type: 12 characters without look-alikes, in groups.
pub fn enrollment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 12];
    getrandom::fill(&mut buf).expect("the operating system's random source works");
    let chars: String = buf
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

/// What is stored instead of the secret. Codes are compared case- and dash-insensitively.
pub fn hash_secret(secret: &str) -> String {
    let normal: String = secret
        .trim()
        .chars()
        .filter(|c| *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_and_hashes_normalise() {
        assert_ne!(enrollment_code(), enrollment_code());
        assert_eq!(random_secret(32).len(), 64);
        assert_eq!(hash_secret("abcd-efgh"), hash_secret("ABCDEFGH"));
        assert_ne!(hash_secret("ABCDEFGH"), hash_secret("ABCDEFGI"));
    }
}
