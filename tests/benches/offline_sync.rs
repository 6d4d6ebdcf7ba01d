//! `cargo bench -p kassa-tests --bench offline_sync`: a till that was offline for 3 days with
//! 3,000 sales syncs with a real head office over loopback. Prints the time, the bytes per sale,
//! the first catalogue download, and the size and load time of a busy day's ledger document and of
//! a week's stock document. Files live on the real disk (the target directory).
//! `KASSA_BENCH_DAYS=7 KASSA_BENCH_PRODUCTS=300000` gives issue 13's week offline (7,000 sales)
//! and 300,000-product first sync.

use kassa_domain::demo_catalogue::{demo_catalogue, demo_product};
use kassa_domain::TenderKind;
use kassa_hq::Hq;
use kassa_protocol::{StoreInfo, TaxClassInfo};
use kassa_store::{FixedClock, LineRequest, SaleRequest, TenderRequest, Till};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SALES_PER_DAY: u32 = 1_000;

/// `KASSA_BENCH_PRODUCTS` (50,000 unless set: the issue 13 figure is 300,000), `KASSA_BENCH_DAYS`
/// offline (3 unless set; at most 7, a week's stock epoch) and `KASSA_BENCH_RUNS` (3).
fn setting(name: &str, default: u64, max: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => {
            let n: u64 = v
                .parse()
                .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"));
            assert!((1..=max).contains(&n), "{name} must be 1 to {max}");
            n
        }
        Err(_) => default,
    }
}

static PRODUCTS_SET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
static DAYS_SET: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

fn products() -> u64 {
    *PRODUCTS_SET.get_or_init(|| setting("KASSA_BENCH_PRODUCTS", 50_000, 1_000_000))
}

fn days() -> u32 {
    *DAYS_SET.get_or_init(|| setting("KASSA_BENCH_DAYS", 3, 7) as u32)
}

fn clock(day: u32, n: u32) -> Arc<FixedClock> {
    let text = format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}+01:00",
        10 + day,
        8 + n / 100,
        (n / 2) % 60,
        n % 60
    );
    Arc::new(FixedClock(
        chrono::DateTime::parse_from_rfc3339(&text).unwrap(),
    ))
}

fn sale(day: u32, n: u32) -> SaleRequest {
    let code = |k: u64| {
        demo_product((u64::from(day * SALES_PER_DAY + n) * 7 + k * 1_301) % products()).sku
    };
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

struct Run {
    catalogue_sync: Duration,
    catalogue_bytes: usize,
    offline_sync: Duration,
    bytes_sent: usize,
    bytes_received: usize,
    exchanges: usize,
}

fn one_run(dir: &std::path::Path, runtime: &tokio::runtime::Runtime, last: bool) -> Run {
    let hq = Arc::new(Hq::open(&dir.join("hq")).unwrap());
    let classes = kassa_domain::demo_catalogue::DEMO_TAX_CLASSES
        .iter()
        .map(|(c, n, bp)| TaxClassInfo {
            code: c.to_string(),
            name: n.to_string(),
            rate_bp: *bp,
        })
        .collect();
    runtime
        .block_on(hq.create_store(&StoreInfo {
            code: "AMS1".into(),
            name: "Amsterdam".into(),
            currency: "EUR".into(),
            tax_mode: "inclusive".into(),
            cash_increment: 5,
            tax_classes: classes,
        }))
        .unwrap();
    runtime
        .block_on(hq.import_catalogue(&demo_catalogue(products()).collect::<Vec<_>>()))
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = runtime.spawn(kassa_hq::serve(listener, hq.clone(), "bench-admin".into()));

    let mut till = Till::open(&dir.join("till.db")).unwrap();
    let code = runtime
        .block_on(hq.create_enroll_code("AMS1", 1))
        .unwrap()
        .code;
    runtime
        .block_on(kassa_sync::enroll(&mut till, &url, &code))
        .unwrap();
    let start = Instant::now();
    let first = runtime.block_on(kassa_sync::sync_once(&mut till)).unwrap();
    let catalogue_sync = start.elapsed();
    assert_eq!(first.catalogue_version, 1);

    // Days offline.
    for day in 0..days() {
        for n in 0..SALES_PER_DAY {
            till = till.with_clock(clock(day, n));
            till.complete_sale(&sale(day, n), None).unwrap();
        }
    }
    assert_eq!(
        till.sync_status().unwrap().pending_sales,
        i64::from(days() * SALES_PER_DAY)
    );
    let start = Instant::now();
    let report = runtime.block_on(kassa_sync::sync_once(&mut till)).unwrap();
    let offline_sync = start.elapsed();
    assert_eq!(report.pending_sales, 0, "everything confirmed");
    let at_hq: usize = (0..days())
        .map(|d| {
            runtime
                .block_on(hq.sales_feed("AMS1", &format!("2026-11-{:02}", 10 + d)))
                .unwrap()
                .sales
                .len()
        })
        .sum();
    assert_eq!(
        at_hq,
        (days() * SALES_PER_DAY) as usize,
        "each sale exactly once at head office"
    );

    if last {
        document_figures(till);
    }
    server.abort();
    Run {
        catalogue_sync,
        catalogue_bytes: first.bytes_received,
        offline_sync,
        bytes_sent: report.bytes_sent,
        bytes_received: report.bytes_received,
        exchanges: report.exchanges,
    }
}

/// Size and load time of a busy day's ledger and of a week's stock document.
fn document_figures(mut till: Till) {
    // Four more days in the same epoch make a week of stock movements.
    for day in days()..7 {
        for n in 0..SALES_PER_DAY {
            till = till.with_clock(clock(day, n));
            till.complete_sale(&sale(day, n), None).unwrap();
        }
    }
    for id in ["ledger/AMS1/1/2026-11-10", "stock/AMS1/0"] {
        let bytes = document_bytes(&till, id);
        let loads = 20;
        let start = Instant::now();
        for _ in 0..loads {
            std::hint::black_box(kassa_replica::AutoCommit::load(&bytes).unwrap());
        }
        let per_load = start.elapsed() / loads;
        println!(
            "document {id:<28} {:>9} bytes, load {:>8.2?}",
            bytes.len(),
            per_load
        );
    }
}

fn document_bytes(till: &Till, id: &str) -> Vec<u8> {
    let mut stmt = till
        .connection()
        .prepare("SELECT bytes FROM documents WHERE doc_id = ?1 ORDER BY chunk_no")
        .unwrap();
    let chunks: Vec<Vec<u8>> = stmt
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut doc = kassa_replica::AutoCommit::load(&chunks[0]).unwrap();
    for chunk in &chunks[1..] {
        doc.load_incremental(chunk).unwrap();
    }
    doc.save()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (days, products) = (days(), products());
    let sales = days * SALES_PER_DAY;
    let runs = setting("KASSA_BENCH_RUNS", 3, 100) as usize;
    for run in 0..runs {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let r = one_run(dir.path(), &runtime, run + 1 == runs);
        println!(
            "run {}: first sync with {products} products {:.2?}, {} B down; {sales} sales over {days} offline days synced in {:.2?} ({} exchanges), {} B up + {} B down = {} B per sale",
            run + 1,
            r.catalogue_sync,
            r.catalogue_bytes,
            r.offline_sync,
            r.exchanges,
            r.bytes_sent,
            r.bytes_received,
            (r.bytes_sent + r.bytes_received) / sales as usize
        );
    }
}
