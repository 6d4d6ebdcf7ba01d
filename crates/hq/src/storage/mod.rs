//! Head office storage, behind a trait so another database can replace the embedded SQLite.
//!
//! The trait is typed (documents by [`DocId`], records by [`RecordKind`] as [`IndexedRecord`]s,
//! times as instants): how a value is laid out is the implementation's business. It is async and
//! takes `&self`, so an implementation may serve many requests at once from a pool of
//! connections (PostgreSQL next); the SQLite one runs its queries on blocking threads.

mod postgres;
mod record_json;
mod sqlite;
#[cfg(test)]
pub(crate) mod suite;

use crate::api_tokens::{AdminLogEntry, ApiToken};
use crate::console_users::{ConsoleSession, ConsoleUser, StoredConsoleUser};
use crate::error::HqError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kassa_domain::{Product, StaffMember};
use kassa_protocol::{StockAtStore, StoreInfo};
use kassa_replica::audit::AuditEntry;
use kassa_replica::ledger::{ResolutionRecord, ReturnRecord, SaleRecord, VoidRecord};
use kassa_replica::orders::{OrderCancellation, OrderRecord, PickupRecord};
use kassa_replica::shifts::{CashMovementRecord, ShiftClosed, ShiftOpened};
use kassa_replica::{DocId, Record, RecordKind};
use std::collections::BTreeMap;

pub use postgres::{PostgresStorage, DEFAULT_CONNECTIONS as DEFAULT_POSTGRES_CONNECTIONS};
pub use sqlite::SqliteStorage;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreRow {
    pub info: StoreInfo,
    pub stock_epoch: u32,
    pub epoch_opened_at: DateTime<Utc>,
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// Sales of one store, business day and channel (`till` or `web`), kept as sales arrive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailySales {
    pub store: String,
    pub business_day: String,
    pub channel: String,
    pub sales: i64,
    /// The sales' totals, in the store's minor units.
    pub total: i64,
}

/// How report figures are added up: by business day, by store, or over the whole period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureGrouping {
    Day,
    Store,
    /// One total per measure and key for the whole period (`group` is empty).
    Period,
}

/// Figures added up over a period, for one group (a day or a store), measure and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureTotal {
    pub group: String,
    pub measure: crate::daily_figures::Measure,
    pub key: String,
    pub count: i64,
    pub amount: i64,
}

/// What an indexed record adds to the daily figures (returns and shift closes add; the other
/// kinds add nothing).
pub(crate) fn figures_of_record(stored: &StoredRecord) -> Vec<crate::daily_figures::DailyFigure> {
    match &stored.record {
        IndexedRecord::Return(ret) => crate::daily_figures::of_return(&stored.store, ret),
        IndexedRecord::ShiftClose(close) => crate::daily_figures::of_shift_close(close),
        _ => Vec::new(),
    }
}

/// A web order counts as a sale of the web channel on the day head office took it (UTC):
/// (store, business day, total).
pub(crate) fn web_sale_of_record(stored: &StoredRecord) -> Option<(String, String, i64)> {
    match &stored.record {
        IndexedRecord::Order(order) => Some((
            order.store.clone(),
            order.created_at.as_str().chars().take(10).collect(),
            order.total.minor(),
        )),
        _ => None,
    }
}

/// A catalogue file uploaded in the console, waiting for its preview to be confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingImport {
    /// A random id: the confirmation names it, and only its uploader may confirm it.
    pub id: String,
    pub user_name: String,
    /// `kassa`, `shopify` or `square` (`kassa_domain::CatalogueFormat`).
    pub format: String,
    pub file: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

