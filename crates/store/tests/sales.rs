mod common;

use common::{at, card, cash, count, sale, setup, till};
use kassa_domain::{Discount, Money, PriceOverride, TaxMode, TenderKind};
use kassa_store::{LineRequest, SaleRequest, StoreError, Till};

#[test]
fn rings_up_a_cash_sale_with_change_and_rounding() {
    let mut till = till();
    // 2 x 1.29 (9 %) + 8.99 (21 %) + 1.00 (0 %) = 12.57; cash rounds to 12.55
    let receipt = till
        .complete_sale(
            &sale(
                &[("MILK", 2), ("96385074", 1), ("STAMP", 1)],
                vec![cash(Some(2000))],
            ),
            None,
        )
        .unwrap();
    assert_eq!(receipt.receipt_no, "AMS1-2-1");
    assert_eq!(receipt.total, Money::from_minor(1257));
    assert_eq!(receipt.cash_rounding, Money::from_minor(-2));
    assert_eq!(receipt.amount_due, Money::from_minor(1255));
    assert_eq!(receipt.change, Money::from_minor(745));
    assert_eq!(receipt.lines.len(), 3);
    assert_eq!(
        receipt.lines[1].sku, "WINE",
        "a barcode resolves to its product"
    );
    let taxes: Vec<(u32, i64)> = receipt
        .taxes
        .iter()
        .map(|t| (t.rate.basis_points(), t.tax.minor()))
        .collect();
    // 258 at 9 %: 21.30 -> 21; 899 at 21 %: 156.02 -> 156
    assert_eq!(taxes, vec![(0, 0), (900, 21), (2100, 156)]);
    assert_eq!(receipt.business_day, "2026-11-23");
    assert_eq!(
        till.sale("AMS1-2-1").unwrap(),
        receipt,
        "what was stored reads back the same"
    );
}

#[test]
fn split_tender_card_then_exact_cash() {
    let mut till = till();
    let receipt = till
        .complete_sale(
            &sale(&[("WINE", 1)], vec![card(500, "TRM-88121"), cash(None)]),
            None,
        )
        .unwrap();
    // 8.99 - 5.00 card = 3.99 cash, rounded to 4.00
    assert_eq!(receipt.tenders[1].kind, TenderKind::Cash);
    assert_eq!(receipt.tenders[1].amount, Money::from_minor(400));
    assert_eq!(receipt.tenders[0].reference.as_deref(), Some("TRM-88121"));
    assert_eq!(
        (receipt.amount_due.minor(), receipt.change.minor()),
        (900, 0)
    );
}

#[test]
fn discounts_and_overrides_are_stored_on_the_lines() {
    let mut till = till();
    let request = SaleRequest {
        lines: vec![
            LineRequest {
                discount: Some(Discount::Percent(1000)),
                ..LineRequest::new("WINE", 1)
            },
            LineRequest {
                price_override: Some(PriceOverride {
                    price: Money::from_minor(199),
                    reason: "dented".into(),
                }),
                ..LineRequest::new("BREAD", 1)
            },
        ],
        discount: Some(Discount::Amount(Money::from_minor(100))),
        tenders: vec![card(900, "T1")],
    };
    let priced = till.price(&request).unwrap();
    let receipt = till
        .complete_sale(
            &SaleRequest {
                tenders: vec![card(priced.total.minor(), "T1")],
                ..request
            },
            None,
        )
        .unwrap();
    assert_eq!(receipt.lines[0].line_discount.minor(), 90);
    assert_eq!(receipt.lines[1].unit_price.minor(), 199);
    assert_eq!(receipt.lines[1].list_price.minor(), 249);
    assert_eq!(receipt.lines[1].override_reason.as_deref(), Some("dented"));
    assert_eq!(receipt.discount_total.minor(), 90 + 100);
    assert_eq!(receipt.total.minor(), 899 - 90 + 199 - 100);
}

#[test]
fn exclusive_store_adds_tax() {
    let mut till = Till::open_in_memory().unwrap();
    till.init(&setup(TaxMode::Exclusive, 1)).unwrap();
    till.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    let receipt = till
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(
        (receipt.tax_total.minor(), receipt.total.minor()),
        (189, 1088)
    );
}

