use crate::args::{InitArgs, TaxModeArg};
use crate::failure::Failure;
use crate::output::print_json;
use kassa_domain::{parse_amount, Currency, Discount, TaxMode, TaxRate};
use kassa_store::{StoreSetup, TaxClass};
use std::path::Path;

pub const DEFAULT_TAX_CLASSES: [&str; 3] = ["standard=21%", "reduced=9%", "zero=0%"];

pub fn run(path: &Path, args: InitArgs, json: bool) -> Result<(), Failure> {
    let currency = Currency::from_iso(&args.currency)?;
    let tax_mode = match args.tax_mode {
        TaxModeArg::Inclusive => TaxMode::Inclusive,
        TaxModeArg::Exclusive => TaxMode::Exclusive,
    };
    let cash_increment = match &args.cash_rounding {
        Some(step) => parse_amount(step, currency.minor_digits)
            .map_err(|e| Failure::bad(format!("--cash-rounding: {e}")))?
            .minor(),
        None => 1,
    };
    let specs: Vec<String> = if args.tax_classes.is_empty() {
        DEFAULT_TAX_CLASSES.iter().map(|s| s.to_string()).collect()
    } else {
        args.tax_classes.clone()
    };
    let tax_classes = specs
        .iter()
        .map(|s| parse_tax_class(s))
        .collect::<Result<Vec<_>, _>>()?;
    let setup = StoreSetup {
        store_code: args.store,
        till_no: args.till,
        currency,
        tax_mode,
        cash_increment,
        tax_classes,
    };
    let mut till = super::open(path)?;
    let config = till.init(&setup)?;
    if json {
        return print_json(&config);
    }
    println!(
        "Till {} of store {} is set up: {}, prices {} of tax, database {}",
        config.till_no,
        config.store_code,
        config.currency.code,
        config.tax_mode.as_str(),
        path.display()
    );
    Ok(())
}

/// `standard=21%` or `reduced=5.5%`.
pub fn parse_tax_class(spec: &str) -> Result<TaxClass, Failure> {
    let (code, rate) = spec.split_once('=').ok_or_else(|| {
        Failure::bad(format!(
            "tax class {spec:?}: use CODE=RATE%, e.g. standard=21%"
        ))
    })?;
    let bp = match Discount::parse(rate.trim(), 2) {
        Ok(Discount::Percent(bp)) => bp,
        _ => {
            return Err(Failure::bad(format!(
                "tax class {spec:?}: the rate must be a percentage such as 21% or 5.5%"
            )))
        }
    };
    Ok(TaxClass {
        code: code.trim().to_string(),
        name: code.trim().to_string(),
        rate: TaxRate::from_basis_points(bp)?,
    })
}
