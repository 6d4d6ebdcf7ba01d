use crate::args::SellArgs;
use crate::failure::Failure;
use crate::item_spec::{parse_item, parse_tender};
use crate::output::print_json;
use crate::receipt_text::render;
use kassa_domain::Discount;
use kassa_store::SaleRequest;
use std::path::Path;

pub fn run(path: &Path, args: SellArgs, json: bool) -> Result<(), Failure> {
    let (mut till, money) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    let lines = args
        .items
        .iter()
        .map(|i| parse_item(i))
        .collect::<Result<Vec<_>, _>>()?;
    let tenders = args
        .tenders
        .iter()
        .map(|t| parse_tender(t, money.minor_digits))
        .collect::<Result<Vec<_>, _>>()?;
    let discount = match &args.discount {
        Some(text) => Some(
            Discount::parse(text, money.minor_digits)
                .map_err(|e| Failure::bad(format!("--discount: {e}")))?,
        ),
        None => None,
    };
    let request = SaleRequest {
        lines,
        discount,
        tenders,
    };
    let approval = super::approval()?;
    let till = std::sync::Mutex::new(till);
    let receipt = super::replication::runtime()?
        .block_on(kassa_app::complete_sale(&till, &request, approval.as_ref()))
        .map_err(|e| money.explain_app(e))?;
    let mut till = till
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if json {
        print_json(&receipt)?;
    } else {
        print!("{}", render(&receipt, &money));
    }
    if let Some(to) = args.print.as_deref() {
        if let Err(failure) =
            super::print::print_receipt(&mut till, &receipt.receipt_no, Some(to), false)
        {
            eprintln!(
                "kassa: sale {} is saved, but its receipt did not print: {} (print it again with `kassa print {}`)",
                receipt.receipt_no,
                failure.message(),
                receipt.receipt_no
            );
        }
    }
    Ok(())
}
