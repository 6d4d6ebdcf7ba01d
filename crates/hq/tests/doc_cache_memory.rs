//! The document cache's budget is in memory, from an estimate: this checks the estimate against
//! what loading a document really allocates (a counting allocator), for every shape of document
//! head office keeps: a till's day of sales and audit entries, a store's stock counters written
//! by many tills, and records from tiny to large. A wrong estimate lets the cache take many
//! times its budget (it did: a 16 MB budget of stored bytes held about 800 MiB).

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT};
use kassa_domain::{Currency, TaxMode, TaxRate, TenderKind};
use kassa_replica::memory::estimated_memory;
use kassa_store::{LineRequest, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till};
use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated and not yet freed by the whole process. The tests of this file run one at a
/// time (one test function), so nothing else allocates while a document loads.
fn live_bytes() -> i64 {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64 + stats.bytes_reallocated as i64
}

/// What loading `saved` keeps allocated, and the estimate for the loaded document.
fn measured_and_estimated(saved: &[u8]) -> (i64, i64) {
    let before = live_bytes();
    let doc = AutoCommit::load(saved).unwrap();
    let measured = live_bytes() - before;
    let estimated = estimated_memory(&doc) as i64;
    drop(doc);
    (measured, estimated)
}

/// The estimate may be over what the document takes by up to `most_over_tenths` tenths (a cache
/// then holds less than its budget), and under it by at most a quarter.
fn assert_close(what: &str, saved: &[u8], most_over_tenths: i64) {
    let (measured, estimated) = measured_and_estimated(saved);
    println!(
        "{what}: stored {} B, loaded {measured} B, estimated {estimated} B ({} %)",
        saved.len(),
        estimated * 100 / measured
    );
    assert!(
        estimated * 4 >= measured * 3 && estimated * 10 <= measured * most_over_tenths,
        "{what}: estimated {estimated} B for {measured} B loaded"
    );
}

fn till() -> Till {
    let class = |code: &str, bp| TaxClass {
        code: code.into(),
        name: code.into(),
        rate: TaxRate::from_basis_points(bp).unwrap(),
    };
    let mut till = Till::open_in_memory().unwrap();
    till.init(&StoreSetup {
        store_code: "AMS1".into(),
        till_no: 2,
        currency: Currency::from_iso("EUR").unwrap(),
        tax_mode: TaxMode::Inclusive,
        cash_increment: 5,
        tax_classes: vec![class("standard", 2100), class("reduced", 900)],
    })
    .unwrap();
    till.import_catalogue_csv(
        "sku,name,price,tax_class,barcodes,category,active
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy,true
WINE,Côtes du Rhône rouge 75 cl,8.99,standard,96385074,Wine,true
"
        .as_bytes(),
        false,
    )
    .unwrap();
    till
}

fn sell(till: &mut Till) {
    let request = SaleRequest {
        lines: vec![LineRequest::new("MILK", 2), LineRequest::new("WINE", 1)],
        discount: None,
        tenders: vec![TenderRequest {
            kind: TenderKind::Cash,
            amount: None,
            reference: None,
        }],
    };
    till.complete_sale(&request, None).unwrap();
}

/// A document as the till stores it (its chunks, one per command, as head office gets them).
fn stored(till: &Till, doc_id: &str) -> Vec<u8> {
    let connection = till.connection();
    let mut statement = connection
        .prepare("SELECT bytes FROM documents WHERE doc_id = ?1 ORDER BY chunk_no")
        .unwrap();
    let chunks = statement
        .query_map([doc_id], |row| row.get::<_, Vec<u8>>(0))
        .unwrap();
    chunks.map(Result::unwrap).collect::<Vec<_>>().concat()
}

fn ledger_and_stock_after(sales: usize, till: &mut Till, done: &mut usize) {
    while *done < sales {
        sell(till);
        *done += 1;
    }
    for doc_id in till.document_ids().unwrap() {
        let chunks = stored(till, &doc_id);
        // One writer's counters compact into runs that load into far less than many writers'
        // (at head office a store's stock has every till and head office as writers).
        let one_writers_counters = doc_id.starts_with("stock/");
        assert_close(
            &format!("{doc_id} after {sales} sales, in chunks"),
            &chunks,
            25,
        );
        let saved = AutoCommit::load(&chunks).unwrap().save();
        let most_over = if one_writers_counters { 160 } else { 25 };
        assert_close(
            &format!("{doc_id} after {sales} sales, compacted"),
            &saved,
            most_over,
        );
    }
}

fn stock_counted_by(tills: u8, increments_each: i64) -> Vec<u8> {
    let mut doc = AutoCommit::new().with_actor(ActorId::from([0u8; 16].as_slice()));
    let delta = doc.put_object(ROOT, "delta", ObjType::Map).unwrap();
    for sku in 0..200 {
        doc.put(
            &delta,
            format!("SKU-{sku:05}"),
            automerge::ScalarValue::counter(0),
        )
        .unwrap();
    }
    doc.commit();
    for till in 1..=tills {
        let mut fork = doc.fork().with_actor(ActorId::from([till; 16].as_slice()));
        for n in 0..increments_each {
            fork.increment(&delta, format!("SKU-{:05}", n % 200), -1)
                .unwrap();
            fork.commit();
        }
        doc.merge(&mut fork).unwrap();
    }
    doc.save()
}

fn records_of(length: usize, count: usize) -> Vec<u8> {
    let mut doc = AutoCommit::new();
    let records = doc.put_object(ROOT, "records", ObjType::Map).unwrap();
    for n in 0..count {
        // Text that does not compress away, like ids, hashes and amounts.
        let value: String = (0..length)
            .map(|i| char::from(b'a' + ((n * 7 + i * 13 + i / 26) % 26) as u8))
            .collect();
        doc.put(&records, format!("0193a7c2-{n:08}"), value)
            .unwrap();
        doc.commit();
    }
    doc.save()
}

#[test]
fn the_estimate_is_within_a_half_of_what_a_loaded_document_takes() {
    let mut till = till();
    let mut done = 0;
    for sales in [1, 30, 300, 1_000] {
        ledger_and_stock_after(sales, &mut till, &mut done);
    }
    for (tills, each) in [(1, 10), (20, 50), (20, 500)] {
        let most_over = if tills == 1 { 160 } else { 25 };
        assert_close(
            &format!("stock counted by {tills} tills, {each} sales each"),
            &stock_counted_by(tills, each),
            most_over,
        );
    }
    for (length, count) in [(10, 1_000), (100, 1_000), (1_000, 300), (4_000, 100)] {
        assert_close(
            &format!("{count} records of {length} B"),
            &records_of(length, count),
            25,
        );
    }
}
