//! Staff at the till: who may sign in, signing in with a PIN, and locking the till.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_store::{Operator, StaffListing};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Serialize, TS)]
pub struct StaffState {
    /// The till has staff from head office: someone must be signed in to sell.
    pub sign_in_required: bool,
    pub staff: Vec<StaffListing>,
    pub operator: Option<Operator>,
}

#[tauri::command]
pub fn staff_state(state: State<'_, TillState>) -> Result<StaffState, CommandError> {
    let till = state.till();
    Ok(StaffState {
        sign_in_required: till.staff_required()?,
        staff: till.staff()?,
        operator: till.operator().cloned(),
    })
}

#[tauri::command]
pub fn sign_in(
    state: State<'_, TillState>,
    staff: String,
    pin: String,
) -> Result<Operator, CommandError> {
    Ok(state.till().sign_in(&staff, &pin)?)
}

/// Someone changes their own PIN (a supervisor's or manager's under 6 digits must, at its next
/// use); head office takes it at the next sync.
#[tauri::command]
pub fn change_pin(
    state: State<'_, TillState>,
    staff: String,
    old_pin: String,
    new_pin: String,
) -> Result<Operator, CommandError> {
    Ok(state.till().change_pin(&staff, &old_pin, &new_pin)?)
}

#[tauri::command]
pub fn lock_till(state: State<'_, TillState>) -> Result<(), CommandError> {
    Ok(state.till().lock()?)
}
