//! Returns and exchanges at the till. A sale that is not on this till (another store's) is looked
//! up at head office when the till is enrolled and online.

use super::replication::runtime;
use crate::args::ReturnArgs;
use crate::failure::Failure;
use crate::item_spec::{parse_item, parse_line, parse_tender};
use crate::output::{print_json, Amounts};
use kassa_store::{
    RefundMethod, RemoteOrder, RemoteSale, ReturnLineRequest, ReturnOf, ReturnRecord,
    ReturnRequest, SaleRequest, StoreError, Till,
};
use std::path::Path;

/// Head office's copy of a sale or an order this till does not hold, if it can be asked.
fn remote(
    till: &Till,
    of: &ReturnOf,
) -> Result<(Option<RemoteSale>, Option<RemoteOrder>), Failure> {
    let missing = match of {
        ReturnOf::Receipt { receipt_no } => match till.sale(receipt_no) {
            Ok(_) => return Ok((None, None)),
            Err(StoreError::SaleNotFound(_)) => format!("no sale {receipt_no:?} on this till"),
            Err(e) => return Err(e.into()),
        },
        ReturnOf::Order { order } => match till.order(order) {
            Ok(_) => return Ok((None, None)),
            Err(StoreError::OrderNotFound(n)) => format!("no order {n:?} on this till"),
            Err(e) => return Err(e.into()),
        },
        ReturnOf::NoReceipt => return Ok((None, None)),
    };
    let device = till.device()?;
    if device.device_token.is_none() {
        return Err(Failure::bad(format!(
            "{missing}, and it is not enrolled with head office to look it up"
        )));
    }
    let looked_up = runtime()?.block_on(async {
        match of {
            ReturnOf::Receipt { receipt_no } => kassa_sync::lookup_sale(device, receipt_no)
                .await
                .map(|s| (Some(s), None)),
            ReturnOf::Order { order } => {
                kassa_sync::lookup_order(device, kassa_store::order_number(order))
                    .await
                    .map(|o| (None, Some(o)))
            }
            ReturnOf::NoReceipt => Ok((None, None)),
        }
    });
    match looked_up {
        Ok(found) => Ok(found),
        Err(kassa_sync::SyncError::Offline(why)) => Err(Failure::bad(format!(
            "{missing}, and head office cannot be reached to look it up ({why})"
        ))),
        Err(e) => Err(Failure::bad(format!("{missing}: {e}"))),
    }
}

fn request(till: &Till, args: &ReturnArgs) -> Result<ReturnRequest, Failure> {
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
        // A scanned receipt code is checked here (offline) and read as its receipt number.
        (Some(number), false, false) if kassa_domain::receipt_code::is_receipt_code(number) => {
            ReturnOf::Receipt {
                receipt_no: till.check_receipt_code(number)?.receipt_no,
            }
        }
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
    let (remote_sale, remote_order) = remote(till, &of)?;
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
            refund
                .reference
                .as_deref()
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
    let request = request(&till, &args)?;
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
    let request = request(&till, &args)?;
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
    super::credit::learn_remote_credit(&mut till, &sale.tenders)?;
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