#[test]
fn receipt_numbers_continue_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    {
        let mut till = Till::open(&path).unwrap();
        till.init(&setup(TaxMode::Inclusive, 1)).unwrap();
        till.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
            .unwrap();
        for _ in 0..3 {
            till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
                .unwrap();
        }
        // A refused sale takes no number.
        assert!(till
            .complete_sale(&sale(&[("MILK", 1)], vec![cash(Some(1))]), None)
            .is_err());
    }
    let mut till = Till::open(&path).unwrap();
    assert_eq!(till.last_receipt_no().unwrap().as_deref(), Some("AMS1-2-3"));
    let receipt = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(receipt.receipt_no, "AMS1-2-4");
    assert_eq!(till.sale("AMS1-2-2").unwrap().seq, 2);
}

#[test]
fn a_failure_inside_the_transaction_leaves_nothing_behind() {
    let mut till = till();
    till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    // Make the last step of the sale command (its audit entry) fail, as a full disk or a crash
    // between statements would.
    till.connection()
        .execute_batch("CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected failure'); END;")
        .unwrap();
    let audited_before = count(&till, "audit_log");
    // Reading stock writes the first sale's queued records into the documents first.
    let stock_before = till.stock_on_hand("WINE").unwrap();
    let chunks_before = count(&till, "documents");
    assert_eq!(count(&till, "document_outbox"), 0);
    let err = till
        .complete_sale(&sale(&[("WINE", 1), ("BREAD", 2)], vec![cash(None)]), None)
        .unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
    assert!(!err.is_bad_input());
    assert_eq!(
        count(&till, "documents"),
        chunks_before,
        "no document change was stored"
    );
    assert_eq!(
        count(&till, "document_outbox"),
        0,
        "nor queued for the documents"
    );
    assert_eq!(
        till.stock_on_hand("WINE").unwrap(),
        stock_before,
        "nor kept in memory"
    );
    for (table, want) in [("sales", 1), ("audit_log", audited_before)] {
        assert_eq!(
            count(&till, table),
            want,
            "{table} holds only the first sale"
        );
    }
    till.connection()
        .execute_batch("DROP TRIGGER fail_audit")
        .unwrap();
    let receipt = till
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(
        receipt.receipt_no, "AMS1-2-2",
        "the failed attempt's number was never issued"
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let mut till = till();
    let cases: Vec<(SaleRequest, &str)> = vec![
        (sale(&[("NOPE", 1)], vec![cash(None)]), "unknown item"),
        (sale(&[("MILK", 0)], vec![cash(None)]), "quantity"),
        (sale(&[("MILK", -3)], vec![cash(None)]), "quantity"),
        (sale(&[("MILK", 1)], vec![cash(Some(100))]), "short tender"),
        (sale(&[("MILK", 1)], vec![card(100, "T")]), "short tender"),
        (
            sale(&[("MILK", 1)], vec![card(500, "T")]),
            "change is given only from cash",
        ),
        (
            sale(
                &[("MILK", 1)],
                vec![cash(Some(i64::MAX)), cash(Some(i64::MAX))],
            ),
            "too large",
        ),
        (
            sale(&[("WINE", 100_000), ("WINE", 100_000)], vec![cash(Some(1))]),
            "short tender",
        ),
        (sale(&[], vec![cash(None)]), "empty"),
        (sale(&[("OLD", 1)], vec![cash(None)]), "not for sale"),
        (
            sale(&[("MILK", 1)], vec![card(129, &"x".repeat(65))]),
            "too long",
        ),
        (
            sale(&[("MILK", 1)], vec![card(129, "T"), cash(None)]),
            "nothing is left",
        ),
        (
            sale(&[("MILK", 1)], vec![cash(None), cash(None)]),
            "only one tender",
        ),
    ];
    for (request, want) in cases {
        let err = till.complete_sale(&request, None).unwrap_err();
        assert!(err.is_bad_input(), "{err}");
        assert!(
            err.to_string().contains(want),
            "{:?}: got {err}",
            request.lines
        );
    }
    assert_eq!(count(&till, "sales"), 0);
    assert_eq!(till.last_receipt_no().unwrap(), None);
}

#[test]
fn voids_are_new_records_and_sales_stay_immutable() {
    let mut till = till();
    let receipt = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    assert!(matches!(
        till.void_sale(&receipt.receipt_no, "  ", None),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        till.void_sale("AMS1-2-99", "typo", None),
        Err(StoreError::SaleNotFound(_))
    ));
    let void = till
        .void_sale(&receipt.receipt_no, "customer changed mind", None)
        .unwrap();
    assert_eq!(void.sale_id, receipt.id);
    assert!(matches!(
        till.void_sale(&receipt.receipt_no, "again", None),
        Err(StoreError::AlreadyVoided(_))
    ));
    let reread = till.sale(&receipt.receipt_no).unwrap();
    assert_eq!(
        reread.void.as_ref().map(|v| v.reason.as_str()),
        Some("customer changed mind")
    );
    assert_eq!(reread.total, receipt.total, "the sale itself is unchanged");
    let conn = till.connection();
    assert!(conn.execute("UPDATE sales SET total = 0", []).is_err());
    assert!(conn.execute("DELETE FROM sales", []).is_err());
    assert!(conn
        .execute("UPDATE sales SET lines = '[]', tenders = '[]'", [])
        .is_err());
    assert!(conn.execute("DELETE FROM voids", []).is_err());
}

#[test]
fn day_report_totals_by_tender_and_rate_net_of_voids() {
    let mut till = till();
    till.complete_sale(
        &sale(&[("MILK", 2), ("WINE", 1)], vec![cash(Some(2000))]),
        None,
    )
    .unwrap(); // 11.57 -> 11.55
    till.complete_sale(&sale(&[("WINE", 1)], vec![card(899, "T1")]), None)
        .unwrap();
    let voided = till
        .complete_sale(&sale(&[("BREAD", 1)], vec![card(249, "T2")]), None)
        .unwrap();
    till.void_sale(&voided.receipt_no, "wrong item", None)
        .unwrap();
    let mut next_day = Till::open_in_memory().unwrap(); // a different day's report sees nothing
    next_day.init(&setup(TaxMode::Inclusive, 5)).unwrap();

    let report = till.day_report(None).unwrap();
    assert_eq!((report.sales_count, report.voids_count), (3, 1));
    assert_eq!(report.sales_total.minor(), 1155 + 899 + 249);
    assert_eq!(report.net_total.minor(), 1155 + 899);
    assert_eq!(report.cash_rounding.minor(), -2);
    let tenders: Vec<(TenderKind, i64, i64, i64)> = report
        .tenders
        .iter()
        .map(|t| (t.kind, t.sales.minor(), t.voided.minor(), t.net.minor()))
        .collect();
    assert_eq!(
        tenders,
        vec![
            (TenderKind::Cash, 1155, 0, 1155),
            (TenderKind::Card, 1148, 249, 899)
        ]
    );
    let taxes: Vec<(u32, i64)> = report
        .taxes
        .iter()
        .map(|t| (t.rate.basis_points(), t.gross.minor()))
        .collect();
    assert_eq!(taxes, vec![(900, 258), (2100, 1798)]);
    let other_day = till
        .day_report(Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()))
        .unwrap();
    assert_eq!((other_day.sales_count, other_day.net_total.minor()), (0, 0));
}

