//! One side of an Automerge sync session for one document and one peer.

use crate::error::ReplicaError;
use automerge::sync::{self, SyncDoc};
use automerge::AutoCommit;

/// The sync state for a (document, peer) pair. Only its persistent part is stored between runs.
#[derive(Debug, Clone, Default)]
pub struct SyncState(pub(crate) sync::State);

impl SyncState {
    pub fn new() -> SyncState {
        SyncState(sync::State::new())
    }

    pub fn decode(bytes: &[u8]) -> Result<SyncState, ReplicaError> {
        sync::State::decode(bytes)
            .map(SyncState)
            .map_err(|e| ReplicaError::MalformedState(e.to_string()))
    }

    pub fn encode(&self) -> Vec<u8> {
        self.0.encode()
    }

    /// Forgets which changes this side has sent in the session. Head office keeps no session
    /// between requests: a change it could not apply yet (its dependency had not arrived, as
    /// when a Bloom filter false positive made the till skip that dependency) is dropped with
    /// the request, and head office asks for it again. Automerge never resends a change it
    /// remembers sending, so without this the till and head office would ask and refuse until
    /// the round gave up. After each answer the till forgets, and sends what head office still
    /// says it lacks.
    pub fn forget_sent(&mut self) {
        self.0.sent_hashes.clear();
    }

    /// Sets what this side believes both peers hold: only for tests that reproduce a session
    /// gone wrong (a Bloom filter false positive leaves exactly this belief).
    #[doc(hidden)]
    pub fn set_shared_heads_for_test(&mut self, heads: Vec<automerge::ChangeHash>) {
        self.0.shared_heads = heads;
    }
}

/// The next message to send for this document, or `None` when the peer is up to date (or an
/// answer is awaited).
pub fn generate_message(doc: &mut AutoCommit, state: &mut SyncState) -> Option<Vec<u8>> {
    doc.sync()
        .generate_sync_message(&mut state.0)
        .map(sync::Message::encode)
}

/// Applies a message from the peer without any check of who wrote the changes.
pub fn receive_message(
    doc: &mut AutoCommit,
    state: &mut SyncState,
    bytes: &[u8],
) -> Result<(), ReplicaError> {
    let message = decode_message(bytes)?;
    // A decoder failure half-way may leave `doc` changed: callers throw a document away on
    // error (a till command drops what it touched; head office applies validated messages).
    crate::untrusted::decode(
        || Ok(doc.sync().receive_sync_message(&mut state.0, message)?),
        ReplicaError::MalformedMessage,
    )
}

pub(crate) fn decode_message(bytes: &[u8]) -> Result<sync::Message, ReplicaError> {
    crate::untrusted::decode(
        || sync::Message::decode(bytes).map_err(|e| ReplicaError::MalformedMessage(e.to_string())),
        ReplicaError::MalformedMessage,
    )
}

/// The document's heads as sorted hex strings (what head office announces and tills compare).
pub fn heads_hex(doc: &mut AutoCommit) -> Vec<String> {
    let mut heads: Vec<String> = doc.get_heads().iter().map(ToString::to_string).collect();
    heads.sort();
    heads
}
