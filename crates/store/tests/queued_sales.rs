//! A cash or card sale's projection rows wait in the outbox (ADR 0013): its commit writes the
//! record, the counter, the stock movements and the audit entry only. Everything that reads sales
//! sees it all the same, across a restart and from another connection.

mod common;

use common::{at, card, cash, sale, setup, CATALOGUE};
use kassa_domain::TaxMode;
use kassa_store::Till;
use rusqlite::Connection;
use std::path::Path;

fn till_at(path: &Path) -> Till {
    let mut till = Till::open(path)
        .unwrap()
        .with_clock(at("2026-11-23T10:00:00+01:00"));
    if till.config().is_err() {
        till.init(&setup(TaxMode::Inclusive, 5)).unwrap();
        till.import_catalogue_csv(CATALOGUE.as_bytes(), false)
            .unwrap();
    }
    till
}

/// What another connection (a tool, the desktop's syncing till) reads without projecting.
fn raw_count(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_cash_sale_commits_without_its_rows_and_every_read_still_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut till = till_at(&path);
    let first = till
        .complete_sale(&sale(&[("MILK", 2)], vec![cash(None)]), None)
        .unwrap();
    let second = till
        .complete_sale(&sale(&[("WINE", 1)], vec![card(899, "T-1")]), None)
        .unwrap();
    assert_eq!(
        raw_count(&path, "SELECT count(*) FROM sales"),
        0,
        "the sales' commits wrote no projection row"
    );
    assert_eq!(
        raw_count(
            &path,
            "SELECT count(*) FROM document_outbox WHERE kind = 'sale'"
        ),
        2,
        "their records are durable in the outbox"
    );
    // A restart in between (a power cut after the receipt printed) loses nothing.
    drop(till);
    let mut till = till_at(&path);
    assert_eq!(till.sale(&first.receipt_no).unwrap(), first);
    assert_eq!(till.sale(&second.receipt_no).unwrap(), second);
    assert_eq!(raw_count(&path, "SELECT count(*) FROM sales"), 2);

    // Each kind of read projects first: the status line, the day report, a void.
    let third = till
        .complete_sale(&sale(&[("BREAD", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(till.sync_status().unwrap().pending_sales, 3);
    let fourth = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    let report = till.day_report(None).unwrap();
    assert_eq!(report.sales_count, 4);
    assert_eq!(
        report.sales_total.minor(),
        [&first, &second, &third, &fourth]
            .iter()
            .map(|r| r.amount_due.minor())
            .sum::<i64>()
    );
    let fifth = till
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    till.void_sale(&fifth.receipt_no, "rung twice", None)
        .unwrap();
    assert!(till.sale(&fifth.receipt_no).unwrap().void.is_some());
    // The documents hold every sale once, and the rows equal what the documents project.
    let verified = till.rebuild_verify().unwrap();
    assert_eq!(verified.sales_in_documents, 5);
    assert_eq!(verified.differences, Vec::<String>::new());
    assert_eq!(raw_count(&path, "SELECT count(*) FROM document_outbox"), 0);
}

#[test]
fn a_queued_sale_that_cannot_be_read_stops_the_read_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut till = till_at(&path);
    let sold = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    drop(till);
    Connection::open(&path)
        .unwrap()
        .execute_batch("UPDATE document_outbox SET body = '{\"id\": 7}' WHERE kind = 'sale'")
        .unwrap();
    let till = till_at(&path);
    let err = till.sale(&sold.receipt_no).unwrap_err();
    assert!(err.to_string().contains("outbox row"), "{err}");
    assert_eq!(raw_count(&path, "SELECT count(*) FROM sales"), 0);
    assert_eq!(
        raw_count(
            &path,
            "SELECT count(*) FROM document_outbox WHERE kind = 'sale'"
        ),
        1,
        "the record stays queued"
    );
}
