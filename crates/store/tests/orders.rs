//! Online orders at the till: found by number, QR code or name; reserved stock; pickups whole or
//! partial, with the balance taken; refusals that change nothing; two tills handing one order
//! over offline flagged in both tills' inboxes after they merge.

mod common;

use common::{cash, count, exchange, hq_orders, order, publish, setup, till, ORDERS_DOC};
use kassa_domain::{Money, TaxMode};
use kassa_replica::orders::OrderCancellation;
use kassa_replica::{write_record, RecordKind};
use kassa_store::{OrderStatus, PickupLineRequest, PickupRequest, StoreError, Till};

fn pickup(order: &str, code: &str, lines: &[(&str, i64)]) -> PickupRequest {
    PickupRequest {
        order: order.into(),
        code: code.into(),
        lines: lines
            .iter()
            .map(|(c, q)| PickupLineRequest {
                code: (*c).into(),
                quantity: *q,
            })
            .collect(),
        tenders: vec![],
    }
}

#[test]
fn orders_are_found_by_number_qr_code_and_name() {
    let mut till = till();
    let mut hq = hq_orders();
    publish(&mut till, &mut hq, &order("o-1", "W1001", true));
    publish(&mut till, &mut hq, &order("o-2", "W1002", false));
    assert_eq!(
        till.find_orders("").unwrap().len(),
        2,
        "both wait for pickup"
    );
    assert_eq!(till.find_orders("w1001").unwrap()[0].id, "o-1");
    assert_eq!(till.order("kassa:order:W1002").unwrap().id, "o-2");
    assert_eq!(till.order(" KASSA:ORDER:W1002 ").unwrap().id, "o-2");
    let by_name = till.find_orders("lovelace").unwrap();
    assert_eq!(by_name.len(), 2);
    let view = till.order("W1002").unwrap();
    assert_eq!(view.status, OrderStatus::Open);
    assert_eq!(view.balance, Money::from_minor(2047));
    assert!(matches!(
        till.order("W9999"),
        Err(StoreError::OrderNotFound(n)) if n == "W9999"
    ));
}

#[test]
fn an_order_reserves_stock_until_it_is_handed_over() {
    let mut till = till();
    let mut hq = hq_orders();
    let before = till.stock_position("WINE").unwrap();
    assert_eq!((before.on_hand, before.reserved), (0, 0));
    publish(&mut till, &mut hq, &order("o-1", "W1001", true));
    let reserved = till.stock_position("WINE").unwrap();
    assert_eq!(
        (reserved.on_hand, reserved.reserved, reserved.available),
        (0, 2, -2)
    );

    let record = till
        .pickup(&pickup("W1001", "482913", &[("WINE", 1)]))
        .unwrap();
    assert_eq!(record.value, Money::from_minor(899));
    assert_eq!(record.amount_due, Money::ZERO, "paid online");
    assert_eq!(record.receipt_no, "AMS1-2-1");
    let after = till.stock_position("WINE").unwrap();
    assert_eq!(
        (after.on_hand, after.reserved, after.available),
        (-1, 1, -2)
    );
    assert_eq!(
        till.order("W1001").unwrap().status,
        OrderStatus::PartlyPickedUp
    );

    // The rest: no lines named means everything that remains.
    let rest = till.pickup(&pickup("W1001", "482913", &[])).unwrap();
    assert_eq!(rest.lines.len(), 2);
    assert_eq!(rest.value, Money::from_minor(899 + 249));
    let done = till.order("W1001").unwrap();
    assert_eq!(done.status, OrderStatus::PickedUp);
    assert_eq!(till.stock_position("WINE").unwrap().reserved, 0);
    assert_eq!(till.stock_on_hand("BREAD").unwrap(), -1);
    assert!(till.find_orders("").unwrap().is_empty(), "nothing waits");
    assert!(till.rebuild_verify().unwrap().differences.is_empty());
}

