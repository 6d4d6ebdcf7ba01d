//! Authorship at head office (issue 12): a till's change is merged only when it is the
//! authenticated device's own and touches only what that till may write. Everything else (an
//! order written or its payment flag changed by a till, another till's stock counters, another
//! till's ledger, a change by another or a revoked device carried without proof) is held with its
//! changes kept, while the rest of the same request (the till's sales) goes through; a manager
//! accepts or rejects what is held. A sale is filed by the ledger it came in, and one whose
//! amounts do not add up is flagged, not refused.

mod support;

use kassa_hq::storage::{Device, FindingKind};
use kassa_hq::Hq;
use kassa_protocol::{DocMessage, EnrollRequest, OrderIntake, OrderIntakeLine, SyncRequest};
use kassa_replica::skeleton::new_document;
use kassa_replica::{generate_message, receive_message, ActorId, AutoCommit, DocId, SyncState};
use std::collections::BTreeMap;
use support::*;

/// A till made of bare documents, so a test can write what a real till never would.
struct RawTill {
    device: Device,
    actor: ActorId,
    docs: BTreeMap<String, (AutoCommit, SyncState)>,
}

impl RawTill {
    async fn enroll(hq: &Hq, store: &str, till_no: u16) -> RawTill {
        let actor = ActorId::random();
        let code = hq.create_enroll_code(store, till_no).await.unwrap().code;
        let enrolled = hq
            .enroll(&EnrollRequest {
                code,
                actor_id: actor.to_hex_string(),
                device_key: kassa_store::NewDeviceKey::generate().public_hex,
            })
            .await
            .unwrap();
        let device = hq.authenticate(Some(&enrolled.device_token)).await.unwrap();
        RawTill {
            device,
            actor,
            docs: BTreeMap::new(),
        }
    }

    fn doc(&mut self, id: &str) -> &mut AutoCommit {
        let actor = self.actor.clone();
        &mut self
            .docs
            .entry(id.to_string())
            .or_insert_with(|| {
                let parsed = DocId::parse(id).unwrap();
                (new_document(&parsed, actor).unwrap(), SyncState::new())
            })
            .0
    }

    /// Sync rounds until neither side has anything to say; learns the store's documents.
    async fn sync(&mut self, hq: &Hq) {
        for _ in 0..10 {
            let mut messages = Vec::new();
            for (id, (doc, state)) in &mut self.docs {
                if let Some(message) = generate_message(doc, state) {
                    messages.push(DocMessage {
                        doc_id: id.clone(),
                        message,
                    });
                }
            }
            let quiet = messages.is_empty();
            let response = hq
                .sync(&self.device, SyncRequest::new(messages))
                .await
                .unwrap();
            let mut learned = false;
            for heads in &response.store_docs {
                if !self.docs.contains_key(&heads.doc_id) {
                    self.doc(&heads.doc_id.clone());
                    learned = true;
                }
            }
            for reply in &response.docs {
                let (doc, state) = self.docs.get_mut(&reply.doc_id).unwrap();
                receive_message(doc, state, &reply.message).unwrap();
            }
            if quiet && response.docs.is_empty() && !learned {
                return;
            }
        }
    }
}

fn map(doc: &AutoCommit, name: &str) -> automerge::ObjId {
    use automerge::ReadDoc;
    doc.get(automerge::ROOT, name).unwrap().unwrap().1
}

async fn held(hq: &Hq) -> Vec<kassa_hq::storage::Finding> {
    hq.findings()
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.kind == FindingKind::HeldChange && f.decision.is_none())
        .collect()
}

