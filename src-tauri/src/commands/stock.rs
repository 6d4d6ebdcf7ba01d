//! Stock lookup: here (always, from this till's documents) and in the other stores (when online).

use crate::error::CommandError;
use crate::state::TillState;
use kassa_protocol::StockAvailability;
use kassa_store::{CatalogItem, StockPosition};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Serialize, TS)]
pub struct StockView {
    pub item: CatalogItem,
    /// On hand here, as this till knows it.
    pub here: i64,
    /// On hand, reserved for online orders, and available to sell here.
    pub position: StockPosition,
    /// Head office's figures for every store, when it could be asked.
    pub elsewhere: Option<StockAvailability>,
    /// Why there are no figures from elsewhere (offline, stand-alone).
    pub elsewhere_error: Option<String>,
}

#[tauri::command]
pub async fn stock_lookup(
    state: State<'_, TillState>,
    code: String,
) -> Result<StockView, CommandError> {
    let (item, position, device) = {
        let mut till = state.till();
        let item = till.find_by_code(&code)?.ok_or_else(|| CommandError {
            code: kassa_store::ErrorCode::NotFound,
            message: format!("unknown barcode or sku {:?}", code.trim()),
        })?;
        let position = till.stock_position(&item.sku)?;
        (item, position, till.device()?)
    };
    let (elsewhere, elsewhere_error) = match kassa_sync::stock_elsewhere(device, &item.sku).await {
        Ok(availability) => (Some(availability), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(StockView {
        item,
        here: position.on_hand,
        position,
        elsewhere,
        elsewhere_error,
    })
}