#[test]
fn an_unpaid_order_takes_the_balance_of_what_is_handed_over() {
    let mut till = till();
    let mut hq = hq_orders();
    publish(&mut till, &mut hq, &order("o-1", "W1001", false));
    let short = pickup("W1001", "482913", &[("WINE", 1)]);
    assert!(matches!(
        till.pickup(&short),
        Err(StoreError::Domain(
            kassa_domain::DomainError::ShortTender { .. }
        ))
    ));
    let mut paying = short.clone();
    paying.tenders = vec![cash(None)];
    let first = till.pickup(&paying).unwrap();
    // 8.99 in cash rounds to 9.00 (the till rounds cash to 0.05).
    assert_eq!(
        (first.amount_due.minor(), first.cash_rounding.minor()),
        (900, 1)
    );
    let mut rest = pickup("W1001", "482913", &[]);
    rest.tenders = vec![cash(Some(2000))];
    let second = till.pickup(&rest).unwrap();
    assert_eq!(second.value, Money::from_minor(1148));
    assert_eq!(
        (second.amount_due.minor(), second.change.minor()),
        (1150, 850)
    );
    assert_eq!(till.order("W1001").unwrap().balance, Money::ZERO);
}

#[test]
fn wrong_pickup_codes_lock_the_order_for_a_while() {
    let mut till = till(); // the clock stands at 2026-11-23T10:00:00+01:00
    let mut hq = hq_orders();
    publish(&mut till, &mut hq, &order("o-1", "W1001", true));
    // A right code clears the wrong ones before it.
    for _ in 0..4 {
        till.pickup(&pickup("W1001", "111111", &[])).unwrap_err();
    }
    till.pickup(&pickup("W1001", "482913", &[("WINE", 1)]))
        .unwrap();
    for left in (1..5).rev() {
        let wrong = till.pickup(&pickup("w1001", "111111", &[])).unwrap_err();
        assert!(
            wrong.to_string().contains(&format!("{left} tries left")),
            "{wrong}"
        );
    }
    let locked = till.pickup(&pickup("W1001", "111111", &[])).unwrap_err();
    assert!(locked.to_string().contains("0 tries left"), "{locked}");
    // Locked even for the right code, until the lock runs out.
    let right = till.pickup(&pickup("W1001", "482913", &[])).unwrap_err();
    assert!(
        right.to_string().contains(
            "too many wrong codes for order W1001: try again after 2026-11-23T10:05:00.000+01:00"
        ),
        "{right}"
    );
    let mut till = till.with_clock(common::at("2026-11-23T10:05:01+01:00"));
    till.pickup(&pickup("W1001", "482913", &[])).unwrap();
    assert_eq!(count(&till, "pickups"), 2);
}

#[test]
fn refused_pickups_change_nothing() {
    let mut till = till();
    let mut hq = hq_orders();
    publish(&mut till, &mut hq, &order("o-1", "W1001", true));
    publish(&mut till, &mut hq, &order("o-2", "W1002", true));
    let cases: Vec<(PickupRequest, &str)> = vec![
        (pickup("W1001", "000000", &[]), "does not match"),
        (
            pickup("W1001", "482913", &[("WINE", 3)]),
            "only 2 of 2 ordered remain",
        ),
        (
            pickup("W1001", "482913", &[("MILK", 1)]),
            "MILK is not on order W1001",
        ),
        (pickup("W1001", "482913", &[("WINE", 0)]), "at least 1"),
        (pickup("W4040", "482913", &[]), "no online order"),
        (
            PickupRequest {
                tenders: vec![cash(Some(100))],
                ..pickup("W1001", "482913", &[])
            },
            "nothing is due",
        ),
    ];
    for (request, expected) in cases {
        let error = till.pickup(&request).unwrap_err().to_string();
        assert!(error.contains(expected), "{request:?}: {error}");
    }
    assert_eq!(count(&till, "pickups"), 0);
    assert_eq!(till.stock_on_hand("WINE").unwrap(), 0);

    till.pickup(&pickup("W1001", "482913", &[])).unwrap();
    let again = till.pickup(&pickup("W1001", "482913", &[])).unwrap_err();
    assert!(again.to_string().contains("handed over already"), "{again}");

    // Head office cancels W1002: the till refuses to hand it over once it knows.
    let cancel = OrderCancellation {
        id: "c-1".into(),
        order_id: "o-2".into(),
        order_no: "W1002".into(),
        reason: kassa_replica::orders::CancellationReason::Cancelled,
        note: Some("customer asked".into()),
        created_at: kassa_replica::Timestamp::parse("2026-11-21T09:00:00Z").unwrap(),
    };
    write_record(&mut hq, RecordKind::Cancellation, "c-1", &cancel).unwrap();
    common::deliver(&mut till, ORDERS_DOC, &mut hq);
    assert_eq!(till.order("W1002").unwrap().status, OrderStatus::Cancelled);
    assert_eq!(till.stock_position("BREAD").unwrap().reserved, 0);
    let error = till.pickup(&pickup("W1002", "482913", &[])).unwrap_err();
    assert!(error.to_string().contains("cancelled"), "{error}");
    assert_eq!(count(&till, "pickups"), 1);
}

