//! Shifts and the cash drawer: a float, sales and returns by tender, cash in and out, an X
//! report, a blind count at the close and the Z report with expected and difference; the shift a
//! power cut could not close; refusals that change nothing.

mod common;

use common::{card, cash, count, sale, setup, till};
use kassa_domain::{Denomination, Money, Role, TaxMode, TenderCount, TenderKind};
use kassa_store::{
    CashDirection, Credentials, RefundMethod, ReportKind, ReturnLineRequest, ReturnOf,
    ReturnRequest, StoreError, Till,
};

fn m(minor: i64) -> Money {
    Money::from_minor(minor)
}

fn coins(list: &[(i64, i64)]) -> TenderCount {
    TenderCount {
        kind: TenderKind::Cash,
        amount: None,
        denominations: list
            .iter()
            .map(|&(value, count)| Denomination {
                value: m(value),
                count,
            })
            .collect(),
    }
}

fn card_total(minor: i64) -> TenderCount {
    TenderCount {
        kind: TenderKind::Card,
        amount: Some(m(minor)),
        denominations: vec![],
    }
}

fn amount_of(list: &[kassa_store::TenderAmount], kind: TenderKind) -> i64 {
    list.iter().find(|t| t.kind == kind).unwrap().amount.minor()
}

/// A shift: float 100.00; a cash sale of 2.58 (paid 2.60, cash rounds to 0.05); a card sale of
/// 8.99; one milk returned in cash (1.30); 20.00 in from the bank, 5.00 out for the window
/// cleaner. The drawer should hold 100 + 2.60 - 1.30 + 20 - 5 = 116.30.
fn worked_shift(till: &mut Till) {
    till.open_shift(m(10_000)).unwrap();
    let first = till
        .complete_sale(&sale(&[("MILK", 2)], vec![cash(None)]), None)
        .unwrap();
    till.complete_sale(&sale(&[("WINE", 1)], vec![card(899, "T-1")]), None)
        .unwrap();
    till.return_goods(
        &ReturnRequest {
            of: ReturnOf::Receipt {
                receipt_no: first.sale.receipt_no,
            },
            lines: vec![ReturnLineRequest {
                code: "MILK".into(),
                quantity: 1,
                restock: true,
            }],
            refund: RefundMethod::Original,
            approved_by: None,
            reason: None,
            remote_sale: None,
            remote_order: None,
        },
        None,
    )
    .unwrap();
    till.cash_movement(CashDirection::In, m(2000), "change from the bank", None)
        .unwrap();
    till.cash_movement(CashDirection::Out, m(500), "window cleaner", None)
        .unwrap();
}

#[test]
fn the_x_report_says_what_the_drawer_should_hold_and_the_z_seals_the_blind_count() {
    let mut till = till();
    worked_shift(&mut till);
    let x = till.x_report(None).unwrap();
    assert_eq!(x.kind, ReportKind::X);
    assert_eq!((x.sales.sales_count, x.sales.returns_count), (2, 1));
    assert_eq!((x.cash_in.minor(), x.cash_out.minor()), (2000, 500));
    assert_eq!(amount_of(&x.expected, TenderKind::Cash), 11_630);
    assert_eq!(amount_of(&x.expected, TenderKind::Card), 899);

    // Counted blind: 2 x 50, 10, 5, 1, 0.20, 2 x 0.05 = 116.30; the terminal says 8.99.
    let z = till
        .close_shift(&[
            coins(&[(5000, 2), (1000, 1), (500, 1), (100, 1), (20, 1), (5, 2)]),
            card_total(899),
        ])
        .unwrap();
    assert_eq!(z.kind, ReportKind::Z);
    assert!(!z.copy);
    assert_eq!(amount_of(&z.counted, TenderKind::Cash), 11_630);
    assert_eq!(amount_of(&z.difference, TenderKind::Cash), 0);
    assert_eq!(amount_of(&z.difference, TenderKind::Card), 0);
    assert_eq!(z.sales.taxes.len(), 2, "tax per rate");
    assert_eq!(z.movements.len(), 2);
    assert!(till.current_shift().unwrap().is_none());

    // A sale after the close belongs to no shift on a till without staff; the Z never changes.
    till.complete_sale(&sale(&[("BREAD", 1)], vec![cash(None)]), None)
        .unwrap();
    let copy = till.shift_report(&z.shift_id).unwrap();
    assert!(copy.copy);
    assert_eq!(
        (copy.sales.sales_count, copy.counted.clone()),
        (2, z.counted)
    );
    assert_eq!(till.shifts(10).unwrap().len(), 1);
    assert!(till.rebuild_verify().unwrap().differences.is_empty());

    // `rebuild --verify` covers the shift tables: a row no document holds is named.
    till.connection()
        .execute(
            "INSERT INTO cash_movements (id, shift_id, till_no, direction, amount, business_day, record)
             VALUES ('ghost', ?1, 2, 'in', 100, '2026-11-23', '{}')",
            [&z.shift_id],
        )
        .unwrap();
    let report = till.rebuild_verify().unwrap();
    assert!(
        report
            .differences
            .iter()
            .any(|d| d.starts_with("cash_movements")),
        "{:?}",
        report.differences
    );
}

