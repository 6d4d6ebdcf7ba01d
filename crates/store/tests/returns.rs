//! Returns, exchanges and store credit at the till: refunds to the original tender, exact line
//! shares, restock or damaged, the return policy with a manager's approval, refusals that change
//! nothing, and over-returns by two offline tills flagged after merging.

mod common;

use common::{at, card, cash, count, exchange, hq_orders, order, publish, sale, setup, till};
use kassa_domain::{DomainError, Money, TaxMode, TenderKind};
use kassa_store::{
    PickupRequest, RefundMethod, ReturnLineRequest, ReturnOf, ReturnRequest, StoreError,
    TenderRequest, Till,
};

fn receipt(no: &str, lines: &[(&str, i64, bool)], refund: RefundMethod) -> ReturnRequest {
    ReturnRequest {
        of: ReturnOf::Receipt {
            receipt_no: no.into(),
        },
        lines: lines
            .iter()
            .map(|(code, quantity, restock)| ReturnLineRequest {
                code: (*code).into(),
                quantity: *quantity,
                restock: *restock,
            })
            .collect(),
        refund,
        approved_by: None,
        reason: Some("changed mind".into()),
        remote_sale: None,
        remote_order: None,
    }
}

fn kinds(tenders: &[kassa_domain::Tender]) -> Vec<(TenderKind, i64)> {
    tenders.iter().map(|t| (t.kind, t.amount.minor())).collect()
}

#[test]
fn a_return_refunds_exact_shares_to_the_original_tender_and_restocks() {
    let mut till = till();
    // 3 milk at 1.29 with a 10% line discount would not split evenly; plain 3 x 1.29 = 3.87.
    let sold = till
        .complete_sale(
            &sale(&[("MILK", 3), ("WINE", 1)], vec![cash(Some(2000))]),
            None,
        )
        .unwrap();
    assert_eq!(sold.total.minor(), 387 + 899);
    let first = till
        .return_goods(
            &receipt(
                &sold.receipt_no,
                &[("MILK", 1, true)],
                RefundMethod::Original,
            ),
            None,
        )
        .unwrap();
    assert_eq!(
        first.receipt_no, "AMS1-2-2",
        "a return takes the next receipt number"
    );
    assert_eq!(first.total.minor(), 129);
    // Cash refunds round like cash sales: 1.29 goes back as 1.30.
    assert_eq!(kinds(&first.refunds), vec![(TenderKind::Cash, 130)]);
    assert_eq!(first.cash_rounding.minor(), 1);
    assert_eq!(
        till.stock_on_hand("MILK").unwrap(),
        -2,
        "sold 3, one back on the shelf"
    );

    // The other two milk, one of them damaged: the shares add up to the line exactly.
    let second = till
        .return_goods(
            &receipt(
                &sold.receipt_no,
                &[("MILK", 1, true), ("4006381333931", 1, false)],
                RefundMethod::Original,
            ),
            None,
        )
        .unwrap();
    assert_eq!(second.total.minor() + first.total.minor(), 387);
    assert_eq!(
        till.stock_on_hand("MILK").unwrap(),
        -1,
        "the damaged one is not restocked"
    );

    let over = till
        .return_goods(
            &receipt(
                &sold.receipt_no,
                &[("MILK", 1, true)],
                RefundMethod::Original,
            ),
            None,
        )
        .unwrap_err();
    assert!(
        matches!(
            over,
            StoreError::Domain(DomainError::ReturnExceedsSold {
                sold: 3,
                already: 3,
                quantity: 1
            })
        ),
        "{over}"
    );
    let returnable = till
        .returnable(
            &ReturnOf::Receipt {
                receipt_no: sold.receipt_no.clone(),
            },
            None,
            None,
        )
        .unwrap();
    let wine = returnable.lines.iter().find(|l| l.sku == "WINE").unwrap();
    assert_eq!((wine.returnable, wine.next_unit_refund.minor()), (1, 899));
    // A sale with returns is not voided: the rest is returned instead.
    let void = till
        .void_sale(&sold.receipt_no, "mistake", None)
        .unwrap_err();
    assert!(void.to_string().contains("has returns"), "{void}");
    assert!(till.rebuild_verify().unwrap().differences.is_empty());
}

