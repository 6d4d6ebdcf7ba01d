//! `kassa-hq demo`: store AMS1 with a generated catalogue, stock of every product, two web
//! orders and three staff with well-known PINs, so `scripts/run-demo` has something to sell; and
//! a chain around it (RTM1, UTR1, EHV1) with weeks of trading history, so the console's overview
//! and reports show something real. The history is filed through head office's ingestion
//! (`kassa_hq::demo_history`) under till numbers no real till uses.

use kassa_domain::demo_catalogue::{demo_catalogue, DEMO_TAX_CLASSES};
use kassa_domain::Role;
use kassa_hq::{Hq, HqError, MovementKind};
use kassa_protocol::{NewStaff, OrderIntake, OrderIntakeLine, StockLine, StoreInfo, TaxClassInfo};
use std::path::Path;

const STORE: &str = "AMS1";
const OPENING_STOCK: i64 = 24;
/// Enough for a chain-sized catalogue; more would only make the demo slow to set up.
const MAX_PRODUCTS: u64 = 300_000;
/// Same PIN for both orders, so whoever runs the demo can hand them over.
const DEMO_PICKUP_CODE: &str = "123456";

/// The chain's other stores, with their names.
const OTHER_STORES: [(&str, &str); 3] = [
    ("RTM1", "Kassa Demo Rotterdam"),
    ("UTR1", "Kassa Demo Utrecht"),
    ("EHV1", "Kassa Demo Eindhoven"),
];
/// At most a year of history: more only makes the demo slow to set up.
const MAX_HISTORY_DAYS: u64 = 366;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 5_000)]
    products: u64,
    /// Days of trading history before today for every store of the chain (0: none).
    #[arg(long, default_value_t = 28)]
    history_days: u64,
}

pub async fn run(
    data: &Path,
    Args {
        products,
        history_days,
    }: Args,
) -> Result<(), HqError> {
    if !(1..=MAX_PRODUCTS).contains(&products) {
        return Err(HqError::BadRequest(format!(
            "--products must be between 1 and {MAX_PRODUCTS}"
        )));
    }
    if history_days > MAX_HISTORY_DAYS {
        return Err(HqError::BadRequest(format!(
            "--history-days must be at most {MAX_HISTORY_DAYS}"
        )));
    }
    let hq = crate::database::open(data).await?;
    add_store(&hq, STORE, "Kassa Demo Amsterdam").await?;
    for (code, name) in OTHER_STORES {
        add_store(&hq, code, name).await?;
    }
    add_catalogue_and_stock(&hq, products).await?;
    add_history(&hq, history_days, products).await?;
    // The orders name the first four demo products.
    if products >= 4 {
        add_orders(&hq).await?;
    }
    add_staff(&hq).await
}

/// Weeks of sales in every store, up to yesterday: each store its own level of trade, weekends
/// busier.
async fn add_history(hq: &Hq, days: u64, products: u64) -> Result<(), HqError> {
    let today = chrono::Utc::now().date_naive();
    let mut filed = 0usize;
    for back in (1..=days).rev() {
        let Some(day) = today.checked_sub_days(chrono::Days::new(back)) else {
            continue;
        };
        let weekend = matches!(
            chrono::Datelike::weekday(&day),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        );
        let key = day.format("%Y-%m-%d").to_string();
        for (n, code) in std::iter::once(STORE)
            .chain(OTHER_STORES.iter().map(|(code, _)| *code))
            .enumerate()
        {
            let base = [180, 120, 90, 60][n % 4] + back % 7 * 9;
            let sales = if weekend { base * 3 / 2 } else { base };
            for write in kassa_hq::demo_history::store_day(code, &key, sales, 0, products) {
                filed += write.sales.len();
                hq.storage().apply_sync(write).await?;
            }
        }
    }
    if days > 0 {
        println!(
            "demo chain: {filed} sales over the {days} days before today in {} stores (history, filed through head office's ingestion)",
            1 + OTHER_STORES.len()
        );
    }
    Ok(())
}

async fn add_store(hq: &Hq, code: &str, name: &str) -> Result<(), HqError> {
    hq.create_store(&StoreInfo {
        code: code.into(),
        name: name.into(),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: DEMO_TAX_CLASSES
            .iter()
            .map(|(code, name, bp)| TaxClassInfo {
                code: code.to_string(),
                name: name.to_string(),
                rate_bp: *bp,
            })
            .collect(),
    })
    .await?;
    Ok(())
}

async fn add_catalogue_and_stock(hq: &Hq, products: u64) -> Result<(), HqError> {
    let catalogue: Vec<_> = demo_catalogue(products).collect();
    let (version, count) = hq.import_catalogue(&catalogue).await?;
    let lines: Vec<StockLine> = catalogue
        .iter()
        .map(|p| StockLine {
            sku: p.sku.clone(),
            quantity: OPENING_STOCK,
        })
        .collect();
    hq.record_stock(
        STORE,
        MovementKind::Receipt,
        &lines,
        Some("demo opening stock".into()),
    )
    .await?;
    println!("demo store {STORE}: catalogue version {version} with {count} products, {OPENING_STOCK} of each in stock");
    Ok(())
}

async fn add_orders(hq: &Hq) -> Result<(), HqError> {
    for (external_id, customer, paid, skus) in [
        ("W1001", "Ada Lovelace", true, ["D000000", "D000001"]),
        ("W1002", "Grace Hopper", false, ["D000002", "D000003"]),
    ] {
        let accepted = hq
            .add_order(&OrderIntake {
                external_id: external_id.into(),
                store: STORE.into(),
                customer_name: customer.into(),
                lines: skus
                    .iter()
                    .map(|sku| OrderIntakeLine {
                        sku: (*sku).into(),
                        quantity: 1,
                        unit_price: None,
                    })
                    .collect(),
                paid,
                pickup_code: Some(DEMO_PICKUP_CODE.into()),
                hold_days: None,
                shipped: false,
            })
            .await?;
        println!(
            "demo order {} for {customer} ({}), pickup code {}",
            accepted.order_no,
            if paid {
                "paid online"
            } else {
                "to pay at pickup"
            },
            accepted.pickup_code
        );
    }
    Ok(())
}

/// One of each role with well-known PINs, so the demo shows sign-in and approvals.
async fn add_staff(hq: &Hq) -> Result<(), HqError> {
    for (name, role, pin) in [
        ("Carl", Role::Cashier, "1111"),
        ("Sofia", Role::Supervisor, "222222"),
        ("Maria", Role::Manager, "333333"),
    ] {
        hq.add_staff(&NewStaff {
            name: name.into(),
            role,
            pin: pin.into(),
            stores: vec![STORE.into()],
        })
        .await?;
        println!("demo staff {name} ({role}), PIN {pin}");
    }
    Ok(())
}
