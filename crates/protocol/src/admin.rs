use kassa_replica::ledger::{SaleRecord, VoidRecord};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxClassInfo {
    pub code: String,
    pub name: String,
    pub rate_bp: u32,
}

/// A store as head office defines it; a till enrolled to it takes these settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    pub code: String,
    pub name: String,
    pub currency: String,
    pub tax_mode: String,
    pub cash_increment: i64,
    pub tax_classes: Vec<TaxClassInfo>,
}

/// `POST /v1/admin/stores`
pub type CreateStore = StoreInfo;

/// `POST /v1/admin/stores/{store}/enroll-codes`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollCodeRequest {
    pub till_no: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollCode {
    pub store: String,
    pub till_no: u16,
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLine {
    pub sku: String,
    pub quantity: i64,
}

/// `POST /v1/admin/stores/{store}/stock/receipts` (goods received: quantities added) or
/// `.../stock/counts` (a count: quantities are what is on the shelf).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovementRequest {
    pub lines: Vec<StockLine>,
    #[serde(default)]
    pub note: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAtStore {
    pub store: String,
    pub on_hand: i64,
    /// When head office last heard from that store (RFC 3339), i.e. how fresh the figure is.
    pub as_of: Option<String>,
}

/// `GET /v1/stock/{sku}`
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAvailability {
    pub sku: String,
    pub stores: Vec<StockAtStore>,
}

/// `GET /v1/stores/{store}/sales?day=YYYY-MM-DD`: the records as the tills wrote them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesFeed {
    pub store: String,
    pub day: String,
    pub sales: Vec<SaleRecord>,
    pub voids: Vec<VoidRecord>,
}

/// `GET /v1/exceptions`: what merging revealed and a manager must look at, in every store.
pub type ExceptionEntry = kassa_replica::exceptions::Exception;

/// `POST /v1/exceptions/resolve`: a manager's note closing an exception (the id has slashes, so
/// it travels in the body).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveRequest {
    pub id: String,
    pub note: String,
    #[serde(default)]
    pub resolved_by: Option<String>,
}

/// `POST /v1/admin/findings/{id}/decision`: a manager accepts a held change (merged then) or
/// rejects it (held for good), under their name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingDecision {
    pub accept: bool,
    pub by: String,
}
