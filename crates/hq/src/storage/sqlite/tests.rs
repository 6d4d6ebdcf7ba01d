//! The SQLite storage: the storage suite on memory and on a file, the pool, and upgrades of
//! databases kept by older versions.

use super::SqliteStorage;
use crate::storage::suite::{resolution, store_info};
use crate::storage::{HqStorage, IndexedRecord, StoredRecord, SyncWrite};
use chrono::Utc;
use kassa_replica::ledger::{ResolutionRecord, ReturnRecord};
use std::time::Duration;

fn storage() -> Box<dyn HqStorage> {
    Box::new(SqliteStorage::open_in_memory().unwrap())
}

/// The storage suite on an in-memory database (one connection).
async fn in_memory() -> Option<Box<dyn HqStorage>> {
    Some(storage())
}

mod in_memory_suite {
    crate::storage::suite::storage_suite!(super::in_memory);
}

/// The storage suite on a database file (a pool of connections, as `serve` runs it).
async fn on_file() -> Option<Box<dyn HqStorage>> {
    let dir = tempfile::tempdir().unwrap();
    // The directory lives as long as the test process: each test's database is its own file.
    let path = dir.keep().join("hq.db");
    Some(Box::new(SqliteStorage::open(&path).unwrap()))
}

mod file_suite {
    crate::storage::suite::storage_suite!(super::on_file);
}

/// A request dropped while its query runs (a client that hung up) must not take the connection
/// with it: an in-memory database is that one connection.
#[tokio::test]
async fn a_caller_that_stops_waiting_leaves_the_connection_in_the_pool() {
    let storage = SqliteStorage::open_in_memory().unwrap();
    storage
        .create_store(&store_info("AMS1"), Utc::now())
        .await
        .unwrap();
    let slow = storage.pool.run(|db| {
        std::thread::sleep(Duration::from_millis(200));
        db.stores()
    });
    assert!(
        tokio::time::timeout(Duration::from_millis(20), slow)
            .await
            .is_err(),
        "the caller gave up while the query ran"
    );
    let stores = storage.stores().await.unwrap();
    assert_eq!(
        stores.len(),
        1,
        "the database and its store are still there"
    );
}

/// A store credit return as head office stored it before keys: the code in clear.
fn credit_return_before_keys(code: &str) -> ReturnRecord {
    use kassa_domain::{Money, TaxRate, Tender, TenderKind};
    use kassa_replica::ledger::{ReturnLine, ReturnSource};
    ReturnRecord {
        id: "ret-1".into(),
        receipt_no: "AMS1-1-R1".into(),
        store_code: "AMS1".into(),
        till_no: 1,
        seq: 1,
        created_at: kassa_replica::Timestamp::parse("2026-11-23T09:00:00.000Z").unwrap(),
        business_day: "2026-11-23".into(),
        currency: "EUR".into(),
        source: ReturnSource::Sale {
            sale_id: "sale-1".into(),
            receipt_no: "AMS1-1-1".into(),
            store: "AMS1".into(),
            business_day: "2026-11-23".into(),
        },
        lines: vec![ReturnLine {
            sku: "MUG".into(),
            name: "Mug".into(),
            quantity: 1,
            sold: 1,
            amount: Money::from_minor(500),
            tax_rate: TaxRate::from_basis_points(2100).unwrap(),
            tax: Money::ZERO,
            restock: true,
        }],
        total: Money::from_minor(500),
        cash_rounding: Money::ZERO,
        refunds: vec![Tender {
            kind: TenderKind::Credit,
            amount: Money::from_minor(500),
            reference: Some(code.into()),
        }],
        reason: None,
        approved_by: None,
        approval_reasons: vec![],
        exchange_sale_id: None,
        cashier: None,
        shift_id: None,
        approver_id: None,
    }
}

