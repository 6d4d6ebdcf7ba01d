//! Guards on money leaving the store: store credit codes in any case, tenders a cashier may not
//! enter, credit from another store spent twice before head office hears of it, cash refunds
//! rounded on their running total, and orders listing one SKU on several lines.

mod common;

use common::{cash, hq_orders, order, publish, sale, till};
use kassa_domain::{Money, TenderKind};
use kassa_replica::ledger::CreditBalance;
use kassa_replica::orders::OrderLine;
use kassa_store::{
    PickupRequest, RefundMethod, ReturnLineRequest, ReturnOf, ReturnRequest, TenderRequest,
};

fn tender(kind: TenderKind, amount: Option<i64>, reference: Option<&str>) -> TenderRequest {
    TenderRequest {
        kind,
        amount: amount.map(Money::from_minor),
        reference: reference.map(Into::into),
    }
}

fn return_of(of: ReturnOf, lines: &[(&str, i64)], refund: RefundMethod) -> ReturnRequest {
    ReturnRequest {
        of,
        lines: lines
            .iter()
            .map(|(code, quantity)| ReturnLineRequest {
                code: (*code).into(),
                quantity: *quantity,
                restock: true,
            })
            .collect(),
        refund,
        approved_by: None,
        reason: None,
        remote_sale: None,
        remote_order: None,
    }
}

fn receipt(no: &str) -> ReturnOf {
    ReturnOf::Receipt {
        receipt_no: no.into(),
    }
}

#[test]
fn a_credit_code_typed_in_lower_case_is_held_to_the_same_balance() {
    let mut till = till();
    let sold = till
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    let back = till
        .return_goods(
            &return_of(
                receipt(&sold.receipt_no),
                &[("WINE", 1)],
                RefundMethod::Credit,
            ),
            None,
        )
        .unwrap();
    let code = back.refunds[0].reference.clone().unwrap();
    let lower = code.to_lowercase();
    let paid = till
        .complete_sale(
            &sale(
                &[("BREAD", 2)],
                vec![tender(TenderKind::Credit, None, Some(&lower))],
            ),
            None,
        )
        .unwrap();
    // Both spellings are one credit: the sale keeps the key of the code in upper case.
    assert_eq!(
        paid.tenders[0].reference.as_deref(),
        Some(kassa_domain::credit_key_of_code(&code).as_str())
    );
    assert_eq!(
        till.credit_balance(&code).unwrap().balance.minor(),
        899 - 498
    );
    let again = till
        .complete_sale(
            &sale(
                &[("BREAD", 2)],
                vec![tender(TenderKind::Credit, None, Some(&lower))],
            ),
            None,
        )
        .unwrap_err();
    // People read the amount in the store's currency, never in minor units.
    let message = again
        .public(Some(&kassa_domain::Currency::from_iso("EUR").unwrap()))
        .message;
    assert!(message.contains("has 4.01 EUR left"), "{message}");
}

#[test]
fn a_cashier_cannot_tender_an_exchange_or_an_online_payment() {
    let mut till = till();
    for kind in [TenderKind::Exchange, TenderKind::Online] {
        let refused = till
            .complete_sale(
                &sale(&[("WINE", 1)], vec![tender(kind, None, Some("AMS1-2-1"))]),
                None,
            )
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("cannot be tendered for a sale"),
            "{refused}"
        );
    }
    assert_eq!(till.last_receipt_no().unwrap(), None, "nothing was stored");

    // A pickup's balance is paid in cash or by card: credit would escape its balance check.
    let mut hq = hq_orders();
    publish(&mut till, &mut hq, &order("o-1", "W1001", false));
    for kind in [TenderKind::Credit, TenderKind::Exchange, TenderKind::Online] {
        let refused = till
            .pickup(&PickupRequest {
                order: "W1001".into(),
                code: "482913".into(),
                lines: vec![],
                tenders: vec![tender(kind, None, Some("CR-ANY"))],
            })
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("cannot be tendered for an order pickup"),
            "{refused}"
        );
    }
    assert_eq!(till.order("W1001").unwrap().pickups.len(), 0);
}

