//! Head office on PostgreSQL, for a chain that outgrows one machine: any number of head office
//! nodes share one database, each with a pool of connections. Nothing lives only in a node:
//! writes to one store are serialised by a row lock on that store's row, documents are written
//! only when their stored heads are still those the writer loaded (checked under a row lock),
//! and versions (catalogue, staff list) are taken from counter rows under their locks.

mod catalogue_queries;
mod console_users;
mod devices;
mod digest;
mod documents;
mod reads;
mod report_queries;
mod schema;
#[cfg(test)]
mod tests;

use super::{
    Device, FigureGrouping, FigureTotal, Finding, Heads, HqStorage, IndexedRecord, NegativeStock,
    NewDevice, PendingImport, RecordConflict, StaffEntry, StoreKey, StoreRow, SyncWrite,
    TakenOrder, TillContactRow, TransferRow,
};
use crate::api_tokens::{AdminLogEntry, ApiToken};
use crate::console_users::{ConsoleSession, ConsoleUser, StoredConsoleUser};
use crate::error::HqError;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use kassa_domain::{Product, StaffMember};
use kassa_protocol::{StockAtStore, StoreInfo};
use kassa_replica::ledger::{SaleRecord, VoidRecord};
use kassa_replica::{DocId, RecordKind};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use tokio_postgres::error::SqlState;
use tokio_postgres::NoTls;

/// Connections per head office node unless set (`--database-connections`): PostgreSQL serves
/// each on a process of its own, so a few per node go a long way.
pub const DEFAULT_CONNECTIONS: usize = 16;

/// How long a request waits for a free connection, or for a new one to open, before it is told
/// to come back later.
const CONNECTION_WAIT: Duration = Duration::from_secs(10);

pub struct PostgresStorage {
    pool: Pool,
    /// Database name and hosts, without the password.
    described: String,
}

impl PostgresStorage {
    /// Connects to `url` (`postgres://user@host/db` or `host=... dbname=...`) with up to
    /// `connections` connections, and brings the schema up to date (one node at a time).
    pub async fn connect(url: &str, connections: usize) -> Result<PostgresStorage, HqError> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| {
            HqError::BadRequest(format!("the PostgreSQL address is not valid: {e}"))
        })?;
        let described = format!(
            "PostgreSQL database {} on {}",
            config.get_dbname().unwrap_or("(default)"),
            config
                .get_hosts()
                .iter()
                .map(|h| match h {
                    tokio_postgres::config::Host::Tcp(name) => name.clone(),
                    tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
                })
                .collect::<Vec<_>>()
                .join(",")
        );
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(connections.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECTION_WAIT))
            .create_timeout(Some(CONNECTION_WAIT))
            .recycle_timeout(Some(CONNECTION_WAIT))
            .build()
            .map_err(|e| HqError::Io(format!("cannot make the PostgreSQL pool: {e}")))?;
        let storage = PostgresStorage { pool, described };
        schema::migrate(&mut *storage.client().await?).await?;
        Ok(storage)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, HqError> {
        self.pool
            .get()
            .await
            .map_err(|e| HqError::DatabaseUnavailable {
                detail: e.to_string(),
            })
    }
}

impl From<tokio_postgres::Error> for HqError {
    fn from(e: tokio_postgres::Error) -> HqError {
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if code == &SqlState::T_R_SERIALIZATION_FAILURE
                || code == &SqlState::T_R_DEADLOCK_DETECTED
            {
                // Another node's transaction won: the caller's retry reloads and tries again.
                return HqError::StaleDocument("(a concurrent write)".into());
            }
            if code == &SqlState::ADMIN_SHUTDOWN
                || code == &SqlState::CRASH_SHUTDOWN
                || code == &SqlState::CANNOT_CONNECT_NOW
                || code == &SqlState::TOO_MANY_CONNECTIONS
            {
                return HqError::DatabaseUnavailable {
                    detail: described(&e),
                };
            }
            return HqError::Postgres(described(&e));
        }
        let lost = e.is_closed()
            || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        if lost {
            HqError::DatabaseUnavailable {
                detail: described(&e),
            }
        } else {
            HqError::Postgres(described(&e))
        }
    }
}

