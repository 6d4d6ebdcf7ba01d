//! The receipt printer (`KASSA_PRINTER`: device:PATH, tcp:HOST:9100 or file:PATH): a sale's
//! receipt printed as ESC/POS, a copy on a reprint, and the cash drawer kick.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_receipt::{escpos, layout, send, PrintError, PrinterTarget};
use tauri::State;

fn printer(state: &TillState) -> Result<PrinterTarget, CommandError> {
    let text = state.printer.as_deref().ok_or(CommandError {
        code: kassa_store::ErrorCode::NoPrinter,
        message: "no receipt printer is set up (KASSA_PRINTER)".into(),
    })?;
    PrinterTarget::parse(text).map_err(printer_error)
}

fn printer_error(e: PrintError) -> CommandError {
    CommandError {
        code: kassa_store::ErrorCode::Printer,
        message: e.to_string(),
    }
}

#[tauri::command]
pub fn printer_configured(state: State<'_, TillState>) -> bool {
    state.printer.is_some()
}

/// Prints a sale's receipt; `copy` for a reprint (it says COPY and is logged).
#[tauri::command]
pub fn print_receipt(
    state: State<'_, TillState>,
    receipt_no: String,
    copy: bool,
) -> Result<(), CommandError> {
    let target = printer(&state)?;
    let receipt = state.till().printable_receipt(&receipt_no, copy)?;
    let bytes = escpos::sale_print_job(&layout::receipt(&receipt), receipt.opens_drawer());
    // Sent without holding the till: a slow printer never blocks the next sale.
    send(&target, &bytes).map_err(printer_error)
}

#[tauri::command]
pub fn open_drawer(state: State<'_, TillState>) -> Result<(), CommandError> {
    let target = printer(&state)?;
    state.till().record_drawer_opened()?;
    send(&target, &escpos::drawer_kick()).map_err(printer_error)
}
