//! `cargo bench -p kassa-tests --bench console_pages`: every page of head office's console timed
//! at head office for a chain (issue 14): by default 50 stores with a year of sales, 274 a store
//! a day (5.0 million), 5 web orders a store a day, a return and a void a store a day, and two
//! shift closes a store a day. Everything is seeded through head office's own ingestion (the
//! sync's final write, `HqStorage::apply_sync`, which keeps the daily figures as it files each
//! record), never by writing figures by hand. Then each page is asked for over HTTP with a
//! signed-in session, `KASSA_BENCH_RUNS` times (10), and its median and slowest time printed.
//!
//! `KASSA_BENCH_STORES` (50), `KASSA_BENCH_DAYS` (365), `KASSA_BENCH_SALES_PER_DAY` (274) size
//! the chain; `KASSA_BENCH_HQ_DIR` keeps the seeded database there and reuses it on the next run
//! (seeding 5 million sales takes minutes); `KASSA_BENCH_PAGES=exceptions,orders` times only the
//! pages whose path holds one of those words.

use chrono::{Days, NaiveDate};
use kassa_domain::{Money, TaxRate, Tender, TenderKind};
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::storage::{FiledSale, IndexedRecord, StoredRecord, SyncWrite};
use kassa_hq::Hq;
use kassa_protocol::{StoreInfo, TaxClassInfo};
use kassa_replica::ledger::{ReturnRecord, ReturnSource, SaleRecord, VoidRecord};
use reqwest::header::{COOKIE, SET_COOKIE};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
    })
}

const FIRST_DAY: &str = "2025-12-01";

fn store_code(n: u64) -> String {
    format!("S{n:03}")
}

fn store(code: &str) -> StoreInfo {
    let class = |code: &str, rate_bp| TaxClassInfo {
        code: code.into(),
        name: code.into(),
        rate_bp,
    };
    StoreInfo {
        code: code.into(),
        name: format!("Store {code}"),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: vec![
            class("standard", 2100),
            class("reduced", 900),
            class("zero", 0),
        ],
    }
}

fn timestamp(day: &str, seconds: u64) -> kassa_replica::Timestamp {
    let text = format!(
        "{day}T{:02}:{:02}:{:02}.000Z",
        8 + seconds / 3600 % 12,
        seconds / 60 % 60,
        seconds % 60
    );
    kassa_replica::Timestamp::parse(&text).unwrap()
}

/// A sale of two lines, one at 21 % and one at 9 %, paid by card or cash (with change).
fn sale(store: &str, day: &str, n: u64) -> SaleRecord {
    let line = |sku: &str, minor: i64, rate_bp: u32| {
        let rate = TaxRate::from_basis_points(rate_bp).unwrap();
        let tax = minor * i64::from(rate_bp) / (10_000 + i64::from(rate_bp));
        (
            kassa_domain::PricedLine {
                sku: sku.into(),
                name: format!("Product {sku}"),
                quantity: 1,
                list_price: Money::from_minor(minor),
                unit_price: Money::from_minor(minor),
                override_reason: None,
                gross: Money::from_minor(minor),
                line_discount: Money::ZERO,
                basket_discount: Money::ZERO,
                amount: Money::from_minor(minor),
                tax_rate: rate,
                tax: Money::from_minor(tax),
            },
            kassa_domain::TaxLine {
                rate,
                net: Money::from_minor(minor - tax),
                tax: Money::from_minor(tax),
                gross: Money::from_minor(minor),
            },
        )
    };
    let (a, ta) = line(&format!("P{}", n % 997), 500 + (n % 40) as i64 * 25, 2100);
    let (b, tb) = line(&format!("F{}", n % 211), 150 + (n % 13) as i64 * 10, 900);
    let total = a.amount.minor() + b.amount.minor();
    let tax_total = ta.tax.minor() + tb.tax.minor();
    let cash = n.is_multiple_of(3);
    let tendered = if cash {
        (total + 999) / 1000 * 1000
    } else {
        total
    };
    let till_no = (n % 4 + 1) as u16;
    SaleRecord {
        id: format!("{store}-{day}-{n}"),
        receipt_no: format!("{store}-{till_no}-{day}-{n}"),
        store_code: store.into(),
        till_no,
        seq: n as i64,
        created_at: timestamp(day, n * 97),
        business_day: day.into(),
        currency: "EUR".into(),
        tax_mode: kassa_domain::TaxMode::Inclusive,
        lines: vec![a, b],
        taxes: vec![ta, tb],
        subtotal: Money::from_minor(total),
        discount_total: Money::ZERO,
        tax_total: Money::from_minor(tax_total),
        total: Money::from_minor(total),
        cash_rounding: Money::ZERO,
        amount_due: Money::from_minor(total),
        tendered: Money::from_minor(tendered),
        change: Money::from_minor(tendered - total),
        tenders: vec![Tender {
            kind: if cash {
                TenderKind::Cash
            } else {
                TenderKind::Card
            },
            amount: Money::from_minor(tendered),
            reference: None,
        }],
        cashier: None,
        approved_by: None,
        shift_id: None,
    }
}

