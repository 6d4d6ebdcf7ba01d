//! The head office service: storage, a bounded cache of loaded documents, and one async lock
//! per store that requests changing that store's documents hold from reading them to writing
//! them, so that such requests of this node see and write a consistent state while other
//! stores go on. Reads go to storage directly and run side by side. Nothing here is needed for
//! correctness across nodes: storage writes a document only over the heads its writer loaded,
//! and a cached document is used only while storage still has the heads it was loaded at.

use crate::doc_cache::{DocCache, DEFAULT_CACHE_BYTES};
use crate::error::HqError;
use crate::storage::{
    Device, DocumentWrite, Heads, HqStorage, SqliteStorage, StockLevelsWrite, StoreRow,
};
use crate::tokens::hash_secret;
use kassa_replica::skeleton::{load_document, new_document};
use kassa_replica::stock::{keys_written_since, on_hand_of_each, read_levels};
use kassa_replica::{heads_hex, ActorId, AutoCommit, ChangeHash, DocId};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How many syncs may wait for their store's lock before the next is told to come back (see
/// [`Hq::documents_or_busy`]).
const DEFAULT_MAX_QUEUED_SYNCS: usize = 64;

/// A sync counted among those waiting for a store's lock while it lives.
struct Waiting<'a> {
    count: &'a AtomicUsize,
    /// How many were waiting before this one.
    ahead: usize,
}

