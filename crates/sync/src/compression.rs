//! Gzip for sync traffic: a till asks for compressed answers, and compresses its own requests
//! once head office has said it reads gzip (`accept-encoding` in its answers, RFC 7694, or an
//! answer in gzip), so a head office of the release before, which reads only plain JSON, is
//! never sent gzip. Decompression is bounded: a
//! small hostile answer cannot unpack into more than the answer limit.

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{Read, Write};

/// Requests smaller than this go plain: gzip's header and CPU buy nothing on a few hundred bytes.
pub const COMPRESS_REQUESTS_FROM: usize = 1024;

/// Gzip at the default level: sync bodies are JSON around base64 of Automerge changes that are
/// often deflated already, and only dynamic Huffman codes (not the fastest level's) win back
/// base64's third (measured on a request of 40 sales: 2 % smaller at level 1, a quarter at 6).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
    // Writing to a Vec cannot fail.
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

#[derive(Debug, PartialEq, Eq)]
pub enum GunzipError {
    /// It unpacks into more than the limit.
    TooLarge,
    /// Not gzip, or cut short.
    Corrupt(String),
}

/// Unpacks `bytes`, refusing to produce more than `max` bytes (reading stops there).
pub fn gunzip_bounded(bytes: &[u8], max: usize) -> Result<Vec<u8>, GunzipError> {
    let mut out = Vec::new();
    GzDecoder::new(bytes)
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| GunzipError::Corrupt(e.to_string()))?;
    if out.len() > max {
        return Err(GunzipError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_packed_unpacks_to_the_same_bytes_and_json_shrinks() {
        let json: Vec<u8> = (0..500)
            .flat_map(|i| {
                format!(r#"{{"sku":"SKU-{i}","name":"Whole milk","price":129}},"#).into_bytes()
            })
            .collect();
        let packed = gzip(&json);
        assert!(
            packed.len() * 4 < json.len(),
            "{} of {}",
            packed.len(),
            json.len()
        );
        assert_eq!(gunzip_bounded(&packed, json.len()).unwrap(), json);
    }

    #[test]
    fn a_bomb_stops_at_the_limit_and_garbage_is_refused() {
        // 64 MiB of zeros packs into well under 1 MiB, even at the fastest level.
        let bomb = gzip(&vec![0u8; 64 << 20]);
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        assert_eq!(gunzip_bounded(&bomb, 1 << 20), Err(GunzipError::TooLarge));
        assert!(matches!(
            gunzip_bounded(b"not gzip at all", 1 << 20),
            Err(GunzipError::Corrupt(_))
        ));
        let packed = gzip(b"{\"a\":1}");
        assert!(matches!(
            gunzip_bounded(&packed[..packed.len() - 6], 1 << 20),
            Err(GunzipError::Corrupt(_))
        ));
    }
}
