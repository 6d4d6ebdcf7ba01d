//! First run: enroll with head office, or set up stand-alone; and what the UI needs to start.

use crate::error::CommandError;
use crate::state::TillState;
use kassa_domain::{Currency, TaxMode, TaxRate};
use kassa_store::{StoreConfig, StoreError, StoreSetup, SyncStatus, TaxClass, Till};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Serialize, TS)]
pub struct AppInfo {
    /// `None` until the till is set up (first run).
    pub config: Option<StoreConfig>,
    pub status: Option<SyncStatus>,
    pub database: String,
    pub last_receipt_no: Option<String>,
}

#[tauri::command]
pub fn app_info(state: State<'_, TillState>) -> Result<AppInfo, CommandError> {
    let till = state.till();
    let config = match till.config() {
        Ok(config) => Some(config),
        Err(StoreError::NotInitialized) => None,
        Err(e) => return Err(e.into()),
    };
    let (status, last_receipt_no) = match config {
        Some(_) => (Some(till.sync_status()?), till.last_receipt_no()?),
        None => (None, None),
    };
    Ok(AppInfo {
        config,
        status,
        database: state.path.display().to_string(),
        last_receipt_no,
    })
}

#[tauri::command]
pub async fn enroll_till(
    state: State<'_, TillState>,
    hq_url: String,
    code: String,
) -> Result<StoreConfig, CommandError> {
    // Enrollment talks to head office: do it on a connection of its own, not the selling one.
    let mut till = Till::open(&state.path)?;
    kassa_sync::enroll(&mut till, hq_url.trim(), code.trim()).await?;
    let config = till.config()?;
    crate::state::remember_currency(&till);
    state.wake.notify_one();
    Ok(config)
}

#[tauri::command]
pub fn set_up_standalone(
    state: State<'_, TillState>,
    store_code: String,
    till_no: u16,
    currency: String,
    tax_mode: String,
) -> Result<StoreConfig, CommandError> {
    let currency =
        Currency::from_iso(currency.trim()).map_err(|e| CommandError::bad_input(e.to_string()))?;
    let tax_mode = TaxMode::parse(tax_mode.trim())
        .ok_or_else(|| CommandError::bad_input("tax mode must be inclusive or exclusive"))?;
    let class = |code: &str, bp| TaxClass {
        code: code.into(),
        name: code.into(),
        rate: TaxRate::from_basis_points(bp).expect("valid rate"),
    };
    let setup = StoreSetup {
        store_code: store_code.trim().to_uppercase(),
        till_no,
        currency,
        tax_mode,
        cash_increment: 1,
        tax_classes: vec![
            class("standard", 2100),
            class("reduced", 900),
            class("zero", 0),
        ],
    };
    let mut till = state.till();
    let config = till.init(&setup)?;
    crate::state::remember_currency(&till);
    Ok(config)
}