#[tokio::test]
async fn a_till_writes_only_what_it_may_and_everything_else_is_held_not_lost() {
    use automerge::transaction::Transactable;
    let hq = Hq::open_in_memory().unwrap();
    hq.create_store(&store("AMS1")).await.unwrap();
    hq.import_catalogue_csv(CATALOGUE.as_bytes()).await.unwrap();
    hq.record_stock(
        "AMS1",
        kassa_hq::MovementKind::Receipt,
        &[kassa_protocol::StockLine {
            sku: "MILK".into(),
            quantity: 10,
        }],
        None,
    )
    .await
    .unwrap();
    let order = hq
        .add_order(&OrderIntake {
            external_id: "web-1".into(),
            store: "AMS1".into(),
            customer_name: "Ada".into(),
            lines: vec![OrderIntakeLine {
                sku: "MILK".into(),
                quantity: 1,
                unit_price: None,
            }],
            paid: false,
            pickup_code: Some("123456".into()),
            hold_days: None,
            shipped: false,
        })
        .await
        .unwrap();
    let mut one = RawTill::enroll(&hq, "AMS1", 1).await;
    let mut two = RawTill::enroll(&hq, "AMS1", 2).await;
    one.sync(&hq).await;
    two.sync(&hq).await;
    let orders_id = one
        .docs
        .keys()
        .find(|id| id.starts_with("orders/"))
        .unwrap()
        .clone();
    let stock_id = one
        .docs
        .keys()
        .find(|id| id.starts_with("stock/"))
        .unwrap()
        .clone();
    let order_before = hq.lookup_order(&order.order_no).await.unwrap();

    // 1. Till 1 marks the order paid (overwrites head office's order record).
    let paid = {
        let doc = one.doc(&orders_id);
        let orders = map(doc, "orders");
        use automerge::ReadDoc;
        let key = doc.keys(&orders).next().unwrap();
        let json = match doc.get(&orders, key.as_str()).unwrap().unwrap().0 {
            automerge::Value::Scalar(s) => match s.as_ref() {
                automerge::ScalarValue::Str(text) => text.to_string(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        };
        let mut record: serde_json::Value = serde_json::from_str(&json).unwrap();
        record["paid_online"] = record["total"].clone();
        doc.put(&orders, key.as_str(), record.to_string()).unwrap();
        key
    };
    one.sync(&hq).await;
    let found = held(&hq).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].detail.contains("overwrites orders/"),
        "{}",
        found[0].detail
    );
    assert!(found[0].held_bytes > 0);
    assert_eq!(
        hq.lookup_order(&order.order_no).await.unwrap(),
        order_before
    );
    let _ = paid;

    // 2. Till 2 writes a new order and touches till 1's stock counters; its own counter and a
    // pickup record in the same request... the stock message is held, its ledger goes through.
    {
        let doc = two.doc(&orders_id);
        let orders = map(doc, "orders");
        doc.put(&orders, "forged-order", "{}").unwrap();
    }
    two.sync(&hq).await;
    assert_eq!(held(&hq).await.len(), 2);
    {
        let doc = two.doc(&stock_id);
        kassa_replica::stock::record_movement(doc, "till-1", "MILK", 50).unwrap();
    }
    let before = hq.storage().content_digest().await.unwrap();
    two.sync(&hq).await;
    let now_held = held(&hq).await;
    assert_eq!(now_held.len(), 3);
    assert!(
        now_held.iter().any(|f| f.detail.contains("writers/till-1")),
        "{now_held:?}"
    );
    // Only the finding was written: no stock, no document changed.
    let after = hq.storage().content_digest().await.unwrap();
    assert_ne!(before, after);
    let on_hand = |a: kassa_protocol::StockAvailability| {
        a.stores.iter().map(|s| s.on_hand).collect::<Vec<_>>()
    };
    let levels = on_hand(hq.stock_availability("MILK").await.unwrap());

    // 3. A ledger of another till, and head office's own ledger: held.
    let foreign_ledger = "ledger/AMS1/2/2026-12-01".to_string();
    {
        let doc = one.doc(&foreign_ledger);
        let sales = map(doc, "sales");
        doc.put(&sales, "s-1", "{}").unwrap();
    }
    one.sync(&hq).await;
    assert!(held(&hq)
        .await
        .iter()
        .any(|f| f.doc_id == foreign_ledger && f.detail.contains("till 1 writes sales/s-1")));

    // 4. Till 1 carries a change made with till 2's actor (no proof it is theirs): held; once
    // till 2 is revoked, such a change says so.
    let mut carried = two.doc(&stock_id).fork();
    carried.set_actor(two.actor.clone());
    kassa_replica::stock::record_movement(&mut carried, "till-2", "BREAD", -1).unwrap();
    one.docs
        .get_mut(&stock_id)
        .unwrap()
        .0
        .merge(&mut carried)
        .unwrap();
    one.sync(&hq).await;
    assert!(held(&hq)
        .await
        .iter()
        .any(|f| f.detail.contains("till 2's device, carried by till 1")));
    assert_eq!(
        on_hand(hq.stock_availability("MILK").await.unwrap()),
        levels
    );
    assert_eq!(levels, vec![10]);

    // A manager rejects the forged payment (kept, never merged) and cannot decide it twice.
    let forged = held(&hq)
        .await
        .into_iter()
        .find(|f| f.detail.contains("overwrites orders/"))
        .unwrap();
    let rejected = hq.decide_held(forged.id, false, "Maria").await.unwrap();
    assert_eq!(rejected.decision.as_deref(), Some("rejected"));
    assert!(hq.decide_held(forged.id, true, "Maria").await.is_err());
    assert_eq!(
        hq.lookup_order(&order.order_no).await.unwrap(),
        order_before
    );
}