#[test]
fn another_stores_credit_is_not_spent_twice_before_head_office_hears_of_it() {
    let mut till = till();
    let remote = CreditBalance {
        code: "CR-REMOTE23456".into(),
        issued: Money::from_minor(1000),
        redeemed: Money::ZERO,
        balance: Money::from_minor(1000),
    };
    till.remember_remote_credit("CR-REMOTE23456", &remote)
        .unwrap();
    till.complete_sale(
        &sale(
            &[("WINE", 1)],
            vec![tender(TenderKind::Credit, None, Some("cr-remote23456"))],
        ),
        None,
    )
    .unwrap();
    // Looked up again before the sale reached head office: it still reports the whole 10.00.
    till.remember_remote_credit("CR-REMOTE23456", &remote)
        .unwrap();
    let refused = till
        .complete_sale(
            &sale(
                &[("WINE", 1)],
                vec![tender(
                    TenderKind::Credit,
                    Some(899),
                    Some("CR-REMOTE23456"),
                )],
            ),
            None,
        )
        .unwrap_err();
    // People read the amount in the store's currency, never in minor units.
    let message = refused
        .public(Some(&kassa_domain::Currency::from_iso("EUR").unwrap()))
        .message;
    assert!(message.contains("has 1.01 EUR left"), "{message}");
    till.complete_sale(
        &sale(
            &[("STAMP", 1)],
            vec![tender(
                TenderKind::Credit,
                Some(100),
                Some("CR-REMOTE23456"),
            )],
        ),
        None,
    )
    .unwrap();
}

#[test]
fn cash_refunds_in_parts_round_their_running_total_not_each_part() {
    let mut till = till(); // cash rounds to 0.05
    let sold = till
        .complete_sale(&sale(&[("MILK", 3)], vec![cash(None)]), None)
        .unwrap();
    // 3 x 1.29 = 3.87, paid 3.85 in cash.
    assert_eq!((sold.total.minor(), sold.amount_due.minor()), (387, 385));
    let mut refunded = 0;
    for _ in 0..3 {
        let back = till
            .return_goods(
                &return_of(
                    receipt(&sold.receipt_no),
                    &[("MILK", 1)],
                    RefundMethod::Original,
                ),
                None,
            )
            .unwrap();
        assert_eq!(back.refunds.len(), 1);
        assert_eq!(back.refunds[0].kind, TenderKind::Cash);
        assert_eq!(back.refunds[0].amount.minor() % 5, 0, "cash in 0.05 steps");
        refunded += back.refunds[0].amount.minor();
    }
    // Each 1.29 rounded alone would give back 3 x 1.30 = 3.90, more than was paid.
    assert_eq!(refunded, 385);
}

#[test]
fn an_order_listing_a_sku_on_two_lines_is_returned_whole() {
    let mut till = till();
    let mut hq = hq_orders();
    let mut two_lines = order("o-2", "W2002", true);
    let mug = |price: i64| OrderLine {
        sku: "WINE".into(),
        name: "Côtes du Rhône rouge 75 cl".into(),
        quantity: 1,
        unit_price: Money::from_minor(price),
        amount: Money::from_minor(price),
        tax_rate: kassa_domain::TaxRate::from_basis_points(2100).unwrap(),
    };
    two_lines.lines = vec![mug(899), mug(799)];
    two_lines.total = Money::from_minor(1698);
    two_lines.paid_online = two_lines.total;
    publish(&mut till, &mut hq, &two_lines);
    till.pickup(&PickupRequest {
        order: "W2002".into(),
        code: "482913".into(),
        lines: vec![],
        tenders: vec![],
    })
    .unwrap();
    let of = ReturnOf::Order {
        order: "W2002".into(),
    };
    let returnable = till.returnable(&of, None, None).unwrap();
    assert_eq!(returnable.lines.len(), 1);
    assert_eq!(returnable.lines[0].returnable, 2);
    let back = till
        .return_goods(&return_of(of, &[("WINE", 2)], RefundMethod::Original), None)
        .unwrap();
    assert_eq!(back.total.minor(), 1698, "both lines, at what each cost");
    assert_eq!(back.refunds[0].kind, TenderKind::Online);
    assert_eq!(back.refunds[0].amount.minor(), 1698);
}