#[tokio::test]
async fn an_upgrade_rewrites_store_credit_codes_head_office_kept_before_keys() {
    let code = "CR-ABCDEFGHJKMN";
    let key = kassa_domain::credit_key_of_code(code);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    {
        let storage = SqliteStorage::open(&path).unwrap();
        storage
            .create_store(&store_info("AMS1"), Utc::now())
            .await
            .unwrap();
        let mut write = SyncWrite::new("AMS1", Utc::now());
        let mut closing = resolution("res-1");
        closing.exception_id = format!("over-redeemed-credit/{code}");
        write.records.push(StoredRecord {
            store: "AMS1".into(),
            subject: Some(closing.exception_id.clone()),
            record: IndexedRecord::Resolution(closing),
        });
        write.records.push(StoredRecord {
            store: "AMS1".into(),
            subject: Some("sale-1".into()),
            record: IndexedRecord::Return(credit_return_before_keys(code)),
        });
        storage.apply_sync(write).await.unwrap();
    }
    // The rows as a head office before keys held them, at its schema (12).
    let count_code = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM records WHERE record LIKE '%' || ?1 || '%' OR subject LIKE '%' || ?1",
            [code],
            |r| r.get(0),
        )
        .unwrap()
    };
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(count_code(&conn), 2);
        // Back to schema 12: what later migrations (0014 to 0021) made goes too, and a document
        // stored whole as schema 12 kept documents.
        conn.execute_batch(
            "DROP TABLE store_keys_retired; DROP TABLE signed_heads;
             DROP TABLE console_sessions; DROP TABLE console_users; DROP TABLE daily_sales;
             DROP TABLE catalogue_imports; DROP TABLE daily_figures; DROP TABLE till_contacts;
             DROP TABLE credit_sales; DROP INDEX records_kind_id; DROP TABLE transfers;
             DROP INDEX records_kind_store_id; CREATE INDEX records_kind_store ON records (kind, store);
             ALTER TABLE api_tokens DROP COLUMN stores;
             DROP INDEX documents_by_chunks; ALTER TABLE documents DROP COLUMN chunks;
             DROP TABLE document_chunks; ALTER TABLE documents ADD COLUMN bytes BLOB;
             DROP INDEX documents_store_seq; ALTER TABLE documents DROP COLUMN seq;
             ALTER TABLE stores DROP COLUMN doc_seq;
             INSERT INTO documents (doc_id, store, bytes, heads, updated_at)
                 VALUES ('ledger/AMS1/hq/2026-11-23', 'AMS1', x'616263', '[\"aa\"]',
                         '2026-11-23T09:00:00.000Z');
             PRAGMA user_version = 12;",
        )
        .unwrap();
    }

    let storage: Box<dyn HqStorage> = Box::new(SqliteStorage::open(&path).unwrap());
    let returns: Vec<ReturnRecord> = storage.records_of(Some("AMS1")).await.unwrap();
    assert_eq!(
        returns[0].refunds[0].reference.as_deref(),
        Some(key.as_str())
    );
    let about: Vec<ResolutionRecord> = storage
        .records_about_of(&format!("over-redeemed-credit/{key}"))
        .await
        .unwrap();
    assert_eq!(about.len(), 1, "the resolution is found under the new id");
    let kept = kassa_replica::DocId::parse("ledger/AMS1/hq/2026-11-23").unwrap();
    assert_eq!(
        storage.load_document(&kept).await.unwrap(),
        Some(b"abc".to_vec()),
        "a document stored whole is its first chunk after the upgrade"
    );
    assert_eq!(
        storage.stored_heads(&kept).await.unwrap(),
        Some(vec!["aa".to_string()])
    );
    drop(storage);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(count_code(&conn), 0);
}

/// The upgrade that brings the report figures fills them from what the database already holds,
/// by the rules sync adds them by: the same totals either way.
#[tokio::test]
async fn the_figures_an_upgrade_fills_in_are_those_sync_adds() {
    use crate::storage::FigureGrouping;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    async fn totals(
        storage: &SqliteStorage,
    ) -> (
        Vec<crate::storage::FigureTotal>,
        Vec<crate::storage::DailySales>,
    ) {
        let mut all = Vec::new();
        for by in [
            FigureGrouping::Day,
            FigureGrouping::Store,
            FigureGrouping::Period,
        ] {
            all.extend(
                storage
                    .figure_totals("2026-01-01", "2026-12-31", &[], by)
                    .await
                    .unwrap(),
            );
        }
        let daily = storage
            .daily_sales("2026-01-01", "2026-12-31")
            .await
            .unwrap();
        (all, daily)
    }
    let added = {
        let storage = SqliteStorage::open(&path).unwrap();
        for code in ["AMS1", "RTM1"] {
            storage
                .create_store(&store_info(code), Utc::now())
                .await
                .unwrap();
        }
        for write in crate::storage::suite::figure_writes() {
            storage.apply_sync(write).await.unwrap();
        }
        totals(&storage).await
    };
    assert!(added.0.len() > 10, "{added:?}");
    assert!(added.1.iter().any(|d| d.channel == "web"), "{added:?}");
    {
        // As a head office before the figures kept it: no table, the schema before (22).
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE daily_figures; DROP TABLE till_contacts; DROP TABLE credit_sales;
             DROP INDEX records_kind_id; DROP TABLE transfers;
             DROP INDEX records_kind_store_id; CREATE INDEX records_kind_store ON records (kind, store);
             DELETE FROM daily_sales WHERE channel = 'web'; PRAGMA user_version = 22;",
        )
        .unwrap();
    }
    let filled = totals(&SqliteStorage::open(&path).unwrap()).await;
    assert_eq!(filled, added);
}
