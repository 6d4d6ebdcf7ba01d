//! `kassa-hq demo`: store AMS1 with a generated catalogue, stock of every product, two web
//! orders and three staff with well-known PINs, so `scripts/run-demo` has something to sell.

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

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 5_000)]
    products: u64,
}

pub async fn run(data: &Path, Args { products }: Args) -> Result<(), HqError> {
    if !(1..=MAX_PRODUCTS).contains(&products) {
        return Err(HqError::BadRequest(format!(
            "--products must be between 1 and {MAX_PRODUCTS}"
        )));
    }
    let hq = crate::database::open(data).await?;
    add_store(&hq).await?;
    add_catalogue_and_stock(&hq, products).await?;
    // The orders name the first four demo products.
    if products >= 4 {
        add_orders(&hq).await?;
    }
    add_staff(&hq).await
}

async fn add_store(hq: &Hq) -> Result<(), HqError> {
    hq.create_store(&StoreInfo {
        code: STORE.into(),
        name: "Kassa Demo Amsterdam".into(),
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
