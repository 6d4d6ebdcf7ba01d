//! The till's Automerge documents: kept in SQLite as appended chunks (one per command, written in
//! the command's transaction), cached in memory once loaded.

use crate::error::StoreError;
use kassa_replica::skeleton::{load_document, new_document};
use kassa_replica::{ActorId, AutoCommit, DocId};
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// Past this many chunks a document is rewritten as one, so loading stays one read.
const COMPACT_AFTER_CHUNKS: i64 = 256;

/// A loaded document and where its chunks stand, so persisting it reads nothing back (counting a
/// document's chunks walked every chunk's row, blobs and all: a fifth of a write's instructions).
struct Cached {
    doc: AutoCommit,
    /// Chunks stored for it.
    chunks: i64,
    /// The number the next chunk is stored under.
    next_chunk: i64,
}

pub(crate) struct DocumentCache {
    actor: ActorId,
    docs: HashMap<String, Cached>,
    /// `PRAGMA data_version` when the cache was last known fresh: it changes when another
    /// connection (the desktop app's background sync) commits, and then the cache is dropped.
    data_version: Option<i64>,
}

impl DocumentCache {
    pub fn new(actor: ActorId) -> DocumentCache {
        DocumentCache {
            actor,
            docs: HashMap::new(),
            data_version: None,
        }
    }

    pub fn set_actor(&mut self, actor: ActorId) {
        self.actor = actor;
        self.docs.clear();
    }

    /// The document, to read.
    pub fn get(&mut self, conn: &Connection, id: &DocId) -> Result<&AutoCommit, StoreError> {
        Ok(self.load(conn, id)?)
    }

    /// The document for a sync session, which needs it mutable to generate messages and read
    /// heads; neither makes a change, so nothing is left unsaved.
    pub fn get_for_sync(
        &mut self,
        conn: &Connection,
        id: &DocId,
    ) -> Result<&mut AutoCommit, StoreError> {
        self.load(conn, id)
    }

    /// The document, loaded from its chunks, or a new skeleton if it has none. Mutable access is
    /// for the command context only: a change made here must be persisted in its transaction or
    /// discarded.
    pub(super) fn load(
        &mut self,
        conn: &Connection,
        id: &DocId,
    ) -> Result<&mut AutoCommit, StoreError> {
        let version: i64 = conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
        if self.data_version != Some(version) {
            self.docs.clear();
            self.data_version = Some(version);
        }
        let key = id.to_string();
        if !self.docs.contains_key(&key) {
            let cached = load(conn, id, self.actor.clone())?;
            self.docs.insert(key.clone(), cached);
        }
        Ok(&mut self.docs.get_mut(&key).expect("inserted above").doc)
    }

    /// Appends the document's unsaved changes as a chunk, in the caller's transaction. Returns
    /// the document's heads when there were changes to save.
    pub(super) fn persist(
        &mut self,
        conn: &Connection,
        id: &DocId,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let key = id.to_string();
        let Some(cached) = self.docs.get_mut(&key) else {
            return Ok(None);
        };
        let bytes = cached.doc.save_incremental();
        if bytes.is_empty() {
            return Ok(None);
        }
        // The counts move with the rows; if the transaction does not commit, the command
        // context evicts this document and the next load counts again.
        if cached.chunks >= COMPACT_AFTER_CHUNKS {
            let whole = cached.doc.save();
            conn.prepare_cached("DELETE FROM documents WHERE doc_id = ?1")?
                .execute([&key])?;
            conn.prepare_cached(
                "INSERT INTO documents (doc_id, chunk_no, bytes) VALUES (?1, 0, ?2)",
            )?
            .execute(params![key, whole])?;
            cached.chunks = 1;
            cached.next_chunk = 1;
        } else {
            conn.prepare_cached(
                "INSERT INTO documents (doc_id, chunk_no, bytes) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![key, cached.next_chunk, bytes])?;
            cached.chunks += 1;
            cached.next_chunk += 1;
        }
        Ok(Some(kassa_replica::heads_hex(&mut cached.doc)))
    }

    /// Forgets a cached document whose changes did not commit; it reloads from disk next time.
    pub(super) fn evict(&mut self, id: &DocId) {
        self.docs.remove(&id.to_string());
    }
}

fn load(conn: &Connection, id: &DocId, actor: ActorId) -> Result<Cached, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT chunk_no, bytes FROM documents WHERE doc_id = ?1 ORDER BY chunk_no",
    )?;
    let chunks = stmt
        .query_map([id.to_string()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let Some(((_, first), (last_no, _))) = chunks.first().zip(chunks.last()) else {
        return Ok(Cached {
            doc: new_document(id, actor)?,
            chunks: 0,
            next_chunk: 0,
        });
    };
    let mut doc = load_document(id, first, actor)?;
    for (_, chunk) in &chunks[1..] {
        kassa_replica::untrusted::decode(
            || Ok(doc.load_incremental(chunk)?),
            kassa_replica::ReplicaError::MalformedDocument,
        )
        .map_err(|e| StoreError::Corrupt(format!("document {id}: {e}")))?;
    }
    Ok(Cached {
        doc,
        chunks: chunks.len() as i64,
        next_chunk: last_no + 1,
    })
}

/// Every stored document id.
pub(crate) fn stored_ids(conn: &Connection) -> Result<Vec<DocId>, StoreError> {
    let mut stmt = conn.prepare("SELECT DISTINCT doc_id FROM documents ORDER BY doc_id")?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    ids.iter()
        .map(|s| DocId::parse(s).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}
