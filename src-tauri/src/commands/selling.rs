//! The selling screen: look items up, price the basket, complete a sale, void the last one.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_domain::{Discount, Money, PricedBasket};
use kassa_store::{CatalogItem, Credentials, Receipt, SaleRequest, VoidRecord};
use tauri::State;

#[tauri::command]
pub fn find_item(state: State<'_, TillState>, code: String) -> Result<CatalogItem, CommandError> {
    let till = state.till();
    till.config()?;
    let item = till.find_by_code(&code)?;
    item.ok_or_else(|| CommandError {
        code: kassa_store::ErrorCode::NotFound,
        message: format!("unknown barcode or sku {:?}", code.trim()),
    })
}

#[tauri::command]
pub fn search_items(
    state: State<'_, TillState>,
    query: String,
) -> Result<Vec<CatalogItem>, CommandError> {
    Ok(state.till().search(&query, 20)?)
}

/// Totals for the basket as it stands; the UI shows them and never computes money itself.
#[tauri::command]
pub fn price_basket(
    state: State<'_, TillState>,
    request: SaleRequest,
) -> Result<PricedBasket, CommandError> {
    Ok(state.till().price(&request)?)
}

/// A sale, through the application layer: store credit from another store is learned from head
/// office first, as the CLI does.
#[tauri::command]
pub async fn complete_sale(
    state: State<'_, TillState>,
    request: SaleRequest,
    approval: Option<Credentials>,
) -> Result<Receipt, CommandError> {
    let receipt = kassa_app::complete_sale(state.inner(), &request, approval.as_ref()).await?;
    state.wake.notify_one();
    Ok(receipt)
}

#[tauri::command]
pub fn void_last_sale(
    state: State<'_, TillState>,
    reason: String,
    approval: Option<Credentials>,
) -> Result<VoidRecord, CommandError> {
    let mut till = state.till();
    let last = till
        .last_receipt_no()?
        .ok_or_else(|| CommandError::bad_input("no sale to void yet"))?;
    let record = till.void_sale(&last, &reason, approval.as_ref())?;
    state.wake.notify_one();
    Ok(record)
}

/// The cash still due (after card parts, cash-rounded) and the round sums a customer is likely
/// to hand over.
#[tauri::command]
pub fn quick_cash(
    state: State<'_, TillState>,
    request: SaleRequest,
) -> Result<Vec<Money>, CommandError> {
    Ok(state.till().quick_cash(&request)?)
}

/// Parses a typed amount ("12.50") exactly into minor units of the store's currency.
#[tauri::command]
pub fn parse_amount(state: State<'_, TillState>, text: String) -> Result<i64, CommandError> {
    let digits = state.till().config()?.currency.minor_digits;
    kassa_domain::parse_amount(text.trim(), digits)
        .map(Money::minor)
        .map_err(|e| CommandError::bad_input(e.to_string()))
}

/// Parses "10%" or "2.50" into a discount.
#[tauri::command]
pub fn parse_discount(state: State<'_, TillState>, text: String) -> Result<Discount, CommandError> {
    let digits = state.till().config()?.currency.minor_digits;
    Discount::parse(text.trim(), digits).map_err(|e| CommandError::bad_input(e.to_string()))
}
