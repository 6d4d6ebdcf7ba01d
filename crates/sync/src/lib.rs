//! The till's link to head office: enrollment, one sync round ([`sync_once`]), and the pacing of
//! the background loop ([`Backoff`]). The only crate that speaks HTTP (reqwest).

mod backoff;
mod client;
mod compression;
mod enroll;
mod error;
mod lookups;
mod round;
mod trust;

pub use backoff::{with_jitter, Backoff};
pub use client::{HqClient, HqLink, MAX_ANSWER_BYTES};
pub use enroll::enroll;
pub use error::SyncError;
pub use lookups::{lookup_credit, lookup_order, lookup_sale, stock_elsewhere};
pub use round::{
    renew_device_key, renew_token, sync_once, sync_with, SyncReport, DEVICE_KEY_DAYS,
    TOKEN_RENEWAL_DAYS,
};
pub use trust::{check_address, client_config};
