//! Shared set-up for the store benchmarks: a durable till on the real disk with the demo
//! catalogue, and a bare SQLite table as the floor.

// Each bench uses only part of this module.
#![allow(dead_code)]

use kassa_domain::demo_catalogue::{demo_catalogue, demo_product, DEMO_TAX_CLASSES};
use kassa_domain::{CsvProduct, Currency, TaxMode, TaxRate, TenderKind};
use kassa_store::{LineRequest, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till};
use std::path::Path;

pub const PRODUCTS: u64 = 300_000;

pub fn demo_till(dir: &Path, products: u64) -> Till {
    let mut till = Till::open(&dir.join("bench.db")).expect("open till");
    let tax_classes = DEMO_TAX_CLASSES
        .iter()
        .map(|(code, name, bp)| TaxClass {
            code: code.to_string(),
            name: name.to_string(),
            rate: TaxRate::from_basis_points(*bp).unwrap(),
        })
        .collect();
    till.init(&StoreSetup {
        store_code: "AMS1".into(),
        till_no: 1,
        currency: Currency::from_iso("EUR").unwrap(),
        tax_mode: TaxMode::Inclusive,
        cash_increment: 5,
        tax_classes,
    })
    .expect("init");
    let rows: Vec<CsvProduct> = demo_catalogue(products)
        .enumerate()
        .map(|(i, product)| CsvProduct {
            line: i as u64 + 1,
            product,
        })
        .collect();
    till.import_products(&rows, Vec::new(), false)
        .expect("seed catalogue");
    till
}

/// A spread of barcodes across the whole catalogue, so lookups are not all cache hits.
pub fn barcodes(count: u64) -> Vec<String> {
    (0..count)
        .map(|i| demo_product((i * 7_919) % PRODUCTS).barcodes[0].clone())
        .collect()
}

/// Three scanned lines paid in cash, exact.
pub fn three_line_cash_sale(n: u64) -> SaleRequest {
    three_line_cash_sale_of(n, PRODUCTS)
}

/// [`three_line_cash_sale`] on a catalogue of `products`.
pub fn three_line_cash_sale_of(n: u64, products: u64) -> SaleRequest {
    let code = |k: u64| demo_product((n * 31 + k * 104_729) % products).barcodes[0].clone();
    SaleRequest {
        lines: vec![
            LineRequest::new(code(1), 1),
            LineRequest::new(code(2), 2),
            LineRequest::new(code(3), 1),
        ],
        discount: None,
        tenders: vec![TenderRequest {
            kind: TenderKind::Cash,
            amount: None,
            reference: None,
        }],
    }
}

/// What a cashier types into the search box.
pub const QUERIES: [&str; 8] = [
    "organic milk",
    "choc",
    "cotes rhone",
    "hollandia yog",
    "pinot noir 75",
    "sh",
    "bananas 1 kg",
    "müller butter",
];

/// The floor: one row, one transaction, the same durability settings as the till.
pub fn bare_sqlite(dir: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.join("floor.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .unwrap();
    conn
}

pub fn bare_insert(conn: &mut rusqlite::Connection, n: u64) {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.execute("INSERT INTO t (body) VALUES (?1)", [format!("row {n}")])
        .unwrap();
    tx.commit().unwrap();
}

/// Prints the latency percentiles of `samples` on one line.
pub fn percentiles(name: &str, mut samples: Vec<std::time::Duration>) {
    samples.sort();
    let at = |per_mille: usize| samples[(samples.len() * per_mille / 1000).min(samples.len() - 1)];
    println!(
        "{name:<44} n={:<5} p50={:>9.3?} p90={:>9.3?} p99={:>9.3?} max={:>9.3?}",
        samples.len(),
        at(500),
        at(900),
        at(990),
        samples[samples.len() - 1]
    );
}

/// Times `count` calls of `f`, each on its own.
pub fn measure(count: u64, mut f: impl FnMut(u64)) -> Vec<std::time::Duration> {
    (0..count)
        .map(|n| {
            let start = std::time::Instant::now();
            f(n);
            start.elapsed()
        })
        .collect()
}