#[test]
fn two_tills_handing_over_one_order_offline_are_flagged_after_merging() {
    let mut a = till();
    let mut b = Till::open_in_memory()
        .unwrap()
        .with_clock(common::at("2026-11-23T10:00:00+01:00"));
    let mut setup_b = setup(TaxMode::Inclusive, 5);
    setup_b.till_no = 3;
    b.init(&setup_b).unwrap();
    b.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    let mut hq = hq_orders();
    publish(&mut a, &mut hq, &order("o-1", "W1001", true));
    common::deliver(&mut b, ORDERS_DOC, &mut hq);

    // Offline, each sees the order untouched and hands all of it over.
    a.pickup(&pickup("W1001", "482913", &[])).unwrap();
    b.pickup(&pickup("W1001", "482913", &[])).unwrap();
    assert!(a
        .exceptions()
        .unwrap()
        .iter()
        .all(|e| e.kind.as_str() != "over_pickup"));

    exchange(&mut a, &mut b);
    let inbox_a: Vec<_> = a.exceptions().unwrap();
    let over: Vec<_> = inbox_a
        .iter()
        .filter(|e| e.kind.as_str() == "over_pickup")
        .collect();
    assert_eq!(over.len(), 1, "{inbox_a:?}");
    assert_eq!(over[0].id, "over-pickup/o-1");
    assert_eq!(
        over[0].tills,
        vec!["AMS1-2".to_string(), "AMS1-3".to_string()]
    );
    assert!(
        over[0].message.contains("WINE: 4 handed over, 2 ordered"),
        "{}",
        over[0].message
    );
    assert_eq!(
        b.exceptions().unwrap(),
        inbox_a,
        "same documents, same inbox"
    );

    // A manager resolves it on till 3; till 2 sees the resolution after the next merge.
    assert!(matches!(
        b.resolve_exception("over-pickup/o-1", "  ", None, None),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        b.resolve_exception("over-pickup/nope", "x", None, None),
        Err(StoreError::ExceptionNotFound(_))
    ));
    b.resolve_exception(
        "over-pickup/o-1",
        "second bottle pair recovered",
        Some("Maria"),
        None,
    )
    .unwrap();
    exchange(&mut a, &mut b);
    let resolved = a
        .exceptions()
        .unwrap()
        .into_iter()
        .find(|e| e.id == "over-pickup/o-1")
        .unwrap()
        .resolution
        .unwrap();
    assert_eq!(resolved.note, "second bottle pair recovered");
    assert_eq!(resolved.written_by, "till-3");
    assert!(a.rebuild_verify().unwrap().differences.is_empty());
    assert!(b.rebuild_verify().unwrap().differences.is_empty());
}
