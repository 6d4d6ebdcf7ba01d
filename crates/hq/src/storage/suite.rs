//! The storage suite: what every head office storage must do, run against each backend
//! (`storage_suite!` in `sqlite/tests.rs` and `postgres/tests.rs`). A backend passes when it
//! behaves like the others through the trait, whatever it stores underneath.

use super::{
    Device, DocumentWrite, FiledSale, FindingKind, HqStorage, IncludedMovement, IndexedRecord,
    NewDevice, NewFinding, OrderIntakeRow, PendingImport, RecordConflict, StockLevelsWrite,
    StoredRecord, SyncStateWrite, SyncWrite,
};
use crate::api_tokens::{AdminLogEntry, ApiToken, Scope};
use crate::console_users::{ConsoleRole, ConsoleSession, ConsoleUser, LOCK_AFTER_FAILURES};
use crate::error::HqError;
use chrono::{DateTime, Duration, TimeZone, Utc};
use kassa_domain::{Money, Product, Role, StaffMember, TaxMode, Tender, TenderKind};
use kassa_protocol::{StoreInfo, TaxClassInfo};
use kassa_replica::ledger::{ResolutionRecord, ReturnRecord, SaleRecord, VoidRecord};
use kassa_replica::{DocId, RecordKind};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Generates one `#[tokio::test]` per suite test, each on a storage from `$open` (an async fn
/// giving `Option<Box<dyn HqStorage>>`; `None` skips, for a backend that is not configured).
macro_rules! storage_suite {
    ($open:path) => {
        $crate::storage::suite::storage_suite!($open;
            records_come_back_as_their_own_type,
            a_document_write_over_heads_it_did_not_see_is_refused_whole,
            a_new_document_written_twice_from_nothing_is_written_once,
            chunks_are_compacted_only_over_the_heads_they_hold,
            the_cursor_tells_what_changed_since,
            stores_are_created_once_and_listed_by_code,
            a_sync_write_lands_everything_it_carries,
            enrollment_takes_a_code_once_and_replaces_the_tills_device,
            an_expired_or_foreign_enrollment_changes_nothing,
            device_tokens_rotate_renew_and_revoke,
            api_tokens_and_the_admin_log,
            console_users_and_their_wrong_passwords,
            console_sessions_end_when_they_expire_or_are_ended,
            findings_are_kept_once_and_decided_once,
            catalogue_versions_hand_out_only_what_changed,
            catalogue_search_and_imports_waiting_for_confirmation,
            daily_figures_count_each_record_once,
            till_contacts_keep_each_tills_last,
            newest_records_and_picked_up_orders,
            transfers_are_sent_once_and_received_once,
            receipt_keys_are_made_once_and_rotate,
            staff_versions_tell_each_store_what_changed,
            sales_voids_and_credit_are_found_again,
            web_orders_are_taken_once_in_any_case,
            the_digest_moves_with_writes_and_not_with_reads,
            many_requests_at_once_all_land,
        );
    };
    ($open:path; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(storage) = $open().await {
                    crate::storage::suite::$name(storage.into()).await;
                }
            }
        )*
    };
}
pub(crate) use storage_suite;

type Storage = Arc<dyn HqStorage>;

/// Whole seconds, so that every backend gives back exactly what it was given.
fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_795_000_000 + seconds, 0).unwrap()
}

pub(crate) fn store_info(code: &str) -> StoreInfo {
    StoreInfo {
        code: code.into(),
        name: format!("Store {code}"),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: vec![TaxClassInfo {
            code: "standard".into(),
            name: "standard".into(),
            rate_bp: 2100,
        }],
    }
}

async fn with_stores(storage: &Storage, codes: &[&str]) {
    for code in codes {
        storage
            .create_store(&store_info(code), at(0))
            .await
            .unwrap();
    }
}

pub(crate) fn resolution(id: &str) -> ResolutionRecord {
    ResolutionRecord {
        id: id.into(),
        exception_id: "over-return/s1".into(),
        note: "counted again".into(),
        resolved_by: Some("Maria".into()),
        written_by: "hq".into(),
        store: "AMS1".into(),
        created_at: kassa_replica::Timestamp::parse("2026-11-23T09:00:00.000Z").unwrap(),
    }
}

fn ledger(day: &str) -> DocId {
    DocId::HqLedger {
        store: "AMS1".into(),
        day: day.into(),
    }
}

fn document(id: DocId, expected_heads: Option<&[&str]>, heads: &[&str]) -> DocumentWrite {
    let owned = |h: &[&str]| h.iter().map(|h| h.to_string()).collect::<Vec<_>>();
    DocumentWrite {
        doc_id: id,
        chunk: heads.concat().into_bytes(),
        heads: owned(heads),
        expected_heads: expected_heads.map(owned),
    }
}

fn sale(id: &str, receipt_no: &str, day: &str, tender: TenderKind) -> SaleRecord {
    let amount = Money::from_minor(1250);
    SaleRecord {
        id: id.into(),
        receipt_no: receipt_no.into(),
        store_code: "AMS1".into(),
        till_no: 1,
        seq: 1,
        created_at: kassa_replica::Timestamp::parse("2026-11-23T09:00:00.000Z").unwrap(),
        business_day: day.into(),
        currency: "EUR".into(),
        tax_mode: TaxMode::Inclusive,
        lines: vec![],
        taxes: vec![],
        subtotal: amount,
        discount_total: Money::ZERO,
        tax_total: Money::ZERO,
        total: amount,
        cash_rounding: Money::ZERO,
        amount_due: amount,
        tendered: amount,
        change: Money::ZERO,
        tenders: vec![Tender {
            kind: tender,
            amount,
            reference: None,
        }],
        cashier: None,
        approved_by: None,
        shift_id: None,
    }
}

fn void(id: &str, sale_id: &str, day: &str) -> VoidRecord {
    VoidRecord {
        id: id.into(),
        sale_id: sale_id.into(),
        receipt_no: "AMS1-1-1".into(),
        reason: "wrong item".into(),
        created_at: kassa_replica::Timestamp::parse("2026-11-23T09:05:00.000Z").unwrap(),
        business_day: day.into(),
        cashier: None,
        approved_by: None,
        shift_id: None,
    }
}

fn new_device(code_hash: &str, token_hash: &str, actor: &str, now: DateTime<Utc>) -> NewDevice {
    NewDevice {
        code_hash: code_hash.into(),
        token_hash: token_hash.into(),
        actor_id: actor.into(),
        public_key: "ab".repeat(32),
        now,
        oldest: now - Duration::hours(24),
    }
}

fn member(id: &str, name: &str) -> StaffMember {
    StaffMember {
        id: id.into(),
        name: name.into(),
        role: Role::Cashier,
        pin_hash: format!("hash-of-{id}"),
        active: true,
    }
}

fn product(sku: &str, price: i64) -> Product {
    Product {
        sku: sku.into(),
        name: format!("Product {sku}"),
        price: Money::from_minor(price),
        tax_class: "standard".into(),
        category: None,
        barcodes: vec![],
        active: true,
        scheduled_prices: Vec::new(),
    }
}