/// An error with what PostgreSQL said (its own `Display` is only "db error"), for the
/// operator's log.
fn described(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!(
            "{} (SQLSTATE {}){}",
            db.message(),
            db.code().code(),
            db.detail().map(|d| format!(": {d}")).unwrap_or_default()
        ),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// True when `e` is a unique-key violation (a name or code taken).
fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// A stored integer that must fit a narrower type.
fn narrow<T: TryFrom<i64>>(value: i64, what: &str) -> Result<T, HqError> {
    T::try_from(value)
        .map_err(|_| HqError::Corrupt(format!("stored {what} {value} is out of range")))
}

#[async_trait]
impl HqStorage for PostgresStorage {
    fn describe(&self) -> String {
        self.described.clone()
    }
    async fn ping(&self) -> Result<(), HqError> {
        self.client().await?.execute("SELECT 1", &[]).await?;
        Ok(())
    }
    async fn create_store(&self, store: &StoreInfo, now: DateTime<Utc>) -> Result<(), HqError> {
        self.create_store_row(store, now).await
    }
    async fn store(&self, code: &str) -> Result<Option<StoreRow>, HqError> {
        self.store_row(code).await
    }
    async fn stores(&self) -> Result<Vec<StoreRow>, HqError> {
        self.store_rows().await
    }
    async fn add_enroll_code(
        &self,
        code_hash: &str,
        store: &str,
        till_no: u16,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        self.insert_enroll_code(code_hash, store, till_no, now)
            .await
    }
    async fn enroll_device(&self, enrollment: NewDevice) -> Result<Option<(String, u16)>, HqError> {
        self.take_code_for_device(&enrollment).await
    }
    async fn rotate_device_token(
        &self,
        store: &str,
        till_no: u16,
        token_hash: &str,
    ) -> Result<bool, HqError> {
        self.replace_device_token(store, till_no, token_hash).await
    }
    async fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, HqError> {
        self.live_device_by_token(token_hash).await
    }
    async fn set_device_key(&self, device_id: i64, public_key: &str) -> Result<bool, HqError> {
        self.update_device_key(device_id, public_key).await
    }
    async fn renew_device_token(
        &self,
        device_id: i64,
        presented_hash: &str,
        new_hash: &str,
    ) -> Result<bool, HqError> {
        self.renew_token(device_id, presented_hash, new_hash).await
    }
    async fn revoke_devices(&self, store: &str, till_no: u16) -> Result<usize, HqError> {
        self.revoke_till_devices(store, till_no).await
    }
    async fn store_devices(&self, store: &str) -> Result<Vec<Device>, HqError> {
        self.devices_of(store).await
    }
    async fn add_api_token(&self, token: &ApiToken, token_hash: &str) -> Result<(), HqError> {
        self.insert_api_token(token, token_hash).await
    }
    async fn api_tokens(&self) -> Result<Vec<ApiToken>, HqError> {
        self.all_api_tokens().await
    }
    async fn add_console_user(
        &self,
        user: &ConsoleUser,
        password_hash: &str,
    ) -> Result<(), HqError> {
        self.insert_console_user(user, password_hash).await
    }
    async fn console_user(&self, name: &str) -> Result<Option<StoredConsoleUser>, HqError> {
        self.console_user_named(name).await
    }
    async fn console_users(&self) -> Result<Vec<ConsoleUser>, HqError> {
        self.all_console_users().await
    }
    async fn console_sign_in_failed(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, HqError> {
        self.count_console_sign_in_failure(name, now).await
    }
    async fn console_sign_in_succeeded(&self, name: &str) -> Result<(), HqError> {
        self.clear_console_sign_in_failures(name).await
    }
    async fn add_console_session(&self, session: &ConsoleSession) -> Result<(), HqError> {
        self.insert_console_session(session).await
    }
    async fn console_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ConsoleSession>, HqError> {
        self.live_console_session(token_hash, now).await
    }
    async fn end_console_session(&self, token_hash: &str) -> Result<bool, HqError> {
        self.delete_console_session(token_hash).await
    }
    async fn figure_totals(
        &self,
        from: &str,
        to: &str,
        stores: &[String],
        by: FigureGrouping,
    ) -> Result<Vec<FigureTotal>, HqError> {
        self.sum_figures(from, to, stores, by).await
    }

    async fn transfers(
        &self,
        stores: &[String],
        limit: usize,
    ) -> Result<Vec<TransferRow>, HqError> {
        self.transfer_rows(stores, limit).await
    }

    async fn transfer(&self, id: &str) -> Result<Option<TransferRow>, HqError> {
        self.transfer_by_id(id).await
    }

    async fn till_contacts(&self) -> Result<Vec<TillContactRow>, HqError> {
        self.contacts().await
    }

    async fn add_pending_import(&self, pending: &PendingImport) -> Result<(), HqError> {
        self.insert_pending_import(pending).await
    }

    async fn pending_import(
        &self,
        id: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<PendingImport>, HqError> {
        self.select_pending_import(id, since).await
    }

    async fn end_pending_import(&self, id: &str) -> Result<bool, HqError> {
        self.delete_pending_import(id).await
    }

    async fn search_catalogue(&self, text: &str, limit: usize) -> Result<Vec<Product>, HqError> {
        self.catalogue_matching(text, limit).await
    }

    async fn daily_sales(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<crate::storage::DailySales>, HqError> {
        self.daily_sales_between(from, to).await
    }
    async fn revoke_api_token(&self, name: &str, now: DateTime<Utc>) -> Result<bool, HqError> {
        self.revoke_token_named(name, now).await
    }
    async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>, HqError> {
        self.live_api_token(token_hash).await
    }
    async fn append_admin_log(&self, entry: &AdminLogEntry) -> Result<(), HqError> {
        self.insert_admin_log(entry).await
    }
    async fn admin_log(&self, limit: usize) -> Result<Vec<AdminLogEntry>, HqError> {
        self.newest_admin_log(limit).await
    }
    async fn content_digest(&self) -> Result<String, HqError> {
        digest::content_digest(&mut *self.client().await?).await
    }
    async fn signed_heads(
        &self,
        store: &str,
    ) -> Result<Vec<(u16, kassa_protocol::SignedHeads)>, HqError> {
        self.signed_heads_of(store).await
    }
    async fn latest_audit_anchor(&self, device_id: i64) -> Result<Option<(i64, String)>, HqError> {
        self.newest_audit_anchor(device_id).await
    }
    async fn audit_anchor_at(&self, device_id: i64, seq: i64) -> Result<Option<String>, HqError> {
        self.audit_anchor_of(device_id, seq).await
    }
    async fn findings(&self) -> Result<Vec<Finding>, HqError> {
        Ok(self
            .finding_rows(None)
            .await?
            .into_iter()
            .map(|(f, _)| f)
            .collect())
    }
    async fn finding_changes(&self, id: i64) -> Result<Option<(Finding, Vec<u8>)>, HqError> {
        Ok(self
            .finding_rows(Some(id))
            .await?
            .into_iter()
            .next()
            .map(|(f, changes)| (f, changes.unwrap_or_default())))
    }
    async fn decide_finding(
        &self,
        id: i64,
        decision: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, HqError> {
        self.record_decision(id, decision, by, now).await
    }
    async fn load_document(&self, doc_id: &DocId) -> Result<Option<Vec<u8>>, HqError> {
        self.document_bytes(doc_id).await
    }
    async fn stored_heads(&self, doc_id: &DocId) -> Result<Option<Heads>, HqError> {
        self.heads_of(doc_id).await
    }
    async fn documents_to_compact(
        &self,
        min_chunks: usize,
        limit: usize,
    ) -> Result<Vec<DocId>, HqError> {
        self.compactable(min_chunks, limit).await
    }
    async fn compact_document(
        &self,
        doc_id: &DocId,
        heads: &Heads,
        whole: &[u8],
    ) -> Result<bool, HqError> {
        self.compact(doc_id, heads, whole).await
    }
    async fn documents_changed_since(
        &self,
        store: &str,
        since: Option<i64>,
    ) -> Result<(i64, Vec<(DocId, Heads)>), HqError> {
        self.changed_since(store, since).await
    }
    async fn document_heads(&self, store: &str) -> Result<Vec<(DocId, Heads)>, HqError> {
        self.heads_of_store(store).await
    }
    async fn document_size(&self, doc_id: &DocId) -> Result<Option<usize>, HqError> {
        self.size_of(doc_id).await
    }
    async fn load_sync_state(
        &self,
        doc_id: &DocId,
        device_id: i64,
    ) -> Result<Option<Vec<u8>>, HqError> {
        self.sync_state_of(doc_id, device_id).await
    }
    async fn apply_sync(&self, write: SyncWrite) -> Result<(), HqError> {
        self.write_sync(write).await
    }
    async fn put_catalogue(&self, products: &[Product]) -> Result<i64, HqError> {
        self.write_catalogue(products).await
    }
    async fn catalogue_since(&self, since: i64) -> Result<(i64, Vec<Product>), HqError> {
        self.catalogue_changes(since).await
    }
    async fn product(&self, sku: &str) -> Result<Option<Product>, HqError> {
        self.product_by_sku(sku).await
    }
    async fn receipt_key(&self, store: &str, new_key: &str) -> Result<String, HqError> {
        self.store_receipt_key(store, new_key).await
    }
    async fn receipt_keys(&self) -> Result<Vec<StoreKey>, HqError> {
        self.all_receipt_keys().await
    }
    async fn rotate_receipt_key(
        &self,
        store: &str,
        new_key: &str,
        distrust_old: bool,
        now: DateTime<Utc>,
    ) -> Result<(), HqError> {
        self.replace_receipt_key(store, new_key, distrust_old, now)
            .await
    }
    async fn backup(&self, _to: &Path) -> Result<u64, HqError> {
        Err(HqError::BadRequest(
            "head office on PostgreSQL is backed up with PostgreSQL's own tools (pg_dump, or a \
             base backup with WAL archiving): see the README"
                .into(),
        ))
    }
    async fn retired_receipt_keys(&self) -> Result<Vec<(String, String)>, HqError> {
        self.trusted_retired_keys().await
    }
    async fn put_staff(
        &self,
        member: &StaffMember,
        stores: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<i64, HqError> {
        self.write_staff(member, stores, now).await
    }
    async fn staff_since(
        &self,
        store: &str,
        since: i64,
    ) -> Result<(i64, Vec<StaffMember>), HqError> {
        self.staff_changes(store, since).await
    }
    async fn staff(&self) -> Result<Vec<StaffEntry>, HqError> {
        self.all_staff().await
    }
    async fn staff_member(&self, who: &str) -> Result<Option<StaffEntry>, HqError> {
        self.staff_by_id_or_name(who).await
    }
    async fn epoch_included(
        &self,
        store: &str,
        epoch: u32,
    ) -> Result<BTreeMap<String, BTreeMap<String, i64>>, HqError> {
        self.included_of_epoch(store, epoch).await
    }
    async fn stock_of(&self, sku: &str) -> Result<Vec<StockAtStore>, HqError> {
        self.stock_at_stores(sku).await
    }
    async fn negative_stock(&self) -> Result<Vec<NegativeStock>, HqError> {
        self.stock_below_zero().await
    }
    async fn sales(
        &self,
        store: &str,
        business_day: NaiveDate,
    ) -> Result<(Vec<SaleRecord>, Vec<VoidRecord>), HqError> {
        self.sales_of_day(store, business_day).await
    }
    async fn sale_by_receipt(
        &self,
        receipt_no: &str,
    ) -> Result<Option<(SaleRecord, bool)>, HqError> {
        self.sale_with_receipt(receipt_no).await
    }
    async fn credit_sales(&self) -> Result<Vec<SaleRecord>, HqError> {
        self.sales_with_credit().await
    }
    async fn voids_that_matter(&self) -> Result<Vec<VoidRecord>, HqError> {
        self.voids_of_returned_or_credit_sales().await
    }
    async fn all_voids(&self) -> Result<Vec<VoidRecord>, HqError> {
        self.every_void().await
    }
    async fn order_by_external_id(&self, external_id: &str) -> Result<Option<TakenOrder>, HqError> {
        self.taken_order(external_id).await
    }
    async fn records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        self.records_of_kind(kind, store).await
    }
    async fn newest_records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
        limit: usize,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        self.newest_of_kind(kind, store, limit).await
    }
    async fn picked_up_orders(&self, store: Option<&str>) -> Result<Vec<IndexedRecord>, HqError> {
        self.orders_named_by_pickups(store).await
    }
    async fn records_about(
        &self,
        kind: RecordKind,
        subject: &str,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        self.records_with_subject(kind, subject).await
    }
    async fn record(&self, kind: RecordKind, id: &str) -> Result<Option<IndexedRecord>, HqError> {
        self.record_by_id(kind, id).await
    }
    async fn conflicts(&self) -> Result<Vec<RecordConflict>, HqError> {
        self.all_conflicts().await
    }
}