#[test]
fn a_void_counts_on_the_day_it_was_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut till = Till::open(&path)
        .unwrap()
        .with_clock(at("2026-11-23T18:00:00+01:00"));
    till.init(&setup(TaxMode::Inclusive, 1)).unwrap();
    till.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    let receipt = till
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    drop(till);
    let mut till = Till::open(&path)
        .unwrap()
        .with_clock(at("2026-11-24T09:00:00+01:00"));
    till.void_sale(&receipt.receipt_no, "returned next morning", None)
        .unwrap();
    let day1 = till
        .day_report(chrono::NaiveDate::from_ymd_opt(2026, 11, 23))
        .unwrap();
    let day2 = till.day_report(None).unwrap();
    assert_eq!((day1.net_total.minor(), day1.voids_count), (899, 0));
    assert_eq!(
        (day2.net_total.minor(), day2.voids_count, day2.sales_count),
        (-899, 1, 0)
    );
}

#[test]
fn commands_refuse_an_uninitialised_till() {
    let mut till = Till::open_in_memory().unwrap();
    assert!(matches!(
        till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None),
        Err(StoreError::NotInitialized)
    ));
    assert!(matches!(
        till.import_catalogue_csv(common::CATALOGUE.as_bytes(), false),
        Err(StoreError::NotInitialized)
    ));
    till.init(&setup(TaxMode::Inclusive, 1)).unwrap();
    assert!(matches!(
        till.init(&setup(TaxMode::Inclusive, 1)),
        Err(StoreError::AlreadyInitialized(_))
    ));
}
