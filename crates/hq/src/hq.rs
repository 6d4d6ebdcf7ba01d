//! The head office service: storage plus a cache of loaded documents, behind one lock so that
//! every request sees and writes a consistent state.

use crate::error::HqError;
use crate::storage::{Device, DocumentWrite, HqStorage, SqliteStorage, StoreRow};
use crate::tokens::hash_secret;
use kassa_replica::skeleton::{load_document, new_document};
use kassa_replica::{heads_hex, ActorId, AutoCommit, DocId};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Head office's own Automerge actor.
pub(crate) const HQ_ACTOR: &[u8] = b"kassa-head-office";

pub struct Hq {
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    pub storage: Box<dyn HqStorage>,
    docs: HashMap<String, Cached>,
}

/// A loaded document and the heads storage had for it then (`None`: not stored yet). Another
/// process on the same data (an admin command beside `serve`) may have written since: the heads
/// tell, and a write names them so storage refuses to overwrite what it did not see.
struct Cached {
    doc: AutoCommit,
    stored_heads: Option<Vec<String>>,
}

impl Inner {
    /// A copy of the document as stored now (loaded, or a new skeleton), to change without
    /// touching the cache. The cache is used only while storage still has the heads it was
    /// loaded at.
    pub fn document(&mut self, id: &DocId) -> Result<AutoCommit, HqError> {
        let key = id.to_string();
        let stored_heads = self.storage.stored_heads(&key)?;
        if let Some(cached) = self.docs.get(&key) {
            if cached.stored_heads == stored_heads {
                return Ok(cached.doc.clone());
            }
        }
        let actor = ActorId::from(HQ_ACTOR);
        let doc = match self.storage.load_document(&key)? {
            Some(bytes) => load_document(id, &bytes, actor)?,
            None => new_document(id, actor)?,
        };
        self.docs.insert(
            key,
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
            doc_id: id.to_string(),
            bytes: doc.save(),
            heads: heads_hex(doc),
            expected_heads: self
                .docs
                .get(&id.to_string())
                .and_then(|c| c.stored_heads.clone()),
        }
    }

    /// Remembers a document just written as the stored version.
    pub fn remember(&mut self, id: &DocId, mut doc: AutoCommit) {
        let stored_heads = Some(heads_hex(&mut doc));
        self.docs
            .insert(id.to_string(), Cached { doc, stored_heads });
    }

    /// Forgets every cached document (a write was refused as stale: reload them all).
    pub fn forget_documents(&mut self) {
        self.docs.clear();
    }

    pub fn store_row(&self, code: &str) -> Result<StoreRow, HqError> {
        self.storage
            .store(code)?
            .ok_or_else(|| HqError::NotFound(format!("no store {code:?}")))
    }
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Hq {
    pub fn new(storage: Box<dyn HqStorage>) -> Hq {
        Hq {
            inner: Mutex::new(Inner {
                storage,
                docs: HashMap::new(),
            }),
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

    pub fn open_in_memory() -> Result<Hq, HqError> {
        Ok(Hq::new(Box::new(SqliteStorage::open_in_memory()?)))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves no half-written state in storage (every write is
        // one transaction), so carrying on with the inner value is safe.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The device a bearer token belongs to; 401 for none, unknown or revoked.
    pub fn authenticate(&self, token: Option<&str>) -> Result<Device, HqError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or(HqError::Unauthorized)?;
        self.lock()
            .storage
            .device_by_token(&hash_secret(token))?
            .ok_or(HqError::Unauthorized)
    }
}
