//! Returns: find what can be taken back (this store's sales locally, another store's at head
//! office when online), then refund it.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_store::{RemoteSale, ReturnOf, ReturnRecord, ReturnRequest, Returnable, StoreError};
use serde::Serialize;
use tauri::State;

#[derive(Debug, Serialize)]
pub struct ReturnLookup {
    pub returnable: Returnable,
    /// Head office's copy of another store's sale: the UI sends it back with the return.
    pub remote_sale: Option<RemoteSale>,
}

#[tauri::command]
pub async fn find_returnable(
    state: State<'_, TillState>,
    of: ReturnOf,
) -> Result<ReturnLookup, CommandError> {
    let local = state.till().returnable(&of, None);
    let device = match local {
        Ok(returnable) => {
            return Ok(ReturnLookup {
                returnable,
                remote_sale: None,
            })
        }
        Err(StoreError::Invalid(why)) if why.contains("head office") => state.till().device()?,
        Err(e) => return Err(e.into()),
    };
    let ReturnOf::Receipt { receipt_no } = &of else {
        return Err(CommandError::bad_input("nothing to look up"));
    };
    let remote = kassa_sync::lookup_sale(device, receipt_no).await?;
    let returnable = state.till().returnable(&of, Some(&remote))?;
    Ok(ReturnLookup {
        returnable,
        remote_sale: Some(remote),
    })
}

#[tauri::command]
pub fn return_goods(
    state: State<'_, TillState>,
    request: ReturnRequest,
) -> Result<ReturnRecord, CommandError> {
    let record = state.till().return_goods(&request)?;
    state.wake.notify_one();
    Ok(record)
}
