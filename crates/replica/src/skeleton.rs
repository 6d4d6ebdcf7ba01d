//! Every document starts from the same skeleton change: made with a fixed actor and a zero
//! timestamp, so a till and head office that each create `stock/AMS1/3` on their own produce the
//! byte-identical first change. Merging then sees one change, not two conflicting maps at one key
//! (which would hide one side's records).

use crate::doc_id::{DocId, DocKind};
use crate::error::ReplicaError;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjType, ROOT};

/// The actor of skeleton changes. No replica ever writes with it.
pub const SKELETON_ACTOR: &[u8] = b"kassa-skeleton";

/// The top-level maps of each kind of document.
pub fn top_level_maps(kind: DocKind) -> &'static [&'static str] {
    match kind {
        DocKind::Ledger => &["sales", "voids"],
        DocKind::HqLedger => &["movements"],
        DocKind::Stock => &["baseline", "writers"],
        DocKind::Orders => &["orders", "pickups", "cancellations"],
    }
}

/// A new document holding only the skeleton, with `actor` set for the caller's own writes.
pub fn new_document(id: &DocId, actor: ActorId) -> Result<AutoCommit, ReplicaError> {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(SKELETON_ACTOR));
    for name in top_level_maps(id.kind()) {
        doc.put_object(ROOT, *name, ObjType::Map)?;
    }
    doc.commit_with(CommitOptions::default().with_time(0));
    doc.set_actor(actor);
    Ok(doc)
}

/// Loads a stored document, checking it has its skeleton.
pub fn load_document(id: &DocId, bytes: &[u8], actor: ActorId) -> Result<AutoCommit, ReplicaError> {
    let mut doc = crate::untrusted::decode(
        || {
            AutoCommit::load(bytes)
                .map_err(|e| ReplicaError::MalformedDocument(format!("{id}: {e}")))
        },
        |why| ReplicaError::MalformedDocument(format!("{id}: {why}")),
    )?;
    doc.set_actor(actor);
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn independent_skeletons_are_identical() {
        let id = DocId::parse("stock/AMS1/3").unwrap();
        let mut a = new_document(&id, ActorId::random()).unwrap();
        let mut b = new_document(&id, ActorId::random()).unwrap();
        assert_eq!(a.get_heads(), b.get_heads());
        assert_eq!(a.save(), b.save());
    }
}
