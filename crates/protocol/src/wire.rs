//! How sync bodies travel. JSON by default; CBOR (RFC 8949) when both ends say they read it, by
//! plain HTTP content negotiation (`accept` and `content-type: application/cbor`), so a till or
//! node of the release before, which never says so, keeps getting JSON.
//!
//! Why: a sync answer is mostly Automerge changes, and in JSON they travel as base64, which hides
//! from gzip what repeats from one sale to the next. Measured on 38 sales of 19 tills (two each,
//! as one round of a 20-till store brings): the messages gzipped as JSON with base64 took 357 B a
//! sale, the same messages gzipped as raw bytes 209 B (docs/adr/0014-binary-sync-bodies.md).
//!
//! CBOR is a standard, self-describing encoding that serde writes from the same types: byte
//! fields ([`crate::bytes`]) become byte strings instead of base64 text, everything else keeps
//! its shape. Decoding is bounded: byte and text strings grow with what actually arrives (never
//! with a declared length), sequences preallocate at most serde's cautious hint, and nesting is
//! limited to [`MAX_CBOR_DEPTH`].

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The media type of a CBOR body.
pub const CBOR: &str = "application/cbor";

/// Deepest nesting a CBOR body may have (the protocol's own types nest a few levels).
pub const MAX_CBOR_DEPTH: usize = 32;

/// `value` as CBOR. Writing to memory cannot fail for the protocol's types; an error here is a
/// type serde cannot write at all, said as such.
pub fn to_cbor<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).map_err(|e| format!("cannot write CBOR: {e}"))?;
    Ok(out)
}

/// A CBOR body as `T`, or why it is not one. Trailing bytes after the value are refused, as JSON
/// refuses them.
pub fn from_cbor<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut reader = bytes;
    let value = ciborium::de::from_reader_with_recursion_limit(&mut reader, MAX_CBOR_DEPTH)
        .map_err(|e| format!("malformed CBOR: {e}"))?;
    if !reader.is_empty() {
        return Err(format!(
            "malformed CBOR: {} bytes after the value",
            reader.len()
        ));
    }
    Ok(value)
}

/// Whether an `accept` header asks for CBOR (a media range naming it, with no `q=0`).
pub fn accepts_cbor(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let named = parts
            .next()
            .is_some_and(|media| media.eq_ignore_ascii_case(CBOR));
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim_end_matches(['0', '.']).is_empty())
        });
        named && !refused
    })
}

/// Whether a `content-type` header says CBOR (parameters ignored).
pub fn is_cbor(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(CBOR))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DocMessage, SyncRequest};

    fn request() -> SyncRequest {
        serde_json::from_str(
            r#"{"protocol":2,"docs":[{"doc_id":"ledger/AMS1/2/2026-12-05","message":"QgEC"}],"catalogue_since":3}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_request_round_trips_and_its_bytes_are_not_base64() {
        let request = request();
        let cbor = to_cbor(&request).unwrap();
        assert_eq!(from_cbor::<SyncRequest>(&cbor).unwrap(), request);
        assert_eq!(request.docs[0].message, [0x42, 0x01, 0x02]);
        let raw = [0x43, 0x42, 0x01, 0x02]; // a CBOR byte string of 3: 0x43, then the bytes
        assert!(
            cbor.windows(raw.len()).any(|w| w == raw),
            "the message travels as a byte string"
        );
        assert!(!cbor.windows(4).any(|w| w == b"QgEC"), "not as base64 text");
    }

    #[test]
    fn hostile_cbor_is_refused_with_a_reason() {
        let good = to_cbor(&request()).unwrap();
        for cut in [0, 1, good.len() / 2, good.len() - 1] {
            let error = from_cbor::<SyncRequest>(&good[..cut]).unwrap_err();
            assert!(error.starts_with("malformed CBOR"), "{error}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(from_cbor::<SyncRequest>(&trailing)
            .unwrap_err()
            .contains("after the value"));
        // A byte string that declares 2^63 bytes and brings 3: refused, nothing reserved.
        let mut huge = vec![0xa1, 0x67];
        huge.extend_from_slice(b"message");
        huge.extend_from_slice(&[0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
        assert!(from_cbor::<DocMessage>(&huge).is_err());
        // An array that declares 2^32 entries: refused, nothing reserved for them.
        let mut many = vec![0xa1, 0x64];
        many.extend_from_slice(b"docs");
        many.extend_from_slice(&[0x9a, 0xff, 0xff, 0xff, 0xff]);
        assert!(from_cbor::<SyncRequest>(&many).is_err());
        // Nesting deeper than the limit.
        let deep = [vec![0x81; 10_000], vec![0x00]].concat();
        assert!(from_cbor::<SyncRequest>(&deep).is_err());
        // A text where the bytes belong, and bytes where text belongs.
        let text = [
            vec![0xa2, 0x66],
            b"doc_id".to_vec(),
            vec![0x41, 0x61],
            vec![0x67],
            b"message".to_vec(),
            vec![0x40],
        ]
        .concat();
        assert!(from_cbor::<DocMessage>(&text).is_err());
    }

    #[test]
    fn negotiation_reads_headers_as_browsers_and_proxies_write_them() {
        assert!(accepts_cbor("application/cbor, application/json;q=0.9"));
        assert!(accepts_cbor("application/json; q=0.5, Application/CBOR"));
        assert!(!accepts_cbor("application/json"));
        assert!(!accepts_cbor("application/cbor;q=0"));
        assert!(!accepts_cbor("application/cbor; q=0.0"));
        assert!(accepts_cbor("application/cbor;q=0.1"));
        assert!(!accepts_cbor("*/*"));
        assert!(is_cbor("application/cbor"));
        assert!(is_cbor("application/cbor; charset=binary"));
        assert!(!is_cbor("application/json"));
    }
}
