//! The embedded default: SQLite in the data directory, behind a small pool of connections whose
//! queries run on tokio's blocking threads (SQLite calls block; the server's threads must not).

mod catalogue_queries;
mod pool;
mod queries;
mod report_queries;

use super::{
    DailySales, Device, FigureGrouping, FigureTotal, Finding, Heads, HqStorage, IndexedRecord,
    NegativeStock, NewDevice, PendingImport, RecordConflict, StaffEntry, StoreKey, StoreRow,
    SyncWrite, TakenOrder, TillContactRow, TransferRow,
};
use crate::api_tokens::{AdminLogEntry, ApiToken};
use crate::console_users::{ConsoleSession, ConsoleUser, StoredConsoleUser};
use crate::error::HqError;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use kassa_domain::{Product, StaffMember};
use kassa_protocol::{StockAtStore, StoreInfo};
use kassa_replica::ledger::{SaleRecord, VoidRecord};
use kassa_replica::{DocId, RecordKind};
use pool::Pool;
use queries::Db;
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;

/// Connections to a database file: WAL lets readers run beside the one writer, and more than
/// the machine's cores would only queue inside SQLite.
const FILE_CONNECTIONS: usize = 4;

pub struct SqliteStorage {
    pool: Pool,
    /// The database file, or `:memory:`.
    path: String,
}

impl SqliteStorage {
    /// Opens (creating and migrating) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStorage, HqError> {
        let first = Db::prepare(Connection::open(path)?, &path.display().to_string())?;
        let mut connections = vec![first];
        for _ in 1..FILE_CONNECTIONS {
            connections.push(Db::connect(Connection::open(path)?)?);
        }
        Ok(SqliteStorage {
            pool: Pool::new(connections),
            path: path.display().to_string(),
        })
    }

    /// A database that lives as long as this value: one connection, since every in-memory
    /// connection is a database of its own.
    pub fn open_in_memory() -> Result<SqliteStorage, HqError> {
        Ok(SqliteStorage {
            pool: Pool::new(vec![Db::prepare(
                Connection::open_in_memory()?,
                ":memory:",
            )?]),
            path: ":memory:".into(),
        })
    }
}

#[async_trait]
impl HqStorage for SqliteStorage {
    fn describe(&self) -> String {
        format!("SQLite database {}", self.path)
    }

    async fn ping(&self) -> Result<(), HqError> {
        self.pool.run(|db| db.ping()).await
    }

    async fn create_store(&self, store: &StoreInfo, now: DateTime<Utc>) -> Result<(), HqError> {
        let store = store.clone();
        self.pool.run(move |db| db.create_store(&store, now)).await
    }

    async fn store(&self, code: &str) -> Result<Option<StoreRow>, HqError> {
        let code = code.to_string();
        self.pool.run(move |db| db.store(&code)).await
    }

    async fn stores(&self) -> Result<Vec<StoreRow>, HqError> {
        self.pool.run(|db| db.stores()).await
    }

    async fn add_enroll_code(
        &self,
        code_hash: &str,
        store: &str,
        till_no: u16,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        let (code_hash, store) = (code_hash.to_string(), store.to_string());
        self.pool
            .run(move |db| db.add_enroll_code(&code_hash, &store, till_no, now))
            .await
    }

    async fn enroll_device(&self, enrollment: NewDevice) -> Result<Option<(String, u16)>, HqError> {
        self.pool.run(move |db| db.enroll_device(&enrollment)).await
    }

    async fn rotate_device_token(
        &self,
        store: &str,
        till_no: u16,
        token_hash: &str,
    ) -> Result<bool, HqError> {
        let (store, token_hash) = (store.to_string(), token_hash.to_string());
        self.pool
            .run(move |db| db.rotate_device_token(&store, till_no, &token_hash))
            .await
    }

    async fn set_device_key(&self, device_id: i64, public_key: &str) -> Result<bool, HqError> {
        let public_key = public_key.to_string();
        self.pool
            .run(move |db| db.set_device_key(device_id, &public_key))
            .await
    }

    async fn renew_device_token(
        &self,
        device_id: i64,
        presented_hash: &str,
        new_hash: &str,
    ) -> Result<bool, HqError> {
        let (presented, new) = (presented_hash.to_string(), new_hash.to_string());
        self.pool
            .run(move |db| db.renew_device_token(device_id, &presented, &new))
            .await
    }

    async fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, HqError> {
        let token_hash = token_hash.to_string();
        self.pool
            .run(move |db| db.device_by_token(&token_hash))
            .await
    }

    async fn revoke_devices(&self, store: &str, till_no: u16) -> Result<usize, HqError> {
        let store = store.to_string();
        self.pool
            .run(move |db| db.revoke_devices(&store, till_no))
            .await
    }

