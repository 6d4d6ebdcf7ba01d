//! The exceptions inbox a till keeps up to date as records arrive always equals the inbox worked
//! out from scratch over everything the till holds: a property test with two tills that sell,
//! return (to store credit as well), redeem credit, void, hand over online orders that head office
//! publishes and cancels, and merge with each other at random moments. Reads of the inbox happen
//! at random too, so subjects marked by several records pile up between reads.

mod common;

use common::{cash, deliver, exchange, hq_orders, order, publish, sale, setup, till, ORDERS_DOC};
use kassa_domain::TaxMode;
use kassa_replica::orders::OrderCancellation;
use kassa_replica::{write_record, AutoCommit, RecordKind};
use kassa_store::{
    PickupLineRequest, PickupRequest, RefundMethod, ReturnLineRequest, ReturnOf, ReturnRequest,
    TenderRequest, Till,
};
use proptest::prelude::*;

const SKUS: [&str; 3] = ["MILK", "WINE", "BREAD"];

#[derive(Clone, Debug)]
enum Op {
    Sale {
        till: usize,
        sku: usize,
        qty: i64,
    },
    /// A sale paid with store credit issued earlier (by either till): two offline tills can
    /// redeem one code twice.
    SaleOnCredit {
        till: usize,
        pick: usize,
    },
    Return {
        till: usize,
        pick: usize,
        credit: bool,
    },
    Void {
        till: usize,
        pick: usize,
    },
    Publish {
        till: usize,
    },
    Pickup {
        till: usize,
        pick: usize,
        whole: bool,
    },
    Cancel {
        till: usize,
        pick: usize,
    },
    Merge,
    Read {
        till: usize,
    },
    Resolve {
        till: usize,
        pick: usize,
    },
}

struct World {
    tills: [Till; 2],
    hq: AutoCommit,
    /// (till, receipt number) of every sale.
    sales: Vec<(usize, String)>,
    credit_codes: Vec<String>,
    orders: usize,
    cancelled: std::collections::BTreeSet<usize>,
}

fn second_till() -> Till {
    let mut b = Till::open_in_memory()
        .unwrap()
        .with_clock(common::at("2026-11-23T10:05:00+01:00"));
    let mut setup_b = setup(TaxMode::Inclusive, 5);
    setup_b.till_no = 3;
    b.init(&setup_b).unwrap();
    b.import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    b
}