/// `text` as a LIKE pattern that matches it literally (its `%`, `_` and `\` escaped).
pub(crate) fn like_literal(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// How long an uploaded import waits for its confirmation.
pub const PENDING_IMPORT_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// A device to enroll with a one-time code (hashes only: the code and token are never stored).
#[derive(Clone, Debug)]
pub struct NewDevice {
    pub code_hash: String,
    pub token_hash: String,
    pub actor_id: String,
    /// The device's own public key (hex), checked to be a valid Ed25519 key.
    pub public_key: String,
    pub now: DateTime<Utc>,
    /// Codes made before this have expired.
    pub oldest: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: i64,
    pub store: String,
    pub till_no: u16,
    pub actor_id: String,
    /// Revoked (re-enrolled, or `kassa-hq revoke`): its token no longer works, and changes made
    /// with its actor that arrive afterwards are held.
    pub revoked: bool,
    /// Its certified Ed25519 public key (hex); `None` before it sent one.
    pub public_key: Option<String>,
}

/// What head office found in a sync and did not silently accept (see `sync_findings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    HeldChange,
    MisfiledSale,
    SaleTotal,
    /// A till's audit chain went back or forked (see `audit_anchors`).
    AuditChain,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::HeldChange => "held_change",
            FindingKind::MisfiledSale => "misfiled_sale",
            FindingKind::SaleTotal => "sale_total",
            FindingKind::AuditChain => "audit_chain",
        }
    }

    pub fn parse(text: &str) -> Option<FindingKind> {
        [
            FindingKind::HeldChange,
            FindingKind::MisfiledSale,
            FindingKind::SaleTotal,
            FindingKind::AuditChain,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// A finding as a sync writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFinding {
    pub kind: FindingKind,
    pub device_id: Option<i64>,
    pub doc_id: DocId,
    /// What it is about: the first held change's hash, or the sale's id.
    pub subject: String,
    pub detail: String,
    /// Held changes (Automerge change chunks, one after another).
    pub changes: Option<Vec<u8>>,
}

/// A finding as head office lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub id: i64,
    pub kind: FindingKind,
    pub store: String,
    pub device_id: Option<i64>,
    pub doc_id: String,
    pub subject: String,
    pub detail: String,
    /// How many bytes of changes are held.
    pub held_bytes: usize,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
}

/// A till's audit chain head as a sync announced it, kept under the authenticated device's till.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditAnchor {
    /// `{store}-{till}` of the device that synced.
    pub till: String,
    pub seq: i64,
    pub hash: String,
    pub device_id: i64,
}

/// A sale as head office files it: by the ledger it came in, not by what the record says.
#[derive(Clone, Debug)]
pub struct FiledSale {
    pub store: String,
    pub till_no: u16,
    pub record: SaleRecord,
}

/// A document's heads (hex change hashes), as storage keeps them beside its bytes.
pub type Heads = Vec<String>;

/// What a write does to a store's stock levels (sku -> on hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockLevelsWrite {
    /// Replaces them all: a new epoch, or a stock document read whole.
    All(BTreeMap<String, i64>),
    /// Sets these and leaves the others: what a sale or a count moved, so that a round costs
    /// what it changed, not what the store stocks.
    Changed(BTreeMap<String, i64>),
}

/// Everything one sync request (or one of head office's own changes) writes, in one
/// transaction.
#[derive(Debug)]
pub struct SyncWrite {
    pub store: String,
    pub now: DateTime<Utc>,
    pub documents: Vec<DocumentWrite>,
    pub states: Vec<SyncStateWrite>,
    pub sales: Vec<FiledSale>,
    pub voids: Vec<VoidRecord>,
    /// What this sync found (held changes, misfiled sales, totals that do not add up).
    pub findings: Vec<NewFinding>,
    /// The store's stock levels this write sets, if any.
    pub stock_levels: Option<StockLevelsWrite>,
    /// Each replaces the row for its (epoch, writer, sku).
    pub included: Vec<IncludedMovement>,
    /// Moves the store to this stock epoch.
    pub new_epoch: Option<u32>,
    /// Records to index (orders, cancellations, pickups, returns, resolutions, ...); storage
    /// ignores the ones it holds already.
    pub records: Vec<StoredRecord>,
    /// Records holding more than one value after a merge.
    pub conflicts: Vec<RecordConflict>,
    /// A web order taken in this write.
    pub intake: Option<OrderIntakeRow>,
    /// True when a till's sync made this write (it refreshes the store's "as of").
    pub from_store: bool,
    /// The till's audit chain head, kept when it is newer than the last one (see
    /// `audit_anchors`).
    pub audit_anchor: Option<AuditAnchor>,
    /// Heads the syncing device signed, checked already: each replaces the device's last for
    /// its document.
    pub signed_heads: Vec<(i64, kassa_protocol::SignedHeads)>,
    /// The syncing till's contact: kept as its last (with its report, when it sent one).
    pub contact: Option<TillContact>,
    /// A transfer between stores sent or received by this write.
    pub transfer: Option<TransferWrite>,
}