    async fn store_devices(&self, store: &str) -> Result<Vec<Device>, HqError> {
        let store = store.to_string();
        self.pool.run(move |db| db.store_devices(&store)).await
    }

    async fn add_api_token(&self, token: &ApiToken, token_hash: &str) -> Result<(), HqError> {
        let (token, token_hash) = (token.clone(), token_hash.to_string());
        self.pool
            .run(move |db| db.add_api_token(&token, &token_hash))
            .await
    }

    async fn api_tokens(&self) -> Result<Vec<ApiToken>, HqError> {
        self.pool.run(|db| db.api_tokens()).await
    }

    async fn add_console_user(
        &self,
        user: &ConsoleUser,
        password_hash: &str,
    ) -> Result<(), HqError> {
        let (user, password_hash) = (user.clone(), password_hash.to_string());
        self.pool
            .run(move |db| db.add_console_user(&user, &password_hash))
            .await
    }

    async fn console_user(&self, name: &str) -> Result<Option<StoredConsoleUser>, HqError> {
        let name = name.to_string();
        self.pool.run(move |db| db.console_user(&name)).await
    }

    async fn console_users(&self) -> Result<Vec<ConsoleUser>, HqError> {
        self.pool.run(|db| db.console_users()).await
    }

    async fn console_sign_in_failed(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, HqError> {
        let name = name.to_string();
        self.pool
            .run(move |db| db.console_sign_in_failed(&name, now))
            .await
    }

    async fn console_sign_in_succeeded(&self, name: &str) -> Result<(), HqError> {
        let name = name.to_string();
        self.pool
            .run(move |db| db.console_sign_in_succeeded(&name))
            .await
    }

    async fn add_console_session(&self, session: &ConsoleSession) -> Result<(), HqError> {
        let session = session.clone();
        self.pool
            .run(move |db| db.add_console_session(&session))
            .await
    }

    async fn console_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ConsoleSession>, HqError> {
        let token_hash = token_hash.to_string();
        self.pool
            .run(move |db| db.console_session(&token_hash, now))
            .await
    }

    async fn end_console_session(&self, token_hash: &str) -> Result<bool, HqError> {
        let token_hash = token_hash.to_string();
        self.pool
            .run(move |db| db.end_console_session(&token_hash))
            .await
    }

    async fn daily_sales(&self, from: &str, to: &str) -> Result<Vec<DailySales>, HqError> {
        let (from, to) = (from.to_string(), to.to_string());
        self.pool.run(move |db| db.daily_sales(&from, &to)).await
    }

    async fn figure_totals(
        &self,
        from: &str,
        to: &str,
        stores: &[String],
        by: FigureGrouping,
    ) -> Result<Vec<FigureTotal>, HqError> {
        let (from, to, stores) = (from.to_string(), to.to_string(), stores.to_vec());
        self.pool
            .run(move |db| db.figure_totals(&from, &to, &stores, by))
            .await
    }

    async fn transfers(
        &self,
        stores: &[String],
        limit: usize,
    ) -> Result<Vec<TransferRow>, HqError> {
        let stores = stores.to_vec();
        self.pool.run(move |db| db.transfers(&stores, limit)).await
    }

    async fn transfer(&self, id: &str) -> Result<Option<TransferRow>, HqError> {
        let id = id.to_string();
        self.pool.run(move |db| db.transfer(&id)).await
    }

    async fn till_contacts(&self) -> Result<Vec<TillContactRow>, HqError> {
        self.pool.run(|db| db.till_contacts()).await
    }

    async fn add_pending_import(&self, pending: &PendingImport) -> Result<(), HqError> {
        let pending = pending.clone();
        self.pool
            .run(move |db| db.add_pending_import(&pending))
            .await
    }

    async fn pending_import(
        &self,
        id: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<PendingImport>, HqError> {
        let id = id.to_string();
        self.pool.run(move |db| db.pending_import(&id, since)).await
    }

    async fn end_pending_import(&self, id: &str) -> Result<bool, HqError> {
        let id = id.to_string();
        self.pool.run(move |db| db.end_pending_import(&id)).await
    }

    async fn search_catalogue(&self, text: &str, limit: usize) -> Result<Vec<Product>, HqError> {
        let text = text.to_string();
        self.pool
            .run(move |db| db.search_catalogue(&text, limit))
            .await
    }

    async fn revoke_api_token(&self, name: &str, now: DateTime<Utc>) -> Result<bool, HqError> {
        let name = name.to_string();
        self.pool
            .run(move |db| db.revoke_api_token(&name, now))
            .await
    }

    async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>, HqError> {
        let token_hash = token_hash.to_string();
        self.pool
            .run(move |db| db.api_token_by_hash(&token_hash))
            .await
    }

    async fn append_admin_log(&self, entry: &AdminLogEntry) -> Result<(), HqError> {
        let entry = entry.clone();
        self.pool.run(move |db| db.append_admin_log(&entry)).await
    }

    async fn admin_log(&self, limit: usize) -> Result<Vec<AdminLogEntry>, HqError> {
        self.pool.run(move |db| db.admin_log(limit)).await
    }

    async fn content_digest(&self) -> Result<String, HqError> {
        self.pool.run(|db| db.content_digest()).await
    }

    async fn latest_audit_anchor(&self, device_id: i64) -> Result<Option<(i64, String)>, HqError> {
        self.pool
            .run(move |db| db.latest_audit_anchor(device_id))
            .await
    }

    async fn audit_anchor_at(&self, device_id: i64, seq: i64) -> Result<Option<String>, HqError> {
        self.pool
            .run(move |db| db.audit_anchor_at(device_id, seq))
            .await
    }

    async fn findings(&self) -> Result<Vec<Finding>, HqError> {
        self.pool.run(|db| db.findings()).await
    }

    async fn finding_changes(&self, id: i64) -> Result<Option<(Finding, Vec<u8>)>, HqError> {
        self.pool.run(move |db| db.finding_changes(id)).await
    }

    async fn decide_finding(
        &self,
        id: i64,
        decision: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, HqError> {
        let (decision, by) = (decision.to_string(), by.to_string());
        self.pool
            .run(move |db| db.decide_finding(id, &decision, &by, now))
            .await
    }

    async fn load_document(&self, doc_id: &DocId) -> Result<Option<Vec<u8>>, HqError> {
        let doc_id = doc_id.clone();
        self.pool.run(move |db| db.load_document(&doc_id)).await
    }

    async fn stored_heads(&self, doc_id: &DocId) -> Result<Option<Heads>, HqError> {
        let doc_id = doc_id.clone();
        self.pool.run(move |db| db.stored_heads(&doc_id)).await
    }

    async fn documents_to_compact(
        &self,
        min_chunks: usize,
        limit: usize,
    ) -> Result<Vec<DocId>, HqError> {
        self.pool
            .run(move |db| db.documents_to_compact(min_chunks, limit))
            .await
    }

    async fn compact_document(
        &self,
        doc_id: &DocId,
        heads: &Heads,
        whole: &[u8],
    ) -> Result<bool, HqError> {
        let (doc_id, heads, whole) = (doc_id.clone(), heads.clone(), whole.to_vec());
        self.pool
            .run(move |db| db.compact_document(&doc_id, &heads, &whole))
            .await
    }

    async fn documents_changed_since(
        &self,
        store: &str,
        since: Option<i64>,
    ) -> Result<(i64, Vec<(DocId, Heads)>), HqError> {
        let store = store.to_string();
        self.pool
            .run(move |db| db.documents_changed_since(&store, since))
            .await
    }

    async fn document_heads(&self, store: &str) -> Result<Vec<(DocId, Heads)>, HqError> {
        let store = store.to_string();
        self.pool.run(move |db| db.document_heads(&store)).await
    }

    async fn document_size(&self, doc_id: &DocId) -> Result<Option<usize>, HqError> {
        let doc_id = doc_id.clone();
        self.pool.run(move |db| db.document_size(&doc_id)).await
    }

    async fn load_sync_state(
        &self,
        doc_id: &DocId,
        device_id: i64,
    ) -> Result<Option<Vec<u8>>, HqError> {
        let doc_id = doc_id.clone();
        self.pool
            .run(move |db| db.load_sync_state(&doc_id, device_id))
            .await
    }

    async fn apply_sync(&self, write: SyncWrite) -> Result<(), HqError> {
        self.pool.run(move |db| db.apply_sync(write)).await
    }

    async fn put_catalogue(&self, products: &[Product]) -> Result<i64, HqError> {
        let products = products.to_vec();
        self.pool.run(move |db| db.put_catalogue(&products)).await
    }

    async fn catalogue_since(&self, since: i64) -> Result<(i64, Vec<Product>), HqError> {
        self.pool.run(move |db| db.catalogue_since(since)).await
    }

    async fn product(&self, sku: &str) -> Result<Option<Product>, HqError> {
        let sku = sku.to_string();
        self.pool.run(move |db| db.product(&sku)).await
    }

    async fn receipt_key(&self, store: &str, new_key: &str) -> Result<String, HqError> {
        let (store, new_key) = (store.to_string(), new_key.to_string());
        self.pool
            .run(move |db| db.receipt_key(&store, &new_key))
            .await
    }

    async fn receipt_keys(&self) -> Result<Vec<StoreKey>, HqError> {
        self.pool.run(|db| db.receipt_keys()).await
    }

    async fn rotate_receipt_key(
        &self,
        store: &str,
        new_key: &str,
        distrust_old: bool,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        let (store, new_key) = (store.to_string(), new_key.to_string());
        self.pool
            .run(move |db| db.rotate_receipt_key(&store, &new_key, distrust_old, now))
            .await
    }

    async fn signed_heads(
        &self,
        store: &str,
    ) -> Result<Vec<(u16, kassa_protocol::SignedHeads)>, HqError> {
        let store = store.to_string();
        self.pool.run(move |db| db.signed_heads(&store)).await
    }

    async fn backup(&self, to: &Path) -> Result<u64, HqError> {
        let to = to.to_path_buf();
        self.pool.run(move |db| db.backup(&to)).await
    }

    async fn retired_receipt_keys(&self) -> Result<Vec<(String, String)>, HqError> {
        self.pool.run(|db| db.retired_receipt_keys()).await
    }

    async fn put_staff(
        &self,
        member: &StaffMember,
        stores: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<i64, HqError> {
        let member = member.clone();
        let stores = stores.map(<[String]>::to_vec);
        self.pool
            .run(move |db| db.put_staff(&member, stores.as_deref(), now))
            .await
    }

    async fn staff_since(
        &self,
        store: &str,
        since: i64,
    ) -> Result<(i64, Vec<StaffMember>), HqError> {
        let store = store.to_string();
        self.pool.run(move |db| db.staff_since(&store, since)).await
    }

    async fn staff(&self) -> Result<Vec<StaffEntry>, HqError> {
        self.pool.run(|db| db.staff()).await
    }

    async fn staff_member(&self, who: &str) -> Result<Option<StaffEntry>, HqError> {
        let who = who.to_string();
        self.pool.run(move |db| db.staff_member(&who)).await
    }

    async fn epoch_included(
        &self,
        store: &str,
        epoch: u32,
    ) -> Result<BTreeMap<String, BTreeMap<String, i64>>, HqError> {
        let store = store.to_string();
        self.pool
            .run(move |db| db.epoch_included(&store, epoch))
            .await
    }

    async fn stock_of(&self, sku: &str) -> Result<Vec<StockAtStore>, HqError> {
        let sku = sku.to_string();
        self.pool.run(move |db| db.stock_of(&sku)).await
    }

    async fn negative_stock(&self) -> Result<Vec<NegativeStock>, HqError> {
        self.pool.run(|db| db.negative_stock()).await
    }

    async fn sales(
        &self,
        store: &str,
        business_day: NaiveDate,
    ) -> Result<(Vec<SaleRecord>, Vec<VoidRecord>), HqError> {
        let store = store.to_string();
        self.pool
            .run(move |db| db.sales(&store, business_day))
            .await
    }

    async fn sale_by_receipt(
        &self,
        receipt_no: &str,
    ) -> Result<Option<(SaleRecord, bool)>, HqError> {
        let receipt_no = receipt_no.to_string();
        self.pool
            .run(move |db| db.sale_by_receipt(&receipt_no))
            .await
    }

    async fn credit_sales(&self) -> Result<Vec<SaleRecord>, HqError> {
        self.pool.run(|db| db.credit_sales()).await
    }

    async fn voids_that_matter(&self) -> Result<Vec<VoidRecord>, HqError> {
        self.pool.run(|db| db.voids_that_matter()).await
    }

    async fn all_voids(&self) -> Result<Vec<VoidRecord>, HqError> {
        self.pool.run(|db| db.all_voids()).await
    }

    async fn order_by_external_id(&self, external_id: &str) -> Result<Option<TakenOrder>, HqError> {
        let external_id = external_id.to_string();
        self.pool
            .run(move |db| db.order_by_external_id(&external_id))
            .await
    }

    async fn records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let store = store.map(str::to_string);
        self.pool
            .run(move |db| db.records(kind, store.as_deref()))
            .await
    }

    async fn newest_records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
        limit: usize,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let store = store.map(str::to_string);
        self.pool
            .run(move |db| db.newest_records(kind, store.as_deref(), limit))
            .await
    }

    async fn picked_up_orders(&self, store: Option<&str>) -> Result<Vec<IndexedRecord>, HqError> {
        let store = store.map(str::to_string);
        self.pool
            .run(move |db| db.picked_up_orders(store.as_deref()))
            .await
    }

    async fn records_about(
        &self,
        kind: RecordKind,
        subject: &str,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let subject = subject.to_string();
        self.pool
            .run(move |db| db.records_about(kind, &subject))
            .await
    }

    async fn record(&self, kind: RecordKind, id: &str) -> Result<Option<IndexedRecord>, HqError> {
        let id = id.to_string();
        self.pool.run(move |db| db.record(kind, &id)).await
    }

    async fn conflicts(&self) -> Result<Vec<RecordConflict>, HqError> {
        self.pool.run(|db| db.conflicts()).await
    }
}

#[cfg(test)]
mod tests;
