//! Receiving a sync message with a check on who wrote each incoming change: head office refuses a
//! change to a till's ledger made by any other actor, before anything is applied.

use crate::doc_id::DocId;
use crate::error::ReplicaError;
use crate::skeleton::{new_document, SKELETON_ACTOR};
use crate::sync_session::{decode_message, SyncState};
use automerge::sync::SyncDoc;
use automerge::{ActorId, AutoCommit, Change, ChangeHash};

/// A sync message applied to a copy of a document: the copy, its sync state, the heads before,
/// and the changes that were new. Nothing is decided yet: the caller keeps or drops it.
pub struct Received {
    pub doc: AutoCommit,
    pub state: SyncState,
    pub before: Vec<ChangeHash>,
    pub new_changes: Vec<Change>,
}

/// Applies `bytes` to `doc` (the caller's own copy: on any error it is thrown away, as a
/// decoder failure half-way may have changed it). The shared skeleton actor is refused for
/// anything but this document's exact skeleton change (no replica writes with it).
pub fn receive_candidate(
    doc_name: &str,
    mut doc: AutoCommit,
    mut state: SyncState,
    bytes: &[u8],
) -> Result<Received, ReplicaError> {
    let id = DocId::parse(doc_name)?;
    let message = decode_message(bytes)?;
    let before = doc.get_heads();
    crate::untrusted::decode(
        || Ok(doc.sync().receive_sync_message(&mut state.0, message)?),
        ReplicaError::MalformedMessage,
    )?;
    let new_changes: Vec<Change> = doc.get_changes(&before);
    let skeleton = ActorId::from(SKELETON_ACTOR);
    // The document's skeleton is built only when a change claims the skeleton actor: most
    // messages carry none, and building it is a whole new document.
    let mut skeleton_heads = None;
    for change in new_changes.iter().filter(|c| *c.actor_id() == skeleton) {
        let heads = match &skeleton_heads {
            Some(heads) => heads,
            None => skeleton_heads.insert(new_document(&id, ActorId::random())?.get_heads()),
        };
        if !heads.contains(&change.hash()) {
            return Err(ReplicaError::ForeignActor {
                doc: doc_name.to_string(),
                actor: change.actor_id().to_hex_string(),
            });
        }
    }
    Ok(Received {
        doc,
        state,
        before,
        new_changes,
    })
}

/// True for the shared skeleton change of a document (made by no replica).
pub fn is_skeleton(change: &Change) -> bool {
    *change.actor_id() == ActorId::from(SKELETON_ACTOR)
}

/// Applies `bytes` to a copy of `doc`; if every new change was made by an actor that `allowed`
/// accepts (or is the shared skeleton), the copy replaces `doc` and the new state replaces
/// `state`. Otherwise nothing changes and the first foreign actor is named.
pub fn receive_checked(
    doc_name: &str,
    doc: &mut AutoCommit,
    state: &mut SyncState,
    bytes: &[u8],
    allowed: impl Fn(&ActorId) -> bool,
) -> Result<usize, ReplicaError> {
    let received = receive_candidate(doc_name, doc.clone(), state.clone(), bytes)?;
    for change in &received.new_changes {
        if !is_skeleton(change) && !allowed(change.actor_id()) {
            return Err(ReplicaError::ForeignActor {
                doc: doc_name.to_string(),
                actor: change.actor_id().to_hex_string(),
            });
        }
    }
    let count = received.new_changes.len();
    *doc = received.doc;
    *state = received.state;
    Ok(count)
}