#[tokio::test]
async fn a_sale_is_filed_by_its_ledger_and_flagged_when_it_does_not_add_up() {
    use automerge::transaction::Transactable;
    let server = HqServer::start().await;
    let mut real = server.enrolled_till("AMS1", 1).await;
    let receipt = real
        .complete_sale(&cash_sale(&[("WINE", 1)]), None)
        .unwrap();
    let mut record = serde_json::to_value(&receipt).unwrap();
    let hq = &server.hq;
    let mut raw = RawTill::enroll(hq, "AMS1", 2).await;
    raw.sync(hq).await;
    // The record claims another store and till, and a total its lines do not make.
    record["id"] = "0193a000-0000-7000-8000-000000000001".into();
    record["receipt_no"] = "RTM1-9-1".into();
    record["store_code"] = "RTM1".into();
    record["till_no"] = 9.into();
    record["total"] = 1.into();
    let json = serde_json::to_string(&record).unwrap();
    let day = record["business_day"].as_str().unwrap().to_string();
    let ledger = format!("ledger/AMS1/2/{day}");
    {
        let doc = raw.doc(&ledger);
        let sales = map(doc, "sales");
        doc.put(
            &sales,
            "0193a000-0000-7000-8000-000000000001",
            json.as_str(),
        )
        .unwrap();
    }
    raw.sync(hq).await;
    let at_ams1 = hq.sales_feed("AMS1", &day).await.unwrap().sales;
    assert!(
        at_ams1.iter().any(|s| s.receipt_no == "RTM1-9-1"),
        "filed under AMS1"
    );
    assert!(hq.sales_feed("RTM1", &day).await.unwrap().sales.is_empty());
    let findings = hq.findings().await.unwrap();
    let kinds: Vec<_> = findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::MisfiledSale), "{findings:?}");
    assert!(kinds.contains(&FindingKind::SaleTotal), "{findings:?}");
    // Flags are not held changes: nothing to accept.
    let flag = findings
        .iter()
        .find(|f| f.kind == FindingKind::SaleTotal)
        .unwrap();
    assert!(hq.decide_held(flag.id, true, "Maria").await.is_err());
    // The real till's sales keep flowing.
    real.complete_sale(&cash_sale(&[("BREAD", 1)]), None)
        .unwrap();
    kassa_sync::sync_once(&mut real).await.unwrap();
    assert_eq!(server.sales_at_hq("AMS1", &day).await, 3);
}
