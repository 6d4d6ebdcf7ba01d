//! The store's exceptions inbox and a manager's resolutions.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_store::{Credentials, Exception, ResolutionRecord};
use tauri::State;

#[tauri::command]
pub fn exceptions(state: State<'_, TillState>) -> Result<Vec<Exception>, CommandError> {
    Ok(state.till().exceptions()?)
}

#[tauri::command]
pub fn resolve_exception(
    state: State<'_, TillState>,
    id: String,
    note: String,
    resolved_by: Option<String>,
    approval: Option<Credentials>,
) -> Result<ResolutionRecord, CommandError> {
    let record =
        state
            .till()
            .resolve_exception(&id, &note, resolved_by.as_deref(), approval.as_ref())?;
    state.wake.notify_one();
    Ok(record)
}
