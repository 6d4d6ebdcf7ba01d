//! The till's storage: SQLite through rusqlite, and the [`Till`] service, the one API that every
//! front end (CLI, desktop app, tests) calls. Each command is one `BEGIN IMMEDIATE` transaction.

mod catalogue;
mod clock;
mod config;
mod database;
mod error;
mod migrations;
mod receipt;
mod report;
mod sale;
mod till;
mod void;

pub use catalogue::{CatalogItem, ImportSummary};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{StoreConfig, StoreSetup, TaxClass};
pub use error::StoreError;
pub use migrations::SCHEMA_VERSION;
pub use receipt::{Receipt, VoidInfo};
pub use report::{DayReport, TaxTotal, TenderTotal};
pub use sale::{LineRequest, SaleRequest, TenderRequest};
pub use till::Till;
pub use void::VoidRecord;
