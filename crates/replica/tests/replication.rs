mod network;

use kassa_replica::ledger::VoidRecord;
use kassa_replica::skeleton::new_document;
use kassa_replica::stock::{on_hand_of, read_levels, record_movement, set_baseline};
use kassa_replica::validate::receive_checked;
use kassa_replica::{
    conflicting_ids, generate_message, read_records, write_record, ActorId, DocId, RecordKind,
    ReplicaError, SyncState,
};
use network::Network;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn ts(text: &str) -> kassa_replica::Timestamp {
    kassa_replica::Timestamp::parse(text).unwrap()
}

fn void(id: &str) -> VoidRecord {
    VoidRecord {
        id: id.into(),
        sale_id: format!("sale-{id}"),
        receipt_no: "AMS1-1-1".into(),
        reason: "test".into(),
        created_at: ts("2026-11-23T10:00:00+01:00"),
        business_day: "2026-11-23".into(),
        cashier: None,
        shift_id: None,
        approved_by: None,
    }
}

#[test]
fn partitioned_tills_converge_after_healing() {
    let mut net = Network::star(3);
    let stock = "stock/AMS1/0";
    set_baseline(
        net.replicas[0].doc(stock),
        &BTreeMap::from([("MILK".to_string(), 10)]),
    )
    .unwrap();
    net.run_until_quiescent();
    net.partition(1);
    net.partition(2);
    for till in 1..=3 {
        let ledger = format!("ledger/AMS1/{till}/2026-11-23");
        write_record(
            net.replicas[till].doc(&ledger),
            RecordKind::Void,
            &format!("v{till}"),
            &void(&format!("v{till}")),
        )
        .unwrap();
        record_movement(
            net.replicas[till].doc(stock),
            &format!("till-{till}"),
            "MILK",
            -3,
        )
        .unwrap();
    }
    net.run_until_quiescent();
    // Till 3 is connected, tills 1 and 2 are not: head office sees only till 3's movement.
    let hq_levels = read_levels(net.replicas[0].doc(stock)).unwrap();
    assert_eq!(hq_levels.on_hand()["MILK"], 7);
    net.heal_all();
    net.run_until_quiescent();
    let reference = net.heads(0);
    for replica in 1..=3 {
        assert_eq!(
            net.heads(replica),
            reference,
            "replica {replica} has every document at the same heads"
        );
    }
    for replica in 0..=3 {
        assert_eq!(
            read_levels(net.replicas[replica].doc(stock))
                .unwrap()
                .on_hand()["MILK"],
            1,
            "10 - 3 x 3"
        );
    }
}

#[test]
fn a_foreign_change_is_refused_and_nothing_is_applied() {
    let id = "ledger/AMS1/2/2026-11-23";
    let doc_id = DocId::parse(id).unwrap();
    let till_actor = ActorId::from(b"till-2".as_slice());
    let forger = ActorId::from(b"till-9".as_slice());
    let mut forged = new_document(&doc_id, forger).unwrap();
    write_record(&mut forged, RecordKind::Void, "x", &void("x")).unwrap();
    let mut hq = new_document(&doc_id, ActorId::from(b"hq".as_slice())).unwrap();
    let before = hq.get_heads();
    // Round one: the forger's first message carries no changes; run the exchange fully.
    let (mut forger_state, mut hq_state) = (SyncState::new(), SyncState::new());
    let mut refused = None;
    for _ in 0..10 {
        if let Some(bytes) = generate_message(&mut forged, &mut forger_state) {
            match receive_checked(id, &mut hq, &mut hq_state, &bytes, |a| *a == till_actor) {
                Ok(_) => {}
                Err(e) => {
                    refused = Some(e);
                    break;
                }
            }
        }
        if let Some(bytes) = generate_message(&mut hq, &mut hq_state) {
            kassa_replica::receive_message(&mut forged, &mut forger_state, &bytes).unwrap();
        }
    }
    assert!(
        matches!(refused, Some(ReplicaError::ForeignActor { .. })),
        "{refused:?}"
    );
    assert_eq!(hq.get_heads(), before, "nothing applied");
    assert!(read_records::<VoidRecord>(&hq, RecordKind::Void)
        .unwrap()
        .is_empty());
}

