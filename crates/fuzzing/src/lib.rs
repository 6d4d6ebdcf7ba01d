//! Fuzz targets for every function that takes bytes from outside Kassa: a till's sync request at
//! head office, an Automerge sync message, a stored document, a catalogue CSV, a web order's
//! JSON, a scanned receipt code, a document id and a typed amount.
//!
//! Each target takes any bytes and panics only when an invariant breaks: a parse that does not
//! round-trip, an amount that comes out negative, head office answering hostile input with an
//! internal error (5xx) instead of a clear refusal. The same functions run under cargo-fuzz
//! (`fuzz/`, nightly, outside CI) and on stable inside `cargo test` over the stored corpus
//! (`fuzz/corpus/<target>/`), the seeds below and deterministic mutations of both.

pub mod mutate;
pub mod seeds;
pub mod targets;

/// A fuzz target: its name (the `fuzz/fuzz_targets/<name>.rs` file and corpus directory) and
/// the function that takes the bytes.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target, in the order the stable run and the docs list them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "sync_request",
        run: targets::sync_request,
    },
    Target {
        name: "sync_message",
        run: targets::sync_message,
    },
    Target {
        name: "document_load",
        run: targets::document_load,
    },
    Target {
        name: "catalogue_csv",
        run: targets::catalogue_csv,
    },
    Target {
        name: "web_order",
        run: targets::web_order,
    },
    Target {
        name: "receipt_code",
        run: targets::receipt_code,
    },
    Target {
        name: "doc_id",
        run: targets::doc_id,
    },
    Target {
        name: "money",
        run: targets::money,
    },
];
