//! `cargo bench -p kassa-store --bench sale_pages`: which pages a durable sale writes. Each page
//! a transaction changes is one frame appended to the write-ahead log (written, checksummed and
//! synced before the commit returns), so the B-trees a sale touches are a large part of its cost.
//! Prints the frames per sale by table or index (read from the log after each sale), then what a
//! commit costs against the number of tables it writes one row into, on the same disk.

mod common;

use common::{demo_till, measure, three_line_cash_sale_of};
use std::collections::BTreeMap;

const PRODUCTS: u64 = 20_000;
const SALES: u64 = 200;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let mut till = demo_till(dir.path(), PRODUCTS);
    for n in 0..50 {
        till.complete_sale(&three_line_cash_sale_of(n, PRODUCTS), None)
            .unwrap();
    }
    let wal = dir.path().join("bench.db-wal");
    let reader = rusqlite::Connection::open(dir.path().join("bench.db")).unwrap();
    let mut frames_by_tree: BTreeMap<String, u64> = BTreeMap::new();
    for n in 0..SALES {
        // An empty log before the sale: what it holds after is this sale's commit.
        reader
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        till.complete_sale(&three_line_cash_sale_of(1_000 + n, PRODUCTS), None)
            .unwrap();
        for page in frames_in(&std::fs::read(&wal).unwrap()) {
            let tree = reader
                .prepare_cached("SELECT name FROM dbstat WHERE pageno = ?1")
                .unwrap()
                .query_row([page], |r| r.get(0))
                .unwrap_or_else(|_| "(page added by the sale)".to_string());
            *frames_by_tree.entry(tree).or_default() += 1;
        }
    }
    let total: u64 = frames_by_tree.values().sum();
    println!("WAL frames per durable 3-line sale: {}", per_sale(total));
    for (tree, frames) in &frames_by_tree {
        println!("  {tree:<40} {}", per_sale(*frames));
    }

    let mut conn = rusqlite::Connection::open(dir.path().join("pages.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    for t in 0..16 {
        conn.execute_batch(&format!(
            "CREATE TABLE t{t} (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
        ))
        .unwrap();
    }
    for tables in [1usize, 2, 4, 8, 12, 16] {
        // The first figure includes the disk warming up unless something ran before it.
        let mut samples = measure(1_200, |n| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .unwrap();
            for t in 0..tables {
                tx.prepare_cached(&format!("INSERT INTO t{t} (body) VALUES (?1)"))
                    .unwrap()
                    .execute([format!("row {n} {}", "x".repeat(200))])
                    .unwrap();
            }
            tx.commit().unwrap();
        });
        samples.drain(..200);
        samples.sort();
        println!(
            "durable commit of one row in each of {tables:>2} tables: p50 {:>9.3?} p90 {:>9.3?}",
            samples[500], samples[900]
        );
    }
}

/// `count / SALES` with two decimals, in integers (the workspace allows no float arithmetic).
fn per_sale(count: u64) -> String {
    let hundredths = count * 100 / SALES;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The page number of each frame in a write-ahead log (32-byte header, then frames of a 24-byte
/// header and one page).
fn frames_in(log: &[u8]) -> Vec<u32> {
    let page_size = u32::from_be_bytes(log[8..12].try_into().unwrap()) as usize;
    log[32..]
        .chunks_exact(24 + page_size)
        .map(|frame| u32::from_be_bytes(frame[0..4].try_into().unwrap()))
        .collect()
}