impl World {
    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Sale { till, sku, qty } => {
                let receipt = self.tills[till]
                    .complete_sale(&sale(&[(SKUS[sku], qty)], vec![cash(None)]), None)
                    .unwrap();
                self.sales.push((till, receipt.sale.receipt_no));
            }
            Op::SaleOnCredit { till, pick } => {
                let Some(code) = self.credit_codes.get(pick % self.credit_codes.len().max(1))
                else {
                    return;
                };
                let tender = TenderRequest {
                    kind: kassa_domain::TenderKind::Credit,
                    amount: None,
                    reference: Some(code.clone()),
                };
                // Refused when this till knows the credit is spent or does not know it.
                if let Ok(receipt) =
                    self.tills[till].complete_sale(&sale(&[("BREAD", 1)], vec![tender]), None)
                {
                    self.sales.push((till, receipt.sale.receipt_no));
                }
            }
            Op::Return { till, pick, credit } => {
                let Some((_, receipt_no)) = self.sales.get(pick % self.sales.len().max(1)) else {
                    return;
                };
                let request = ReturnRequest {
                    of: ReturnOf::Receipt {
                        receipt_no: receipt_no.clone(),
                    },
                    lines: Vec::<ReturnLineRequest>::new(),
                    refund: if credit {
                        RefundMethod::Credit
                    } else {
                        RefundMethod::Original
                    },
                    approved_by: Some("Maria".into()),
                    reason: Some("changed mind".into()),
                    remote_sale: None,
                    remote_order: None,
                };
                // A till that has not heard of the sale, or sees it all returned, refuses.
                if let Ok(record) = self.tills[till].return_goods(&request, None) {
                    self.credit_codes.extend(
                        record
                            .refunds
                            .iter()
                            .filter(|r| r.kind == kassa_domain::TenderKind::Credit)
                            .filter_map(|r| r.reference.clone()),
                    );
                }
            }
            Op::Void { till, pick } => {
                let mine: Vec<&String> = self
                    .sales
                    .iter()
                    .filter(|(t, _)| *t == till)
                    .map(|(_, r)| r)
                    .collect();
                if let Some(receipt_no) = mine.get(pick % mine.len().max(1)) {
                    let _ = self.tills[till].void_sale(receipt_no, "rung twice", None);
                }
            }
            Op::Publish { till } => {
                self.orders += 1;
                let n = self.orders;
                publish(
                    &mut self.tills[till],
                    &mut self.hq,
                    &order(&format!("o-{n}"), &format!("W{n}"), true),
                );
            }
            Op::Pickup { till, pick, whole } => {
                if self.orders == 0 {
                    return;
                }
                let n = 1 + pick % self.orders;
                let request = PickupRequest {
                    order: format!("W{n}"),
                    code: "482913".into(),
                    lines: if whole {
                        Vec::new()
                    } else {
                        vec![PickupLineRequest {
                            code: "WINE".into(),
                            quantity: 1,
                        }]
                    },
                    tenders: vec![],
                };
                // Refused when the till has not heard of the order or it is all handed over.
                let _ = self.tills[till].pickup(&request);
            }
            Op::Cancel { till, pick } => {
                if self.orders == 0 {
                    return;
                }
                let n = 1 + pick % self.orders;
                if !self.cancelled.insert(n) {
                    return;
                }
                let cancel = OrderCancellation {
                    id: format!("c-{n}"),
                    order_id: format!("o-{n}"),
                    order_no: format!("W{n}"),
                    reason: kassa_replica::orders::CancellationReason::Cancelled,
                    note: None,
                    // Before the tills' clocks (09:00 UTC): their later handovers are flagged.
                    created_at: kassa_replica::Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
                };
                write_record(&mut self.hq, RecordKind::Cancellation, &cancel.id, &cancel).unwrap();
                deliver(&mut self.tills[till], ORDERS_DOC, &mut self.hq);
            }
            Op::Merge => {
                let [a, b] = &mut self.tills;
                exchange(a, b);
            }
            Op::Resolve { till, pick } => {
                let open: Vec<String> = self.tills[till]
                    .exceptions()
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.resolution.is_none())
                    .map(|e| e.id)
                    .collect();
                if let Some(id) = open.get(pick % open.len().max(1)) {
                    self.tills[till]
                        .resolve_exception(id, "counted and settled", Some("Maria"), None)
                        .unwrap();
                }
            }
            Op::Read { till } => {
                // Reading refreshes the kept inbox: later checks then start from a read one.
                self.tills[till].exceptions().unwrap();
            }
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..2usize, 0..SKUS.len(), 1..4i64).prop_map(|(till, sku, qty)| Op::Sale { till, sku, qty }),
        4 => (0..2usize, 0..4usize).prop_map(|(till, pick)| Op::SaleOnCredit { till, pick }),
        4 => (0..2usize, 0..8usize, any::<bool>()).prop_map(|(till, pick, credit)| Op::Return { till, pick, credit }),
        1 => (0..2usize, 0..4usize).prop_map(|(till, pick)| Op::Void { till, pick }),
        2 => (0..2usize).prop_map(|till| Op::Publish { till }),
        3 => (0..2usize, 0..4usize, any::<bool>()).prop_map(|(till, pick, whole)| Op::Pickup { till, pick, whole }),
        1 => (0..2usize, 0..4usize).prop_map(|(till, pick)| Op::Cancel { till, pick }),
        3 => Just(Op::Merge),
        2 => (0..2usize).prop_map(|till| Op::Read { till }),
        1 => (0..2usize, 0..4usize).prop_map(|(till, pick)| Op::Resolve { till, pick }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn the_kept_inbox_equals_the_inbox_worked_out_from_scratch(
        ops in proptest::collection::vec(op(), 1..50),
        checks in proptest::collection::vec(any::<bool>(), 50),
    ) {
        let mut world = World {
            tills: [till(), second_till()],
            hq: hq_orders(),
            sales: Vec::new(),
            credit_codes: Vec::new(),
            orders: 0,
            cancelled: Default::default(),
        };
        for (n, op) in ops.iter().enumerate() {
            world.apply(op);
            if checks[n] {
                for (t, till) in world.tills.iter_mut().enumerate() {
                    let from_scratch = till.exceptions_from_scratch().unwrap();
                    prop_assert_eq!(till.exceptions().unwrap(), from_scratch, "till {} after op {} ({:?})", t, n, op);
                }
            }
        }
        let [a, b] = &mut world.tills;
        exchange(a, b);
        for till in &mut world.tills {
            let from_scratch = till.exceptions_from_scratch().unwrap();
            prop_assert_eq!(till.exceptions().unwrap(), from_scratch.clone());
            prop_assert_eq!(till.rebuild_verify().unwrap().differences, Vec::<String>::new());
        }
        let [a, b] = &mut world.tills;
        prop_assert_eq!(a.exceptions().unwrap(), b.exceptions().unwrap(), "merged tills show one inbox");
    }
}

/// Two connections to one till database (the desktop's selling and syncing tills): what one
/// changes, the other's copy of the inbox shows at its next read.
#[test]
fn another_connection_s_changes_reach_a_till_s_copy_of_the_inbox() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut selling = Till::open(&path)
        .unwrap()
        .with_clock(common::at("2026-11-23T10:00:00+01:00"));
    selling.init(&setup(TaxMode::Inclusive, 5)).unwrap();
    selling
        .import_catalogue_csv(common::CATALOGUE.as_bytes(), false)
        .unwrap();
    selling
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    let before = selling.exceptions().unwrap();
    assert_eq!(before.len(), 1, "WINE below zero: {before:?}");
    assert!(before[0].resolution.is_none());

    let mut syncing = Till::open(&path)
        .unwrap()
        .with_clock(common::at("2026-11-23T10:01:00+01:00"));
    syncing
        .resolve_exception(
            &before[0].id,
            "counted: two on the shelf",
            Some("Maria"),
            None,
        )
        .unwrap();
    syncing
        .complete_sale(&sale(&[("BREAD", 1)], vec![cash(None)]), None)
        .unwrap();
    // The other connection reads its inbox too, working out what both changed.
    assert_eq!(syncing.exceptions().unwrap().len(), 2);

    let after = selling.exceptions().unwrap();
    assert_eq!(after, syncing.exceptions_from_scratch().unwrap());
    assert_eq!(after.len(), 2);
    let resolved = after.iter().find(|e| e.id == before[0].id).unwrap();
    assert_eq!(
        resolved.resolution.as_ref().unwrap().note,
        "counted: two on the shelf"
    );
}
