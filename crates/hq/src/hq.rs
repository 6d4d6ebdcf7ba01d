//! The head office service: storage plus a cache of loaded documents, behind one lock so that
//! every request sees and writes a consistent state.

use crate::error::HqError;
use crate::storage::{Device, HqStorage, SqliteStorage, StoreRow};
use crate::tokens::hash_secret;
use kassa_replica::skeleton::{load_document, new_document};
use kassa_replica::{ActorId, AutoCommit, DocId};
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
    pub docs: HashMap<String, AutoCommit>,
}

impl Inner {
    /// A copy of the document (loaded, or a new skeleton), to change without touching the cache.
    pub fn document(&mut self, id: &DocId) -> Result<AutoCommit, HqError> {
        let key = id.to_string();
        if let Some(doc) = self.docs.get(&key) {
            return Ok(doc.clone());
        }
        let actor = ActorId::from(HQ_ACTOR);
        let doc = match self.storage.load_document(&key)? {
            Some(bytes) => load_document(id, &bytes, actor)?,
            None => new_document(id, actor)?,
        };
        self.docs.insert(key, doc.clone());
        Ok(doc)
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
