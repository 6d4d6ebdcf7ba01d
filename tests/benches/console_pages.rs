//! `cargo bench -p kassa-tests --bench console_pages`: every page of head office's console timed
//! at head office for a chain (issue 14): by default 50 stores with a year of sales, 274 a store
//! a day (5.0 million), 5 web orders a store a day, a return and a void a store a day, and two
//! shift closes a store a day. Everything is seeded through head office's own ingestion (the
//! sync's final write, `HqStorage::apply_sync`, which keeps the daily figures as it files each
//! record), never by writing figures by hand. Then each page is asked for over HTTP with a
//! signed-in session, `KASSA_BENCH_RUNS` times (10), and its median and slowest time printed.
//!
//! `KASSA_BENCH_POSTGRES=postgres://...` runs head office on that (empty) PostgreSQL database.
//! `KASSA_BENCH_STORES` (50), `KASSA_BENCH_DAYS` (365), `KASSA_BENCH_SALES_PER_DAY` (274) size
//! the chain; `KASSA_BENCH_HQ_DIR` keeps the seeded database there and reuses it on the next run
//! (seeding 5 million sales takes minutes); `KASSA_BENCH_PAGES=exceptions,orders` times only the
//! pages whose path holds one of those words.

use chrono::{Days, NaiveDate};
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::Hq;
use kassa_protocol::{StoreInfo, TaxClassInfo};
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

async fn seed(hq: &Hq, stores: u64, days: u64, per_day: u64) {
    let first = NaiveDate::parse_from_str(FIRST_DAY, "%Y-%m-%d").unwrap();
    let started = Instant::now();
    for s in 0..stores {
        hq.create_store(&store(&store_code(s))).await.unwrap();
    }
    let catalogue: Vec<_> = kassa_domain::demo_catalogue::demo_catalogue(5_000).collect();
    hq.import_catalogue(&catalogue).await.unwrap();
    let mut filed = 0u64;
    for d in 0..days {
        let day = first
            .checked_add_days(Days::new(d))
            .unwrap()
            .format("%Y-%m-%d")
            .to_string();
        for s in 0..stores {
            for write in kassa_hq::demo_history::store_day(&store_code(s), &day, per_day, 5, 5_000)
            {
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
    // `KASSA_BENCH_POSTGRES=postgres://...` seeds and serves from that database instead of
    // SQLite in the directory (which then only keeps the "seeded" mark).
    let hq = Arc::new(match std::env::var("KASSA_BENCH_POSTGRES") {
        Ok(url) => Hq::connect_postgres(&url, 8).await.unwrap(),
        Err(_) => Hq::open(&dir).unwrap(),
    });
    eprintln!("head office on {}", hq.describe_storage());
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
