#![allow(dead_code)]

use chrono::{DateTime, FixedOffset};
use kassa_domain::staff::hash_pin;
use kassa_domain::{Currency, Money, Role, StaffMember, TaxMode, TaxRate, TenderKind};
use kassa_replica::orders::{pickup_code_hash, OrderLine, OrderRecord};
use kassa_replica::skeleton::new_document;
use kassa_replica::{write_record, ActorId, AutoCommit, DocId, RecordKind};
use kassa_store::{
    FixedClock, LineRequest, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till,
};
use std::sync::Arc;

pub const CATALOGUE: &str = "sku,name,price,tax_class,barcodes,category,active
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy,true
WINE,Côtes du Rhône rouge 75 cl,8.99,standard,96385074,Wine,true
BREAD,Sourdough loaf,2.49,reduced,036000291452,Bakery,true
STAMP,Postage stamp,1.00,zero,,Post,true
OLD,Discontinued crème brûlée,3.00,reduced,,Dairy,false
";

pub fn setup(mode: TaxMode, cash_increment: i64) -> StoreSetup {
    let class = |code: &str, bp| TaxClass {
        code: code.into(),
        name: code.into(),
        rate: TaxRate::from_basis_points(bp).unwrap(),
    };
    StoreSetup {
        store_code: "AMS1".into(),
        till_no: 2,
        currency: Currency::from_iso("EUR").unwrap(),
        tax_mode: mode,
        cash_increment,
        tax_classes: vec![
            class("standard", 2100),
            class("reduced", 900),
            class("zero", 0),
        ],
    }
}

pub fn at(rfc3339: &str) -> Arc<FixedClock> {
    Arc::new(FixedClock(
        DateTime::<FixedOffset>::parse_from_rfc3339(rfc3339).unwrap(),
    ))
}

/// An initialised in-memory till with the small catalogue above.
pub fn till() -> Till {
    let mut till = Till::open_in_memory()
        .unwrap()
        .with_clock(at("2026-11-23T10:00:00+01:00"));
    till.init(&setup(TaxMode::Inclusive, 5)).unwrap();
    till.import_catalogue_csv(CATALOGUE.as_bytes(), false)
        .unwrap();
    till
}

pub fn cash(minor: Option<i64>) -> TenderRequest {
    TenderRequest {
        kind: TenderKind::Cash,
        amount: minor.map(Money::from_minor),
        reference: None,
    }
}

pub fn card(minor: i64, reference: &str) -> TenderRequest {
    TenderRequest {
        kind: TenderKind::Card,
        amount: Some(Money::from_minor(minor)),
        reference: Some(reference.into()),
    }
}

pub fn sale(lines: &[(&str, i64)], tenders: Vec<TenderRequest>) -> SaleRequest {
    SaleRequest {
        lines: lines
            .iter()
            .map(|(c, q)| LineRequest::new(*c, *q))
            .collect(),
        discount: None,
        tenders,
    }
}

pub fn count(till: &Till, table: &str) -> i64 {
    till.connection()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Syncs one document between two tills until quiet; true when anything moved.
pub fn sync_one(a: &mut Till, b: &mut Till, id: &str) -> bool {
    let mut a_state = a.sync_state(id, "peer").unwrap();
    let mut b_state = b.sync_state(id, "peer").unwrap();
    let mut sent = false;
    for _ in 0..10 {
        let mut moved = false;
        if let Some(m) = a.generate_sync_message(id, &mut a_state).unwrap() {
            b.receive_sync_message(id, "peer", &mut b_state, &m)
                .unwrap();
            moved = true;
        }
        if let Some(m) = b.generate_sync_message(id, &mut b_state).unwrap() {
            a.receive_sync_message(id, "peer", &mut a_state, &m)
                .unwrap();
            moved = true;
        }
        sent |= moved;
        if !moved {
            break;
        }
    }
    sent
}

/// Runs a full sync session for every document between two tills, as if one were head office.
pub fn exchange(a: &mut Till, b: &mut Till) {
    for _ in 0..20 {
        let mut sent = false;
        let mut ids = a.document_ids().unwrap();
        ids.extend(b.document_ids().unwrap());
        ids.sort();
        ids.dedup();
        for id in &ids {
            sent |= sync_one(a, b, id);
        }
        if !sent {
            break;
        }
    }
    a.project_all().unwrap();
    b.project_all().unwrap();
}

/// Syncs a document head office wrote (`doc`) into a till, both ways, until quiet.
pub fn deliver(till: &mut Till, doc_id: &str, doc: &mut AutoCommit) {
    let mut hq_state = kassa_replica::SyncState::new();
    let mut till_state = till.sync_state(doc_id, "hq").unwrap();
    for _ in 0..10 {
        let mut moved = false;
        if let Some(m) = kassa_replica::generate_message(doc, &mut hq_state) {
            till.receive_sync_message(doc_id, "hq", &mut till_state, &m)
                .unwrap();
            moved = true;
        }
        if let Some(m) = till.generate_sync_message(doc_id, &mut till_state).unwrap() {
            kassa_replica::receive_message(doc, &mut hq_state, &m).unwrap();
            moved = true;
        }
        if !moved {
            break;
        }
    }
}

pub const ORDERS_DOC: &str = "orders/AMS1/2026-11";

/// Head office's copy of the store's orders document for November 2026.
pub fn hq_orders() -> AutoCommit {
    new_document(
        &DocId::parse(ORDERS_DOC).unwrap(),
        ActorId::from(&b"kassa-head-office"[..]),
    )
    .unwrap()
}

/// An online order: 2 x WINE (8.99) and 1 x BREAD (2.49), pickup code 482913.
pub fn order(id: &str, order_no: &str, paid_online: bool) -> OrderRecord {
    let rate = |bp| TaxRate::from_basis_points(bp).unwrap();
    OrderRecord {
        id: id.into(),
        order_no: order_no.into(),
        store: "AMS1".into(),
        customer_name: "Ada Lovelace".into(),
        pickup_code_hash: pickup_code_hash(id, "482913"),
        lines: vec![
            OrderLine {
                sku: "WINE".into(),
                name: "Côtes du Rhône rouge 75 cl".into(),
                quantity: 2,
                unit_price: Money::from_minor(899),
                amount: Money::from_minor(1798),
                tax_rate: rate(2100),
            },
            OrderLine {
                sku: "BREAD".into(),
                name: "Sourdough loaf".into(),
                quantity: 1,
                unit_price: Money::from_minor(249),
                amount: Money::from_minor(249),
                tax_rate: rate(900),
            },
        ],
        total: Money::from_minor(2047),
        paid_online: Money::from_minor(if paid_online { 2047 } else { 0 }),
        currency: "EUR".into(),
        created_at: kassa_replica::Timestamp::parse("2026-11-20T09:00:00Z").unwrap(),
        pickup_by: kassa_replica::Timestamp::parse("2026-12-04T18:00:00Z").unwrap(),
        shipped_at: None,
    }
}

/// Head office publishes an order to the till.
pub fn publish(till: &mut Till, hq: &mut AutoCommit, order: &OrderRecord) {
    write_record(hq, RecordKind::Order, &order.id, order).unwrap();
    deliver(till, ORDERS_DOC, hq);
}

/// A staff member as head office would send them (the PIN only as its argon2 hash).
pub fn staff_member(id: &str, name: &str, role: Role, pin: &str) -> StaffMember {
    StaffMember {
        id: id.into(),
        name: name.into(),
        role,
        pin_hash: hash_pin(pin, &[id.len() as u8; 16]).unwrap(),
        active: true,
    }
}