impl<'a> Waiting<'a> {
    fn join(count: &'a AtomicUsize) -> Waiting<'a> {
        let ahead = count.fetch_add(1, Ordering::SeqCst);
        Waiting { count, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Head office's own Automerge actor.
pub(crate) const HQ_ACTOR: &[u8] = b"kassa-head-office";

pub struct Hq {
    pub(crate) storage: Box<dyn HqStorage>,
    /// One lock per store that has been written through this node (a few bytes each).
    store_locks: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
    cache: DocCache,
    /// Syncs waiting for a store's lock now (all stores), and how many may (see
    /// [`Hq::documents_or_busy`]).
    queued_syncs: AtomicUsize,
    max_queued_syncs: AtomicUsize,
    pub(crate) metrics: crate::metrics::Metrics,
    /// Receipt key secret -> its public key, derived once (see `Hq::trusted_store_keys`); one
    /// entry per receipt key the chain ever had.
    pub(crate) receipt_public_keys: std::sync::Mutex<HashMap<String, String>>,
    /// Heads signatures already checked (see `sync::checked_signed_heads`).
    pub(crate) verified_heads: crate::verified_heads::VerifiedHeads,
    /// Every store's trusted receipt keys as last read, for sync answers.
    pub(crate) receipt_keys_read: crate::receipt_keys_read::ReceiptKeysRead,
    /// Head office's private authority fingerprint, put into enrollment codes the console makes
    /// (the command line reads it from the data directory itself).
    enrollment_pin: std::sync::RwLock<Option<kassa_protocol::CertPin>>,
}

/// Held by a request that changes one store's documents: storage, that store's lock, and the
/// heads each document was loaded at.
pub(crate) struct DocSession<'a> {
    pub storage: &'a dyn HqStorage,
    metrics: &'a crate::metrics::Metrics,
    store: String,
    _lock: OwnedMutexGuard<()>,
    cache: &'a DocCache,
    /// The heads storage had for each document this session loaded (`None`: not stored yet):
    /// what its write must still find there.
    loaded: HashMap<DocId, Option<Heads>>,
    /// The heads of each document as loaded (what a write appends the changes after), and its
    /// stored size then.
    loaded_at: HashMap<DocId, (Vec<ChangeHash>, usize)>,
    /// The stored size of each document this session wrote, for the cache's budget.
    written: HashMap<DocId, usize>,
}

impl DocSession<'_> {
    /// A copy of the document as stored now (loaded, or a new skeleton), to change without
    /// touching the cache. The cache is used only while storage still has the heads it was
    /// loaded at.
    pub async fn document(&mut self, id: &DocId) -> Result<AutoCommit, HqError> {
        if id.store() != self.store {
            return Err(HqError::Corrupt(format!(
                "document {id} read under store {}'s lock",
                self.store
            )));
        }
        let stored_heads = self.storage.stored_heads(id).await?;
        self.loaded.insert(id.clone(), stored_heads.clone());
        if let Some((mut doc, bytes)) = self.cache.get(id, &stored_heads) {
            self.loaded_at.insert(id.clone(), (doc.get_heads(), bytes));
            return Ok(doc);
        }
        let actor = ActorId::from(HQ_ACTOR);
        let (mut doc, bytes) = match self.storage.load_document(id).await? {
            Some(bytes) => {
                self.metrics.loaded(bytes.len());
                (load_document(id, &bytes, actor)?, bytes.len())
            }
            None => (new_document(id, actor)?, 0),
        };
        self.loaded_at.insert(id.clone(), (doc.get_heads(), bytes));
        self.cache.put(id, doc.clone(), stored_heads, bytes);
        Ok(doc)
    }

    /// The write of a changed document: what changed since it was loaded (the whole document
    /// when storage had none), its heads, and the heads storage must still hold for the write to
    /// go through (those it was loaded at).
    pub fn document_write(&mut self, id: &DocId, doc: &mut AutoCommit) -> DocumentWrite {
        let expected_heads = self.loaded.get(id).cloned().flatten();
        let (chunk, stored_before) = match (&expected_heads, self.loaded_at.get(id)) {
            (Some(_), Some((heads, size))) => (doc.save_after(heads), *size),
            _ => (doc.save(), 0),
        };
        self.metrics.written(chunk.len());
        self.written.insert(id.clone(), stored_before + chunk.len());
        DocumentWrite {
            doc_id: id.clone(),
            chunk,
            heads: heads_hex(doc),
            expected_heads,
        }
    }

    /// The stock levels a write of the store's current stock document `doc` sets: those of the
    /// SKUs its changes since this session loaded it wrote (what a sale moved), or every level
    /// when it was not stored before. A round then costs what it moved, not what the store
    /// stocks: with a large catalogue, rewriting every level made each sale's round slower.
    pub fn stock_levels_write(
        &self,
        id: &DocId,
        doc: &mut AutoCommit,
    ) -> Result<StockLevelsWrite, HqError> {
        match (self.loaded.get(id), self.loaded_at.get(id)) {
            (Some(Some(_)), Some((heads, _))) => {
                let written = keys_written_since(doc, heads);
                Ok(StockLevelsWrite::Changed(on_hand_of_each(doc, &written)?))
            }
            _ => Ok(StockLevelsWrite::All(read_levels(doc)?.on_hand())),
        }
    }

    /// Remembers a document just written as the stored version.
    pub fn remember(&mut self, id: &DocId, mut doc: AutoCommit) {
        let stored_heads = Some(heads_hex(&mut doc));
        self.loaded.insert(id.clone(), stored_heads.clone());
        // Its stored size: as written this session, else as loaded (a document this session
        // did not change). Saving a whole document just to measure it cost every round more
        // than anything else head office did for the documents a till only read.
        let bytes = match (self.written.get(id), self.loaded_at.get(id)) {
            (Some(bytes), _) => *bytes,
            (None, Some((heads, bytes))) if *heads == doc.get_heads() => *bytes,
            (None, _) => doc.save().len(),
        };
        self.loaded_at.insert(id.clone(), (doc.get_heads(), bytes));
        self.cache.put(id, doc, stored_heads, bytes);
    }

    /// Remembers a document just compacted (same heads, stored as one chunk of `bytes`).
    pub fn remember_compacted(&mut self, id: &DocId, mut doc: AutoCommit, bytes: usize) {
        let stored_heads = Some(heads_hex(&mut doc));
        self.cache.put(id, doc, stored_heads, bytes);
    }

    /// Forgets the store's cached documents (a write was refused as stale: reload them).
    pub fn forget_documents(&mut self) {
        self.cache.forget_store(&self.store);
        self.loaded.clear();
        self.loaded_at.clear();
        self.written.clear();
    }

    pub async fn store_row(&self, code: &str) -> Result<StoreRow, HqError> {
        store_row(self.storage, code).await
    }
}

async fn store_row(storage: &dyn HqStorage, code: &str) -> Result<StoreRow, HqError> {
    storage
        .store(code)
        .await?
        .ok_or_else(|| HqError::NotFound(format!("no store {code:?}")))
}

impl Hq {
    pub fn new(storage: Box<dyn HqStorage>) -> Hq {
        Hq {
            storage,
            store_locks: std::sync::Mutex::new(HashMap::new()),
            cache: DocCache::new(DEFAULT_CACHE_BYTES),
            queued_syncs: AtomicUsize::new(0),
            max_queued_syncs: AtomicUsize::new(DEFAULT_MAX_QUEUED_SYNCS),
            metrics: crate::metrics::Metrics::default(),
            receipt_public_keys: std::sync::Mutex::new(HashMap::new()),
            verified_heads: crate::verified_heads::VerifiedHeads::default(),
            receipt_keys_read: crate::receipt_keys_read::ReceiptKeysRead::default(),
            enrollment_pin: std::sync::RwLock::new(None),
        }
    }

    /// The private authority fingerprint enrollment codes carry (`kassa-hq tls init`), if any.
    pub fn set_enrollment_pin(&self, pin: Option<kassa_protocol::CertPin>) {
        *self
            .enrollment_pin
            .write()
            .unwrap_or_else(|e| e.into_inner()) = pin;
    }

    pub fn enrollment_pin(&self) -> Option<kassa_protocol::CertPin> {
        *self
            .enrollment_pin
            .read()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Opens (creating) the head office database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Hq, HqError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            HqError::BadRequest(format!(
                "cannot create data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        Ok(Hq::new(Box::new(SqliteStorage::open(
            &data_dir.join("hq.db"),
        )?)))
    }

