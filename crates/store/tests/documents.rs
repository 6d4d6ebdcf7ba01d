//! Every till command writes its Automerge change with its projection rows; projections can be
//! rebuilt from the documents; records that arrive by sync are projected exactly once.

mod common;

use common::{card, cash, count, exchange, sale, setup, till};
use kassa_domain::TaxMode;
use kassa_store::Till;

#[test]
fn a_sale_writes_its_ledger_and_stock_documents() {
    let mut till = till();
    assert_eq!(count(&till, "documents"), 0);
    till.complete_sale(&sale(&[("MILK", 2), ("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(
        till.document_ids().unwrap(),
        ["ledger/AMS1/2/2026-11-23", "stock/AMS1/0"]
    );
    assert_eq!(till.stock_on_hand("MILK").unwrap(), -2);
    let receipt = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    till.void_sale(&receipt.receipt_no, "mistake", None)
        .unwrap();
    assert_eq!(
        till.stock_on_hand("MILK").unwrap(),
        -2,
        "a void puts the goods back"
    );
    let report = till.rebuild_verify().unwrap();
    assert_eq!(
        (report.sales_in_documents, report.voids_in_documents),
        (2, 1)
    );
    assert_eq!(report.differences, Vec::<String>::new());
}

#[test]
fn rebuild_verify_finds_rows_no_document_explains() {
    let mut till = till();
    let receipt = till
        .complete_sale(&sale(&[("MILK", 1)], vec![card(129, "T")]), None)
        .unwrap();
    // A row written behind the till's back (by a bug or by hand).
    till.connection()
        .execute_batch(
            "INSERT INTO sales SELECT 'forged', 'AMS1-2-99', store_code, till_no, 99, created_at, business_day, currency,
                tax_mode, subtotal, discount_total, tax_total, total, cash_rounding, amount_due, tendered, change_given,
                cashier_id, cashier_name, approved_by_id, approved_by_name, shift_id, lines, taxes, tenders
             FROM sales LIMIT 1",
        )
        .unwrap();
    let report = till.rebuild_verify().unwrap();
    assert_eq!(report.differences.len(), 1, "{:?}", report.differences);
    assert!(
        report.differences[0].contains("forged")
            && report.differences[0].contains("in no document")
    );
    assert!(!report.differences.iter().any(|d| d.contains(&receipt.id)));
}

#[test]
fn a_reopened_till_keeps_writing_the_same_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    {
        let mut till = Till::open(&path)
            .unwrap()
            .with_clock(common::at("2026-11-23T10:00:00+01:00"));
        till.init(&setup(TaxMode::Inclusive, 1)).unwrap();
        till.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
            .unwrap();
        till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
            .unwrap();
    }
    let mut till = Till::open(&path)
        .unwrap()
        .with_clock(common::at("2026-11-23T11:00:00+01:00"));
    till.complete_sale(&sale(&[("MILK", 3)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(till.stock_on_hand("MILK").unwrap(), -4);
    assert_eq!(till.rebuild_verify().unwrap().sales_in_documents, 2);
}

#[test]
fn records_from_another_till_are_projected_once_and_not_in_its_report() {
    let mut a = till();
    let mut b = Till::open_in_memory()
        .unwrap()
        .with_clock(common::at("2026-11-23T10:00:00+01:00"));
    let mut setup_b = setup(TaxMode::Inclusive, 5);
    setup_b.till_no = 3;
    b.init(&setup_b).unwrap();
    b.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();

    let sold = a
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    b.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    exchange(&mut a, &mut b);
    exchange(&mut a, &mut b); // a second round changes nothing
    assert_eq!(
        b.sale(&sold.receipt_no).unwrap(),
        sold,
        "till 3 sees till 2's sale as it was"
    );
    assert_eq!(count(&b, "sales"), 2);
    assert_eq!(count(&a, "sales"), 2);
    assert_eq!(
        b.day_report(None).unwrap().sales_count,
        1,
        "a till reports its own sales"
    );
    assert_eq!(
        b.stock_on_hand("WINE").unwrap(),
        -1,
        "stock merges across tills"
    );
    assert_eq!(a.stock_on_hand("MILK").unwrap(), -1);
    a.void_sale(&sold.receipt_no, "customer left", None)
        .unwrap();
    exchange(&mut a, &mut b);
    assert!(b.sale(&sold.receipt_no).unwrap().void.is_some());
    for till in [&mut a, &mut b] {
        assert_eq!(
            till.rebuild_verify().unwrap().differences,
            Vec::<String>::new()
        );
    }
}

#[test]
fn malformed_sync_messages_change_nothing() {
    let mut till = till();
    till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    let chunks = count(&till, "documents");
    let id = "ledger/AMS1/2/2026-11-23";
    let mut state = till.sync_state(id, "hq").unwrap();
    assert!(till
        .receive_sync_message(id, "hq", &mut state, b"\x42garbage")
        .is_err());
    assert!(till
        .receive_sync_message("ledger/OTHER/1/2026-11-23", "hq", &mut state, b"")
        .is_err());
    assert_eq!(count(&till, "documents"), chunks);
    assert_eq!(count(&till, "sync_states"), 0);
}

#[test]
fn two_connections_to_one_till_see_each_others_changes() {
    // The desktop app syncs on a second connection while the cashier sells on the first.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut selling = Till::open(&path)
        .unwrap()
        .with_clock(common::at("2026-11-23T10:00:00+01:00"));
    selling.init(&setup(TaxMode::Inclusive, 1)).unwrap();
    selling
        .import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    selling
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    let mut syncing = Till::open(&path)
        .unwrap()
        .with_clock(common::at("2026-11-23T10:00:00+01:00"));
    assert_eq!(syncing.stock_on_hand("MILK").unwrap(), -1);
    selling
        .complete_sale(&sale(&[("MILK", 2)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(
        syncing.stock_on_hand("MILK").unwrap(),
        -3,
        "the other connection's commit is seen"
    );
    syncing
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(selling.stock_on_hand("MILK").unwrap(), -4);
    assert_eq!(
        selling.rebuild_verify().unwrap().differences,
        Vec::<String>::new()
    );
}
