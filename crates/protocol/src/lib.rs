//! What tills and head office say to each other over HTTP, as JSON, or for sync as CBOR when
//! both ends say they read it ([`wire`]). In JSON, binary payloads (Automerge sync messages)
//! travel base64-encoded. Every body carries the protocol version it speaks.

mod admin;
mod bytes;
mod cert_pin;
mod enroll;
mod error_body;
mod orders;
mod staff;
mod sync;
pub mod wire;

pub use admin::{
    CreateStore, EnrollCode, EnrollCodeRequest, ExceptionEntry, FindingDecision, ResolveRequest,
    SalesFeed, StockAtStore, StockAvailability, StockLine, StockMovementRequest, StoreInfo,
    TaxClassInfo,
};
pub use cert_pin::{CertPin, EnrollmentCode, MAX_ENROLLMENT_CODE_CHARS};
pub use enroll::{
    DeviceCertificate, DeviceKeyRequest, EnrollRequest, EnrollResponse, RenewedToken,
};
pub use error_body::ErrorBody;
pub use kassa_replica::ledger::{CreditBalance, RemoteSale};
pub use kassa_replica::orders::RemoteOrder;
pub use orders::{CancelOrderRequest, OrderAccepted, OrderIntake, OrderIntakeLine, OrderSummary};
pub use staff::{NewStaff, SetActive, SetPin, SetStores, StaffSummary};
pub use sync::{
    receipt_keys_digest, AuditHead, CatalogueUpdate, DocHeads, DocMessage, SignedHeads,
    StaffUpdate, StoreKey, SyncRequest, SyncResponse, TillReport, MAX_PIN_CHANGES_PER_SYNC,
    MAX_VERSION_CHARS,
};

/// The protocol version this code speaks. Head office also answers requests of the version
/// before ([`OLDEST_PROTOCOL_VERSION`]), so that during a rolling upgrade nodes and tills one
/// version apart keep working; a till speaks the lower of its own version and the one head
/// office last answered with. Anything else is refused with a clear error.
///
/// 2: the document cursor (`SyncRequest::docs_since`, `SyncResponse::docs_cursor`).
pub const PROTOCOL_VERSION: u32 = 2;

/// The oldest protocol version head office still answers.
pub const OLDEST_PROTOCOL_VERSION: u32 = 1;

/// Largest request body head office accepts on `/v1/sync`.
pub const MAX_SYNC_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Most documents in one sync request.
pub const MAX_DOCS_PER_BATCH: usize = 512;

/// Largest single sync message (decoded).
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024 * 1024;