/// A transfer of one SKU from one store to another, as head office indexes it: sent (the
/// sender's stock went down), then received (the receiver's went up by what was counted on
/// arrival). The movements themselves are records in each store's head office ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRow {
    pub id: String,
    pub from_store: String,
    pub to_store: String,
    pub sku: String,
    pub sent: i64,
    pub note: Option<String>,
    pub sent_at: DateTime<Utc>,
    pub sent_by: String,
    pub received: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub received_by: Option<String>,
}

impl TransferRow {
    /// Received less sent, once received (negative: short); a transfer whose counts differ is
    /// flagged.
    pub fn difference(&self) -> Option<i64> {
        self.received.map(|r| r - self.sent)
    }
}

/// What a write does to the transfer index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferWrite {
    Sent(TransferRow),
    /// Refused as [`HqError::Conflict`] (and the whole write with it) when it was received
    /// already.
    Received {
        id: String,
        received: i64,
        at: DateTime<Utc>,
        by: String,
    },
}

/// A till's contact with head office, as a sync records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TillContact {
    pub device_id: i64,
    pub till_no: u16,
    pub report: Option<kassa_protocol::TillReport>,
}

/// A till's last contact as head office keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TillContactRow {
    pub device_id: i64,
    pub store: String,
    pub till_no: u16,
    pub last_seen_at: DateTime<Utc>,
    /// `None` for a till of a release before reports.
    pub report: Option<kassa_protocol::TillReport>,
}

impl SyncWrite {
    /// An empty write for `store` at `now`.
    pub fn new(store: &str, now: DateTime<Utc>) -> SyncWrite {
        SyncWrite {
            store: store.to_string(),
            now,
            documents: Vec::new(),
            states: Vec::new(),
            sales: Vec::new(),
            voids: Vec::new(),
            findings: Vec::new(),
            stock_levels: None,
            included: Vec::new(),
            new_epoch: None,
            records: Vec::new(),
            conflicts: Vec::new(),
            intake: None,
            from_store: false,
            audit_anchor: None,
            signed_heads: Vec::new(),
            contact: None,
            transfer: None,
        }
    }
}

/// What changed in a document since `expected_heads`, appended to it as one more chunk only if
/// storage still holds `expected_heads` (what the writer loaded; `None`: no such document yet,
/// and the chunk is the whole document). Otherwise the write is refused as
/// [`HqError::StaleDocument`] and nothing is written: a write never overwrites what its writer
/// did not see. A stored document is its chunks concatenated, in order.
#[derive(Debug)]
pub struct DocumentWrite {
    pub doc_id: DocId,
    pub chunk: Vec<u8>,
    pub heads: Heads,
    pub expected_heads: Option<Heads>,
}

/// Head office's side of its sync with one device over one document.
#[derive(Debug)]
pub struct SyncStateWrite {
    pub doc_id: DocId,
    pub device_id: i64,
    /// The encoded Automerge sync state.
    pub state: Vec<u8>,
}

/// How much of one writer's movements of a SKU in a closed stock epoch a later epoch includes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncludedMovement {
    pub epoch: u32,
    pub writer: String,
    pub sku: String,
    pub quantity: i64,
}

/// A record id holding more than one value in a document's map of `kind`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordConflict {
    pub doc_id: DocId,
    pub kind: RecordKind,
    pub record_id: String,
}

/// A SKU whose stock at a store is below zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NegativeStock {
    pub store: String,
    pub sku: String,
    pub on_hand: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderIntakeRow {
    pub external_id: String,
    pub order_id: String,
    pub pickup_code: String,
}

/// The order a web shop's external id was taken as, and its pickup code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenOrder {
    pub order_id: String,
    pub pickup_code: String,
}

/// A staff member as head office keeps them: the stores they may work in, and the staff list
/// version of their last change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffEntry {
    pub member: StaffMember,
    pub version: i64,
    /// Store codes, sorted.
    pub stores: Vec<String>,
}

/// A store's receipt signing key (hex secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreKey {
    pub store: String,
    pub secret: String,
}