#[test]
fn card_payments_are_refunded_to_the_card_first() {
    let mut till = till();
    let sold = till
        .complete_sale(
            &sale(&[("WINE", 2)], vec![card(1000, "T-77"), cash(None)]),
            None,
        )
        .unwrap();
    let back = till
        .return_goods(
            &receipt(&sold.receipt_no, &[], RefundMethod::Original),
            None,
        )
        .unwrap();
    assert_eq!(back.total.minor(), 1798);
    assert_eq!(
        kinds(&back.refunds),
        vec![(TenderKind::Card, 1000), (TenderKind::Cash, 800)]
    );
    assert_eq!(back.refunds[0].reference.as_deref(), Some("T-77"));
}

#[test]
fn the_policy_asks_for_approval_and_caps_what_approval_cannot_lift() {
    let mut till = till();
    let sold = till
        .complete_sale(&sale(&[("WINE", 12)], vec![cash(None)]), None)
        .unwrap();
    // 107.88 in cash while offline is over the 100.00 cap.
    let request = receipt(&sold.receipt_no, &[], RefundMethod::Original);
    let error = till.return_goods(&request, None).unwrap_err();
    assert!(
        matches!(&error, StoreError::NeedsApproval(why) if why.contains("while offline")),
        "{error}"
    );
    assert_eq!(count(&till, "returns"), 0);
    let approved = till
        .return_goods(
            &ReturnRequest {
                approved_by: Some("Maria".into()),
                ..request
            },
            None,
        )
        .unwrap();
    assert_eq!(approved.approved_by.as_deref(), Some("Maria"));
    assert_eq!(approved.approval_reasons.len(), 1);

    // No receipt: approval needed, refunded as credit or cash, capped at 50.00 even approved.
    let no_receipt = |code: &str, quantity, approved_by: Option<&str>| ReturnRequest {
        of: ReturnOf::NoReceipt,
        lines: vec![ReturnLineRequest {
            code: code.into(),
            quantity,
            restock: true,
        }],
        refund: RefundMethod::Credit,
        approved_by: approved_by.map(Into::into),
        reason: None,
        remote_sale: None,
        remote_order: None,
    };
    assert!(matches!(
        till.return_goods(&no_receipt("BREAD", 1, None), None),
        Err(StoreError::NeedsApproval(_))
    ));
    let ok = till
        .return_goods(&no_receipt("BREAD", 1, Some("Maria")), None)
        .unwrap();
    assert_eq!(ok.refunds[0].kind, TenderKind::Credit);
    assert_eq!(ok.lines[0].sold, 0);
    assert!(matches!(
        till.return_goods(&no_receipt("WINE", 6, Some("Maria")), None),
        Err(StoreError::Domain(DomainError::RefundOverCap { .. }))
    ));
    let original = ReturnRequest {
        refund: RefundMethod::Original,
        ..no_receipt("BREAD", 1, Some("Maria"))
    };
    assert!(till
        .return_goods(&original, None)
        .unwrap_err()
        .to_string()
        .contains("no original tender"));

    // Forty days later the sale is outside the 30-day window.
    let later = till
        .complete_sale(&sale(&[("BREAD", 1)], vec![cash(None)]), None)
        .unwrap();
    let mut till = till.with_clock(at("2027-01-02T10:00:00+01:00"));
    let error = till
        .return_goods(&receipt(&later.receipt_no, &[], RefundMethod::Cash), None)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("outside the 30-day return window"),
        "{error}"
    );
}

#[test]
fn refused_returns_change_nothing() {
    let mut till = till();
    let sold = till
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    let voided = till
        .complete_sale(&sale(&[("BREAD", 1)], vec![cash(None)]), None)
        .unwrap();
    till.void_sale(&voided.receipt_no, "wrong item", None)
        .unwrap();
    let cases = vec![
        (
            receipt("AMS1-2-99", &[], RefundMethod::Original),
            "looked up at head office",
        ),
        (
            receipt(
                &sold.receipt_no,
                &[("MILK", 1, true)],
                RefundMethod::Original,
            ),
            "MILK is not on",
        ),
        (
            receipt(
                &sold.receipt_no,
                &[("WINE", 0, true)],
                RefundMethod::Original,
            ),
            "at least 1",
        ),
        (
            receipt(
                &sold.receipt_no,
                &[("WINE", 2, true)],
                RefundMethod::Original,
            ),
            "cannot return 2",
        ),
        (
            receipt(&voided.receipt_no, &[], RefundMethod::Original),
            "already voided",
        ),
    ];
    let stock_before = till.stock_on_hand("WINE").unwrap();
    for (request, expected) in cases {
        let error = till.return_goods(&request, None).unwrap_err().to_string();
        assert!(error.contains(expected), "{request:?}: {error}");
    }
    assert_eq!(count(&till, "returns"), 0);
    assert_eq!(till.stock_on_hand("WINE").unwrap(), stock_before);
    assert_eq!(till.last_receipt_no().unwrap().as_deref(), Some("AMS1-2-2"));
}

