//! The head office service: storage, plus a cache of loaded documents behind an async lock that
//! every request changing documents holds from reading them to writing them, so that such
//! requests of this process see and write a consistent state. Reads go to storage directly and
//! run side by side; a write never overwrites a document another process changed meanwhile
//! (storage checks the heads it was loaded at).

use crate::error::HqError;
use crate::storage::{Device, DocumentWrite, Heads, HqStorage, SqliteStorage, StoreRow};
use crate::tokens::hash_secret;
use kassa_replica::skeleton::{load_document, new_document};
use kassa_replica::{heads_hex, ActorId, AutoCommit, DocId};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, MutexGuard};

/// How many syncs may wait for the document lock before the next is told to come back (see
/// [`Hq::documents_or_busy`]).
const DEFAULT_MAX_QUEUED_SYNCS: usize = 64;

/// A sync counted among those waiting for the document lock while it lives.
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
    docs: Mutex<HashMap<DocId, Cached>>,
    /// How many documents the cache held when its lock was last let go (read without waiting
    /// for the lock, by `/metrics`).
    cached: AtomicUsize,
    /// Syncs waiting for the document lock now, and how many may (see
    /// [`Hq::documents_or_busy`]).
    queued_syncs: AtomicUsize,
    max_queued_syncs: AtomicUsize,
    pub(crate) metrics: crate::metrics::Metrics,
}

/// A loaded document and the heads storage had for it then (`None`: not stored yet). Another
/// process on the same data (an admin command beside `serve`) may have written since: the heads
/// tell, and a write names them so storage refuses to overwrite what it did not see.
struct Cached {
    doc: AutoCommit,
    stored_heads: Option<Heads>,
}

/// Held by a request that changes documents: storage and the document cache, locked.
pub(crate) struct DocSession<'a> {
    pub storage: &'a dyn HqStorage,
    docs: MutexGuard<'a, HashMap<DocId, Cached>>,
    cached: &'a AtomicUsize,
}

impl Drop for DocSession<'_> {
    fn drop(&mut self) {
        self.cached.store(self.docs.len(), Ordering::Relaxed);
    }
}

impl DocSession<'_> {
    /// A copy of the document as stored now (loaded, or a new skeleton), to change without
    /// touching the cache. The cache is used only while storage still has the heads it was
    /// loaded at.
    pub async fn document(&mut self, id: &DocId) -> Result<AutoCommit, HqError> {
        let stored_heads = self.storage.stored_heads(id).await?;
        if let Some(cached) = self.docs.get(id) {
            if cached.stored_heads == stored_heads {
                return Ok(cached.doc.clone());
            }
        }
        let actor = ActorId::from(HQ_ACTOR);
        let doc = match self.storage.load_document(id).await? {
            Some(bytes) => load_document(id, &bytes, actor)?,
            None => new_document(id, actor)?,
        };
        self.docs.insert(
            id.clone(),
            Cached {
                doc: doc.clone(),
                stored_heads,
            },
        );
        Ok(doc)
    }

    /// The write of a changed document: its bytes and heads, and the heads storage must still
    /// hold for the write to go through (those it was loaded at).
    pub fn document_write(&self, id: &DocId, doc: &mut AutoCommit) -> DocumentWrite {
        DocumentWrite {
            doc_id: id.clone(),
            bytes: doc.save(),
            heads: heads_hex(doc),
            expected_heads: self.docs.get(id).and_then(|c| c.stored_heads.clone()),
        }
    }

    /// Remembers a document just written as the stored version.
    pub fn remember(&mut self, id: &DocId, mut doc: AutoCommit) {
        let stored_heads = Some(heads_hex(&mut doc));
        self.docs.insert(id.clone(), Cached { doc, stored_heads });
    }

    /// Forgets every cached document (a write was refused as stale: reload them all).
    pub fn forget_documents(&mut self) {
        self.docs.clear();
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
            docs: Mutex::new(HashMap::new()),
            cached: AtomicUsize::new(0),
            queued_syncs: AtomicUsize::new(0),
            max_queued_syncs: AtomicUsize::new(DEFAULT_MAX_QUEUED_SYNCS),
            metrics: crate::metrics::Metrics::default(),
        }
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

    /// This node's counters in Prometheus' text format (`GET /metrics`).
    pub fn metrics_text(&self) -> String {
        self.metrics.render(self.cached.load(Ordering::Relaxed))
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

    /// Takes the document lock for a till's sync, or says this node is busy when
    /// [`Hq::set_max_queued_syncs`] syncs (64 unless set) already wait for it: the till comes
    /// back later rather than queue, so a node under load sheds rounds instead of stretching
    /// every round. Counting waiters needs no timer, so any runtime can drive head office.
    pub(crate) async fn documents_or_busy(&self) -> Result<DocSession<'_>, HqError> {
        let session = |docs| DocSession {
            storage: self.storage.as_ref(),
            docs,
            cached: &self.cached,
        };
        if let Ok(docs) = self.docs.try_lock() {
            return Ok(session(docs));
        }
        let waiting = Waiting::join(&self.queued_syncs);
        if waiting.ahead >= self.max_queued_syncs.load(Ordering::Relaxed) {
            return Err(HqError::Busy);
        }
        Ok(session(self.docs.lock().await))
    }

    /// How many syncs may wait for the document lock before the next is told to come back.
    pub fn set_max_queued_syncs(&self, max: usize) {
        self.max_queued_syncs.store(max, Ordering::Relaxed);
    }

    /// Takes the document lock for a request that changes documents.
    pub(crate) async fn documents(&self) -> DocSession<'_> {
        DocSession {
            storage: self.storage.as_ref(),
            docs: self.docs.lock().await,
            cached: &self.cached,
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
        let held = hq.documents().await;
        let refused = hq.documents_or_busy().await.err().expect("busy");
        assert!(matches!(refused, HqError::Busy), "{refused}");
        assert_eq!((refused.status(), refused.code()), (503, "busy"));
        assert_eq!(refused.retry_after_secs(), Some(5));
        assert_eq!(
            hq.queued_syncs.load(Ordering::SeqCst),
            0,
            "the refused one left"
        );
        drop(held);
        assert!(hq.documents_or_busy().await.is_ok(), "a free lock is taken");

        // Under the limit, a sync waits its turn.
        hq.set_max_queued_syncs(1);
        let held = hq.documents().await;
        let waiting = hq.documents_or_busy();
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
