//! Online order pickup: find orders (number, QR code, customer name) and hand them over.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_store::{OrderView, PickupRecord, PickupRequest};
use tauri::State;

#[tauri::command]
pub fn find_orders(
    state: State<'_, TillState>,
    query: String,
) -> Result<Vec<OrderView>, CommandError> {
    Ok(state.till().find_orders(&query)?)
}

#[tauri::command]
pub fn pickup_order(
    state: State<'_, TillState>,
    request: PickupRequest,
) -> Result<PickupRecord, CommandError> {
    let record = state.till().pickup(&request)?;
    state.wake.notify_one();
    Ok(record)
}