#[test]
fn store_credit_is_issued_and_redeemed_up_to_its_balance() {
    let mut till = till();
    let sold = till
        .complete_sale(&sale(&[("WINE", 2)], vec![cash(None)]), None)
        .unwrap();
    let back = till
        .return_goods(
            &receipt(&sold.receipt_no, &[("WINE", 1, true)], RefundMethod::Credit),
            None,
        )
        .unwrap();
    let code = back.refunds[0].reference.clone().unwrap();
    assert!(code.starts_with("CR-") && code.len() == 15, "{code}");
    assert_eq!(
        till.credit_balance(&code.to_lowercase())
            .unwrap()
            .balance
            .minor(),
        899
    );

    let credit = |amount: Option<i64>, code: &str| TenderRequest {
        kind: TenderKind::Credit,
        amount: amount.map(Money::from_minor),
        reference: Some(code.into()),
    };
    let paid = till
        .complete_sale(&sale(&[("BREAD", 2)], vec![credit(None, &code)]), None)
        .unwrap();
    assert_eq!(paid.tenders[0].amount.minor(), 498);
    assert_eq!(till.credit_balance(&code).unwrap().balance.minor(), 401);
    let over = till
        .complete_sale(&sale(&[("WINE", 1)], vec![credit(Some(899), &code)]), None)
        .unwrap_err();
    // People read the amount in the store's currency, never in minor units.
    let message = over
        .public(Some(&kassa_domain::Currency::from_iso("EUR").unwrap()))
        .message;
    assert!(message.contains("has 4.01 EUR left"), "{message}");
    let unknown = till
        .complete_sale(&sale(&[("BREAD", 1)], vec![credit(None, "CR-NOPE")]), None)
        .unwrap_err();
    assert!(matches!(unknown, StoreError::UnknownCredit(_)), "{unknown}");
    // Voiding the sale gives the credit back.
    till.void_sale(&paid.receipt_no, "wrong basket", None)
        .unwrap();
    assert_eq!(till.credit_balance(&code).unwrap().balance.minor(), 899);
}

#[test]
fn an_exchange_is_a_return_and_a_sale_in_one_transaction() {
    let mut till = till();
    let sold = till
        .complete_sale(&sale(&[("WINE", 1)], vec![card(899, "T-1")]), None)
        .unwrap();
    // Wine (8.99) for bread (2.49): the bread is paid by the exchange, 6.50 goes back to the card.
    let (back, new_sale) = till
        .exchange(
            &receipt(&sold.receipt_no, &[], RefundMethod::Original),
            &sale(&[("BREAD", 1)], vec![]),
            None,
        )
        .unwrap();
    assert_eq!(
        kinds(&back.refunds),
        vec![(TenderKind::Exchange, 249), (TenderKind::Card, 650)]
    );
    assert_eq!(kinds(&new_sale.tenders), vec![(TenderKind::Exchange, 249)]);
    assert_eq!(
        new_sale.tenders[0].reference.as_deref(),
        Some(back.receipt_no.as_str())
    );
    assert_eq!(back.exchange_sale_id.as_deref(), Some(new_sale.id.as_str()));
    assert_eq!(till.stock_on_hand("WINE").unwrap(), 0);
    assert_eq!(till.stock_on_hand("BREAD").unwrap(), -1);

    // Bread (2.49) for two wines (17.98): the customer pays the 15.49 difference in cash.
    let (_, upgrade) = till
        .exchange(
            &receipt(&new_sale.receipt_no, &[], RefundMethod::Original),
            &sale(&[("WINE", 2)], vec![cash(Some(2000))]),
            None,
        )
        .unwrap();
    assert_eq!(
        kinds(&upgrade.tenders),
        vec![(TenderKind::Exchange, 249), (TenderKind::Cash, 2000)]
    );
    assert_eq!(upgrade.change.minor(), 450, "15.49 rounds to 15.50 in cash");
    // Refused when the new sale cannot be paid: neither half is written.
    let returns_before = count(&till, "returns");
    let sales_before = count(&till, "sales");
    let short = till.exchange(
        &receipt(
            &upgrade.receipt_no,
            &[("WINE", 1, true)],
            RefundMethod::Original,
        ),
        &sale(&[("WINE", 3)], vec![cash(Some(100))]),
        None,
    );
    assert!(short.is_err());
    assert_eq!(
        (count(&till, "returns"), count(&till, "sales")),
        (returns_before, sales_before)
    );
}

