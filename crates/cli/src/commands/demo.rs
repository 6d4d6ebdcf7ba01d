use crate::args::DemoArgs;
use crate::failure::Failure;
use crate::output::print_json;
use kassa_domain::demo_catalogue::{demo_catalogue, DEMO_TAX_CLASSES};
use kassa_domain::{CsvProduct, Currency, TaxMode, TaxRate};
use kassa_store::{StoreError, StoreSetup, TaxClass};
use serde::Serialize;
use std::path::Path;

pub const MAX_DEMO_PRODUCTS: u64 = 300_000;

#[derive(Serialize)]
struct DemoSummary {
    store_code: String,
    till_no: u16,
    products: u64,
    database: String,
}

pub fn run(path: &Path, args: DemoArgs, json: bool) -> Result<(), Failure> {
    if !(1..=MAX_DEMO_PRODUCTS).contains(&args.products) {
        return Err(Failure::bad(format!(
            "--products must be between 1 and {MAX_DEMO_PRODUCTS}"
        )));
    }
    let mut till = super::open(path)?;
    let config = match till.config() {
        Ok(config) => config,
        Err(StoreError::NotInitialized) => till.init(&demo_setup()?)?,
        Err(e) => return Err(e.into()),
    };
    let products: Vec<CsvProduct> = demo_catalogue(args.products)
        .enumerate()
        .map(|(i, product)| CsvProduct {
            line: i as u64 + 1,
            product,
        })
        .collect();
    till.import_products(&products, Vec::new(), false)?;
    let summary = DemoSummary {
        store_code: config.store_code,
        till_no: config.till_no,
        products: args.products,
        database: path.display().to_string(),
    };
    if json {
        return print_json(&summary);
    }
    println!(
        "Demo store {} till {} ready with {} products in {}",
        summary.store_code, summary.till_no, summary.products, summary.database
    );
    Ok(())
}

/// The demo store: Amsterdam, euros, tax-inclusive prices, cash rounded to 0.05 as Dutch shops do.
fn demo_setup() -> Result<StoreSetup, Failure> {
    let tax_classes = DEMO_TAX_CLASSES
        .iter()
        .map(|(code, name, bp)| {
            Ok(TaxClass {
                code: code.to_string(),
                name: name.to_string(),
                rate: TaxRate::from_basis_points(*bp)?,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok(StoreSetup {
        store_code: "AMS1".into(),
        till_no: 1,
        currency: Currency::from_iso("EUR")?,
        tax_mode: TaxMode::Inclusive,
        cash_increment: 5,
        tax_classes,
    })
}
