//! What the app holds: the till the cashier sells on, and a second connection to the same
//! database for background sync, so a slow network never blocks the till.

use crate::error::CommandError;
use kassa_domain::Currency;
use kassa_store::{RemoteOrder, RemoteSale, Till};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Duration;

pub struct TillState {
    pub path: PathBuf,
    selling: Mutex<Till>,
    /// Opened on first use: the sync loop's own connection.
    pub syncing: tokio::sync::Mutex<Option<Till>>,
    /// Wakes the sync loop early ("sync now", or right after a sale).
    pub wake: tokio::sync::Notify,
    pub online_interval: Duration,
    pub max_backoff: Duration,
    /// Head office's answers about sales and orders this till does not hold, by number. A return
    /// is priced from these, never from a copy the web view sends back.
    pub remote: Mutex<RemoteLookups>,
    /// The receipt printer, from `KASSA_PRINTER` (device:PATH, tcp:HOST:9100 or file:PATH).
    pub printer: Option<String>,
}

#[derive(Default)]
pub struct RemoteLookups {
    pub sales: HashMap<String, RemoteSale>,
    pub orders: HashMap<String, RemoteOrder>,
}

/// `KASSA_DB`, as the CLI reads it, else the platform data directory.
pub fn database_path() -> PathBuf {
    if let Some(path) = std::env::var_os("KASSA_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let dir = dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("kassa");
    let _ = std::fs::create_dir_all(&dir);
    dir.join("till.db")
}

/// The store's currency, for messages that show money; set once the till is set up.
static STORE_CURRENCY: RwLock<Option<Currency>> = RwLock::new(None);

pub fn store_currency() -> Option<Currency> {
    STORE_CURRENCY
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// Reads the currency of a set-up till (after opening, setting up or enrolling).
pub fn remember_currency(till: &Till) {
    if let Ok(config) = till.config() {
        *STORE_CURRENCY
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(config.currency);
    }
}

fn seconds_from_env(name: &str, default: u64) -> Duration {
    let secs = std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|s| *s > 0)
        .unwrap_or(default);
    Duration::from_secs(secs)
}

impl TillState {
    pub fn open(path: &Path) -> Result<TillState, CommandError> {
        let till = Till::open(path)?;
        remember_currency(&till);
        Ok(TillState {
            path: path.to_path_buf(),
            selling: Mutex::new(till),
            syncing: tokio::sync::Mutex::new(None),
            wake: tokio::sync::Notify::new(),
            online_interval: seconds_from_env("KASSA_SYNC_INTERVAL_SECS", 5),
            max_backoff: seconds_from_env("KASSA_SYNC_MAX_BACKOFF_SECS", 60),
            remote: Mutex::new(RemoteLookups::default()),
            printer: std::env::var("KASSA_PRINTER")
                .ok()
                .filter(|p| !p.trim().is_empty()),
        })
    }

    pub fn remote(&self) -> MutexGuard<'_, RemoteLookups> {
        self.remote
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn till(&self) -> MutexGuard<'_, Till> {
        // A panic mid-command left nothing behind: its transaction rolled back and the command
        // context discarded the document changes it had made as the panic unwound (tested in
        // kassa-store), so the till is as it was before that command.
        self.selling
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The application layer's flows borrow the selling till one step at a time, never across a
/// request to head office.
impl kassa_app::TillAccess for TillState {
    fn with_till<R>(&self, step: impl FnOnce(&mut Till) -> R) -> R {
        step(&mut self.till())
    }
}