#[test]
fn a_picked_up_online_order_is_returned_in_store_to_the_web_payment() {
    let mut till = till();
    let mut hq = hq_orders();
    publish(&mut till, &mut hq, &order("o-1", "W1001", true));
    let of = ReturnOf::Order {
        order: "W1001".into(),
    };
    let early = till.return_goods(
        &ReturnRequest {
            of: of.clone(),
            ..receipt("", &[], RefundMethod::Original)
        },
        None,
    );
    assert!(early
        .unwrap_err()
        .to_string()
        .contains("nothing of order W1001 was handed over"));
    till.pickup(&PickupRequest {
        order: "W1001".into(),
        code: "482913".into(),
        lines: vec![],
        tenders: vec![],
    })
    .unwrap();
    let back = till
        .return_goods(
            &ReturnRequest {
                of,
                ..receipt("", &[("WINE", 1, true)], RefundMethod::Original)
            },
            None,
        )
        .unwrap();
    assert_eq!(kinds(&back.refunds), vec![(TenderKind::Online, 899)]);
    assert_eq!(back.refunds[0].reference.as_deref(), Some("W1001"));
}

#[test]
fn two_tills_returning_one_sale_offline_are_flagged_after_merging() {
    let mut a = till();
    let mut b = Till::open_in_memory()
        .unwrap()
        .with_clock(at("2026-11-23T10:00:00+01:00"));
    let mut setup_b = setup(TaxMode::Inclusive, 5);
    setup_b.till_no = 3;
    b.init(&setup_b).unwrap();
    b.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    let sold = a
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    exchange(&mut a, &mut b);
    // Offline, both take the bottle back.
    a.return_goods(&receipt(&sold.receipt_no, &[], RefundMethod::Cash), None)
        .unwrap();
    b.return_goods(&receipt(&sold.receipt_no, &[], RefundMethod::Cash), None)
        .unwrap();
    exchange(&mut a, &mut b);
    let inbox = a.exceptions().unwrap();
    let over: Vec<_> = inbox
        .iter()
        .filter(|e| e.kind.as_str() == "over_return")
        .collect();
    assert_eq!(over.len(), 1, "{inbox:?}");
    assert!(
        over[0].message.contains("WINE: 2 returned, 1 sold"),
        "{}",
        over[0].message
    );
    assert_eq!(over[0].records.len(), 2);
    assert_eq!(b.exceptions().unwrap(), inbox);
    // Now till 3 can see both returns and refuses a third.
    assert!(b
        .return_goods(&receipt(&sold.receipt_no, &[], RefundMethod::Cash), None)
        .is_err());
}

#[test]
fn the_day_report_counts_refunds_and_pickup_payments_by_tender() {
    let mut till = till();
    let sold = till
        .complete_sale(&sale(&[("WINE", 2)], vec![cash(Some(2000))]), None)
        .unwrap();
    assert_eq!(
        sold.amount_due.minor(),
        1800,
        "17.98 rounds to 18.00 in cash"
    );
    till.return_goods(
        &receipt(
            &sold.receipt_no,
            &[("WINE", 1, true)],
            RefundMethod::Original,
        ),
        None,
    )
    .unwrap();
    let mut hq = hq_orders();
    publish(&mut till, &mut hq, &order("o-1", "W1001", false));
    till.pickup(&PickupRequest {
        order: "W1001".into(),
        code: "482913".into(),
        lines: vec![],
        tenders: vec![card(2047, "T-5")],
    })
    .unwrap();
    let report = till.day_report(None).unwrap();
    assert_eq!(
        (report.returns_count, report.returns_total.minor()),
        (1, 899)
    );
    assert_eq!(
        (report.pickups_count, report.pickup_payments.minor()),
        (1, 2047)
    );
    let by = |kind: TenderKind| report.tenders.iter().find(|t| t.kind == kind).unwrap();
    let cash_line = by(TenderKind::Cash);
    assert_eq!(
        (
            cash_line.sales.minor(),
            cash_line.refunded.minor(),
            cash_line.net.minor()
        ),
        (1800, 900, 900),
        "the drawer holds what was taken less what was given back"
    );
    assert_eq!(
        (
            by(TenderKind::Card).pickups.minor(),
            by(TenderKind::Card).net.minor()
        ),
        (2047, 2047)
    );
    let standard = report
        .taxes
        .iter()
        .find(|t| t.rate.basis_points() == 2100)
        .unwrap();
    assert_eq!(
        standard.gross.minor(),
        1798 - 899,
        "the returned bottle takes its tax back"
    );
    assert_eq!(standard.tax.minor(), 312 - 156);
}
