//! Stock lookup: here (always, from this till's documents) and in the other stores (when online).

use crate::error::CommandError;
use crate::state::TillState;
use kassa_protocol::StockAvailability;
use kassa_store::CatalogItem;
use serde::Serialize;
use tauri::State;

#[derive(Debug, Serialize)]
pub struct StockView {
    pub item: CatalogItem,
    pub here: i64,
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
    let (item, here, device) = {
        let mut till = state.till();
        let item = till.find_by_code(&code)?.ok_or_else(|| CommandError {
            code: "not_found",
            message: format!("unknown barcode or sku {:?}", code.trim()),
        })?;
        let here = till.stock_on_hand(&item.sku)?;
        (item, here, till.device()?)
    };
    let (elsewhere, elsewhere_error) = match kassa_sync::stock_elsewhere(device, &item.sku).await {
        Ok(availability) => (Some(availability), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(StockView {
        item,
        here,
        elsewhere,
        elsewhere_error,
    })
}