#[test]
fn malformed_messages_are_refused() {
    let id = "ledger/AMS1/2/2026-11-23";
    let mut hq = new_document(&DocId::parse(id).unwrap(), ActorId::random()).unwrap();
    let mut state = SyncState::new();
    for bytes in [
        &b""[..],
        b"\x42",
        b"garbage garbage garbage",
        &[0x42, 0xff, 0xff, 0xff, 0xff, 0xff],
    ] {
        let err = receive_checked(id, &mut hq, &mut state, bytes, |_| true).unwrap_err();
        assert!(
            matches!(
                err,
                ReplicaError::MalformedMessage(_) | ReplicaError::Automerge(_)
            ),
            "{err}"
        );
    }
    assert!(receive_checked("not/a/doc", &mut hq, &mut state, b"", |_| true).is_err());
}

#[test]
fn concurrent_writes_at_one_id_are_all_visible() {
    let mut net = Network::star(2);
    let id = "orders/AMS1/2026-11";
    net.run_until_quiescent();
    for till in 1..=2 {
        write_record(
            net.replicas[till].doc(id),
            RecordKind::Pickup,
            "same-id",
            &void(&format!("from-{till}")),
        )
        .unwrap();
    }
    net.run_until_quiescent();
    let doc = net.replicas[0].doc(id);
    assert_eq!(
        conflicting_ids(doc, RecordKind::Pickup).unwrap(),
        vec!["same-id".to_string()]
    );
    assert_eq!(
        read_records::<VoidRecord>(doc, RecordKind::Pickup)
            .unwrap()
            .len(),
        2,
        "neither write is hidden"
    );
}

#[derive(Clone, Debug)]
enum Op {
    Sale { till: usize, sku: usize, qty: i64 },
    Receive { sku: usize, qty: i64 },
    Partition(usize),
    Heal(usize),
    Sync,
}

fn op(tills: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1..=tills, 0..4usize, 1..5i64).prop_map(|(till, sku, qty)| Op::Sale { till, sku, qty }),
        1 => (0..4usize, 1..20i64).prop_map(|(sku, qty)| Op::Receive { sku, qty }),
        1 => (1..=tills).prop_map(Op::Partition),
        1 => (1..=tills).prop_map(Op::Heal),
        1 => Just(Op::Sync),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random sales and receipts of goods under random partitions always converge: equal heads
    /// everywhere, every sale present exactly once, stock equal to the sum of its movements.
    #[test]
    fn random_operations_under_partitions_converge(ops in proptest::collection::vec(op(3), 1..60)) {
        let tills = 3;
        let mut net = Network::star(tills);
        let stock = "stock/AMS1/0";
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        let mut sales = 0usize;
        for op in ops {
            match op {
                Op::Sale { till, sku, qty } => {
                    sales += 1;
                    let sku = format!("SKU{sku}");
                    let ledger = format!("ledger/AMS1/{till}/2026-11-23");
                    let id = format!("sale-{sales}");
                    write_record(net.replicas[till].doc(&ledger), RecordKind::Void, &id, &void(&id)).unwrap();
                    record_movement(net.replicas[till].doc(stock), &format!("till-{till}"), &sku, -qty).unwrap();
                    *expected.entry(sku).or_insert(0) -= qty;
                }
                Op::Receive { sku, qty } => {
                    let sku = format!("SKU{sku}");
                    record_movement(net.replicas[0].doc(stock), "hq", &sku, qty).unwrap();
                    *expected.entry(sku).or_insert(0) += qty;
                }
                Op::Partition(t) => net.partition(t),
                Op::Heal(t) => net.heal(t),
                Op::Sync => net.run_until_quiescent(),
            }
        }
        net.heal_all();
        net.run_until_quiescent();
        let reference = net.heads(0);
        for replica in 1..=tills {
            prop_assert_eq!(&net.heads(replica), &reference);
        }
        let mut at_hq = 0;
        for till in 1..=tills {
            let ledger = format!("ledger/AMS1/{till}/2026-11-23");
            if net.replicas[0].docs.contains_key(&ledger) {
                at_hq += read_records::<VoidRecord>(net.replicas[0].doc(&ledger), RecordKind::Void).unwrap().len();
            }
        }
        prop_assert_eq!(at_hq, sales, "every sale exactly once at head office");
        for replica in 0..=tills {
            let mut on_hand = read_levels(net.replicas[replica].doc(stock)).unwrap().on_hand();
            for (sku, count) in &expected {
                prop_assert_eq!(on_hand_of(net.replicas[replica].doc(stock), sku).unwrap(), *count, "point read of {}", sku);
            }
            on_hand.retain(|_, v| *v != 0);
            let mut want = expected.clone();
            want.retain(|_, v| *v != 0);
            prop_assert_eq!(on_hand, want);
        }
    }
}
