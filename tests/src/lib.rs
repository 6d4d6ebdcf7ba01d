//! Cross-crate tests live in tests/tests; this library holds the load generator they share with
//! the `kassa-loadtest` program (src/bin).

pub mod loadtest;
