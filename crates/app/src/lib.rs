//! The till's use cases, written once for both front ends (the `kassa` CLI and the desktop app):
//! each flow that needs more than one call to the till core, or head office as well, lives here.
//! A front end parses what the cashier typed, calls one function, and shows the answer or the
//! error's public form (`code`, `message`).
//!
//! Head office is asked over the network, so the flows are async, and they never hold the till
//! while they wait: [`TillAccess`] lends it for one synchronous step at a time (the desktop keeps
//! selling while a look-up is on its way).

mod credit;
mod returns;
mod sale;

pub use credit::{credit_balance, learn_remote_credit};
pub use returns::{find_returnable, read_scanned_receipt, ReturnLookup};
pub use sale::complete_sale;

use kassa_store::Till;
use std::sync::Mutex;

/// A flow fails as the till core or the head office client does: `SyncError` carries both
/// (`SyncError::Store` for the till's own refusals), each with its stable public code.
pub type AppError = kassa_sync::SyncError;

/// Lends the till to a flow for one synchronous step.
pub trait TillAccess {
    fn with_till<R>(&self, step: impl FnOnce(&mut Till) -> R) -> R;
}

impl TillAccess for Mutex<Till> {
    fn with_till<R>(&self, step: impl FnOnce(&mut Till) -> R) -> R {
        // A panic inside a command leaves the till consistent (its command context rolls the
        // database back and discards the documents it touched), so a poisoned lock is usable.
        let mut till = self.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        step(&mut till)
    }
}
