//! `cargo bench -p kassa-store --bench durable_sale_latency`: the latency distribution (p50, p99,
//! max) of durable 3-line cash sales, search and barcode lookups on a 300,000-product till, and of
//! the bare durable SQLite insert measured in the same run. Criterion reports means; a cashier
//! feels the tail, so this prints percentiles.

mod common;

use common::{
    barcodes, bare_insert, bare_sqlite, demo_till, measure, percentiles, three_line_cash_sale,
    PRODUCTS, QUERIES,
};
use std::hint::black_box;
use std::time::Instant;

const SAMPLES: u64 = 2_000;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` probes with --list; nothing to run then.
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let seed_start = Instant::now();
    let mut till = demo_till(dir.path(), PRODUCTS);
    println!("seeded {PRODUCTS} products in {:.1?}", seed_start.elapsed());

    let codes = barcodes(SAMPLES);
    percentiles(
        "barcode lookup",
        measure(SAMPLES, |n| {
            black_box(till.find_by_code(&codes[n as usize]).unwrap());
        }),
    );
    percentiles(
        "name search (top 20)",
        measure(SAMPLES, |n| {
            black_box(
                till.search(QUERIES[n as usize % QUERIES.len()], 20)
                    .unwrap(),
            );
        }),
    );
    if std::env::var_os("KASSA_BENCH_SEARCH_QUERIES").is_some() {
        // Which typed queries make the tail: each query on its own.
        for query in QUERIES {
            percentiles(
                &format!("  search {query:?}"),
                measure(200, |_| {
                    black_box(till.search(query, 20).unwrap());
                }),
            );
        }
    }
    percentiles(
        "durable 3-line cash sale",
        measure(SAMPLES, |n| {
            black_box(till.complete_sale(&three_line_cash_sale(n), None).unwrap());
        }),
    );
    let mut conn = bare_sqlite(dir.path());
    percentiles(
        "floor: bare durable one-row insert",
        measure(SAMPLES, |n| bare_insert(&mut conn, n)),
    );
}
