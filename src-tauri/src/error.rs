//! What the UI gets when a command fails: the core's public error, `{ code, message }`. The UI
//! branches on `code` only (see `kassa_store::ErrorCode`); the message is for people, with money
//! in the store's currency.

use kassa_store::{ErrorCode, PublicError, StoreError};
use kassa_sync::SyncError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn bad_input(message: impl Into<String>) -> CommandError {
        CommandError {
            code: ErrorCode::BadInput,
            message: message.into(),
        }
    }

    /// The error as the till explains it: money in the store's currency when it is set up.
    pub fn explained(public: PublicError) -> CommandError {
        CommandError {
            code: public.code,
            message: public.message,
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> CommandError {
        CommandError::explained(e.public(crate::state::store_currency().as_ref()))
    }
}

impl From<SyncError> for CommandError {
    fn from(e: SyncError) -> CommandError {
        CommandError::explained(e.public(crate::state::store_currency().as_ref()))
    }
}
