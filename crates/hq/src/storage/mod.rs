//! Head office storage, behind a trait so another database can replace the embedded SQLite.

mod sqlite;

use crate::error::HqError;
use kassa_domain::{Product, StaffMember};
use kassa_protocol::{StockAtStore, StoreInfo};
use kassa_replica::ledger::{SaleRecord, VoidRecord};
use std::collections::BTreeMap;

pub use sqlite::SqliteStorage;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreRow {
    pub info: StoreInfo,
    pub stock_epoch: u32,
    pub epoch_opened_at: String,
    pub last_sync_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: i64,
    pub store: String,
    pub till_no: u16,
    pub actor_id: String,
}

/// Everything one sync request changes, written in one transaction.
#[derive(Debug, Default)]
pub struct SyncWrite {
    pub store: String,
    pub now: String,
    pub documents: Vec<DocumentWrite>,
    /// (doc id, peer, encoded sync state)
    pub states: Vec<(String, String, Vec<u8>)>,
    pub sales: Vec<SaleRecord>,
    pub voids: Vec<VoidRecord>,
    /// Replaces the store's stock levels when present.
    pub stock_levels: Option<BTreeMap<String, i64>>,
    /// (old epoch, writer, sku, quantity now included in a later epoch): replaces the row.
    pub included: Vec<(u32, String, String, i64)>,
    /// Moves the store to this stock epoch.
    pub new_epoch: Option<u32>,
    /// Records to project (orders, cancellations, pickups, returns, resolutions).
    pub records: Vec<StoredRecord>,
    /// (doc id, map, record id) holding more than one value.
    pub conflicts: Vec<(String, String, String)>,
    /// A web order taken in this write.
    pub intake: Option<OrderIntakeRow>,
    /// True when a till's sync made this write (it refreshes the store's "as of").
    pub from_store: bool,
}

/// A document's new full bytes, written only if storage still holds `expected_heads` (what the
/// writer loaded; `None`: no such document yet). Otherwise the write is refused as
/// [`HqError::StaleDocument`] and nothing is written: a write never overwrites what its writer
/// did not see.
#[derive(Debug)]
pub struct DocumentWrite {
    pub doc_id: String,
    pub bytes: Vec<u8>,
    pub heads: Vec<String>,
    pub expected_heads: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    pub id: String,
    pub kind: &'static str,
    pub store: String,
    pub subject: Option<String>,
    pub json: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderIntakeRow {
    pub external_id: String,
    pub order_id: String,
    pub pickup_code: String,
}

pub trait HqStorage: Send {
    fn create_store(&mut self, store: &StoreInfo, now: &str) -> Result<(), HqError>;
    fn store(&self, code: &str) -> Result<Option<StoreRow>, HqError>;
    fn stores(&self) -> Result<Vec<StoreRow>, HqError>;

    fn add_enroll_code(
        &mut self,
        code_hash: &str,
        store: &str,
        till_no: u16,
        now: &str,
    ) -> Result<(), HqError>;
    /// Takes a one-time code: returns its (store, till) and deletes it, or `None` if unknown.
    fn take_enroll_code(&mut self, code_hash: &str) -> Result<Option<(String, u16)>, HqError>;
    fn add_device(
        &mut self,
        token_hash: &str,
        store: &str,
        till_no: u16,
        actor_id: &str,
        now: &str,
    ) -> Result<(), HqError>;
    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, HqError>;
    fn revoke_devices(&mut self, store: &str, till_no: u16) -> Result<usize, HqError>;
    /// Every actor ever enrolled for the store: (till number, actor id hex).
    fn store_actors(&self, store: &str) -> Result<Vec<(u16, String)>, HqError>;

    fn load_document(&self, doc_id: &str) -> Result<Option<Vec<u8>>, HqError>;
    /// The heads of a stored document, `None` if there is none.
    fn stored_heads(&self, doc_id: &str) -> Result<Option<Vec<String>>, HqError>;
    /// (doc id, heads) of every document of a store.
    fn document_heads(&self, store: &str) -> Result<Vec<(String, Vec<String>)>, HqError>;
    fn load_sync_state(&self, doc_id: &str, peer: &str) -> Result<Option<Vec<u8>>, HqError>;
    fn apply_sync(&mut self, write: SyncWrite) -> Result<(), HqError>;

    /// Stores products as a new catalogue version; returns the version.
    fn put_catalogue(&mut self, products: &[Product]) -> Result<i64, HqError>;
    /// The current version and the products changed after `since`.
    fn catalogue_since(&self, since: i64) -> Result<(i64, Vec<Product>), HqError>;
    /// The store's receipt signing key, made from `new_key` if it has none yet.
    fn receipt_key(&mut self, store: &str, new_key: &str) -> Result<String, HqError>;
    /// (store, secret key) of every store that has one.
    fn receipt_keys(&self) -> Result<Vec<(String, String)>, HqError>;
    /// Adds or changes a staff member as the next staff list version; returns the version.
    /// `BadRequest` when an active namesake exists.
    fn put_staff(&mut self, member: &StaffMember, now: &str) -> Result<i64, HqError>;
    /// Staff changed after `since`, and the current staff list version.
    fn staff_since(&self, since: i64) -> Result<(i64, Vec<StaffMember>), HqError>;
    /// Everyone, with the version of their last change, by name.
    fn staff(&self) -> Result<Vec<(StaffMember, i64)>, HqError>;
    /// A staff member by id, else by name (an active one first).
    fn staff_member(&self, who: &str) -> Result<Option<StaffMember>, HqError>;
    fn product(&self, sku: &str) -> Result<Option<Product>, HqError>;

    /// What a later epoch's baseline (and carried movements) include of `epoch`: writer -> sku -> qty.
    fn epoch_included(
        &self,
        store: &str,
        epoch: u32,
    ) -> Result<BTreeMap<String, BTreeMap<String, i64>>, HqError>;
    /// Size in bytes of a stored document.
    fn document_size(&self, doc_id: &str) -> Result<Option<usize>, HqError>;

    fn sales(&self, store: &str, day: &str) -> Result<(Vec<SaleRecord>, Vec<VoidRecord>), HqError>;
    fn stock_of(&self, sku: &str) -> Result<Vec<StockAtStore>, HqError>;
    fn negative_stock(&self) -> Result<Vec<(String, String, i64)>, HqError>;

    /// (order id, pickup code) of a web order taken before under this external id.
    fn order_by_external_id(&self, external_id: &str) -> Result<Option<(String, String)>, HqError>;
    /// Records of a kind as JSON, of one store or all.
    fn records(&self, kind: &str, store: Option<&str>) -> Result<Vec<String>, HqError>;
    /// Records of a kind about one subject (an order, a sale).
    fn records_about(&self, kind: &str, subject: &str) -> Result<Vec<String>, HqError>;
    /// One record of a kind by its id.
    fn record(&self, kind: &str, id: &str) -> Result<Option<String>, HqError>;
    fn conflicts(&self) -> Result<Vec<(String, String, String)>, HqError>;
    /// A sale by receipt number, and whether it was voided.
    fn sale_by_receipt(&self, receipt_no: &str) -> Result<Option<(SaleRecord, bool)>, HqError>;
    /// Every sale that took store credit, and every void.
    fn credit_sales(&self) -> Result<Vec<SaleRecord>, HqError>;
    fn all_voids(&self) -> Result<Vec<VoidRecord>, HqError>;
}