pub(crate) async fn records_come_back_as_their_own_type(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let mut write = SyncWrite::new("AMS1", at(1));
    write.records.push(StoredRecord {
        store: "AMS1".into(),
        subject: Some("over-return/s1".into()),
        record: IndexedRecord::Resolution(resolution("r1")),
    });
    storage.apply_sync(write).await.unwrap();

    let all: Vec<ResolutionRecord> = storage.records_of(Some("AMS1")).await.unwrap();
    assert_eq!(all, vec![resolution("r1")]);
    let everywhere: Vec<ResolutionRecord> = storage.records_of(None).await.unwrap();
    assert_eq!(everywhere, vec![resolution("r1")]);
    let about: Vec<ResolutionRecord> = storage.records_about_of("over-return/s1").await.unwrap();
    assert_eq!(about, vec![resolution("r1")]);
    assert_eq!(
        storage.record_of::<ResolutionRecord>("r1").await.unwrap(),
        Some(resolution("r1"))
    );
    // Another kind with the same id or store is another index entry: nothing comes back.
    assert!(storage
        .records_of::<ReturnRecord>(Some("AMS1"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(storage.record_of::<ReturnRecord>("r1").await.unwrap(), None);
    assert!(storage
        .records_of::<ResolutionRecord>(Some("RTM1"))
        .await
        .unwrap()
        .is_empty());
    // Records are immutable: the same id again changes nothing.
    let mut again = SyncWrite::new("AMS1", at(2));
    let mut changed = resolution("r1");
    changed.note = "rewritten".into();
    again.records.push(StoredRecord {
        store: "AMS1".into(),
        subject: Some("over-return/s1".into()),
        record: IndexedRecord::Resolution(changed),
    });
    storage.apply_sync(again).await.unwrap();
    assert_eq!(
        storage.record_of::<ResolutionRecord>("r1").await.unwrap(),
        Some(resolution("r1"))
    );
}

pub(crate) async fn a_document_write_over_heads_it_did_not_see_is_refused_whole(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let day = "2026-11-23";
    let mut first = SyncWrite::new("AMS1", at(1));
    first.documents.push(document(ledger(day), None, &["aa"]));
    storage.apply_sync(first).await.unwrap();
    assert_eq!(
        storage.stored_heads(&ledger(day)).await.unwrap(),
        Some(vec!["aa".to_string()])
    );

    // A writer that loaded the document before "aa" (or never saw it) is refused, and the
    // rest of its write (here a record and another document) goes nowhere either.
    for stale in [None, Some(&["00"][..])] {
        let mut write = SyncWrite::new("AMS1", at(2));
        write
            .documents
            .push(document(ledger("2026-11-24"), None, &["cc"]));
        write.documents.push(document(ledger(day), stale, &["bb"]));
        write.records.push(StoredRecord {
            store: "AMS1".into(),
            subject: None,
            record: IndexedRecord::Resolution(resolution("r2")),
        });
        match storage.apply_sync(write).await {
            Err(HqError::StaleDocument(id)) => assert_eq!(id, ledger(day).to_string()),
            other => panic!("expected a stale document, got {other:?}"),
        }
    }
    assert_eq!(
        storage.stored_heads(&ledger(day)).await.unwrap(),
        Some(vec!["aa".to_string()])
    );
    assert_eq!(
        storage.stored_heads(&ledger("2026-11-24")).await.unwrap(),
        None
    );
    assert_eq!(
        storage.record_of::<ResolutionRecord>("r2").await.unwrap(),
        None
    );

    // One that saw "aa" goes through.
    let mut write = SyncWrite::new("AMS1", at(3));
    write
        .documents
        .push(document(ledger(day), Some(&["aa"]), &["bb"]));
    storage.apply_sync(write).await.unwrap();
    assert_eq!(
        storage.document_heads("AMS1").await.unwrap(),
        vec![(ledger(day), vec!["bb".to_string()])]
    );
    assert_eq!(
        storage.load_document(&ledger(day)).await.unwrap(),
        Some(b"aabb".to_vec()),
        "a write appends its chunk"
    );
    assert_eq!(storage.document_size(&ledger(day)).await.unwrap(), Some(4));
    assert_eq!(
        storage.document_size(&ledger("2026-11-24")).await.unwrap(),
        None
    );
    assert!(storage.document_heads("RTM1").await.unwrap().is_empty());
}

/// Two writers (two nodes) that both found no document and both write it: one wins, the other
/// is told its view is stale, never a silent overwrite.
pub(crate) async fn a_new_document_written_twice_from_nothing_is_written_once(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let day = "2026-11-23";
    let mut tasks = Vec::new();
    for heads in ["aa", "bb"] {
        let storage = storage.clone();
        tasks.push(tokio::spawn(async move {
            let mut write = SyncWrite::new("AMS1", at(1));
            write.documents.push(document(ledger(day), None, &[heads]));
            storage.apply_sync(write).await
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(won, 1, "{outcomes:?}");
    assert!(outcomes
        .iter()
        .any(|o| matches!(o, Err(HqError::StaleDocument(_)))));
}

pub(crate) async fn chunks_are_compacted_only_over_the_heads_they_hold(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let day = "2026-11-23";
    let mut expected: Option<&[&str]> = None;
    for heads in [&["aa"][..], &["bb"], &["cc"]] {
        let mut write = SyncWrite::new("AMS1", at(1));
        write.documents.push(document(ledger(day), expected, heads));
        storage.apply_sync(write).await.unwrap();
        expected = Some(heads);
    }
    let other = ledger("2026-11-24");
    let mut write = SyncWrite::new("AMS1", at(1));
    write.documents.push(document(other.clone(), None, &["zz"]));
    storage.apply_sync(write).await.unwrap();
    assert_eq!(
        storage.documents_to_compact(3, 10).await.unwrap(),
        vec![ledger(day)]
    );
    assert_eq!(
        storage.documents_to_compact(1, 1).await.unwrap(),
        vec![ledger(day)]
    );

    // Compacting over heads that are no longer stored changes nothing.
    let stale = vec!["bb".to_string()];
    assert!(!storage
        .compact_document(&ledger(day), &stale, b"WHOLE")
        .await
        .unwrap());
    assert_eq!(
        storage.load_document(&ledger(day)).await.unwrap(),
        Some(b"aabbcc".to_vec())
    );
    let current = vec!["cc".to_string()];
    assert!(storage
        .compact_document(&ledger(day), &current, b"WHOLE")
        .await
        .unwrap());
    assert_eq!(
        storage.load_document(&ledger(day)).await.unwrap(),
        Some(b"WHOLE".to_vec())
    );
    assert!(storage
        .documents_to_compact(2, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        storage.stored_heads(&ledger(day)).await.unwrap(),
        Some(current.clone()),
        "the heads stay"
    );
    // The next write appends after the compacted whole.
    let mut write = SyncWrite::new("AMS1", at(2));
    write
        .documents
        .push(document(ledger(day), Some(&["cc"]), &["dd"]));
    storage.apply_sync(write).await.unwrap();
    assert_eq!(
        storage.load_document(&ledger(day)).await.unwrap(),
        Some(b"WHOLEdd".to_vec())
    );
}

pub(crate) async fn the_cursor_tells_what_changed_since(storage: Storage) {
    with_stores(&storage, &["AMS1", "RTM1"]).await;
    assert_eq!(
        storage.documents_changed_since("AMS1", None).await.unwrap(),
        (0, vec![])
    );
    let mut write = SyncWrite::new("AMS1", at(1));
    write
        .documents
        .push(document(ledger("2026-11-23"), None, &["aa"]));
    write
        .documents
        .push(document(ledger("2026-11-24"), None, &["bb"]));
    storage.apply_sync(write).await.unwrap();
    let (first, all) = storage.documents_changed_since("AMS1", None).await.unwrap();
    assert_eq!(all.len(), 2);
    let mut write = SyncWrite::new("AMS1", at(2));
    write
        .documents
        .push(document(ledger("2026-11-24"), Some(&["bb"]), &["cc"]));
    storage.apply_sync(write).await.unwrap();
    let (second, changed) = storage
        .documents_changed_since("AMS1", Some(first))
        .await
        .unwrap();
    assert!(second > first);
    assert_eq!(
        changed,
        vec![(ledger("2026-11-24"), vec!["cc".to_string()])]
    );
    assert_eq!(
        storage
            .documents_changed_since("AMS1", Some(second))
            .await
            .unwrap(),
        (second, vec![])
    );
    // A cursor this storage never gave (a restored backup): everything.
    assert_eq!(
        storage
            .documents_changed_since("AMS1", Some(second + 10))
            .await
            .unwrap()
            .1
            .len(),
        2
    );
    // A write without documents, and another store's, move nothing here.
    storage
        .apply_sync(SyncWrite::new("AMS1", at(3)))
        .await
        .unwrap();
    let mut elsewhere = SyncWrite::new("RTM1", at(3));
    elsewhere.documents.push(DocumentWrite {
        doc_id: DocId::HqLedger {
            store: "RTM1".into(),
            day: "2026-11-23".into(),
        },
        chunk: b"x".to_vec(),
        heads: vec!["xx".into()],
        expected_heads: None,
    });
    storage.apply_sync(elsewhere).await.unwrap();
    assert_eq!(
        storage
            .documents_changed_since("AMS1", Some(second))
            .await
            .unwrap(),
        (second, vec![])
    );
}

pub(crate) async fn stores_are_created_once_and_listed_by_code(storage: Storage) {
    with_stores(&storage, &["RTM1", "AMS1"]).await;
    match storage.create_store(&store_info("AMS1"), at(5)).await {
        Err(HqError::Conflict(_)) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    let stores = storage.stores().await.unwrap();
    let codes: Vec<_> = stores.iter().map(|s| s.info.code.as_str()).collect();
    assert_eq!(codes, ["AMS1", "RTM1"]);
    let ams = storage.store("AMS1").await.unwrap().unwrap();
    assert_eq!(ams.info, store_info("AMS1"));
    assert_eq!(ams.stock_epoch, 0);
    assert_eq!(ams.epoch_opened_at, at(0));
    assert_eq!(ams.last_sync_at, None);
    assert_eq!(storage.store("NOPE").await.unwrap(), None);
}

/// Every part of a sync write lands, in one transaction, and the store's figures move.
pub(crate) async fn a_sync_write_lands_everything_it_carries(storage: Storage) {
    with_stores(&storage, &["AMS1", "RTM1"]).await;
    storage
        .add_enroll_code("c1", "AMS1", 1, at(0))
        .await
        .unwrap();
    storage
        .enroll_device(new_device("c1", "t1", "actor-1", at(0)))
        .await
        .unwrap()
        .unwrap();
    let device = storage.device_by_token("t1").await.unwrap().unwrap();
    let day = "2026-11-23";
    let mut write = SyncWrite::new("AMS1", at(10));
    write.from_store = true;
    write.documents.push(document(ledger(day), None, &["aa"]));
    write.states.push(SyncStateWrite {
        doc_id: ledger(day),
        device_id: device.id,
        state: vec![7, 7],
    });
    write.sales.push(FiledSale {
        store: "AMS1".into(),
        till_no: 1,
        record: sale("s1", "AMS1-1-1", day, TenderKind::Cash),
    });
    write.stock_levels = Some(StockLevelsWrite::All(BTreeMap::from([
        ("MUG".to_string(), 4),
        ("TEA".to_string(), -2),
    ])));
    write.included.push(IncludedMovement {
        epoch: 0,
        writer: "actor-1".into(),
        sku: "MUG".into(),
        quantity: -3,
    });
    write.new_epoch = Some(1);
    write.conflicts.push(RecordConflict {
        doc_id: ledger(day),
        kind: RecordKind::Sale,
        record_id: "s1".into(),
    });
    write.audit_anchor = Some(super::AuditAnchor {
        till: "AMS1-1".into(),
        seq: 5,
        hash: "h5".into(),
        device_id: device.id,
    });
    write.signed_heads.push((
        device.id,
        kassa_protocol::SignedHeads {
            doc_id: ledger(day).to_string(),
            heads: vec!["aa".into()],
            signature: "5151".into(),
        },
    ));
    storage.apply_sync(write).await.unwrap();

    assert_eq!(
        storage
            .load_sync_state(&ledger(day), device.id)
            .await
            .unwrap(),
        Some(vec![7, 7])
    );
    assert_eq!(
        storage
            .load_sync_state(&ledger(day), device.id + 1)
            .await
            .unwrap(),
        None
    );
    let ams = storage.store("AMS1").await.unwrap().unwrap();
    assert_eq!(ams.last_sync_at, Some(at(10)));
    assert_eq!((ams.stock_epoch, ams.epoch_opened_at), (1, at(10)));
    let rtm = storage.store("RTM1").await.unwrap().unwrap();
    assert_eq!(
        rtm.last_sync_at, None,
        "another store's figures did not move"
    );
    let mug = storage.stock_of("MUG").await.unwrap();
    assert_eq!(
        mug.iter()
            .map(|s| (s.store.as_str(), s.on_hand))
            .collect::<Vec<_>>(),
        [("AMS1", 4), ("RTM1", 0)]
    );
    let as_of = mug[0].as_of.as_deref().expect("as of");
    assert_eq!(
        DateTime::parse_from_rfc3339(as_of).unwrap(),
        at(10),
        "as of {as_of}"
    );
    let negative = storage.negative_stock().await.unwrap();
    assert_eq!(
        negative
            .iter()
            .map(|n| (n.store.as_str(), n.sku.as_str(), n.on_hand))
            .collect::<Vec<_>>(),
        [("AMS1", "TEA", -2)]
    );
    assert_eq!(
        storage.epoch_included("AMS1", 0).await.unwrap(),
        BTreeMap::from([(
            "actor-1".to_string(),
            BTreeMap::from([("MUG".to_string(), -3)])
        )])
    );
    assert!(storage.epoch_included("AMS1", 1).await.unwrap().is_empty());
    assert_eq!(
        storage.conflicts().await.unwrap(),
        vec![RecordConflict {
            doc_id: ledger(day),
            kind: RecordKind::Sale,
            record_id: "s1".into(),
        }]
    );
    assert_eq!(
        storage.latest_audit_anchor(device.id).await.unwrap(),
        Some((5, "h5".to_string()))
    );
    assert_eq!(
        storage.audit_anchor_at(device.id, 5).await.unwrap(),
        Some("h5".to_string())
    );
    assert_eq!(storage.audit_anchor_at(device.id, 4).await.unwrap(), None);
    let signed = storage.signed_heads("AMS1").await.unwrap();
    assert_eq!(signed.len(), 1);
    assert_eq!(signed[0].0, 1);
    assert_eq!(signed[0].1.heads, vec!["aa".to_string()]);
    assert!(storage.signed_heads("RTM1").await.unwrap().is_empty());

    // The next write replaces the levels, the included quantity and the state.
    let mut next = SyncWrite::new("AMS1", at(20));
    next.stock_levels = Some(StockLevelsWrite::All(BTreeMap::from([(
        "MUG".to_string(),
        1,
    )])));
    next.included.push(IncludedMovement {
        epoch: 0,
        writer: "actor-1".into(),
        sku: "MUG".into(),
        quantity: -5,
    });
    next.states.push(SyncStateWrite {
        doc_id: ledger(day),
        device_id: device.id,
        state: vec![8],
    });
    storage.apply_sync(next).await.unwrap();
    assert!(storage.negative_stock().await.unwrap().is_empty());
    assert_eq!(storage.stock_of("MUG").await.unwrap()[0].on_hand, 1);
    assert_eq!(
        storage.epoch_included("AMS1", 0).await.unwrap()["actor-1"]["MUG"],
        -5
    );
    assert_eq!(
        storage
            .load_sync_state(&ledger(day), device.id)
            .await
            .unwrap(),
        Some(vec![8])
    );
    // A write of what changed sets those levels and leaves the others.
    let mut changed = SyncWrite::new("AMS1", at(21));
    changed.stock_levels = Some(StockLevelsWrite::Changed(BTreeMap::from([(
        "TEA".to_string(),
        -1,
    )])));
    storage.apply_sync(changed).await.unwrap();
    assert_eq!(storage.stock_of("MUG").await.unwrap()[0].on_hand, 1);
    assert_eq!(storage.stock_of("TEA").await.unwrap()[0].on_hand, -1);
    let mut changed = SyncWrite::new("AMS1", at(22));
    changed.stock_levels = Some(StockLevelsWrite::Changed(BTreeMap::from([(
        "MUG".to_string(),
        2,
    )])));
    storage.apply_sync(changed).await.unwrap();
    assert_eq!(storage.stock_of("MUG").await.unwrap()[0].on_hand, 2);
    let negative = storage.negative_stock().await.unwrap();
    assert_eq!(
        negative
            .iter()
            .map(|n| (n.sku.as_str(), n.on_hand))
            .collect::<Vec<_>>(),
        [("TEA", -1)]
    );
    let ams = storage.store("AMS1").await.unwrap().unwrap();
    assert_eq!(
        ams.last_sync_at,
        Some(at(10)),
        "head office's own write is no word from the store"
    );
}

pub(crate) async fn enrollment_takes_a_code_once_and_replaces_the_tills_device(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    storage
        .add_enroll_code("c1", "AMS1", 2, at(0))
        .await
        .unwrap();
    assert_eq!(
        storage
            .enroll_device(new_device("c1", "t1", "actor-1", at(1)))
            .await
            .unwrap(),
        Some(("AMS1".to_string(), 2))
    );
    assert_eq!(
        storage
            .enroll_device(new_device("c1", "t9", "actor-9", at(2)))
            .await
            .unwrap(),
        None,
        "a code is used once"
    );
    let first = storage.device_by_token("t1").await.unwrap().unwrap();
    assert_eq!(
        first,
        Device {
            id: first.id,
            store: "AMS1".into(),
            till_no: 2,
            actor_id: "actor-1".into(),
            revoked: false,
            public_key: Some("ab".repeat(32)),
        }
    );
    // The same till enrolled again: the first device is revoked, its token dead.
    storage
        .add_enroll_code("c2", "AMS1", 2, at(3))
        .await
        .unwrap();
    storage
        .enroll_device(new_device("c2", "t2", "actor-2", at(3)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(storage.device_by_token("t1").await.unwrap(), None);
    let devices = storage.store_devices("AMS1").await.unwrap();
    assert_eq!(
        devices
            .iter()
            .map(|d| (d.actor_id.as_str(), d.revoked))
            .collect::<Vec<_>>(),
        [("actor-1", true), ("actor-2", false)]
    );
    assert!(storage.store_devices("RTM1").await.unwrap().is_empty());
}

pub(crate) async fn an_expired_or_foreign_enrollment_changes_nothing(storage: Storage) {
    with_stores(&storage, &["AMS1", "RTM1"]).await;
    storage
        .add_enroll_code("old", "AMS1", 1, at(0))
        .await
        .unwrap();
    let late = new_device("old", "t1", "actor-1", at(0) + Duration::hours(25));
    assert_eq!(storage.enroll_device(late).await.unwrap(), None);
    assert!(storage.store_devices("AMS1").await.unwrap().is_empty());

    // A till database enrolled as one till is not enrolled as another: refused, code kept.
    storage
        .add_enroll_code("a", "AMS1", 1, at(0))
        .await
        .unwrap();
    storage
        .enroll_device(new_device("a", "t1", "actor-1", at(1)))
        .await
        .unwrap()
        .unwrap();
    storage
        .add_enroll_code("b", "RTM1", 1, at(1))
        .await
        .unwrap();
    match storage
        .enroll_device(new_device("b", "t2", "actor-1", at(2)))
        .await
    {
        Err(HqError::BadRequest(_)) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(storage.store_devices("RTM1").await.unwrap().is_empty());
    assert!(
        storage
            .enroll_device(new_device("b", "t2", "actor-2", at(2)))
            .await
            .unwrap()
            .is_some(),
        "the refused code still works"
    );
}

pub(crate) async fn device_tokens_rotate_renew_and_revoke(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    storage
        .add_enroll_code("c1", "AMS1", 1, at(0))
        .await
        .unwrap();
    storage
        .enroll_device(new_device("c1", "t1", "actor-1", at(0)))
        .await
        .unwrap();
    let id = storage.device_by_token("t1").await.unwrap().unwrap().id;

    // Renewed: the old token works until the new one is used.
    assert!(storage.renew_device_token(id, "t1", "t2").await.unwrap());
    assert!(storage.device_by_token("t1").await.unwrap().is_some());
    assert!(storage.device_by_token("t2").await.unwrap().is_some());
    assert!(storage.device_by_token("t1").await.unwrap().is_none());
    assert!(!storage.renew_device_token(id, "t1", "t3").await.unwrap());

    assert!(storage.set_device_key(id, &"cd".repeat(32)).await.unwrap());
    assert_eq!(
        storage
            .device_by_token("t2")
            .await
            .unwrap()
            .unwrap()
            .public_key,
        Some("cd".repeat(32))
    );

    // Rotated by an operator: only the new one works.
    assert!(storage.rotate_device_token("AMS1", 1, "t4").await.unwrap());
    assert!(storage.device_by_token("t2").await.unwrap().is_none());
    assert!(storage.device_by_token("t4").await.unwrap().is_some());
    assert!(!storage.rotate_device_token("AMS1", 9, "t5").await.unwrap());

    assert_eq!(storage.revoke_devices("AMS1", 1).await.unwrap(), 1);
    assert!(storage.device_by_token("t4").await.unwrap().is_none());
    assert!(!storage.set_device_key(id, &"ef".repeat(32)).await.unwrap());
    assert!(!storage.rotate_device_token("AMS1", 1, "t6").await.unwrap());
}

pub(crate) async fn console_users_and_their_wrong_passwords(storage: Storage) {
    let user = |name: &str, role, stores: &[&str]| ConsoleUser {
        name: name.into(),
        role,
        stores: stores.iter().map(|s| s.to_string()).collect(),
        created_at: at(0),
    };
    let marie = user("marie", ConsoleRole::StoreManager, &["AMS1", "RTM1"]);
    storage.add_console_user(&marie, "hash-m").await.unwrap();
    storage
        .add_console_user(&user("ana", ConsoleRole::Analyst, &[]), "hash-a")
        .await
        .unwrap();
    let again = storage
        .add_console_user(&user("marie", ConsoleRole::Admin, &[]), "other")
        .await;
    assert!(matches!(again, Err(HqError::Conflict(_))), "{again:?}");
    let names: Vec<_> = storage
        .console_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.name, u.role, u.stores))
        .collect();
    assert_eq!(
        names,
        [
            ("ana".to_string(), ConsoleRole::Analyst, vec![]),
            (
                "marie".to_string(),
                ConsoleRole::StoreManager,
                vec!["AMS1".to_string(), "RTM1".to_string()]
            ),
        ]
    );
    let stored = storage.console_user("marie").await.unwrap().unwrap();
    assert_eq!(
        stored.user, marie,
        "stored as given, the second write changed nothing"
    );
    assert_eq!(
        (
            stored.password_hash.as_str(),
            stored.failed_sign_ins,
            stored.locked_until
        ),
        ("hash-m", 0, None)
    );
    assert!(storage.console_user("nobody").await.unwrap().is_none());
    assert_eq!(
        storage
            .console_sign_in_failed("nobody", at(1))
            .await
            .unwrap(),
        None
    );

    // Wrong passwords counted at once, as by several nodes: all count, and the one that makes
    // enough locks the name.
    let counted = futures_all(
        (0..LOCK_AFTER_FAILURES - 1)
            .map(|_| {
                let storage = storage.clone();
                tokio::spawn(async move { storage.console_sign_in_failed("marie", at(1)).await })
            })
            .collect(),
    )
    .await;
    assert!(
        counted.iter().all(Option::is_none),
        "not locked yet: {counted:?}"
    );
    let locked = storage
        .console_sign_in_failed("marie", at(2))
        .await
        .unwrap();
    assert_eq!(locked, Some(at(2) + Duration::minutes(15)));
    let stored = storage.console_user("marie").await.unwrap().unwrap();
    assert_eq!(
        (stored.failed_sign_ins, stored.locked_until),
        (LOCK_AFTER_FAILURES, locked)
    );
    storage.console_sign_in_succeeded("marie").await.unwrap();
    let stored = storage.console_user("marie").await.unwrap().unwrap();
    assert_eq!((stored.failed_sign_ins, stored.locked_until), (0, None));
    let ana = storage.console_user("ana").await.unwrap().unwrap();
    assert_eq!(ana.failed_sign_ins, 0, "another user's count is their own");
}

pub(crate) async fn console_sessions_end_when_they_expire_or_are_ended(storage: Storage) {
    let ana = ConsoleUser {
        name: "ana".into(),
        role: ConsoleRole::Analyst,
        stores: vec![],
        created_at: at(0),
    };
    storage.add_console_user(&ana, "hash").await.unwrap();
    let session = |hash: &str, from: i64, until: i64| ConsoleSession {
        token_hash: hash.into(),
        user_name: "ana".into(),
        csrf_token: format!("csrf-{hash}"),
        created_at: at(from),
        expires_at: at(until),
    };
    storage
        .add_console_session(&session("s1", 0, 100))
        .await
        .unwrap();
    storage
        .add_console_session(&session("s2", 10, 50))
        .await
        .unwrap();
    assert_eq!(
        storage.console_session("s1", at(99)).await.unwrap(),
        Some(session("s1", 0, 100))
    );
    assert_eq!(
        storage.console_session("s1", at(100)).await.unwrap(),
        None,
        "ended"
    );
    assert_eq!(storage.console_session("nope", at(1)).await.unwrap(), None);
    assert!(storage.end_console_session("s2").await.unwrap());
    assert!(!storage.end_console_session("s2").await.unwrap(), "once");
    assert_eq!(storage.console_session("s2", at(11)).await.unwrap(), None);
    // A session for nobody is refused; a new one clears those that ended before it began.
    let mut stranger = session("s3", 200, 300);
    stranger.user_name = "nobody".into();
    assert!(storage.add_console_session(&stranger).await.is_err());
    storage
        .add_console_session(&session("s4", 200, 300))
        .await
        .unwrap();
    assert_eq!(
        storage.console_session("s1", at(50)).await.unwrap(),
        None,
        "cleared"
    );
    assert!(storage
        .console_session("s4", at(201))
        .await
        .unwrap()
        .is_some());
}

/// Every task's result, in order.
async fn futures_all<T>(tasks: Vec<tokio::task::JoinHandle<Result<T, HqError>>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap().unwrap());
    }
    out
}

pub(crate) async fn api_tokens_and_the_admin_log(storage: Storage) {
    let token = |name: &str, scope| ApiToken {
        name: name.into(),
        scope,
        created_at: at(0),
        revoked_at: None,
        stores: vec![],
    };
    storage
        .add_api_token(&token("webshop", Scope::Orders), "h1")
        .await
        .unwrap();
    match storage
        .add_api_token(&token("webshop", Scope::Read), "h2")
        .await
    {
        Err(HqError::Conflict(_)) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        storage.api_token_by_hash("h1").await.unwrap(),
        Some(token("webshop", Scope::Orders))
    );
    assert!(storage.revoke_api_token("webshop", at(5)).await.unwrap());
    assert!(!storage.revoke_api_token("webshop", at(6)).await.unwrap());
    assert_eq!(storage.api_token_by_hash("h1").await.unwrap(), None);
    storage
        .add_api_token(&token("webshop", Scope::Read), "h2")
        .await
        .unwrap();
    let all = storage.api_tokens().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].revoked_at, Some(at(5)));
    assert_eq!(all[1].revoked_at, None);

    // A read token limited to stores keeps them.
    let mut limited = token("ams-reports", Scope::Read);
    limited.stores = vec!["AMS1".into(), "RTM1".into()];
    storage.add_api_token(&limited, "h-limited").await.unwrap();
    assert_eq!(
        storage.api_token_by_hash("h-limited").await.unwrap(),
        Some(limited.clone())
    );
    assert!(storage.api_tokens().await.unwrap().contains(&limited));

    for n in 0..3 {
        storage
            .append_admin_log(&AdminLogEntry {
                at: at(n),
                actor: "cli:ops".into(),
                action: format!("action {n}"),
                outcome: "ok".into(),
            })
            .await
            .unwrap();
    }
    let newest = storage.admin_log(2).await.unwrap();
    assert_eq!(
        newest.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["action 2", "action 1"]
    );
    assert_eq!(newest[0].at, at(2));
}

pub(crate) async fn findings_are_kept_once_and_decided_once(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let finding = |detail: &str, changes: Option<Vec<u8>>| NewFinding {
        kind: FindingKind::HeldChange,
        device_id: Some(7),
        doc_id: ledger("2026-11-23"),
        subject: "change-1".into(),
        detail: detail.into(),
        changes,
    };
    let mut first = SyncWrite::new("AMS1", at(1));
    first.findings.push(finding("first", Some(vec![1, 2, 3])));
    storage.apply_sync(first).await.unwrap();
    let mut again = SyncWrite::new("AMS1", at(2));
    again.findings.push(finding("again", None));
    storage.apply_sync(again).await.unwrap();

    let findings = storage.findings().await.unwrap();
    assert_eq!(
        findings.len(),
        1,
        "one finding per kind, document and subject"
    );
    let f = &findings[0];
    assert_eq!(
        (
            f.kind,
            f.detail.as_str(),
            f.held_bytes,
            f.first_at,
            f.last_at
        ),
        (FindingKind::HeldChange, "again", 3, at(1), at(2))
    );
    let (_, changes) = storage.finding_changes(f.id).await.unwrap().unwrap();
    assert_eq!(changes, vec![1, 2, 3], "the held changes are kept");
    assert!(storage.finding_changes(f.id + 100).await.unwrap().is_none());
    assert!(storage
        .decide_finding(f.id, "rejected", "Maria", at(3))
        .await
        .unwrap());
    assert!(!storage
        .decide_finding(f.id, "accepted", "Carl", at(4))
        .await
        .unwrap());
    let decided = &storage.findings().await.unwrap()[0];
    assert_eq!(
        (decided.decision.as_deref(), decided.decided_by.as_deref()),
        (Some("rejected"), Some("Maria"))
    );
}

pub(crate) async fn catalogue_versions_hand_out_only_what_changed(storage: Storage) {
    assert_eq!(storage.catalogue_since(0).await.unwrap(), (0, vec![]));
    let v1 = storage
        .put_catalogue(&[product("MUG", 500), product("TEA", 300)])
        .await
        .unwrap();
    let v2 = storage.put_catalogue(&[product("MUG", 650)]).await.unwrap();
    assert_eq!((v1, v2), (1, 2));
    let (version, all) = storage.catalogue_since(0).await.unwrap();
    assert_eq!(version, 2);
    assert_eq!(all, vec![product("MUG", 650), product("TEA", 300)]);
    assert_eq!(
        storage.catalogue_since(1).await.unwrap(),
        (2, vec![product("MUG", 650)])
    );
    assert_eq!(storage.catalogue_since(2).await.unwrap(), (2, vec![]));
    assert_eq!(
        storage.product("TEA").await.unwrap(),
        Some(product("TEA", 300))
    );
    assert_eq!(storage.product("NOPE").await.unwrap(), None);
}

pub(crate) async fn receipt_keys_are_made_once_and_rotate(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let key = |n: u8| kassa_domain::receipt_code::secret_key(&[n; 32]);
    let (first, other) = (key(1), key(2));
    assert_eq!(storage.receipt_key("AMS1", &first).await.unwrap(), first);
    assert_eq!(
        storage.receipt_key("AMS1", &other).await.unwrap(),
        first,
        "a store's key is made once"
    );
    assert!(matches!(
        storage.receipt_key("NOPE", &other).await,
        Err(HqError::NotFound(_))
    ));
    assert_eq!(storage.receipt_keys().await.unwrap().len(), 1);

    let second = key(3);
    storage
        .rotate_receipt_key("AMS1", &second, false, at(1))
        .await
        .unwrap();
    assert_eq!(storage.receipt_keys().await.unwrap()[0].secret, second);
    let first_public = kassa_domain::receipt_code::public_key(&first).unwrap();
    assert_eq!(
        storage.retired_receipt_keys().await.unwrap(),
        vec![("AMS1".to_string(), first_public)]
    );
    let third = key(4);
    storage
        .rotate_receipt_key("AMS1", &third, true, at(2))
        .await
        .unwrap();
    assert!(
        storage.retired_receipt_keys().await.unwrap().is_empty(),
        "distrusting the old keys leaves none trusted"
    );
    assert!(matches!(
        storage
            .rotate_receipt_key("NOPE", &third, false, at(3))
            .await,
        Err(HqError::NotFound(_))
    ));
}

pub(crate) async fn staff_versions_tell_each_store_what_changed(storage: Storage) {
    with_stores(&storage, &["AMS1", "RTM1"]).await;
    let ams = ["AMS1".to_string()];
    let v1 = storage
        .put_staff(&member("s1", "Carl"), Some(&ams), at(1))
        .await
        .unwrap();
    let v2 = storage
        .put_staff(&member("s2", "Eve"), Some(&["RTM1".to_string()]), at(2))
        .await
        .unwrap();
    assert_eq!((v1, v2), (1, 2));
    match storage
        .put_staff(&member("s3", "carl"), Some(&ams), at(3))
        .await
    {
        Err(HqError::BadRequest(_)) => {}
        other => panic!("an active namesake in any case is refused, got {other:?}"),
    }
    match storage
        .put_staff(&member("s4", "Dan"), Some(&["NOPE".to_string()]), at(3))
        .await
    {
        Err(HqError::BadRequest(_)) => {}
        other => panic!("an unknown store is refused, got {other:?}"),
    }
    assert_eq!(
        storage.staff_member("s4").await.unwrap(),
        None,
        "nothing half-written"
    );

    let (version, members) = storage.staff_since("AMS1", 0).await.unwrap();
    assert_eq!(version, 2);
    assert_eq!(members, vec![member("s1", "Carl")]);
    // Carl moves to Rotterdam: Amsterdam's tills are told he left, without his PIN hash.
    let v3 = storage
        .put_staff(&member("s1", "Carl"), Some(&["RTM1".to_string()]), at(4))
        .await
        .unwrap();
    assert!(v3 > v2);
    let (_, ams_changes) = storage.staff_since("AMS1", v2).await.unwrap();
    assert_eq!(ams_changes.len(), 1);
    assert!(!ams_changes[0].active && ams_changes[0].pin_hash.is_empty());
    let (_, rtm_changes) = storage.staff_since("RTM1", v2).await.unwrap();
    assert_eq!(rtm_changes, vec![member("s1", "Carl")]);
    assert_eq!(storage.staff_since("RTM1", v3).await.unwrap(), (v3, vec![]));

    let everyone = storage.staff().await.unwrap();
    assert_eq!(
        everyone
            .iter()
            .map(|e| (e.member.name.as_str(), e.stores.clone()))
            .collect::<Vec<_>>(),
        [
            ("Carl", vec!["RTM1".to_string()]),
            ("Eve", vec!["RTM1".to_string()])
        ]
    );
    let by_name = storage.staff_member(" carl ").await.unwrap().unwrap();
    assert_eq!((by_name.member.id.as_str(), by_name.version), ("s1", v3));
}

pub(crate) async fn sales_voids_and_credit_are_found_again(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let day = "2026-11-23";
    let mut write = SyncWrite::new("AMS1", at(1));
    for (id, receipt, tender) in [
        ("s1", "AMS1-1-1", TenderKind::Cash),
        ("s2", "AMS1-1-2", TenderKind::Credit),
    ] {
        write.sales.push(FiledSale {
            store: "AMS1".into(),
            till_no: 1,
            record: sale(id, receipt, day, tender),
        });
    }
    write.sales.push(FiledSale {
        store: "AMS1".into(),
        till_no: 1,
        record: sale("s3", "AMS1-1-3", "2026-11-24", TenderKind::Cash),
    });
    write.voids.push(void("v1", "s1", day));
    storage.apply_sync(write).await.unwrap();
    // The same sale again (a retried sync) is still one sale.
    let mut again = SyncWrite::new("AMS1", at(2));
    again.sales.push(FiledSale {
        store: "AMS1".into(),
        till_no: 1,
        record: sale("s1", "AMS1-1-1", day, TenderKind::Cash),
    });
    storage.apply_sync(again).await.unwrap();

    // Each day's figures count each sale once, retried or not, and only the days asked for.
    let days: Vec<_> = storage
        .daily_sales("2026-11-23", "2026-11-24")
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.store, d.business_day, d.channel, d.sales, d.total))
        .collect();
    assert_eq!(
        days,
        [
            ("AMS1".into(), day.to_string(), "till".into(), 2, 2500),
            ("AMS1".into(), "2026-11-24".into(), "till".into(), 1, 1250),
        ]
    );
    assert_eq!(
        storage
            .daily_sales("2026-11-24", "2026-12-31")
            .await
            .unwrap()
            .len(),
        1
    );

    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (sales, voids) = storage.sales("AMS1", date).await.unwrap();
    assert_eq!(
        sales.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["s1", "s2"]
    );
    assert_eq!(voids, vec![void("v1", "s1", day)]);
    assert_eq!(
        storage.sale_by_receipt("AMS1-1-1").await.unwrap(),
        Some((sale("s1", "AMS1-1-1", day, TenderKind::Cash), true))
    );
    assert_eq!(
        storage
            .sale_by_receipt("AMS1-1-2")
            .await
            .unwrap()
            .map(|(_, v)| v),
        Some(false)
    );
    assert_eq!(storage.sale_by_receipt("AMS1-1-9").await.unwrap(), None);
    assert_eq!(
        storage
            .credit_sales()
            .await
            .unwrap()
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["s2"]
    );
    assert_eq!(storage.all_voids().await.unwrap().len(), 1);
    // s1 was neither returned against nor paid with credit: its void changes no rule.
    assert!(storage.voids_that_matter().await.unwrap().is_empty());
    let mut credit_void = SyncWrite::new("AMS1", at(3));
    credit_void.voids.push(void("v2", "s2", day));
    storage.apply_sync(credit_void).await.unwrap();
    let mattering: Vec<String> = storage
        .voids_that_matter()
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(mattering, ["v2"], "s2 took store credit");
}

pub(crate) async fn web_orders_are_taken_once_in_any_case(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let mut write = SyncWrite::new("AMS1", at(1));
    write.intake = Some(OrderIntakeRow {
        external_id: "Shop-1001".into(),
        order_id: "o1".into(),
        pickup_code: "123456".into(),
    });
    storage.apply_sync(write).await.unwrap();
    let taken = storage.order_by_external_id("shop-1001").await.unwrap();
    assert_eq!(taken.map(|t| t.order_id), Some("o1".to_string()));
    assert_eq!(
        storage.order_by_external_id("shop-1002").await.unwrap(),
        None
    );

    // The same order again in another case is refused whole.
    let before = storage.content_digest().await.unwrap();
    let mut twice = SyncWrite::new("AMS1", at(2));
    twice.intake = Some(OrderIntakeRow {
        external_id: "SHOP-1001".into(),
        order_id: "o2".into(),
        pickup_code: "654321".into(),
    });
    twice.records.push(StoredRecord {
        store: "AMS1".into(),
        subject: None,
        record: IndexedRecord::Resolution(resolution("r9")),
    });
    match storage.apply_sync(twice).await {
        Err(HqError::Conflict(_)) => {}
        other => panic!("expected the intake refused as taken, got {other:?}"),
    }
    assert_eq!(storage.content_digest().await.unwrap(), before);
}

pub(crate) async fn the_digest_moves_with_writes_and_not_with_reads(storage: Storage) {
    with_stores(&storage, &["AMS1"]).await;
    let before = storage.content_digest().await.unwrap();
    storage.stores().await.unwrap();
    storage.records(RecordKind::Order, None).await.unwrap();
    assert_eq!(storage.content_digest().await.unwrap(), before);
    let mut write = SyncWrite::new("AMS1", at(1));
    write.records.push(StoredRecord {
        store: "AMS1".into(),
        subject: None,
        record: IndexedRecord::Resolution(resolution("r1")),
    });
    storage.apply_sync(write).await.unwrap();
    assert_ne!(storage.content_digest().await.unwrap(), before);
}

/// Requests at once from many tasks (one node's many connections) all land.
pub(crate) async fn many_requests_at_once_all_land(storage: Storage) {
    let mut tasks = Vec::new();
    for n in 0..24 {
        let storage = storage.clone();
        tasks.push(tokio::spawn(async move {
            if n % 4 == 0 {
                storage
                    .create_store(&store_info(&format!("S{n}")), at(0))
                    .await
                    .unwrap();
            }
            storage
                .put_catalogue(&[product(&format!("P{n}"), 100)])
                .await
                .unwrap();
            storage.stores().await.unwrap().len()
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(storage.stores().await.unwrap().len(), 6);
    let (version, products) = storage.catalogue_since(0).await.unwrap();
    assert_eq!(
        (version, products.len()),
        (24, 24),
        "every import got a version of its own"
    );
}

/// The console's catalogue search (SKU prefix, name anywhere, any case, LIKE's own characters
/// literal), and uploads that wait for confirmation: an hour at most, ended once.
pub(crate) async fn catalogue_search_and_imports_waiting_for_confirmation(storage: Storage) {
    let mut named = product("MUG-1", 1250);
    named.name = "Ceramic Mug 100% stoneware".into();
    storage
        .put_catalogue(&[named, product("MUG-2", 900), product("TEE_1", 2495)])
        .await
        .unwrap();
    let skus = |products: Vec<Product>| products.into_iter().map(|p| p.sku).collect::<Vec<_>>();
    assert_eq!(
        skus(storage.search_catalogue("mug", 10).await.unwrap()),
        ["MUG-1", "MUG-2"]
    );
    assert_eq!(
        skus(storage.search_catalogue("STONEWARE", 10).await.unwrap()),
        ["MUG-1"]
    );
    assert_eq!(
        skus(storage.search_catalogue("100%", 10).await.unwrap()),
        ["MUG-1"]
    );
    assert!(
        storage
            .search_catalogue("10_%", 10)
            .await
            .unwrap()
            .is_empty(),
        "literal _"
    );
    assert_eq!(
        skus(storage.search_catalogue("tee_", 10).await.unwrap()),
        ["TEE_1"]
    );
    assert_eq!(
        storage.search_catalogue("", 2).await.unwrap().len(),
        2,
        "limited"
    );

    let pending = |id: &str, minutes: i64| PendingImport {
        id: id.into(),
        user_name: "ann".into(),
        format: "shopify".into(),
        file: vec![0, 159, 146, 150, b'\n'],
        created_at: at(0) + chrono::TimeDelta::minutes(minutes),
    };
    storage
        .add_pending_import(&pending("old", 0))
        .await
        .unwrap();
    storage
        .add_pending_import(&pending("new", 50))
        .await
        .unwrap();
    let since = |minutes| at(0) + chrono::TimeDelta::minutes(minutes);
    assert_eq!(
        storage.pending_import("new", since(0)).await.unwrap(),
        Some(pending("new", 50)),
        "bytes kept exactly"
    );
    assert_eq!(
        storage.pending_import("old", since(1)).await.unwrap(),
        None,
        "too old"
    );
    // A later upload drops what is past its hour.
    storage
        .add_pending_import(&pending("later", 61))
        .await
        .unwrap();
    assert_eq!(
        storage.pending_import("old", since(-10)).await.unwrap(),
        None
    );
    assert!(storage.end_pending_import("new").await.unwrap());
    assert!(
        !storage.end_pending_import("new").await.unwrap(),
        "ended once"
    );
    assert_eq!(storage.pending_import("new", since(0)).await.unwrap(), None);
}

fn a_return(id: &str, day: &str, reason: Option<&str>, total: i64) -> ReturnRecord {
    ReturnRecord {
        id: id.into(),
        receipt_no: format!("AMS1-1-R{id}"),
        store_code: "AMS1".into(),
        till_no: 1,
        seq: 9,
        created_at: kassa_replica::Timestamp::parse("2026-11-23T10:00:00.000Z").unwrap(),
        business_day: day.into(),
        currency: "EUR".into(),
        source: kassa_replica::ledger::ReturnSource::NoReceipt,
        lines: vec![],
        total: Money::from_minor(total),
        cash_rounding: Money::ZERO,
        refunds: vec![Tender {
            kind: TenderKind::Cash,
            amount: Money::from_minor(total),
            reference: None,
        }],
        reason: reason.map(str::to_string),
        approved_by: None,
        approval_reasons: vec![],
        exchange_sale_id: None,
        cashier: None,
        approver_id: None,
        shift_id: None,
    }
}

/// Syncs whose records add to the report figures: at AMS1 a cash sale with change and a tax
/// line, a sale split over two cards and voided, two returns (one with a reason), a shift close
/// with drawer differences, all sent twice (a retried sync); at RTM1 a card sale the next day.
pub(crate) fn figure_writes() -> Vec<SyncWrite> {
    let day = "2026-11-23";
    // Paid 20.00 cash for 12.50: 7.50 change; the tax line at 21 %.
    let mut cash = sale("s1", "AMS1-1-1", day, TenderKind::Cash);
    cash.tenders[0].amount = Money::from_minor(2000);
    cash.tendered = Money::from_minor(2000);
    cash.change = Money::from_minor(750);
    cash.taxes = vec![kassa_domain::TaxLine {
        rate: kassa_domain::TaxRate::from_basis_points(2100).unwrap(),
        net: Money::from_minor(1033),
        tax: Money::from_minor(217),
        gross: Money::from_minor(1250),
    }];
    // Two cards for one sale: one sale by card.
    let mut split = sale("s2", "AMS1-1-2", day, TenderKind::Card);
    split.tenders = vec![
        Tender {
            kind: TenderKind::Card,
            amount: Money::from_minor(500),
            reference: None,
        },
        Tender {
            kind: TenderKind::Card,
            amount: Money::from_minor(750),
            reference: None,
        },
    ];
    let close: kassa_replica::shifts::ShiftClosed = serde_json::from_value(serde_json::json!({
        "id": "c1", "shift_id": "sh1", "store": "AMS1", "till_no": 1,
        "closed_at": "2026-11-23T18:00:00.000Z", "business_day": day, "closed_by": null,
        "counted": [], "expected": [],
        "difference": [{ "kind": "cash", "amount": -150 }, { "kind": "card", "amount": 0 }],
        "report": {}
    }))
    .unwrap();
    let mut writes = Vec::new();
    for _ in 0..2 {
        let mut write = SyncWrite::new("AMS1", at(1));
        for record in [cash.clone(), split.clone()] {
            write.sales.push(FiledSale {
                store: "AMS1".into(),
                till_no: 1,
                record,
            });
        }
        write.voids.push(void("v1", "s2", day));
        let order: kassa_replica::orders::OrderRecord = serde_json::from_value(serde_json::json!({
            "id": "o1", "order_no": "W1001", "store": "AMS1", "customer_name": "Ada",
            "pickup_code_hash": "x", "lines": [], "total": 4000, "paid_online": 4000,
            "currency": "EUR", "created_at": "2026-11-23T21:30:00.000Z",
            "pickup_by": "2026-12-07T21:30:00.000Z", "shipped_at": null
        }))
        .unwrap();
        for record in [
            IndexedRecord::Order(order),
            IndexedRecord::Return(a_return("r1", day, Some("  damaged "), 500)),
            IndexedRecord::Return(a_return("r2", day, None, 300)),
            IndexedRecord::ShiftClose(close.clone()),
        ] {
            write.records.push(StoredRecord {
                store: "AMS1".into(),
                subject: None,
                record,
            });
        }
        writes.push(write);
    }
    let mut rtm = SyncWrite::new("RTM1", at(2));
    let mut other = sale("s9", "RTM1-1-1", "2026-11-24", TenderKind::Card);
    other.store_code = "RTM1".into();
    rtm.sales.push(FiledSale {
        store: "RTM1".into(),
        till_no: 1,
        record: other,
    });
    writes.push(rtm);
    writes
}

/// The report figures: each sale, return, void and shift close adds once (a retried sync adds
/// nothing), and they add up by day, by store or over the period, for some stores or all.
pub(crate) async fn daily_figures_count_each_record_once(storage: Storage) {
    use crate::daily_figures::Measure;
    use crate::storage::FigureGrouping;
    with_stores(&storage, &["AMS1", "RTM1"]).await;
    for write in figure_writes() {
        storage.apply_sync(write).await.unwrap();
    }
    let totals = |by, stores: &'static [&'static str]| {
        let storage = storage.clone();
        async move {
            let stores: Vec<String> = stores.iter().map(|s| s.to_string()).collect();
            storage
                .figure_totals("2026-11-01", "2026-11-30", &stores, by)
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.group, t.measure.as_str(), t.key, t.count, t.amount))
                .collect::<Vec<_>>()
        }
    };
    let period = totals(FigureGrouping::Period, &["AMS1"]).await;
    let row = |m: Measure, key: &str, count: i64, amount: i64| {
        (String::new(), m.as_str(), key.to_string(), count, amount)
    };
    assert_eq!(
        period,
        [
            row(Measure::Net, "2100", 1, 1033),
            row(Measure::Refund, "cash", 2, 800),
            row(Measure::Return, "", 1, 300),
            row(Measure::Return, "damaged", 1, 500),
            row(Measure::ShiftDifference, "card", 1, 0),
            row(Measure::ShiftDifference, "cash", 1, -150),
            row(Measure::Tax, "2100", 1, 217),
            row(Measure::Tender, "card", 1, 1250),
            row(Measure::Tender, "cash", 1, 1250),
            row(Measure::Void, "", 1, 1250),
        ]
    );
    // Every store: RTM1's card sale joins; by store, each on its own.
    let by_store = totals(FigureGrouping::Store, &[]).await;
    let card = |store: &str| {
        by_store
            .iter()
            .find(|t| t.0 == store && t.1 == "tender" && t.2 == "card")
            .map(|t| (t.3, t.4))
    };
    assert_eq!(
        (card("AMS1"), card("RTM1")),
        (Some((1, 1250)), Some((1, 1250)))
    );
    // The web order is the web channel's sale of its day, once.
    let web: Vec<_> = storage
        .daily_sales("2026-11-23", "2026-11-23")
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.channel == "web")
        .map(|d| (d.store, d.sales, d.total))
        .collect();
    assert_eq!(web, [("AMS1".to_string(), 1, 4000)]);
    let by_day = totals(FigureGrouping::Day, &["RTM1"]).await;
    assert_eq!(by_day.len(), 1);
    assert_eq!(by_day[0].0, "2026-11-24");
    assert!(totals(FigureGrouping::Day, &["UTR1"]).await.is_empty());
}

/// Each sync keeps the till's contact: the last one wins, a till of an older release (no
/// report) is kept without one.
pub(crate) async fn till_contacts_keep_each_tills_last(storage: Storage) {
    use crate::storage::TillContact;
    use kassa_protocol::TillReport;
    with_stores(&storage, &["AMS1", "RTM1"]).await;
    let report = |version: &str, sales| TillReport {
        version: version.into(),
        pending_sales: sales,
        pending_amount: sales * 100,
        pending_other: 1,
    };
    let contact = |store: &str, device_id, till_no, seconds, report| {
        let mut write = SyncWrite::new(store, at(seconds));
        write.from_store = true;
        write.contact = Some(TillContact {
            device_id,
            till_no,
            report,
        });
        write
    };
    for write in [
        contact("AMS1", 7, 2, 10, Some(report("1.4.0", 3))),
        contact("AMS1", 7, 2, 20, Some(report("1.5.0", 0))),
        contact("RTM1", 9, 1, 15, None),
        contact("AMS1", 8, 1, 12, Some(report("1.4.0", 5))),
    ] {
        storage.apply_sync(write).await.unwrap();
    }
    let contacts = storage.till_contacts().await.unwrap();
    let seen: Vec<_> = contacts
        .iter()
        .map(|c| {
            (
                c.store.as_str(),
                c.till_no,
                c.last_seen_at,
                c.report.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("AMS1", 1, at(12), Some(report("1.4.0", 5))),
            ("AMS1", 2, at(20), Some(report("1.5.0", 0))),
            ("RTM1", 1, at(15), None),
        ]
    );
}

/// The orders page reads the newest orders without the rest; the exception rules read only the
/// orders a pickup names.
pub(crate) async fn newest_records_and_picked_up_orders(storage: Storage) {
    with_stores(&storage, &["AMS1", "RTM1"]).await;
    let order = |id: &str, store: &str| -> kassa_replica::orders::OrderRecord {
        serde_json::from_value(serde_json::json!({
            "id": id, "order_no": format!("W-{id}"), "store": store, "customer_name": "Ada",
            "pickup_code_hash": "x", "lines": [], "total": 100, "paid_online": 100,
            "currency": "EUR", "created_at": "2026-11-23T09:00:00.000Z",
            "pickup_by": "2026-12-07T09:00:00.000Z", "shipped_at": null
        }))
        .unwrap()
    };
    let pickup: kassa_replica::orders::PickupRecord = serde_json::from_value(serde_json::json!({
        "id": "p1", "order_id": "o2", "order_no": "W-o2", "store": "AMS1", "till_no": 1,
        "receipt_no": "AMS1-1-9", "lines": [], "value": 100, "amount_due": 0, "cash_rounding": 0,
        "tenders": [], "change": 0, "created_at": "2026-11-23T10:00:00.000Z",
        "business_day": "2026-11-23"
    }))
    .unwrap();
    let mut write = SyncWrite::new("AMS1", at(1));
    for (id, store) in [
        ("o1", "AMS1"),
        ("o2", "AMS1"),
        ("o3", "RTM1"),
        ("o4", "AMS1"),
    ] {
        write.records.push(StoredRecord {
            store: store.into(),
            subject: None,
            record: IndexedRecord::Order(order(id, store)),
        });
    }
    write.records.push(StoredRecord {
        store: "AMS1".into(),
        subject: Some("o2".into()),
        record: IndexedRecord::Pickup(pickup),
    });
    storage.apply_sync(write).await.unwrap();
    let ids = |orders: Vec<kassa_replica::orders::OrderRecord>| {
        orders.into_iter().map(|o| o.id).collect::<Vec<_>>()
    };
    let storage: &dyn HqStorage = storage.as_ref();
    assert_eq!(
        ids(storage.newest_records_of(None, 2).await.unwrap()),
        ["o4", "o3"]
    );
    assert_eq!(
        ids(storage.newest_records_of(Some("AMS1"), 10).await.unwrap()),
        ["o4", "o2", "o1"]
    );
    assert_eq!(
        ids(storage.picked_up_orders_of(None).await.unwrap()),
        ["o2"]
    );
    assert!(storage
        .picked_up_orders_of(Some("RTM1"))
        .await
        .unwrap()
        .is_empty());
}

/// A transfer is indexed when sent and received once; each store lists its own.
pub(crate) async fn transfers_are_sent_once_and_received_once(storage: Storage) {
    use crate::storage::{TransferRow, TransferWrite};
    with_stores(&storage, &["AMS1", "RTM1", "UTR1"]).await;
    let row = |id: &str, from: &str, to: &str| TransferRow {
        id: id.into(),
        from_store: from.into(),
        to_store: to.into(),
        sku: "MUG".into(),
        sent: 10,
        note: Some("weekend".into()),
        sent_at: at(5),
        sent_by: "ann".into(),
        received: None,
        received_at: None,
        received_by: None,
    };
    for (store, transfer) in [
        ("AMS1", row("t1", "AMS1", "RTM1")),
        ("UTR1", row("t2", "UTR1", "AMS1")),
    ] {
        let mut write = SyncWrite::new(store, at(5));
        write.transfer = Some(TransferWrite::Sent(transfer));
        storage.apply_sync(write).await.unwrap();
    }
    let received = |by: &str| {
        let mut write = SyncWrite::new("RTM1", at(9));
        write.transfer = Some(TransferWrite::Received {
            id: "t1".into(),
            received: 8,
            at: at(9),
            by: by.into(),
        });
        write
    };
    storage.apply_sync(received("rob")).await.unwrap();
    match storage.apply_sync(received("eve")).await {
        Err(HqError::Conflict(_)) => {}
        other => panic!("a second receipt must be refused, got {other:?}"),
    }
    let t1 = storage.transfer("t1").await.unwrap().unwrap();
    assert_eq!(
        (
            t1.received,
            t1.received_at,
            t1.received_by.as_deref(),
            t1.difference()
        ),
        (Some(8), Some(at(9)), Some("rob"), Some(-2))
    );
    assert_eq!(t1.note.as_deref(), Some("weekend"));
    let ids = |rows: Vec<TransferRow>| rows.into_iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(ids(storage.transfers(&[], 10).await.unwrap()), ["t2", "t1"]);
    assert_eq!(
        ids(storage.transfers(&["RTM1".into()], 10).await.unwrap()),
        ["t1"]
    );
    assert_eq!(
        ids(storage.transfers(&["AMS1".into()], 1).await.unwrap()),
        ["t2"]
    );
    assert!(storage.transfer("t9").await.unwrap().is_none());
}
