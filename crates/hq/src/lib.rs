//! Kassa head office: owns stores, tills and the catalogue; merges with tills over HTTP; keeps the
//! sales and stock of every store. [`Hq`] is the service (used by the HTTP API and by the admin
//! subcommands of the binary); [`serve`] runs the API on a listener.

pub mod admin;
pub mod api_tokens;
mod audit;
mod audit_anchor;
mod catalogue;
pub mod catalogue_import;
mod compaction;
mod console;
pub mod console_users;
pub mod daily_figures;
pub mod demo_history;
mod device_keys;
mod doc_cache;
mod epochs;
mod error;
mod held;
mod hq;
mod http;
mod inbox;
pub mod listener;
mod lookup;
mod metrics;
mod orders;
mod pickup_codes;
mod pin_changes;
mod projection;
pub mod rate_limit;
mod receipt_keys_read;
pub mod reports;
mod shifts;
mod staff;
mod staff_scope;
mod stock;
pub mod storage;
mod sync;
#[doc(hidden)]
pub mod testing;
pub mod tls;
pub mod tokens;
pub mod transfers;
mod verified_heads;
pub mod viewer;

pub use audit::AuditCheck;
pub use compaction::COMPACT_AT_CHUNKS;
pub use doc_cache::DEFAULT_CACHE_BYTES;
pub use epochs::{EPOCH_MAX_AGE_DAYS, EPOCH_MAX_BYTES};
pub use error::HqError;
pub use hq::Hq;
pub use http::{router, router_with, serve, serve_tls, serve_with, ServeOptions};
pub use orders::{qr_payload, DEFAULT_HOLD_DAYS};
pub use shifts::ShiftSummary;
pub use stock::{MovementKind, StockMovementRecord};
