//! The always-visible sync status, and "sync now".

use crate::error::CommandError;
use crate::state::TillState;
use crate::sync_loop;
use kassa_store::SyncStatus;
use kassa_sync::SyncReport;
use tauri::State;

#[tauri::command]
pub fn sync_status(state: State<'_, TillState>) -> Result<SyncStatus, CommandError> {
    Ok(state.till().sync_status()?)
}

#[tauri::command]
pub async fn sync_now(state: State<'_, TillState>) -> Result<SyncReport, CommandError> {
    match sync_loop::round(state.inner()).await {
        Some(result) => Ok(result?),
        None => Err(CommandError::bad_input(
            "this till runs stand-alone: enroll it with head office first",
        )),
    }
}
