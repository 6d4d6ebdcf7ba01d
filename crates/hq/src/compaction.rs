//! Background compaction: a document stored as many appended chunks is rewritten as one, so
//! loading it stays one read of one compact document. A sync never waits for it: compaction
//! takes the store's lock for one document at a time, and storage keeps its result only if no
//! write came in between (the heads are checked), so it can run on every node at once.

use crate::error::HqError;
use crate::hq::Hq;
use kassa_replica::heads_hex;
use std::sync::Arc;
use std::time::Duration;

/// A document is compacted once it is stored in this many chunks or more.
pub const COMPACT_AT_CHUNKS: usize = 32;
/// Documents compacted per pass at most (the busiest first).
const PER_PASS: usize = 64;
/// Time between passes.
const EVERY: Duration = Duration::from_secs(30);

impl Hq {
    /// Compacts up to `limit` documents stored in `min_chunks` chunks or more; returns how many
    /// were rewritten (one written meanwhile is left for the next pass).
    pub async fn compact_documents(
        &self,
        min_chunks: usize,
        limit: usize,
    ) -> Result<usize, HqError> {
        let mut compacted = 0;
        for id in self.storage.documents_to_compact(min_chunks, limit).await? {
            let mut session = self.documents(id.store()).await;
            let mut doc = session.document(&id).await?;
            let heads = heads_hex(&mut doc);
            let whole = doc.save();
            if session
                .storage
                .compact_document(&id, &heads, &whole)
                .await?
            {
                session.remember_compacted(&id, doc, whole.len());
                compacted += 1;
            }
        }
        Ok(compacted)
    }
}

/// Compacts every [`EVERY`] while the server runs; a failed pass is said and the next one tries
/// again.
pub(crate) fn spawn_compaction(hq: Arc<Hq>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(EVERY).await;
            if let Err(e) = hq.compact_documents(COMPACT_AT_CHUNKS, PER_PASS).await {
                eprintln!("kassa-hq: compacting documents failed: {e}");
            }
        }
    })
}
