//! What a loaded document takes in memory, estimated, so that a cache of loaded documents can be
//! bounded in the unit that runs a machine out of memory rather than in stored bytes.
//!
//! A document loads into many times its stored size, and the factor depends on what it holds:
//! measured with a counting allocator (crates/hq/tests/doc_cache_memory.rs), Automerge 0.12 keeps
//! about 450 to 560 bytes per operation and six to seven bytes per byte of a string value, while
//! storage compresses both. A day's ledger of JSON records takes 3 to 110 times its stored size
//! (appended chunks or one compacted save), a stock document of counters up to 4,000 times. So
//! the estimate counts operations and string bytes, not stored bytes.
//!
//! How a document was stored also changes what it loads into (a ledger loaded from one chunk per
//! sale took 4.8 MB, the same ledger compacted 12 MB; counters of one writer compacted load into
//! a fifteenth of what many writers' do), which a walk of the values cannot see. The constants
//! are set so that the estimate is never much under what a document takes: a cache bounded by it
//! holds at most about its budget, and sometimes much less.

use automerge::iter::DocItem;
use automerge::{AutoCommit, ReadDoc, ScalarValueRef, ValueRef};

/// Bytes any loaded document takes, however small (measured: 14 to 21 KB for one sale).
const BYTES_PER_DOCUMENT: u64 = 16 * 1024;
/// Bytes per operation, rounded up from the measured 450 to 560.
const BYTES_PER_OPERATION: u64 = 576;
/// Bytes per byte of a visible string value or map key, rounded up from the measured 6.5.
const BYTES_PER_STRING_BYTE: u64 = 7;

/// The operations a document holds (kept by Automerge, so cheap to ask).
pub fn operations(doc: &AutoCommit) -> u64 {
    doc.stats().num_ops
}

/// The estimated memory of a loaded document. Walks every visible value (as costly as reading
/// the document once): a caller that keeps the result can scale it by [`operations`] as the
/// document grows, and walk again when it has grown a lot (see hq's doc_cache).
pub fn estimated_memory(doc: &AutoCommit) -> u64 {
    let mut string_bytes = 0u64;
    for item in doc.iter() {
        let (key, value) = match &item.item {
            DocItem::Map(entry) => (entry.key.len(), Some(&entry.value)),
            DocItem::List(entry) => (0, Some(&entry.value)),
            DocItem::Text(span) => (span.as_str().len(), None),
        };
        string_bytes += key as u64 + value.map_or(0, string_len);
    }
    operations(doc)
        .saturating_mul(BYTES_PER_OPERATION)
        .saturating_add(BYTES_PER_DOCUMENT)
        .saturating_add(string_bytes.saturating_mul(BYTES_PER_STRING_BYTE))
}

fn string_len(value: &ValueRef<'_>) -> u64 {
    match value {
        ValueRef::Scalar(ScalarValueRef::Str(text)) => text.len() as u64,
        ValueRef::Scalar(ScalarValueRef::Bytes(bytes)) => bytes.len() as u64,
        ValueRef::Scalar(ScalarValueRef::Unknown { bytes, .. }) => bytes.len() as u64,
        _ => 0,
    }
}
