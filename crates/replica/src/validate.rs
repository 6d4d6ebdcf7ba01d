//! Receiving a sync message with a check on who wrote each incoming change: head office refuses a
//! change to a till's ledger made by any other actor, before anything is applied.

use crate::doc_id::DocId;
use crate::error::ReplicaError;
use crate::skeleton::{new_document, SKELETON_ACTOR};
use crate::sync_session::{decode_message, SyncState};
use automerge::sync::SyncDoc;
use automerge::{ActorId, AutoCommit};

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
    let id = DocId::parse(doc_name)?;
    let message = decode_message(bytes)?;
    let skeleton_heads = new_document(&id, ActorId::random())?.get_heads();
    let before = doc.get_heads();
    let mut candidate = doc.fork();
    candidate.set_actor(doc.get_actor().clone());
    let mut candidate_state = state.clone();
    candidate
        .sync()
        .receive_sync_message(&mut candidate_state.0, message)?;
    let new_changes = candidate.get_changes(&before);
    let skeleton = ActorId::from(SKELETON_ACTOR);
    for change in &new_changes {
        let actor = change.actor_id();
        // The skeleton actor is accepted only for the exact skeleton change of this document.
        let is_skeleton = *actor == skeleton && skeleton_heads.contains(&change.hash());
        if !is_skeleton && (*actor == skeleton || !allowed(actor)) {
            return Err(ReplicaError::ForeignActor {
                doc: doc_name.to_string(),
                actor: actor.to_hex_string(),
            });
        }
    }
    let count = new_changes.len();
    *doc = candidate;
    *state = candidate_state;
    Ok(count)
}
