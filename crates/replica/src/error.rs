#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    #[error("invalid document id {0:?}")]
    InvalidDocId(String),
    #[error("malformed sync message: {0}")]
    MalformedMessage(String),
    #[error("malformed sync state: {0}")]
    MalformedState(String),
    #[error("malformed document: {0}")]
    MalformedDocument(String),
    #[error("record {id} in {doc} is not valid: {why}")]
    BadRecord {
        doc: String,
        id: String,
        why: String,
    },
    #[error("change by actor {actor} is not allowed in {doc}")]
    ForeignActor { doc: String, actor: String },
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}
