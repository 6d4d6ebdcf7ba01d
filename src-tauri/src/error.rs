//! What the UI gets when a command fails: a small `{ code, message }`.

use kassa_store::StoreError;
use kassa_sync::SyncError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    /// `bad_input`, `not_found`, `needs_approval`, `not_permitted`, `sign_in_required`,
    /// `wrong_pin`, `not_set_up`, `offline`, `refused` or `internal`.
    pub code: &'static str,
    pub message: String,
}

impl CommandError {
    pub fn bad_input(message: impl Into<String>) -> CommandError {
        CommandError {
            code: "bad_input",
            message: message.into(),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> CommandError {
        let code = match &e {
            StoreError::UnknownItem(_)
            | StoreError::SaleNotFound(_)
            | StoreError::OrderNotFound(_)
            | StoreError::ExceptionNotFound(_) => "not_found",
            StoreError::NeedsApproval(_) | StoreError::ApprovalRequired { .. } => "needs_approval",
            StoreError::NotPermitted { .. } => "not_permitted",
            StoreError::SignInRequired | StoreError::StaffInactive(_) => "sign_in_required",
            StoreError::NoOpenShift => "no_shift",
            StoreError::WrongPin { .. }
            | StoreError::PinLocked { .. }
            | StoreError::UnknownStaff(_) => "wrong_pin",
            StoreError::NotInitialized => "not_set_up",
            e if e.is_bad_input() => "bad_input",
            _ => "internal",
        };
        CommandError {
            code,
            message: e.to_string(),
        }
    }
}

impl From<SyncError> for CommandError {
    fn from(e: SyncError) -> CommandError {
        let code = match &e {
            SyncError::Offline(_) => "offline",
            SyncError::Rejected { .. } => "refused",
            e if e.is_bad_input() => "bad_input",
            _ => "internal",
        };
        CommandError {
            code,
            message: e.to_string(),
        }
    }
}
