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
    /// The newest entry of the till's audit chain (none while it is empty): head office anchors
    /// it, and flags a chain that later goes back or forks.
    #[serde(default)]
    pub audit_head: Option<AuditHead>,
    /// The till's entry at the number head office anchored last (`hash` empty when the till no
    /// longer has it): proof that the history head office saw is still the till's history.
    #[serde(default)]
    pub audit_at_anchor: Option<AuditHead>,
    /// PINs changed at the till (a short approver PIN, at its next use), at most
    /// [`MAX_PIN_CHANGES_PER_SYNC`]; only hashes.
    #[serde(default)]
    pub pin_changes: Vec<kassa_domain::staff::PinChange>,
}

/// More PIN changes than a store's staff make between two syncs; head office refuses the rest.
pub const MAX_PIN_CHANGES_PER_SYNC: usize = 64;

/// A till's audit chain head: its newest entry's sequence number and hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
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
    /// The newest audit entry number head office has anchored for this till: the till proves
    /// it still holds that entry, unchanged, in its next sync.
    #[serde(default)]
    pub audit_anchor: Option<i64>,
    /// The staff ids of the request's PIN changes head office refused (the till puts back the
    /// PIN it replaced); the others were taken, and show in `staff`.
    #[serde(default)]
    pub pin_changes_refused: Vec<String>,
}
