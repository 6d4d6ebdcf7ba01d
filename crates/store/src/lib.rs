//! The till's storage: SQLite through rusqlite, and the [`Till`] service, the one API that every
//! front end (CLI, desktop app, tests) calls. Each command is one `BEGIN IMMEDIATE` transaction.

mod attempts;
mod audit;
mod catalogue;
mod clock;
mod command;
mod config;
mod credit;
mod database;
mod device_key;
mod doc_heads;
mod error;
mod inbox;
mod migrations;
mod orders;
mod pin_change;
mod projection;
mod queued_sales;
mod receipt;
mod receipt_keys;
mod receipt_print;
mod report;
mod returns;
mod sale;
mod shift;
mod staff;
mod till;
mod till_sync;
mod verify;
mod void;

pub use audit::AuditReport;
pub use catalogue::{CatalogItem, ImportSummary};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{StoreConfig, StoreSetup, TaxClass};
pub use credit::CreditBalance;
pub use device_key::{NewDeviceKey, SignedHeads};
pub use doc_heads::Announcement;
pub use kassa_replica::audit::{AuditEntry, Break};
pub use receipt_keys::TrustedKey;

pub use error::{ErrorCode, PublicError, StoreError};
pub use kassa_domain::receipt_code::ReceiptCode;
pub use kassa_replica::exceptions::Exception;
pub use kassa_replica::ledger::{
    RemoteSale, ResolutionRecord, ReturnRecord, SaleRecord, StaffRef, VoidRecord,
};
pub use kassa_replica::orders::{OrderRecord, PickupRecord, RemoteOrder};

pub use migrations::SCHEMA_VERSION;
pub use orders::{
    order_number, OrderLineView, OrderStatus, OrderView, PickupLineRequest, PickupRequest,
    StockPosition, ORDER_QR_PREFIX,
};

pub use receipt::{Receipt, VoidInfo};
pub use report::{DayReport, TaxTotal, TenderTotal};
pub use returns::{
    RefundMethod, ReturnLineRequest, ReturnOf, ReturnRequest, Returnable, ReturnableLine,
};

pub use kassa_replica::shifts::{
    CashDirection, CashMovementRecord, ShiftClosed, ShiftOpened, TenderAmount,
};
pub use sale::{LineRequest, SaleRequest, TenderRequest};
pub use shift::{ReportKind, ShiftReport};
pub use staff::{Credentials, Operator, StaffListing};
pub use till::Till;
pub use till_sync::{CatalogueSkip, DeviceInfo, SyncStatus};
pub use verify::VerifyReport;