#[test]
fn a_short_drawer_shows_as_a_negative_difference() {
    let mut till = till();
    worked_shift(&mut till);
    let z = till
        .close_shift(&[TenderCount {
            kind: TenderKind::Cash,
            amount: Some(m(11_000)),
            denominations: vec![],
        }])
        .unwrap();
    assert_eq!(amount_of(&z.difference, TenderKind::Cash), -630);
    assert!(
        z.difference.iter().all(|d| d.kind != TenderKind::Card),
        "the card total was not counted"
    );
}

#[test]
fn bad_counts_and_movements_are_refused_and_close_nothing() {
    let mut till = till();
    assert!(matches!(
        till.cash_movement(CashDirection::In, m(100), "float top-up", None),
        Err(StoreError::NoOpenShift)
    ));
    assert!(till.open_shift(m(-1)).is_err());
    till.open_shift(m(10_000)).unwrap();
    let again = till.open_shift(m(10_000)).unwrap_err();
    assert!(again.to_string().contains("already open"), "{again}");
    for (counts, why) in [
        (vec![coins(&[(200, -3)])], "cannot be negative"),
        (vec![coins(&[(0, 3)])], "worth more than zero"),
        (vec![card_total(100)], "count the cash"),
        (
            vec![coins(&[(100, 1)]), coins(&[(100, 1)])],
            "counted twice",
        ),
        (
            vec![TenderCount {
                kind: TenderKind::Credit,
                amount: Some(m(100)),
                denominations: vec![],
            }],
            "not counted at the till",
        ),
    ] {
        let refused = till.close_shift(&counts).unwrap_err();
        assert!(refused.to_string().contains(why), "{refused}");
    }
    for (amount, reason) in [(0, "bank"), (-5, "bank"), (100, " ")] {
        assert!(till
            .cash_movement(CashDirection::Out, m(amount), reason, None)
            .is_err());
    }
    assert!(till.current_shift().unwrap().is_some(), "still open");
    assert_eq!(count(&till, "shift_closes"), 0);
    assert_eq!(count(&till, "cash_movements"), 0);
}

#[test]
fn a_till_that_lost_power_keeps_its_open_shift() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let id = {
        let mut till = Till::open(&path)
            .unwrap()
            .with_clock(common::at("2026-11-23T10:00:00+01:00"));
        till.init(&setup(TaxMode::Inclusive, 5)).unwrap();
        till.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
            .unwrap();
        till.open_shift(m(5000)).unwrap().id
        // dropped without closing anything: the power went
    };
    let mut till = Till::open(&path)
        .unwrap()
        .with_clock(common::at("2026-11-23T11:00:00+01:00"));
    assert_eq!(till.current_shift().unwrap().unwrap().id, id);
    till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(till.x_report(None).unwrap().sales.sales_count, 1);
}