    /// Head office on PostgreSQL at `url`, with up to `connections` connections from this node
    /// (the schema is brought up to date first).
    pub async fn connect_postgres(url: &str, connections: usize) -> Result<Hq, HqError> {
        Ok(Hq::new(Box::new(
            crate::storage::PostgresStorage::connect(url, connections).await?,
        )))
    }

    /// Where head office's data is, for the operator (never a password).
    pub fn describe_storage(&self) -> String {
        self.storage.describe()
    }

    /// Stored bytes of documents this node loaded from storage and wrote to it so far (what a
    /// sync round costs the database, beside what crosses the wire).
    pub fn document_bytes(&self) -> (u64, u64) {
        self.metrics.document_bytes()
    }

    /// Records (sales, voids, indexed records) syncs through this node handed to storage so
    /// far: what a round's projection cost.
    pub fn records_projected(&self) -> u64 {
        self.metrics.records_projected()
    }

    /// This node's counters in Prometheus' text format (`GET /metrics`).
    pub fn metrics_text(&self) -> String {
        self.metrics.render(self.cache.size())
    }

    /// A consistent copy of head office's data in the new file `to` (see `kassa-hq backup`);
    /// returns its size in bytes.
    pub async fn backup(&self, to: &Path) -> Result<u64, HqError> {
        self.storage.backup(to).await
    }

    pub fn open_in_memory() -> Result<Hq, HqError> {
        Ok(Hq::new(Box::new(SqliteStorage::open_in_memory()?)))
    }

    /// The storage underneath, for tests and tools in this workspace that set up what the
    /// service itself would not (an enrollment code made a day ago).
    #[doc(hidden)]
    pub fn storage(&self) -> &dyn HqStorage {
        self.storage.as_ref()
    }

