//! Shifts and the cash drawer: open, cash in and out, X report, close with a blind count.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_domain::{Money, TenderCount};
use kassa_store::{CashDirection, CashMovementRecord, Credentials, ShiftOpened, ShiftReport};
use tauri::State;

#[tauri::command]
pub fn current_shift(state: State<'_, TillState>) -> Result<Option<ShiftOpened>, CommandError> {
    Ok(state.till().current_shift()?)
}

#[tauri::command]
pub fn open_shift(state: State<'_, TillState>, float: i64) -> Result<ShiftOpened, CommandError> {
    let shift = state.till().open_shift(Money::from_minor(float))?;
    state.wake.notify_one();
    Ok(shift)
}

#[tauri::command]
pub fn cash_movement(
    state: State<'_, TillState>,
    direction: CashDirection,
    amount: i64,
    reason: String,
    approval: Option<Credentials>,
) -> Result<CashMovementRecord, CommandError> {
    let record = state.till().cash_movement(
        direction,
        Money::from_minor(amount),
        &reason,
        approval.as_ref(),
    )?;
    state.wake.notify_one();
    Ok(record)
}

#[tauri::command]
pub fn x_report(
    state: State<'_, TillState>,
    approval: Option<Credentials>,
) -> Result<ShiftReport, CommandError> {
    Ok(state.till().x_report(approval.as_ref())?)
}

#[tauri::command]
pub fn close_shift(
    state: State<'_, TillState>,
    counts: Vec<TenderCount>,
) -> Result<ShiftReport, CommandError> {
    let report = state.till().close_shift(&counts)?;
    state.wake.notify_one();
    Ok(report)
}
