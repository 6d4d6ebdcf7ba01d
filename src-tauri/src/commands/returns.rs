//! Returns: find what can be taken back (this store's sales and orders locally; another store's
//! sale, or a shipped order, at head office when online), then refund it.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_store::{
    Credentials, RemoteOrder, RemoteSale, ReturnOf, ReturnRecord, ReturnRequest, Returnable,
};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// Replaces whatever copy of another store's sale or a shipped order the web view sent with head
/// office's own answer from `find_returnable`: a forged copy must not price a refund.
pub(crate) fn with_remote_from_head_office(state: &TillState, request: &mut ReturnRequest) {
    let remote = state.remote();
    request.remote_sale = match &request.of {
        ReturnOf::Receipt { receipt_no } => remote.sales.get(receipt_no.trim()).cloned(),
        _ => None,
    };
    request.remote_order = match &request.of {
        ReturnOf::Order { order } => remote
            .orders
            .get(&kassa_store::order_number(order).to_uppercase())
            .cloned(),
        _ => None,
    };
}

#[derive(Debug, Serialize, TS)]
pub struct ReturnLookup {
    pub returnable: Returnable,
    /// Head office's copy of what this till does not hold: the UI sends it back with the return.
    pub remote_sale: Option<RemoteSale>,
    pub remote_order: Option<RemoteOrder>,
}

/// What can be returned, through the application layer (the same look-up as the CLI's); head
/// office's copy of a sale or order is remembered here, so that the return is priced from it and
/// not from whatever the web view sends back.
#[tauri::command]
pub async fn find_returnable(
    state: State<'_, TillState>,
    of: ReturnOf,
) -> Result<ReturnLookup, CommandError> {
    let found = kassa_app::find_returnable(state.inner(), of).await?;
    let mut remote = state.remote();
    if let Some(sale) = &found.remote_sale {
        remote
            .sales
            .insert(sale.sale.receipt_no.clone(), sale.clone());
    }
    if let Some(order) = &found.remote_order {
        remote
            .orders
            .insert(order.order.order_no.to_uppercase(), order.clone());
    }
    drop(remote);
    Ok(ReturnLookup {
        returnable: found.returnable,
        remote_sale: found.remote_sale,
        remote_order: found.remote_order,
    })
}

#[tauri::command]
pub fn return_goods(
    state: State<'_, TillState>,
    mut request: ReturnRequest,
    approval: Option<Credentials>,
) -> Result<ReturnRecord, CommandError> {
    with_remote_from_head_office(&state, &mut request);
    let record = state.till().return_goods(&request, approval.as_ref())?;
    state.wake.notify_one();
    Ok(record)
}