    /// Takes the store's lock for a till's sync, or says this node is busy when
    /// [`Hq::set_max_queued_syncs`] syncs (64 unless set) already wait for a store's lock: the
    /// till comes back later rather than queue, so a node under load sheds rounds instead of
    /// stretching every round. Counting waiters needs no timer, so any runtime can drive head
    /// office.
    pub(crate) async fn documents_or_busy(&self, store: &str) -> Result<DocSession<'_>, HqError> {
        let lock = self.store_lock(store);
        if let Ok(guard) = lock.clone().try_lock_owned() {
            return Ok(self.session(store, guard));
        }
        let waiting = Waiting::join(&self.queued_syncs);
        if waiting.ahead >= self.max_queued_syncs.load(Ordering::Relaxed) {
            return Err(HqError::Busy);
        }
        Ok(self.session(store, lock.lock_owned().await))
    }

    /// How many syncs may wait for a store's lock before the next is told to come back.
    pub fn set_max_queued_syncs(&self, max: usize) {
        self.max_queued_syncs.store(max, Ordering::Relaxed);
    }

    /// How much memory (estimated) the documents this node keeps loaded may take (256 MiB unless
    /// set).
    pub fn set_document_cache_bytes(&self, bytes: usize) {
        self.cache.set_budget(bytes);
    }

    /// Takes the store's lock for a request that changes its documents.
    pub(crate) async fn documents(&self, store: &str) -> DocSession<'_> {
        let guard = self.store_lock(store).lock_owned().await;
        self.session(store, guard)
    }

    fn store_lock(&self, store: &str) -> Arc<Mutex<()>> {
        let mut locks = self
            .store_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.entry(store.to_string()).or_default().clone()
    }

    fn session(&self, store: &str, guard: OwnedMutexGuard<()>) -> DocSession<'_> {
        DocSession {
            storage: self.storage.as_ref(),
            metrics: &self.metrics,
            store: store.to_string(),
            _lock: guard,
            cache: &self.cache,
            loaded: HashMap::new(),
            loaded_at: HashMap::new(),
            written: HashMap::new(),
        }
    }

    pub(crate) async fn store_row(&self, code: &str) -> Result<StoreRow, HqError> {
        store_row(self.storage.as_ref(), code).await
    }

    /// The device a bearer token belongs to; 401 for none, unknown or revoked.
    pub async fn authenticate(&self, token: Option<&str>) -> Result<Device, HqError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or(HqError::Unauthorized)?;
        self.storage
            .device_by_token(&hash_secret(token))
            .await?
            .ok_or(HqError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sync_finding_too_many_waiting_for_the_documents_is_told_the_node_is_busy() {
        let hq = Hq::open_in_memory().unwrap();
        hq.set_max_queued_syncs(0);
        let held = hq.documents("AMS1").await;
        let refused = hq.documents_or_busy("AMS1").await.err().expect("busy");
        assert!(matches!(refused, HqError::Busy), "{refused}");
        assert_eq!((refused.status(), refused.code()), (503, "busy"));
        assert_eq!(refused.retry_after_secs(), Some(5));
        assert_eq!(
            hq.queued_syncs.load(Ordering::SeqCst),
            0,
            "the refused one left"
        );
        drop(held);
        assert!(
            hq.documents_or_busy("AMS1").await.is_ok(),
            "a free lock is taken"
        );

        // Under the limit, a sync waits its turn.
        hq.set_max_queued_syncs(1);
        let held = hq.documents("AMS1").await;
        assert!(
            hq.documents_or_busy("RTM1").await.is_ok(),
            "another store is not held up by this one"
        );
        let waiting = hq.documents_or_busy("AMS1");
        tokio::pin!(waiting);
        assert!(futures_poll_once(waiting.as_mut()).await.is_none());
        assert_eq!(hq.queued_syncs.load(Ordering::SeqCst), 1);
        drop(held);
        assert!(waiting.await.is_ok());
        assert_eq!(hq.queued_syncs.load(Ordering::SeqCst), 0);
    }

    /// Polls a future once: its output if it is ready, `None` if it waits.
    async fn futures_poll_once<F: std::future::Future + Unpin>(f: F) -> Option<F::Output> {
        let mut f = Some(f);
        std::future::poll_fn(move |cx| {
            let mut inner = f.take().expect("polled once");
            match std::pin::Pin::new(&mut inner).poll(cx) {
                std::task::Poll::Ready(out) => std::task::Poll::Ready(Some(out)),
                std::task::Poll::Pending => {
                    f = Some(inner);
                    std::task::Poll::Ready(None)
                }
            }
        })
        .await
    }
}