#[test]
fn on_a_till_with_staff_money_needs_an_open_shift_and_cash_out_a_manager() {
    let mut till = till();
    till.apply_staff_update(
        1,
        &[
            common::staff_member("c", "Carl", Role::Cashier, "1111"),
            common::staff_member("m", "Maria", Role::Manager, "333333"),
        ],
    )
    .unwrap();
    till.sign_in("Carl", "1111").unwrap();
    let closed = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap_err();
    assert!(matches!(closed, StoreError::NoOpenShift), "{closed}");
    assert_eq!(count(&till, "sales"), 0);
    let shift = till.open_shift(m(10_000)).unwrap();
    assert_eq!(shift.opened_by.unwrap().name, "Carl");
    let sold = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    assert_eq!(sold.cashier.as_ref().map(|c| c.name.as_str()), Some("Carl"));

    let refused = till
        .cash_movement(CashDirection::Out, m(1000), "flowers", None)
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::ApprovalRequired { .. }),
        "{refused}"
    );
    let out = till
        .cash_movement(
            CashDirection::Out,
            m(1000),
            "flowers",
            Some(&Credentials {
                staff: "Maria".into(),
                pin: "333333".into(),
            }),
        )
        .unwrap();
    assert_eq!(out.approved_by.unwrap().name, "Maria");
    till.cash_movement(CashDirection::In, m(500), "coins from the bank", None)
        .unwrap();
    // The expected drawer is not for the cashier's eyes before the blind count.
    let blind = till.x_report(None).unwrap_err();
    assert!(
        matches!(blind, StoreError::ApprovalRequired { .. }),
        "{blind}"
    );
    let maria = Credentials {
        staff: "Maria".into(),
        pin: "333333".into(),
    };
    assert_eq!(till.x_report(Some(&maria)).unwrap().kind, ReportKind::X);
    let z = till
        .close_shift(&[TenderCount {
            kind: TenderKind::Cash,
            amount: Some(m(9_630)),
            denominations: vec![],
        }])
        .unwrap();
    // 100.00 + 1.30 - 10.00 + 5.00 = 96.30
    assert_eq!(amount_of(&z.expected, TenderKind::Cash), 9_630);
    assert_eq!(z.closed_by.as_deref(), Some("Carl"));
    let after = till
        .complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap_err();
    assert!(
        matches!(after, StoreError::NoOpenShift),
        "a closed shift takes no sale"
    );
}

#[test]
fn shifts_are_ordered_by_the_instant_they_opened_across_a_clock_falling_back() {
    // 25 October 2026, Amsterdam: at 03:00+02:00 the clock goes back to 02:00+01:00. The second
    // shift opens later (01:10Z against 00:30Z) though its local text sorts first.
    let mut till = till().with_clock(common::at("2026-10-25T02:30:00+02:00"));
    let first = till.open_shift(m(5000)).unwrap().id;
    let mut till = till.with_clock(common::at("2026-10-25T02:50:00+02:00"));
    till.close_shift(&[TenderCount {
        kind: TenderKind::Cash,
        amount: Some(m(5000)),
        denominations: vec![],
    }])
    .unwrap();
    let mut till = till.with_clock(common::at("2026-10-25T02:10:00+01:00"));
    let second = till.open_shift(m(6000)).unwrap().id;
    assert_eq!(till.current_shift().unwrap().unwrap().id, second);
    let listed: Vec<String> = till
        .shifts(10)
        .unwrap()
        .into_iter()
        .map(|(s, _)| s.id)
        .collect();
    assert_eq!(listed, [second.clone(), first]);
    // And a sale goes into the open shift.
    till.complete_sale(&sale(&[("MILK", 1)], vec![cash(None)]), None)
        .unwrap();
    let x = till.x_report(None).unwrap();
    assert_eq!((x.shift_id, x.sales.sales_count), (second, 1));
}
