//! `cargo bench -p kassa-store --bench sale_instructions`: rings durable sales on a 20,000-product
//! till, to be counted by `valgrind --tool=callgrind --toggle-collect='*complete_sale*'`, which
//! counts instructions repeatably on a noisy machine (docs/BENCHMARKS.md says how). Without
//! valgrind it prints the wall time per sale, for a rough look.

mod common;

use common::{demo_till, three_line_cash_sale_of};
use std::hint::black_box;
use std::time::Instant;

const PRODUCTS: u64 = 20_000;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sales: u64 = std::env::var("KASSA_BENCH_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let mut till = demo_till(dir.path(), PRODUCTS);
    // KASSA_BENCH_WRITE_EVERY=N writes the queued records into the documents after every N sales,
    // as the background loop does, to be counted with `--toggle-collect='*Till::write_documents*'`.
    let write_every: u64 = std::env::var("KASSA_BENCH_WRITE_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let start = Instant::now();
    for n in 0..sales {
        black_box(
            till.complete_sale(&three_line_cash_sale_of(n, PRODUCTS), None)
                .unwrap(),
        );
        if write_every > 0 && (n + 1) % write_every == 0 {
            black_box(till.write_documents().unwrap());
        }
    }
    println!(
        "{sales} durable 3-line cash sales on {PRODUCTS} products: {:.3?} each",
        start.elapsed() / sales as u32
    );
}
