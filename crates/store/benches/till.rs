//! `cargo bench -p kassa-store --bench till`: barcode lookup, name search and a durable 3-line
//! cash sale on a till with 300,000 products, beside a bare durable SQLite insert (the floor).

mod common;

use common::{
    barcodes, bare_insert, bare_sqlite, demo_till, three_line_cash_sale, PRODUCTS, QUERIES,
};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn till_benches(c: &mut Criterion) {
    // On the real disk (the target directory), not a RAM disk, so durability costs what it costs.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let mut till = demo_till(dir.path(), PRODUCTS);
    let codes = barcodes(10_000);

    let mut i = 0usize;
    c.bench_function("barcode lookup (300k products)", |b| {
        b.iter(|| {
            i = (i + 1) % codes.len();
            black_box(
                till.find_by_code(&codes[i])
                    .unwrap()
                    .expect("known barcode"),
            )
        })
    });

    let mut q = 0usize;
    c.bench_function("name search, top 20 (300k products)", |b| {
        b.iter(|| {
            q = (q + 1) % QUERIES.len();
            black_box(till.search(QUERIES[q], 20).unwrap())
        })
    });

    let mut n = 0u64;
    c.bench_function("durable 3-line cash sale", |b| {
        b.iter(|| {
            n += 1;
            black_box(till.complete_sale(&three_line_cash_sale(n), None).unwrap())
        })
    });

    let mut conn = bare_sqlite(dir.path());
    let mut k = 0u64;
    c.bench_function("floor: bare durable one-row insert", |b| {
        b.iter(|| {
            k += 1;
            bare_insert(&mut conn, k)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = till_benches
}
criterion_main!(benches);
