//! `cargo bench -p kassa-store --bench omnichannel_latency`: a busy store's month on one till —
//! 10,000 sales, 2,000 returns, 3,000 online orders of which half were handed over — and the
//! latency (p50, p90, p99, max) of what the cashier does on top: stock with reservations, the
//! waiting-orders list, an order by number, what a receipt can still return, the exceptions
//! inbox, and a durable return and pickup.

mod common;

use common::{demo_till, measure, percentiles};
use kassa_domain::demo_catalogue::demo_product;
use kassa_domain::{Money, TaxRate};
use kassa_replica::orders::{pickup_code_hash, OrderLine, OrderRecord};
use kassa_replica::skeleton::new_document;
use kassa_replica::{generate_message, write_record, ActorId, DocId, RecordKind, SyncState};
use kassa_store::{PickupRequest, RefundMethod, ReturnOf, ReturnRequest, Till};
use std::hint::black_box;
use std::time::Instant;

const PRODUCTS: u64 = 20_000;
const SALES: u64 = 10_000;
const RETURNS: u64 = 2_000;
const ORDERS: u64 = 3_000;
const SAMPLES: u64 = 500;

fn sku(n: u64) -> String {
    demo_product(n % PRODUCTS).sku
}

fn order(n: u64) -> OrderRecord {
    let id = format!("order-{n:06}");
    let line = |k: u64| {
        let product = demo_product((n * 7 + k * 13) % PRODUCTS);
        OrderLine {
            sku: product.sku,
            name: product.name,
            quantity: 1 + (k % 2) as i64,
            unit_price: product.price,
            amount: Money::from_minor(product.price.minor() * (1 + (k % 2) as i64)),
            tax_rate: TaxRate::from_basis_points(2100).unwrap(),
        }
    };
    OrderRecord {
        pickup_code_hash: pickup_code_hash(&id, "123456"),
        id,
        order_no: format!("W{n:06}"),
        store: "AMS1".into(),
        customer_name: format!("Customer {n}"),
        lines: vec![line(1), line(2)],
        total: Money::ZERO,
        paid_online: Money::from_minor(1_000_000),
        currency: "EUR".into(),
        created_at: kassa_replica::Timestamp::parse(&format!(
            "2026-11-{:02}T10:00:00Z",
            1 + n % 28
        ))
        .unwrap(),
        pickup_by: kassa_replica::Timestamp::parse("2026-12-31T18:00:00Z").unwrap(),
        shipped_at: None,
    }
}

/// Head office's orders document with every order, synced into the till.
fn publish_orders(till: &mut Till) -> usize {
    let id = DocId::parse("orders/AMS1/2026-11").unwrap();
    let mut doc = new_document(&id, ActorId::from(&b"kassa-head-office"[..])).unwrap();
    for n in 0..ORDERS {
        let o = order(n);
        write_record(&mut doc, RecordKind::Order, &o.id, &o).unwrap();
    }
    let size = doc.save().len();
    let (mut hq_state, mut till_state) = (SyncState::new(), SyncState::new());
    for _ in 0..10 {
        let mut moved = false;
        if let Some(m) = generate_message(&mut doc, &mut hq_state) {
            till.receive_sync_message(&id.to_string(), "hq", &mut till_state, &m)
                .unwrap();
            moved = true;
        }
        if let Some(m) = till
            .generate_sync_message(&id.to_string(), &mut till_state)
            .unwrap()
        {
            kassa_replica::receive_message(&mut doc, &mut hq_state, &m).unwrap();
            moved = true;
        }
        if !moved {
            break;
        }
    }
    size
}

fn pickup(n: u64) -> PickupRequest {
    PickupRequest {
        order: format!("W{n:06}"),
        code: "123456".into(),
        lines: vec![],
        tenders: vec![],
    }
}