macro_rules! indexed_records {
    ($($kind:ident($ty:ty)),* $(,)?) => {
        /// A record head office indexes beside the documents (sales and voids have tables of
        /// their own; head office's stock movements live in the stock document only).
        #[derive(Clone, Debug, PartialEq)]
        pub enum IndexedRecord {
            $($kind($ty),)*
        }

        impl IndexedRecord {
            pub fn kind(&self) -> RecordKind {
                match self {
                    $(IndexedRecord::$kind(_) => RecordKind::$kind,)*
                }
            }

            pub fn id(&self) -> &str {
                match self {
                    $(IndexedRecord::$kind(r) => r.id(),)*
                }
            }
        }

        $(impl Indexed for $ty {
            fn into_indexed(self) -> IndexedRecord {
                IndexedRecord::$kind(self)
            }

            fn from_indexed(record: IndexedRecord) -> Option<$ty> {
                match record {
                    IndexedRecord::$kind(r) => Some(r),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        })*
    };
}

indexed_records!(
    Order(OrderRecord),
    Cancellation(OrderCancellation),
    Pickup(PickupRecord),
    Return(ReturnRecord),
    Resolution(ResolutionRecord),
    Audit(AuditEntry),
    ShiftOpen(ShiftOpened),
    CashMovement(CashMovementRecord),
    ShiftClose(ShiftClosed),
);

/// A record type head office indexes: wraps into and out of [`IndexedRecord`].
pub trait Indexed: Record + Sized {
    fn into_indexed(self) -> IndexedRecord;
    fn from_indexed(record: IndexedRecord) -> Option<Self>;
}

/// An indexed record with the store it belongs to and what it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRecord {
    pub store: String,
    /// The key it is looked up by (an order's number, a return's sale, an audit entry's till).
    pub subject: Option<String>,
    pub record: IndexedRecord,
}

#[async_trait]
pub trait HqStorage: Send + Sync {
    /// Where the data is, for the operator (never a password).
    fn describe(&self) -> String;
    /// Answers when the database does (a load balancer's health check asks through it).
    async fn ping(&self) -> Result<(), HqError>;

    /// `Conflict` when the code is taken.
    async fn create_store(&self, store: &StoreInfo, now: DateTime<Utc>) -> Result<(), HqError>;
    async fn store(&self, code: &str) -> Result<Option<StoreRow>, HqError>;
    async fn stores(&self) -> Result<Vec<StoreRow>, HqError>;

    async fn add_enroll_code(
        &self,
        code_hash: &str,
        store: &str,
        till_no: u16,
        now: DateTime<Utc>,
    ) -> Result<(), HqError>;
    /// Trades a one-time code for a device, in one transaction: the code is taken (deleted),
    /// every earlier device of that till number is revoked, and the new device is added; if any
    /// step fails, nothing changes and the code stays usable. `None` when the code is unknown or
    /// was made before `oldest`.
    async fn enroll_device(&self, enrollment: NewDevice) -> Result<Option<(String, u16)>, HqError>;
    /// Gives the till's live device a new token (the old one stops working at once). `false`
    /// when the till has no live device.
    async fn rotate_device_token(
        &self,
        store: &str,
        till_no: u16,
        token_hash: &str,
    ) -> Result<bool, HqError>;
    /// A live device's token, by the hash of its current or (before the renewed one is first
    /// used) previous token; a request with the renewed token forgets the previous one.
    async fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, HqError>;
    /// A new public key (hex) for a live device (a till rotating its key); false if revoked.
    async fn set_device_key(&self, device_id: i64, public_key: &str) -> Result<bool, HqError>;

    /// The till renewing its own token: `new_hash` becomes current, and the token it was renewed
    /// with stays valid as the previous one until the new one is used. `false` when the device
    /// is revoked or the presented token is neither.
    async fn renew_device_token(
        &self,
        device_id: i64,
        presented_hash: &str,
        new_hash: &str,
    ) -> Result<bool, HqError>;
    async fn revoke_devices(&self, store: &str, till_no: u16) -> Result<usize, HqError>;
    /// Every device ever enrolled for the store (revoked ones too: their changes stay valid).
    async fn store_devices(&self, store: &str) -> Result<Vec<Device>, HqError>;

    /// Adds a token with the hash of its secret; `Conflict` when a live token has its name.
    async fn add_api_token(&self, token: &ApiToken, token_hash: &str) -> Result<(), HqError>;
    /// Every token, revoked ones too, by name and age.
    async fn api_tokens(&self) -> Result<Vec<ApiToken>, HqError>;
    /// Revokes the live token of that name; `false` when there is none.
    /// Adds a console user with the hash of their password; a name taken is a conflict.
    async fn add_console_user(
        &self,
        user: &ConsoleUser,
        password_hash: &str,
    ) -> Result<(), HqError>;
    async fn console_user(&self, name: &str) -> Result<Option<StoredConsoleUser>, HqError>;
    /// Every console user, by name.
    async fn console_users(&self) -> Result<Vec<ConsoleUser>, HqError>;
    /// Counts a wrong password for `name` (atomically, whichever node counts) and locks the name
    /// when it makes `LOCK_AFTER_FAILURES` in a row: when it is locked until, if it is.
    async fn console_sign_in_failed(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, HqError>;
    /// A right password: the count of wrong ones and any lock are cleared.
    async fn console_sign_in_succeeded(&self, name: &str) -> Result<(), HqError>;
    /// Keeps a new session, and drops every session that ended before it began.
    async fn add_console_session(&self, session: &ConsoleSession) -> Result<(), HqError>;
    /// The session with this token hash, if it has not ended by `now`.
    async fn console_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ConsoleSession>, HqError>;
    /// Ends a session (signing out): whether there was one.
    async fn end_console_session(&self, token_hash: &str) -> Result<bool, HqError>;
    /// Every store's sales per business day and channel from `from` to `to` (both included,
    /// `YYYY-MM-DD`), by day, store and channel.
    async fn daily_sales(&self, from: &str, to: &str) -> Result<Vec<DailySales>, HqError>;
    /// The daily figures from `from` to `to` (both included) of `stores` (every store when
    /// empty), added up by `by`.
    async fn figure_totals(
        &self,
        from: &str,
        to: &str,
        stores: &[String],
        by: FigureGrouping,
    ) -> Result<Vec<FigureTotal>, HqError>;
    /// Transfers from or to `stores` (every store when empty), newest first, at most `limit`.
    async fn transfers(&self, stores: &[String], limit: usize)
        -> Result<Vec<TransferRow>, HqError>;
    async fn transfer(&self, id: &str) -> Result<Option<TransferRow>, HqError>;
    /// Every till's last contact, by store and till.
    async fn till_contacts(&self) -> Result<Vec<TillContactRow>, HqError>;
    /// Keeps an uploaded import, and drops those older than [`PENDING_IMPORT_LIFETIME`].
    async fn add_pending_import(&self, pending: &PendingImport) -> Result<(), HqError>;
    /// The import with this id, if it was uploaded after `since`.
    async fn pending_import(
        &self,
        id: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<PendingImport>, HqError>;
    /// Drops an import (applied or abandoned): whether it was there. Two confirmations of one
    /// import race here, and only the one that drops it applies it.
    async fn end_pending_import(&self, id: &str) -> Result<bool, HqError>;
    /// Products whose SKU starts with `text` or whose name contains it (any case), by SKU.
    async fn search_catalogue(&self, text: &str, limit: usize) -> Result<Vec<Product>, HqError>;
    async fn revoke_api_token(&self, name: &str, now: DateTime<Utc>) -> Result<bool, HqError>;
    /// The live token with that hash.
    async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>, HqError>;
    async fn append_admin_log(&self, entry: &AdminLogEntry) -> Result<(), HqError>;
    /// The newest `limit` entries, newest first.
    async fn admin_log(&self, limit: usize) -> Result<Vec<AdminLogEntry>, HqError>;
    /// A digest of everything stored (every row of every table, in a fixed order): equal before
    /// and after a request means the request changed nothing.
    async fn content_digest(&self) -> Result<String, HqError>;
    /// The newest audit chain head anchored for a device, as (seq, hash).
    /// The heads each device of `store` signed last, per document: (till number, heads).
    async fn signed_heads(
        &self,
        store: &str,
    ) -> Result<Vec<(u16, kassa_protocol::SignedHeads)>, HqError>;
    async fn latest_audit_anchor(&self, device_id: i64) -> Result<Option<(i64, String)>, HqError>;
    /// The hash anchored for a device's audit entry `seq`, if that entry was ever its head.
    async fn audit_anchor_at(&self, device_id: i64, seq: i64) -> Result<Option<String>, HqError>;
    /// Every finding, newest first.
    async fn findings(&self) -> Result<Vec<Finding>, HqError>;
    /// The held changes of a finding.
    async fn finding_changes(&self, id: i64) -> Result<Option<(Finding, Vec<u8>)>, HqError>;
    /// Records a manager's decision on a held change; `false` when it was decided already.
    async fn decide_finding(
        &self,
        id: i64,
        decision: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, HqError>;

    async fn load_document(&self, doc_id: &DocId) -> Result<Option<Vec<u8>>, HqError>;
    /// The heads of a stored document, `None` if there is none.
    async fn stored_heads(&self, doc_id: &DocId) -> Result<Option<Heads>, HqError>;
    /// Every document of a store with its heads, by id.
    async fn document_heads(&self, store: &str) -> Result<Vec<(DocId, Heads)>, HqError>;
    /// The store's document cursor now, and its documents written after cursor `since` (every
    /// one for `None`, or for a cursor storage never gave: a database restored from a backup),
    /// by id. Each write of documents moves the cursor once, in its transaction, so a reader that
    /// got cursor `c` has been told of every document written up to `c`.
    async fn documents_changed_since(
        &self,
        store: &str,
        since: Option<i64>,
    ) -> Result<(i64, Vec<(DocId, Heads)>), HqError>;
    /// Size in bytes of a stored document (its chunks together).
    async fn document_size(&self, doc_id: &DocId) -> Result<Option<usize>, HqError>;
    /// Documents stored in at least `min_chunks` chunks, most chunks first, at most `limit`.
    async fn documents_to_compact(
        &self,
        min_chunks: usize,
        limit: usize,
    ) -> Result<Vec<DocId>, HqError>;
    /// Replaces a document's chunks with `whole` (the same document saved as one), if storage
    /// still holds `heads`; `false` (nothing changed) when a write came first.
    async fn compact_document(
        &self,
        doc_id: &DocId,
        heads: &Heads,
        whole: &[u8],
    ) -> Result<bool, HqError>;
    async fn load_sync_state(
        &self,
        doc_id: &DocId,
        device_id: i64,
    ) -> Result<Option<Vec<u8>>, HqError>;
    /// Writes everything or nothing; `StaleDocument` when a document's stored heads moved.
    async fn apply_sync(&self, write: SyncWrite) -> Result<(), HqError>;

    /// Stores products as a new catalogue version; returns the version.
    async fn put_catalogue(&self, products: &[Product]) -> Result<i64, HqError>;
    /// The current version and the products changed after `since`.
    async fn catalogue_since(&self, since: i64) -> Result<(i64, Vec<Product>), HqError>;
    async fn product(&self, sku: &str) -> Result<Option<Product>, HqError>;
    /// The store's receipt signing key, made from `new_key` if it has none yet.
    async fn receipt_key(&self, store: &str, new_key: &str) -> Result<String, HqError>;
    /// The key of every store that has one.
    async fn receipt_keys(&self) -> Result<Vec<StoreKey>, HqError>;
    /// Makes `new_key` the store's receipt key; the replaced key's public half stays trusted
    /// unless `distrust_old`, which also stops trusting every earlier one. `NotFound` for an
    /// unknown store.
    async fn rotate_receipt_key(
        &self,
        store: &str,
        new_key: &str,
        distrust_old: bool,
        now: DateTime<Utc>,
    ) -> Result<(), HqError>;
    /// Writes a consistent copy of everything to the new file `to` while requests go on, and
    /// checks the copy; returns its size in bytes. Never overwrites a file.
    async fn backup(&self, to: &std::path::Path) -> Result<u64, HqError>;
    /// Replaced keys still trusted for receipts printed under them: (store, public key).
    async fn retired_receipt_keys(&self) -> Result<Vec<(String, String)>, HqError>;

    /// Adds or changes a staff member as the next staff list version; returns the version.
    /// `stores` replaces the stores they may work in (`None` keeps them). `BadRequest` when an
    /// active namesake exists or a store is unknown.
    async fn put_staff(
        &self,
        member: &StaffMember,
        stores: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<i64, HqError>;
    /// What a till of `store` must learn after staff list version `since`: the people of that
    /// store changed since, and those who left it since (inactive, without a PIN hash). Never
    /// anyone who was not of that store. With the current staff list version.
    async fn staff_since(
        &self,
        store: &str,
        since: i64,
    ) -> Result<(i64, Vec<StaffMember>), HqError>;
    /// Everyone, by name.
    async fn staff(&self) -> Result<Vec<StaffEntry>, HqError>;
    /// A staff member by id, else by name (an active one first).
    async fn staff_member(&self, who: &str) -> Result<Option<StaffEntry>, HqError>;

    /// What a later epoch's baseline (and carried movements) include of `epoch`:
    /// writer -> sku -> quantity.
    async fn epoch_included(
        &self,
        store: &str,
        epoch: u32,
    ) -> Result<BTreeMap<String, BTreeMap<String, i64>>, HqError>;
    async fn stock_of(&self, sku: &str) -> Result<Vec<StockAtStore>, HqError>;
    async fn negative_stock(&self) -> Result<Vec<NegativeStock>, HqError>;

    async fn sales(
        &self,
        store: &str,
        business_day: chrono::NaiveDate,
    ) -> Result<(Vec<SaleRecord>, Vec<VoidRecord>), HqError>;
    /// A sale by receipt number, and whether it was voided.
    async fn sale_by_receipt(
        &self,
        receipt_no: &str,
    ) -> Result<Option<(SaleRecord, bool)>, HqError>;
    /// Every sale that took store credit.
    async fn credit_sales(&self) -> Result<Vec<SaleRecord>, HqError>;
    async fn all_voids(&self) -> Result<Vec<VoidRecord>, HqError>;
    /// The voids a rule can read: of sales something was returned against, or paid with store
    /// credit (a voided sale's credit is not spent). The other voids change no exception and no
    /// credit balance, and are most of them.
    async fn voids_that_matter(&self) -> Result<Vec<VoidRecord>, HqError>;

    /// The order a web order was taken as before under this external id (any case).
    async fn order_by_external_id(&self, external_id: &str) -> Result<Option<TakenOrder>, HqError>;
    /// Records of a kind, of one store or all, by id.
    async fn records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
    ) -> Result<Vec<IndexedRecord>, HqError>;
    /// Records of a kind about one subject (an order, a sale), by id.
    async fn records_about(
        &self,
        kind: RecordKind,
        subject: &str,
    ) -> Result<Vec<IndexedRecord>, HqError>;
    /// One record of a kind by its id.
    async fn record(&self, kind: RecordKind, id: &str) -> Result<Option<IndexedRecord>, HqError>;
    /// The newest `limit` records of a kind (by id: ids are UUIDv7, in the order they were made),
    /// of one store or all, newest first.
    async fn newest_records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
        limit: usize,
    ) -> Result<Vec<IndexedRecord>, HqError>;
    /// Orders a pickup names (the only ones the exception rules look at: an order nobody has
    /// handed over cannot be over-picked), of one store or all, by id.
    async fn picked_up_orders(&self, store: Option<&str>) -> Result<Vec<IndexedRecord>, HqError>;
    async fn conflicts(&self) -> Result<Vec<RecordConflict>, HqError>;
}

/// A web order's external id (in any case) taken already: a sync write carrying it again is
/// refused whole with this.
pub(crate) fn order_taken(external_id: &str) -> HqError {
    HqError::Conflict(format!("web order {external_id:?} was taken already"))
}

fn of_type<R: Indexed>(records: Vec<IndexedRecord>) -> Result<Vec<R>, HqError> {
    records
        .into_iter()
        .map(|r| {
            let kind = r.kind();
            R::from_indexed(r).ok_or_else(|| {
                HqError::Corrupt(format!(
                    "storage answered a {} for {}",
                    kind.as_str(),
                    R::KIND.as_str()
                ))
            })
        })
        .collect()
}

/// The typed face of the record index: records come back as their own types.
impl dyn HqStorage + '_ {
    pub async fn records_of<R: Indexed>(&self, store: Option<&str>) -> Result<Vec<R>, HqError> {
        of_type(self.records(R::KIND, store).await?)
    }

    /// The newest `limit` records of a type, newest first.
    pub async fn newest_records_of<R: Indexed>(
        &self,
        store: Option<&str>,
        limit: usize,
    ) -> Result<Vec<R>, HqError> {
        of_type(self.newest_records(R::KIND, store, limit).await?)
    }

    /// Orders some pickup names.
    pub async fn picked_up_orders_of(
        &self,
        store: Option<&str>,
    ) -> Result<Vec<kassa_replica::orders::OrderRecord>, HqError> {
        of_type(self.picked_up_orders(store).await?)
    }

    pub async fn records_about_of<R: Indexed>(&self, subject: &str) -> Result<Vec<R>, HqError> {
        of_type(self.records_about(R::KIND, subject).await?)
    }

    pub async fn record_of<R: Indexed>(&self, id: &str) -> Result<Option<R>, HqError> {
        Ok(of_type(self.record(R::KIND, id).await?.into_iter().collect())?.pop())
    }
}
