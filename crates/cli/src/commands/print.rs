//! `kassa print` (a receipt again, marked COPY, to a printer or as HTML) and `kassa drawer`
//! (open the cash drawer through the printer).

use crate::failure::Failure;
use kassa_receipt::{escpos, html, layout, send, PrinterTarget};
use std::path::Path;

fn target(text: Option<&str>) -> Result<PrinterTarget, Failure> {
    let text = text
        .map(str::to_string)
        .or_else(|| std::env::var("KASSA_PRINTER").ok())
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            Failure::bad(
                "no printer: give --to device:PATH|tcp:HOST:PORT|file:PATH or set KASSA_PRINTER",
            )
        })?;
    PrinterTarget::parse(&text).map_err(|e| Failure::bad(e.to_string()))
}

/// Sends a sale's receipt; `copy` marks a reprint.
pub fn print_receipt(
    till: &mut kassa_store::Till,
    receipt_no: &str,
    to: Option<&str>,
    copy: bool,
) -> Result<(), Failure> {
    let target = target(to)?;
    let receipt = till.printable_receipt(receipt_no, copy)?;
    let job = escpos::sale_print_job(&layout::receipt(&receipt), receipt.opens_drawer());
    // The sale is saved whatever happens here; a failed print is the printer's problem.
    send(&target, &job).map_err(|e| Failure::Internal(e.into()))
}

pub fn reprint(
    path: &Path,
    receipt_no: &str,
    to: Option<&str>,
    html_file: Option<&Path>,
) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    if let Some(file) = html_file {
        let receipt = till.printable_receipt(receipt_no, true)?;
        std::fs::write(
            file,
            html::render(
                &format!("Receipt {}", receipt.receipt_no),
                &layout::receipt(&receipt),
            ),
        )?;
        println!("Wrote {}", file.display());
        return Ok(());
    }
    print_receipt(&mut till, receipt_no, to, true)?;
    println!("Printed a copy of {}", receipt_no.trim());
    Ok(())
}

pub fn drawer(path: &Path, to: Option<&str>) -> Result<(), Failure> {
    let (mut till, _) = super::open_initialised(path)?;
    super::sign_in(&mut till)?;
    let target = target(to)?;
    till.record_drawer_opened()?;
    send(&target, &escpos::drawer_kick()).map_err(|e| Failure::Internal(e.into()))?;
    println!("Drawer opened");
    Ok(())
}