fn a_return(store: &str, day: &str, n: u64) -> ReturnRecord {
    ReturnRecord {
        id: format!("R-{store}-{day}-{n}"),
        receipt_no: format!("{store}-1-R{day}-{n}"),
        store_code: store.into(),
        till_no: 1,
        seq: 100_000 + n as i64,
        created_at: timestamp(day, 30_000 + n),
        business_day: day.into(),
        currency: "EUR".into(),
        source: ReturnSource::NoReceipt,
        lines: vec![],
        total: Money::from_minor(500),
        cash_rounding: Money::ZERO,
        refunds: vec![Tender {
            kind: TenderKind::Cash,
            amount: Money::from_minor(500),
            reference: None,
        }],
        reason: Some(["damaged", "wrong size", "changed mind"][n as usize % 3].into()),
        approved_by: None,
        approval_reasons: vec![],
        exchange_sale_id: None,
        cashier: None,
        approver_id: None,
        shift_id: None,
    }
}

fn order(store: &str, day: &str, n: u64) -> kassa_replica::orders::OrderRecord {
    serde_json::from_value(serde_json::json!({
        "id": format!("O-{store}-{day}-{n}"), "order_no": format!("W{store}{}{n}", day.replace('-', "")),
        "store": store, "customer_name": "Customer", "pickup_code_hash": "x", "lines": [],
        "total": 2500, "paid_online": 2500, "currency": "EUR",
        "created_at": timestamp(day, 40_000 + n).as_str(), "pickup_by": "2027-12-31T12:00:00.000Z",
        "shipped_at": null
    }))
    .unwrap()
}

fn shift_close(store: &str, day: &str, n: u64) -> kassa_replica::shifts::ShiftClosed {
    serde_json::from_value(serde_json::json!({
        "id": format!("C-{store}-{day}-{n}"), "shift_id": format!("SH-{store}-{day}-{n}"),
        "store": store, "till_no": n + 1, "closed_at": timestamp(day, 50_000 + n).as_str(),
        "business_day": day, "closed_by": null, "counted": [], "expected": [],
        "difference": [{ "kind": "cash", "amount": (n as i64 % 3 - 1) * 50 }, { "kind": "card", "amount": 0 }],
        "report": {}
    }))
    .unwrap()
}

/// One store's day as head office files it (in writes of at most 1,000 sales).
fn store_day(store: &str, day: &str, sales: u64) -> Vec<SyncWrite> {
    let mut writes = Vec::new();
    let mut write = SyncWrite::new(store, chrono::Utc::now());
    for n in 0..sales {
        write.sales.push(FiledSale {
            store: store.into(),
            till_no: (n % 4 + 1) as u16,
            record: sale(store, day, n),
        });
        if write.sales.len() == 1_000 {
            writes.push(std::mem::replace(
                &mut write,
                SyncWrite::new(store, chrono::Utc::now()),
            ));
        }
    }
    write.voids.push(VoidRecord {
        id: format!("V-{store}-{day}"),
        sale_id: format!("{store}-{day}-1"),
        receipt_no: format!("{store}-2-{day}-1"),
        reason: "wrong item".into(),
        created_at: timestamp(day, 20_000),
        business_day: day.into(),
        cashier: None,
        approved_by: None,
        shift_id: None,
    });
    let mut records = vec![IndexedRecord::Return(a_return(store, day, 0))];
    for n in 0..5 {
        records.push(IndexedRecord::Order(order(store, day, n)));
    }
    for n in 0..2 {
        records.push(IndexedRecord::ShiftClose(shift_close(store, day, n)));
    }
    for record in records {
        write.records.push(StoredRecord {
            store: store.into(),
            subject: None,
            record,
        });
    }
    writes.push(write);
    writes
}

