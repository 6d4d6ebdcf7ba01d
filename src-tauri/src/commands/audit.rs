//! The till's audit log for a manager: the newest entries and whether the chain holds.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_store::{AuditEntry, AuditReport};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Serialize, TS)]
pub struct AuditView {
    pub entries: Vec<AuditEntry>,
    pub check: AuditReport,
}

#[tauri::command]
pub fn audit_log(state: State<'_, TillState>, limit: u32) -> Result<AuditView, CommandError> {
    let till = state.till();
    Ok(AuditView {
        entries: till.audit_log(limit.clamp(1, 500))?,
        check: till.verify_audit()?,
    })
}
