//! For tests in this workspace: a fresh PostgreSQL database per test, on the cluster that
//! `scripts/test` starts (`scripts/postgres`).
//!
//! `KASSA_TEST_POSTGRES` is the cluster's address without a database
//! (`postgres://kassa@127.0.0.1:55432`). Without it, PostgreSQL tests are skipped, so that
//! `cargo test` on a laptop without PostgreSQL runs the rest; with `KASSA_REQUIRE_POSTGRES=1`
//! (set by `scripts/test`, so in CI) a missing or unreachable PostgreSQL fails them instead.

use std::sync::atomic::{AtomicUsize, Ordering};

static MADE: AtomicUsize = AtomicUsize::new(0);

/// True when PostgreSQL tests must run (CI).
pub fn postgres_required() -> bool {
    std::env::var("KASSA_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// The address of a new, empty database for one test, or `None` (with a line on stderr) when
/// no cluster is configured and none is required.
///
/// # Panics
/// When PostgreSQL is required but not configured, or configured but unreachable.
pub async fn fresh_postgres_database() -> Option<String> {
    let base = match std::env::var("KASSA_TEST_POSTGRES") {
        Ok(base) if !base.trim().is_empty() => base.trim().trim_end_matches('/').to_string(),
        _ => {
            assert!(
                !postgres_required(),
                "KASSA_REQUIRE_POSTGRES=1 but KASSA_TEST_POSTGRES names no cluster: \
                 run the tests with scripts/test, or start one with scripts/postgres"
            );
            eprintln!("skipped: no PostgreSQL (set KASSA_TEST_POSTGRES to run this test)");
            return None;
        }
    };
    let (client, connection) =
        tokio_postgres::connect(&format!("{base}/postgres"), tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {base} cannot be reached: {e}"));
    tokio::spawn(connection);
    let name = format!(
        "kassa_test_{}_{}_{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::SeqCst),
        uuid::Uuid::now_v7().simple()
    );
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("cannot make test database {name}: {e}"));
    Some(format!("{base}/{name}"))
}
