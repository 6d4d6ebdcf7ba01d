//! Valid inputs each target starts from, made by the real code paths (a till that sold something,
//! head office's formats), so mutations begin deep inside each format rather than at its first
//! byte. `cargo run -p kassa-fuzzing --example write-seeds` stores them in `fuzz/corpus/`.

use crate::targets::{LEDGER, RECEIPT_SECRET, STORE, TILL_NO};
use chrono::DateTime;
use kassa_domain::{Currency, TaxMode, TaxRate, TenderKind};
use kassa_protocol::{DocMessage, SyncRequest};
use kassa_replica::ActorId;
use kassa_store::{
    FixedClock, LineRequest, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till,
};
use std::sync::Arc;

const CATALOGUE: &str = "sku,name,price,tax_class,barcodes,category,active
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy,true
WINE,Côtes du Rhône rouge 75 cl,8.99,standard,96385074,Wine,true
OLD,Discontinued crème brûlée,3.00,reduced,,Dairy,false
";

/// A till of the target store that sold two things on the ledger's day.
fn till_with_a_sale() -> Till {
    let clock = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").expect("a time");
    let mut till = Till::open_in_memory()
        .expect("a till")
        .with_clock(Arc::new(FixedClock(clock)));
    let class = |code: &str, bp| TaxClass {
        code: code.into(),
        name: code.into(),
        rate: TaxRate::from_basis_points(bp).expect("a rate"),
    };
    till.init(&StoreSetup {
        store_code: STORE.into(),
        till_no: TILL_NO,
        currency: Currency::from_iso("EUR").expect("EUR"),
        tax_mode: TaxMode::Inclusive,
        cash_increment: 5,
        tax_classes: vec![class("standard", 2100), class("reduced", 900)],
    })
    .expect("init");
    till.import_catalogue_csv(CATALOGUE.as_bytes(), false)
        .expect("catalogue");
    till.complete_sale(
        &SaleRequest {
            lines: vec![LineRequest::new("MILK", 2), LineRequest::new("WINE", 1)],
            discount: None,
            tenders: vec![TenderRequest {
                kind: TenderKind::Cash,
                amount: None,
                reference: None,
            }],
        },
        None,
    )
    .expect("a sale");
    till
}

/// The till's first message for each of its documents.
fn first_messages(till: &mut Till) -> Vec<DocMessage> {
    let mut docs = Vec::new();
    for doc_id in till.document_ids().expect("document ids") {
        let mut state = till.sync_state(&doc_id, "hq").expect("a sync state");
        if let Some(message) = till
            .generate_sync_message(&doc_id, &mut state)
            .expect("a message")
        {
            docs.push(DocMessage { doc_id, message });
        }
    }
    docs
}

/// Seeds for the target named `target` (none for an unknown name).
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    match target {
        "sync_request" => {
            let mut till = till_with_a_sale();
            let actor = ActorId::try_from(till.actor_id().expect("actor").as_str())
                .expect("a hex actor")
                .to_bytes()
                .to_vec();
            let docs = first_messages(&mut till);
            let audit_head = till
                .audit_head()
                .expect("the audit head")
                .map(|(seq, hash)| kassa_protocol::AuditHead { seq, hash });
            let request = |docs: Vec<DocMessage>| SyncRequest {
                audit_head: audit_head.clone(),
                audit_at_anchor: audit_head.clone(),
                ..SyncRequest::new(docs)
            };
            // Each request in JSON and in CBOR, the two bodies head office reads.
            [request(docs), request(Vec::new())]
                .iter()
                .flat_map(|r| {
                    [
                        serde_json::to_vec(r).expect("json"),
                        kassa_protocol::wire::to_cbor(r).expect("cbor"),
                    ]
                })
                .map(|body| {
                    let mut input = actor.clone();
                    input.resize(crate::targets::ACTOR_BYTES, 0);
                    input.extend(body);
                    input
                })
                .collect()
        }
        "sync_message" => first_messages(&mut till_with_a_sale())
            .into_iter()
            .filter(|d| d.doc_id == LEDGER)
            .map(|d| d.message)
            .collect(),
        "document_load" => {
            let id = kassa_replica::DocId::parse(LEDGER).expect("the ledger id");
            let mut doc = kassa_replica::skeleton::new_document(&id, ActorId::from(&[9u8; 16][..]))
                .expect("a ledger");
            let mut state = kassa_replica::SyncState::new();
            for message in seeds("sync_message") {
                kassa_replica::receive_message(&mut doc, &mut state, &message).expect("receive");
            }
            vec![doc.save()]
        }
        "catalogue_csv" => vec![CATALOGUE.as_bytes().to_vec()],
        "web_order" => vec![
            br#"{"external_id":"shop-1","store":"AMS1","customer_name":"Ada","lines":[{"sku":"MILK","quantity":2},{"sku":"BREAD","quantity":1,"unit_price":199}],"paid":true,"pickup_code":"123456","hold_days":7}"#.to_vec(),
            br#"{"external_id":"shop-2","store":"AMS1","customer_name":"Bo","lines":[{"sku":"MILK","quantity":1}],"paid":false,"shipped":true}"#.to_vec(),
        ],
        "receipt_code" => vec![
            signed_receipt_code().into_bytes(),
            till_signed_receipt_code().into_bytes(),
        ],
        "doc_id" => [
            LEDGER,
            "ledger/AMS1/hq/2026-11-23",
            "stock/AMS1/3",
            "orders/AMS1/2026-11",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect(),
        "money" => [(2u8, "12.50"), (0, "5"), (3, "0.125"), (2, "100000.5"), (2, "-1")]
            .iter()
            .map(|(digits, text)| {
                let mut input = vec![*digits];
                input.extend_from_slice(text.as_bytes());
                input
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A code signed with a till's key that the store's key certified (an enrolled till's form).
fn till_signed_receipt_code() -> String {
    use kassa_domain::receipt_code::{certify_till, public_key, secret_key, sign_as_till, TillKey};
    let secret_hex = secret_key(&[2; 32]);
    let public_hex = public_key(&secret_hex).expect("a valid key");
    let certificate = certify_till(RECEIPT_SECRET, "AMS1", 2, &public_hex).expect("certified");
    let key = TillKey {
        secret_hex,
        public_hex,
        certificate,
    };
    sign_as_till(
        &key,
        "AMS1-2-18",
        "0193a7c4-5e6f-7a8b-9c0d-1e2f3a4b5c6e",
        2_499,
    )
    .expect("a signed code")
}

fn signed_receipt_code() -> String {
    kassa_domain::receipt_code::sign(
        RECEIPT_SECRET,
        "AMS1-2-17",
        "0193a7c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
        1_299,
    )
    .expect("a signed code")
}
