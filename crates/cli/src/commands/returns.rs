//! Returns and exchanges at the till. A sale that is not on this till (another store's) is looked
//! up at head office when the till is enrolled and online.

use super::replication::runtime;
use crate::args::ReturnArgs;
use crate::failure::Failure;
use crate::item_spec::{parse_item, parse_line, parse_tender};
use crate::output::{print_json, Amounts};
use kassa_store::{
    RefundMethod, ReturnLineRequest, ReturnOf, ReturnRecord, ReturnRequest, SaleRequest, Till,
};
use std::path::Path;
use std::sync::Mutex;

/// The till back from the application layer's flows (a poisoned lock is usable: a command that
/// panicked rolled back).
fn lent_back(till: Mutex<Till>) -> Till {
    till.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The return the cashier asked for, with head office's copy of a sale or order this till does not
/// hold (looked up by the application layer, as the desktop does).
fn request(
    till: &Mutex<Till>,
    args: &ReturnArgs,
    money: &Amounts,
) -> Result<ReturnRequest, Failure> {
    let of = match (&args.number, args.order, args.no_receipt) {
        (Some(_), _, true) => {
            return Err(Failure::bad(
                "--no-receipt takes no receipt number: name the items with --line",
            ))
        }
        (None, _, true) => ReturnOf::NoReceipt,
        (Some(number), true, false) => ReturnOf::Order {
            order: number.clone(),
        },
        (Some(number), false, false) => ReturnOf::Receipt {
            receipt_no: number.clone(),
        },
        (None, _, false) => {
            return Err(Failure::bad(
                "give the receipt number (or --order NUMBER, or --no-receipt)",
            ))
        }
    };
    let lines = args
        .lines
        .iter()
        .map(|l| {
            let (code, quantity, damaged) = parse_line(l)?;
            Ok(ReturnLineRequest {
                code,
                quantity,
                restock: !damaged,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let refund = match args.refund.as_str() {
        "original" => RefundMethod::Original,
        "cash" => RefundMethod::Cash,
        "credit" => RefundMethod::Credit,
        other => {
            return Err(Failure::bad(format!(
                "--refund {other:?}: use original, cash or credit"
            )))
        }
    };
    // A scanned receipt code is read as its receipt number; a sale or order this till does not
    // hold is looked up at head office.
    let (of, remote_sale, remote_order) = match of {
        ReturnOf::NoReceipt => (ReturnOf::NoReceipt, None, None),
        of => {
            let found = runtime()?
                .block_on(kassa_app::find_returnable(till, of))
                .map_err(|e| money.explain_app(e))?;
            (found.of, found.remote_sale, found.remote_order)
        }
    };
    Ok(ReturnRequest {
        remote_sale,
        remote_order,
        of,
        lines,
        refund,
        approved_by: args.approved_by.clone(),
        reason: args.reason.clone(),
    })
}

fn print_return(record: &ReturnRecord, money: &Amounts) {
    println!(
        "Return {} against {}:",
        record.receipt_no,
        record.source.number().unwrap_or("no receipt")
    );
    for line in &record.lines {
        println!(
            "  {} x {:<28} {:>10}{}",
            line.quantity,
            line.name,
            money.fmt(line.amount),
            if line.restock { "" } else { "  (damaged)" }
        );
    }
    println!("  refund {}", money.fmt(record.total));
    for refund in &record.refunds {
        println!(
            "  -> {} {}{}",
            refund.kind.as_str(),
            money.fmt(refund.amount),
            kassa_domain::shown_reference(refund)
                .map(|r| format!("  [{r}]"))
                .unwrap_or_default()
        );
    }
    if let Some(by) = &record.approved_by {
        println!("  approved by {by}: {}", record.approval_reasons.join("; "));
    }
}

pub fn run(path: &Path, args: ReturnArgs, json: bool) -> Result<(), Failure> {
    let (mut till, money) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    let till = Mutex::new(till);
    let request = request(&till, &args, &money)?;
    let mut till = lent_back(till);
    let record = till
        .return_goods(&request, super::approval()?.as_ref())
        .map_err(|e| money.explain(e))?;
    if json {
        return print_json(&record);
    }
    print_return(&record, &money);
    Ok(())
}

pub fn exchange(
    path: &Path,
    args: ReturnArgs,
    take: &[String],
    tenders: &[String],
    json: bool,
) -> Result<(), Failure> {
    let (mut till, money) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    let till = Mutex::new(till);
    let request = request(&till, &args, &money)?;
    let sale = SaleRequest {
        lines: take
            .iter()
            .map(|i| parse_item(i))
            .collect::<Result<Vec<_>, _>>()?,
        discount: None,
        tenders: tenders
            .iter()
            .map(|t| parse_tender(t, money.minor_digits))
            .collect::<Result<Vec<_>, _>>()?,
    };
    runtime()?
        .block_on(kassa_app::learn_remote_credit(&till, &sale.tenders))
        .map_err(|e| money.explain_app(e))?;
    let mut till = lent_back(till);
    let (record, receipt) = till
        .exchange(&request, &sale, super::approval()?.as_ref())
        .map_err(|e| money.explain(e))?;
    if json {
        return print_json(&serde_json::json!({ "return": record, "sale": receipt }));
    }
    print_return(&record, &money);
    print!("{}", crate::receipt_text::render(&receipt, &money));
    Ok(())
}
