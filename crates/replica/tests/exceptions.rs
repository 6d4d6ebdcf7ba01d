//! The exceptions inbox from documents: tills that each act on what they can see offline, merged,
//! show the same inbox on every replica, and it flags exactly the broken rules.

mod network;

use kassa_domain::{Money, TaxRate, Tender, TenderKind};
use kassa_replica::exceptions::{detect, Exception, Facts};
use kassa_replica::ledger::{ResolutionRecord, ReturnLine, ReturnRecord, ReturnSource};
use kassa_replica::orders::{
    CancellationReason, OrderCancellation, OrderLine, OrderRecord, PickupLine, PickupRecord,
};
use kassa_replica::{write_record, DocId, RecordKind};
use network::Network;
use proptest::prelude::*;

fn ts(text: &str) -> kassa_replica::Timestamp {
    kassa_replica::Timestamp::parse(text).unwrap()
}

const ORDERS: &str = "orders/AMS1/2026-11";

fn order() -> OrderRecord {
    OrderRecord {
        id: "order-1".into(),
        order_no: "W1001".into(),
        store: "AMS1".into(),
        customer_name: "Ada".into(),
        pickup_code_hash: kassa_replica::orders::pickup_code_hash("order-1", "123456"),
        lines: vec![OrderLine {
            sku: "MUG".into(),
            name: "Mug".into(),
            quantity: 2,
            unit_price: Money::from_minor(500),
            amount: Money::from_minor(1000),
            tax_rate: TaxRate::from_basis_points(2100).unwrap(),
        }],
        total: Money::from_minor(1000),
        paid_online: Money::from_minor(1000),
        currency: "EUR".into(),
        created_at: ts("2026-11-02T10:00:00Z"),
        pickup_by: ts("2026-11-16T10:00:00Z"),
        shipped_at: None,
    }
}

fn pickup(id: &str, till: u16, quantity: i64) -> PickupRecord {
    PickupRecord {
        id: id.into(),
        order_id: "order-1".into(),
        order_no: "W1001".into(),
        store: "AMS1".into(),
        till_no: till,
        receipt_no: format!("AMS1-{till}-{id}"),
        lines: vec![PickupLine {
            sku: "MUG".into(),
            quantity,
        }],
        value: Money::from_minor(500 * quantity),
        amount_due: Money::ZERO,
        cash_rounding: Money::ZERO,
        tenders: vec![],
        change: Money::ZERO,
        created_at: ts("2026-11-03T10:00:00Z"),
        business_day: "2026-11-03".into(),
        cashier: None,
        shift_id: None,
    }
}

