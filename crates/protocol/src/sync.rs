use kassa_domain::{Product, StaffMember};
use serde::{Deserialize, Serialize};

/// One Automerge sync message for one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage {
    pub doc_id: String,
    #[serde(with = "crate::bytes")]
    pub message: Vec<u8>,
}

/// `POST /v1/sync`: the till's messages, and the catalogue version it has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub protocol: u32,
    pub docs: Vec<DocMessage>,
    pub catalogue_since: i64,
    /// The staff list version the till has (0: none). Absent from older tills.
    #[serde(default)]
    pub staff_since: i64,
    /// How many stores' receipt keys the till holds.
    #[serde(default)]
    pub receipt_keys_known: i64,
}

/// A store's public key for checking its receipt codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreKey {
    pub store: String,
    pub public_key: String,
}

/// Staff changed since the till's version: PINs as argon2 hashes only, so the till can check
/// them offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUpdate {
    pub version: i64,
    pub members: Vec<StaffMember>,
}

/// Products changed since the till's version (all of them when it had none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueUpdate {
    pub version: i64,
    pub products: Vec<Product>,
}

/// A document and its heads (hex change hashes, sorted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocHeads {
    pub doc_id: String,
    pub heads: Vec<String>,
}

/// Head office's answer: its messages, every document of the store it holds (so the till can
/// start syncing ones it lacks), the current stock epoch, and catalogue changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub protocol: u32,
    pub docs: Vec<DocMessage>,
    pub store_docs: Vec<DocHeads>,
    pub stock_epoch: u32,
    pub catalogue: Option<CatalogueUpdate>,
    #[serde(default)]
    pub staff: Option<StaffUpdate>,
    /// Every store's public receipt key, when the till holds a different number of them.
    #[serde(default)]
    pub receipt_keys: Option<Vec<StoreKey>>,
}
