mod common;

use common::{cash, sale, setup};
use kassa_domain::{TaxMode, TenderKind};
use kassa_store::{StoreError, Till, SCHEMA_VERSION};
use rusqlite::Connection;

/// Builds a database exactly as the first released schema left it, with data in it.
fn frozen_v1_database(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(include_str!("fixtures/till_schema_v1.sql"))
        .unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 1;
         PRAGMA application_id = 1263747377;
         INSERT INTO store_config VALUES (1, 'AMS1', 2, 'EUR', 2, 'inclusive', 5, '2026-01-01T09:00:00+01:00');
         INSERT INTO receipt_counter VALUES (1, 7);
         INSERT INTO tax_classes VALUES ('standard', 'Standard', 2100), ('reduced', 'Reduced', 900), ('zero', 'Zero', 0);
         INSERT INTO products (sku, name, price, tax_class, category, active) VALUES
             ('MILK', 'Whole milk 1 L', 129, 'reduced', 'Dairy', 1),
             ('CAKE', 'Crème brûlée', 350, 'reduced', 'Desserts', 1);
         INSERT INTO barcodes VALUES ('4006381333931', 1);
         INSERT INTO sales VALUES ('0190a0c0-0000-7000-8000-000000000007', 'AMS1-2-7', 'AMS1', 2, 7,
             '2026-01-01T10:00:00+01:00', '2026-01-01', 'EUR', 'inclusive', 129, 0, 11, 129, 1, 130, 200, 70);
         INSERT INTO sale_lines VALUES ('0190a0c0-0000-7000-8000-000000000007', 1, 'MILK', 'Whole milk 1 L', 1,
             129, 129, NULL, 129, 0, 0, 129, 900, 11);
         INSERT INTO sale_taxes VALUES ('0190a0c0-0000-7000-8000-000000000007', 900, 118, 11, 129);
         INSERT INTO sale_tenders VALUES ('0190a0c0-0000-7000-8000-000000000007', 1, 'cash', 200, NULL);",
    )
    .unwrap();
}

#[test]
fn upgrades_a_first_schema_database_keeping_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    frozen_v1_database(&path);

    let mut till = Till::open(&path).unwrap();
    let version: i64 = till
        .connection()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let old = till.sale("AMS1-2-7").unwrap();
    assert_eq!(old.change.minor(), 70, "old sales read back");
    // Its lines, taxes and tenders moved into its row (0028), as the projection writes them.
    assert_eq!(
        (
            old.lines.len(),
            old.lines[0].sku.as_str(),
            old.lines[0].tax.minor()
        ),
        (1, "MILK", 11)
    );
    assert_eq!(old.lines[0].tax_rate.basis_points(), 900);
    assert_eq!(
        (old.taxes[0].net.minor(), old.taxes[0].gross.minor()),
        (118, 129)
    );
    assert_eq!(
        (
            old.tenders[0].kind,
            old.tenders[0].amount.minor(),
            old.tenders[0].reference.clone()
        ),
        (TenderKind::Cash, 200, None)
    );
    let stored: (String, String, String) = till
        .connection()
        .query_row(
            "SELECT lines, taxes, tenders FROM sales WHERE id = ?1",
            [&old.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        stored,
        (
            serde_json::to_string(&old.lines).unwrap(),
            serde_json::to_string(&old.taxes).unwrap(),
            serde_json::to_string(&old.tenders).unwrap()
        )
    );
    assert_eq!(
        till.search("creme", 5).unwrap()[0].sku,
        "CAKE",
        "old products are in the new search index"
    );
    let receipt = till
        .complete_sale(&sale(&[("4006381333931", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(receipt.receipt_no, "AMS1-2-8", "numbering continues");
}

#[test]
fn refuses_a_database_newer_than_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    Till::open(&path)
        .unwrap()
        .init(&setup(TaxMode::Inclusive, 1))
        .unwrap();
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    match Till::open(&path) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
        }
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
}

#[test]
fn refuses_files_that_are_not_kassa_databases() {
    let dir = tempfile::tempdir().unwrap();
    let other_sqlite = dir.path().join("other.db");
    Connection::open(&other_sqlite)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
        .unwrap();
    let text_file = dir.path().join("notes.txt");
    std::fs::write(
        &text_file,
        "this is not a database, it is a shopping list ".repeat(100),
    )
    .unwrap();
    for path in [&other_sqlite, &text_file] {
        let before = std::fs::read(path).unwrap();
        let err = Till::open(path).err().expect("refused");
        assert!(
            matches!(err, StoreError::NotKassaDatabase(_)),
            "{path:?}: {err}"
        );
        assert_eq!(
            std::fs::read(path).unwrap(),
            before,
            "the file is left untouched"
        );
    }
}