fn a_return(id: &str, till: u16, quantity: i64, credit: Option<(&str, i64)>) -> ReturnRecord {
    ReturnRecord {
        id: id.into(),
        receipt_no: format!("AMS1-{till}-{id}"),
        store_code: "AMS1".into(),
        till_no: till,
        seq: 1,
        created_at: ts("2026-11-03T11:00:00Z"),
        business_day: "2026-11-03".into(),
        currency: "EUR".into(),
        source: ReturnSource::Sale {
            sale_id: "sale-1".into(),
            receipt_no: "AMS1-1-1".into(),
            store: "AMS1".into(),
            business_day: "2026-11-01".into(),
        },
        lines: vec![ReturnLine {
            sku: "MUG".into(),
            name: "Mug".into(),
            quantity,
            sold: 3,
            amount: Money::from_minor(500 * quantity),
            tax_rate: TaxRate::from_basis_points(2100).unwrap(),
            tax: Money::ZERO,
            restock: true,
        }],
        total: Money::from_minor(500 * quantity),
        cash_rounding: Money::ZERO,
        refunds: vec![match credit {
            Some((code, amount)) => Tender {
                kind: TenderKind::Credit,
                amount: Money::from_minor(amount),
                reference: Some(code.into()),
            },
            None => Tender {
                kind: TenderKind::Cash,
                amount: Money::from_minor(500 * quantity),
                reference: None,
            },
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

#[test]
fn legitimate_partial_pickups_are_not_flagged() {
    let expiry = |created_at: &str| OrderCancellation {
        id: "c1".into(),
        order_id: "order-1".into(),
        order_no: "W1001".into(),
        reason: CancellationReason::Expired,
        note: None,
        created_at: ts(created_at),
    };
    let mut facts = Facts::default();
    facts.orders.push(order());
    // One of two mugs collected (a till's local time, +01:00), then head office expires the rest.
    let mut collected = pickup("p1", 1, 1);
    collected.created_at = ts("2026-11-03T10:00:00.000+01:00");
    facts.pickups.push(collected);
    facts.cancellations.push(expiry("2026-11-17T09:00:00.000Z"));
    assert!(detect(&facts).is_empty(), "{:?}", detect(&facts));

    // A till that had not heard of the expiry hands the second mug over afterwards: flagged,
    // naming only that pickup.
    let mut late = pickup("p2", 2, 1);
    late.created_at = ts("2026-11-17T11:00:00.000+01:00");
    facts.pickups.push(late);
    let found = detect(&facts);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind.as_str(), "cancelled_order_picked_up");
    assert_eq!(found[0].records, vec!["c1".to_string(), "p2".to_string()]);
    assert_eq!(found[0].tills, vec!["AMS1-2".to_string()]);

    // Returns against an order picked up in parts: each saw more handed over than the one before.
    let mut facts = Facts::default();
    let mut first = a_return("r1", 1, 1, None);
    first.lines[0].sold = 1;
    let mut second = a_return("r2", 1, 2, None);
    second.lines[0].sold = 3;
    facts.returns.extend([first, second]);
    assert!(detect(&facts).is_empty(), "3 returned of 3 handed over");
}

fn ledger(till: u16) -> String {
    format!("ledger/AMS1/{till}/2026-11-03")
}

fn inbox(net: &mut Network, replica: usize) -> Vec<Exception> {
    detect(&inbox_facts(net, replica))
}

#[test]
fn two_offline_pickups_of_one_order_are_flagged_on_every_replica() {
    let mut net = Network::star(2);
    write_record(
        net.replicas[0].doc(ORDERS),
        RecordKind::Order,
        "order-1",
        &order(),
    )
    .unwrap();
    net.run_until_quiescent();
    net.partition(1);
    net.partition(2);
    // Each till sees the order unpicked and hands all of it over.
    write_record(
        net.replicas[1].doc(ORDERS),
        RecordKind::Pickup,
        "p1",
        &pickup("p1", 1, 2),
    )
    .unwrap();
    write_record(
        net.replicas[2].doc(ORDERS),
        RecordKind::Pickup,
        "p2",
        &pickup("p2", 2, 2),
    )
    .unwrap();
    assert!(inbox(&mut net, 1).is_empty(), "alone, each pickup is fine");
    net.heal_all();
    net.run_until_quiescent();
    let at_hq = inbox(&mut net, 0);
    assert_eq!(at_hq.len(), 1, "{at_hq:?}");
    assert_eq!(at_hq[0].id, "over-pickup/order-1");
    assert_eq!(at_hq[0].records, vec!["p1".to_string(), "p2".to_string()]);
    assert_eq!(
        at_hq[0].tills,
        vec!["AMS1-1".to_string(), "AMS1-2".to_string()]
    );
    assert_eq!(inbox(&mut net, 1), at_hq);
    assert_eq!(inbox(&mut net, 2), at_hq);

    // A manager resolves it at till 2; the resolution reaches everyone.
    let resolution = ResolutionRecord {
        id: "r1".into(),
        exception_id: "over-pickup/order-1".into(),
        note: "customer brought one mug back".into(),
        resolved_by: Some("Maria".into()),
        written_by: "till-2".into(),
        store: "AMS1".into(),
        created_at: ts("2026-11-04T09:00:00Z"),
    };
    write_record(
        net.replicas[2].doc(&ledger(2)),
        RecordKind::Resolution,
        "r1",
        &resolution,
    )
    .unwrap();
    net.run_until_quiescent();
    for replica in 0..3 {
        let inbox = inbox(&mut net, replica);
        assert_eq!(
            inbox[0].resolution.as_ref().map(|r| r.note.as_str()),
            Some("customer brought one mug back")
        );
    }
}

#[test]
fn over_return_and_over_redeemed_credit_are_flagged() {
    let mut facts = Facts::default();
    facts
        .returns
        .push(a_return("r1", 1, 2, Some(("CR-1", 1000))));
    facts.returns.push(a_return("r2", 2, 1, None));
    assert!(detect(&facts).is_empty(), "3 of 3 returned is fine");
    facts.returns.push(a_return("r3", 2, 1, None));
    let found = detect(&facts);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "over-return/sale-1");
    assert_eq!(found[0].kind.as_str(), "over_return");
    assert!(
        found[0].message.contains("MUG: 4 returned, 3 sold"),
        "{}",
        found[0].message
    );

    // Credit CR-1 holds 10.00: two tills redeem 6.00 each.
    let mut facts = Facts::default();
    facts
        .returns
        .push(a_return("r1", 1, 2, Some(("CR-1", 1000))));
    for (id, till) in [("s1", 1), ("s2", 2)] {
        let mut sale: kassa_replica::ledger::SaleRecord = serde_json::from_value(serde_json::json!({
            "id": id, "receipt_no": format!("AMS1-{till}-9"), "store_code": "AMS1", "till_no": till, "seq": 9,
            "created_at": "2026-11-05T10:00:00Z", "business_day": "2026-11-05", "currency": "EUR",
            "tax_mode": "inclusive", "lines": [], "taxes": [], "subtotal": 600, "discount_total": 0,
            "tax_total": 0, "total": 600, "cash_rounding": 0, "amount_due": 600, "tendered": 600,
            "change": 0, "tenders": []
        })).unwrap();
        sale.tenders.push(Tender {
            kind: TenderKind::Credit,
            amount: Money::from_minor(600),
            reference: Some("CR-1".into()),
        });
        facts.add_sale(&sale);
    }
    let found = detect(&facts);
    assert_eq!(found.len(), 1, "{found:?}");
    // Records from before keys hold the code: the exception names the credit by its key.
    assert_eq!(
        found[0].id,
        format!(
            "over-redeemed-credit/{}",
            kassa_domain::credit_key_of_code("CR-1")
        )
    );
    assert!(!found[0].message.contains("CR-1"), "{}", found[0].message);
    assert_eq!(
        found[0].tills,
        vec!["AMS1-1".to_string(), "AMS1-2".to_string()]
    );
}

#[derive(Clone, Debug)]
enum Op {
    Pickup { till: usize, quantity: i64 },
    Return { till: usize, quantity: i64 },
    Partition(usize),
    Heal(usize),
    Sync,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1usize..=3, 1i64..=2).prop_map(|(till, quantity)| Op::Pickup { till, quantity }),
        (1usize..=3, 1i64..=2).prop_map(|(till, quantity)| Op::Return { till, quantity }),
        (1usize..=3).prop_map(Op::Partition),
        (1usize..=3).prop_map(Op::Heal),
        Just(Op::Sync),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Tills pick up and return only what they can see is left (as the till service does); after
    /// healing, every replica shows the same inbox, and it flags over-pickup and over-return exactly
    /// when the merged records break the rule.
    #[test]
    fn same_documents_same_inbox(ops in proptest::collection::vec(op(), 1..40)) {
        let mut net = Network::star(3);
        write_record(net.replicas[0].doc(ORDERS), RecordKind::Order, "order-1", &order()).unwrap();
        net.run_until_quiescent();
        let mut n = 0;
        for op in ops {
            n += 1;
            match op {
                Op::Pickup { till, quantity } => {
                    let seen: i64 = inbox_facts(&mut net, till).pickups.iter().flat_map(|p| &p.lines).map(|l| l.quantity).sum();
                    if seen + quantity <= 2 {
                        let id = format!("p{n}");
                        write_record(net.replicas[till].doc(ORDERS), RecordKind::Pickup, &id, &pickup(&id, till as u16, quantity)).unwrap();
                    }
                }
                Op::Return { till, quantity } => {
                    let seen: i64 = inbox_facts(&mut net, till).returns.iter().flat_map(|r| &r.lines).map(|l| l.quantity).sum();
                    if seen + quantity <= 3 {
                        let id = format!("r{n}");
                        write_record(net.replicas[till].doc(&ledger(till as u16)), RecordKind::Return, &id, &a_return(&id, till as u16, quantity, None)).unwrap();
                    }
                }
                Op::Partition(t) => net.partition(t),
                Op::Heal(t) => net.heal(t),
                Op::Sync => net.run_until_quiescent(),
            }
        }
        net.heal_all();
        net.run_until_quiescent();
        let at_hq = inbox(&mut net, 0);
        for replica in 1..=3 {
            prop_assert_eq!(&inbox(&mut net, replica), &at_hq);
        }
        let facts = inbox_facts(&mut net, 0);
        let picked: i64 = facts.pickups.iter().flat_map(|p| &p.lines).map(|l| l.quantity).sum();
        let returned: i64 = facts.returns.iter().flat_map(|r| &r.lines).map(|l| l.quantity).sum();
        prop_assert_eq!(at_hq.iter().any(|e| e.kind.as_str() == "over_pickup"), picked > 2);
        prop_assert_eq!(at_hq.iter().any(|e| e.kind.as_str() == "over_return"), returned > 3);
    }
}

fn inbox_facts(net: &mut Network, replica: usize) -> Facts {
    let mut facts = Facts::default();
    for (id, doc) in &net.replicas[replica].docs {
        facts
            .add_document(&DocId::parse(id).unwrap(), doc, false)
            .unwrap();
    }
    facts
}
