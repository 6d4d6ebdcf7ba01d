//! Automerge decoding of bytes Kassa did not make itself this run: a peer's sync message, a
//! stored document, changes held for a manager. Automerge 0.12's decoder can panic on malformed
//! input instead of returning an error (the `document_load` fuzz target found one: a truncated
//! number inside a change bundle, `fuzz/regressions/document_load/`). Every such decode runs
//! through [`decode`], so hostile bytes are a clear error for the caller, never a panic that takes
//! a head office request or a till command down with it.

use crate::error::ReplicaError;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `parse` on untrusted bytes; a panic inside it becomes `failed(why)`. Callers pass only
/// work whose half-done state is thrown away on error (a fresh document, a fork, a parse), which
/// is why asserting unwind safety holds.
pub fn decode<T>(
    parse: impl FnOnce() -> Result<T, ReplicaError>,
    failed: impl FnOnce(String) -> ReplicaError,
) -> Result<T, ReplicaError> {
    match catch_unwind(AssertUnwindSafe(parse)) {
        Ok(result) => result,
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no reason given");
            // Bounded: the reason may quote the bytes.
            let why: String = why.chars().take(120).collect();
            Err(failed(format!(
                "the Automerge decoder failed on these bytes ({why})"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_decoding_is_an_error() {
        let failed = decode::<()>(
            || panic!("truncated number"),
            ReplicaError::MalformedDocument,
        )
        .unwrap_err();
        assert!(failed.to_string().contains("truncated number"), "{failed}");
        let fine = decode(|| Ok(7), ReplicaError::MalformedDocument).unwrap();
        assert_eq!(fine, 7);
    }
}