/// Everything left on a receipt, back to the original tender.
fn return_all(receipt_no: String) -> ReturnRequest {
    ReturnRequest {
        of: ReturnOf::Receipt { receipt_no },
        lines: vec![],
        refund: RefundMethod::Original,
        approved_by: Some("bench".into()),
        reason: None,
        remote_sale: None,
        remote_order: None,
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` probes with --list; nothing to run then.
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let seed_start = Instant::now();
    let mut till = demo_till(dir.path(), PRODUCTS);
    let mut receipts = Vec::with_capacity(SALES as usize);
    for n in 0..SALES {
        let sale = kassa_store::SaleRequest {
            lines: (0..3)
                .map(|k| kassa_store::LineRequest::new(sku(n * 3 + k), 1))
                .collect(),
            discount: None,
            tenders: vec![kassa_store::TenderRequest {
                kind: kassa_domain::TenderKind::Cash,
                amount: None,
                reference: None,
            }],
        };
        receipts.push(till.complete_sale(&sale, None).unwrap().sale.receipt_no);
    }
    for n in 0..RETURNS {
        let mut request = return_all(receipts[n as usize].clone());
        if n % 2 == 0 {
            request.refund = RefundMethod::Credit;
        }
        till.return_goods(&request, None).unwrap();
    }
    let orders_doc_bytes = publish_orders(&mut till);
    for n in 0..ORDERS / 2 {
        till.pickup(&pickup(n)).unwrap();
    }
    println!(
        "seeded {PRODUCTS} products, {SALES} sales, {RETURNS} returns, {ORDERS} orders ({} KB orders document at head office), {} pickups in {:.1?}",
        orders_doc_bytes / 1024,
        ORDERS / 2,
        seed_start.elapsed()
    );

    percentiles(
        "stock with reservations (one SKU)",
        measure(SAMPLES, |n| {
            black_box(
                till.stock_position(&order(ORDERS - 1 - n).lines[0].sku)
                    .unwrap(),
            );
        }),
    );
    percentiles(
        "waiting orders (newest 50)",
        measure(SAMPLES, |_| {
            black_box(till.find_orders("").unwrap());
        }),
    );
    percentiles(
        "order by number",
        measure(SAMPLES, |n| {
            black_box(till.order(&format!("W{:06}", n * 5 % ORDERS)).unwrap());
        }),
    );
    percentiles(
        "what a receipt can still return",
        measure(SAMPLES, |n| {
            black_box(
                till.returnable(
                    &ReturnOf::Receipt {
                        receipt_no: receipts[(n * 17 % SALES) as usize].clone(),
                    },
                    None,
                    None,
                )
                .unwrap(),
            );
        }),
    );
    // The inbox as before: every rule over everything the till holds.
    percentiles(
        "exceptions inbox, worked out from scratch",
        measure(20, |_| {
            black_box(till.exceptions_from_scratch().unwrap());
        }),
    );
    // The kept inbox: the first open works out every subject the month marked (once, as a till
    // upgraded to the kept inbox does); then each open costs what arrived since.
    let start = Instant::now();
    let inbox = till.exceptions().unwrap();
    println!(
        "exceptions inbox, first open after the month arrived: {:.3?} ({} exceptions)",
        start.elapsed(),
        inbox.len()
    );
    percentiles(
        "exceptions inbox, kept (nothing new)",
        measure(SAMPLES, |_| {
            black_box(till.exceptions().unwrap());
        }),
    );
    let mut after_records = Vec::new();
    for n in 0..50u64 {
        // A return to store credit and a pickup arrive (marking a sale, a credit code, an
        // order and six SKUs), then a manager opens the inbox.
        let mut back = return_all(receipts[(RETURNS + SAMPLES + n) as usize].clone());
        back.refund = RefundMethod::Credit;
        till.return_goods(&back, None).unwrap();
        till.pickup(&pickup(ORDERS / 2 + SAMPLES + n)).unwrap();
        let start = Instant::now();
        black_box(till.exceptions().unwrap());
        after_records.push(start.elapsed());
    }
    percentiles(
        "exceptions inbox, kept (a return and a pickup new)",
        after_records,
    );
    // The same, with the background loop having written the two commands' queued records into
    // the documents first (the desktop does every few seconds): the inbox's own cost.
    let mut after_written = Vec::new();
    let mut writing = Vec::new();
    for n in 50..100u64 {
        let mut back = return_all(receipts[(RETURNS + SAMPLES + n) as usize].clone());
        back.refund = RefundMethod::Credit;
        till.return_goods(&back, None).unwrap();
        till.pickup(&pickup(ORDERS / 2 + SAMPLES + n)).unwrap();
        let start = Instant::now();
        till.write_documents().unwrap();
        writing.push(start.elapsed());
        let start = Instant::now();
        black_box(till.exceptions().unwrap());
        after_written.push(start.elapsed());
    }
    percentiles("  same, documents written by the loop", after_written);
    percentiles("  the loop writing their queued records", writing);
    percentiles(
        "durable return (3 lines, to the original)",
        measure(SAMPLES, |n| {
            black_box(
                till.return_goods(&return_all(receipts[(RETURNS + n) as usize].clone()), None)
                    .unwrap(),
            );
        }),
    );
    percentiles(
        "durable pickup (whole order)",
        measure(SAMPLES, |n| {
            black_box(till.pickup(&pickup(ORDERS / 2 + n)).unwrap());
        }),
    );
}