async fn seed(hq: &Hq, stores: u64, days: u64, per_day: u64) {
    let first = NaiveDate::parse_from_str(FIRST_DAY, "%Y-%m-%d").unwrap();
    let started = Instant::now();
    for s in 0..stores {
        hq.create_store(&store(&store_code(s))).await.unwrap();
    }
    let catalogue: String = std::iter::once("sku,name,price,tax_class\n".to_string())
        .chain((0..997).map(|n| format!("P{n},Product P{n},{}.00,standard\n", 5 + n % 40)))
        .chain((0..211).map(|n| format!("F{n},Food F{n},1.{:02},reduced\n", n % 100)))
        .collect();
    hq.import_catalogue_csv(catalogue.as_bytes()).await.unwrap();
    let mut filed = 0u64;
    for d in 0..days {
        let day = first
            .checked_add_days(Days::new(d))
            .unwrap()
            .format("%Y-%m-%d")
            .to_string();
        for s in 0..stores {
            for write in store_day(&store_code(s), &day, per_day) {
                filed += write.sales.len() as u64;
                hq.storage().apply_sync(write).await.unwrap();
            }
        }
        if d % 30 == 29 {
            eprintln!(
                "seeded {} days, {filed} sales, {} s",
                d + 1,
                started.elapsed().as_secs()
            );
        }
    }
    let millis = started.elapsed().as_millis().max(1);
    eprintln!(
        "seeded {stores} stores x {days} days: {filed} sales in {} s ({} sales/s)",
        millis / 1_000,
        u128::from(filed) * 1_000 / millis
    );
}

#[tokio::main]
async fn main() {
    let stores = setting("KASSA_BENCH_STORES", 50);
    let days = setting("KASSA_BENCH_DAYS", 365);
    let per_day = setting("KASSA_BENCH_SALES_PER_DAY", 274);
    let runs = setting("KASSA_BENCH_RUNS", 10).max(1) as usize;
    let temp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let dir = std::env::var("KASSA_BENCH_HQ_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let seeded = dir.join("seeded");
    let hq = Arc::new(Hq::open(&dir).unwrap());
    if !seeded.exists() {
        seed(&hq, stores, days, per_day).await;
        std::fs::write(&seeded, format!("{stores} {days} {per_day}\n")).unwrap();
    } else {
        eprintln!(
            "reusing the chain seeded in {} ({})",
            dir.display(),
            std::fs::read_to_string(&seeded).unwrap().trim()
        );
    }
    let (_, password) = hq
        .add_console_user(
            &format!("bench{}", std::process::id()),
            ConsoleRole::Admin,
            &[],
            None,
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = hq.clone();
    tokio::spawn(async move { kassa_hq::serve(listener, served, "bench-admin".into()).await });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Sign in as a browser does: the form's token and cookie, then the session cookie.
    let form = client
        .get(format!("{url}/console/sign-in"))
        .send()
        .await
        .unwrap();
    let cookie_of = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v[name.len() + 1..].split(';').next().unwrap().to_string())
            .unwrap()
    };
    let form_cookie = cookie_of(&form, "kassa_sign_in");
    let page = form.text().await.unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = page[at..].split('"').next().unwrap().to_string();
    let signed = client
        .post(format!("{url}/console/sign-in"))
        .header(COOKIE, format!("kassa_sign_in={form_cookie}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", &format!("bench{}", std::process::id())),
            ("password", &password),
        ])
        .send()
        .await
        .unwrap();
    let session = cookie_of(&signed, "kassa_console");

    let last = NaiveDate::parse_from_str(FIRST_DAY, "%Y-%m-%d")
        .unwrap()
        .checked_add_days(Days::new(days - 1))
        .unwrap();
    let year_ago = last.checked_sub_days(Days::new(days.min(366) - 1)).unwrap();
    let pages = [
        format!("/console?until={last}"),
        "/console/stores".to_string(),
        "/console/catalogue".to_string(),
        "/console/catalogue?q=product%20p1".to_string(),
        "/console/orders".to_string(),
        format!("/console/orders?store={}", store_code(0)),
        "/console/exceptions".to_string(),
        "/console/staff".to_string(),
        format!("/console/reports?to={last}"),
        format!("/console/reports?from={year_ago}&to={last}"),
        format!(
            "/console/reports?from={year_ago}&to={last}&store={}",
            store_code(0)
        ),
        format!("/console/reports/days.csv?from={year_ago}&to={last}"),
    ];
    // `KASSA_BENCH_PAGES=exceptions,orders` times only the pages whose path holds one of them.
    let only: Vec<String> = std::env::var("KASSA_BENCH_PAGES")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    println!("page | median ms | slowest ms | bytes");
    for path in pages
        .iter()
        .filter(|p| only.is_empty() || only.iter().any(|o| p.contains(o.as_str())))
    {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let response = client
                .get(format!("{url}{path}"))
                .header(COOKIE, format!("kassa_console={session}"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
            bytes = response.bytes().await.unwrap().len();
            times.push(started.elapsed());
        }
        times.sort();
        // Tenths of a millisecond, in integers (the workspace allows no float arithmetic).
        let ms = |d: Duration| {
            let tenths = d.as_micros() / 100;
            format!("{}.{}", tenths / 10, tenths % 10)
        };
        println!(
            "{path} | {} | {} | {bytes}",
            ms(times[times.len() / 2]),
            ms(*times.last().unwrap())
        );
    }
}
