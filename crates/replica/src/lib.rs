//! Kassa's replicated documents (Automerge): their ids, schemas, how they are written and read,
//! and sync sessions. Sans-IO: bytes in, bytes out; storage and transport belong to the callers.
//!
//! Records are immutable, so each one is stored as a single JSON scalar under its record id in a
//! map of the document: nothing inside a record is ever edited, and one scalar per record keeps
//! documents small and quick to load (see docs/adr/0003-replicated-documents.md).

pub mod audit;
pub mod authorship;
mod doc_id;
mod error;
pub mod exceptions;
mod hidden_json;
pub mod ledger;
pub mod memory;
pub mod orders;

mod records;
pub mod registry;
pub mod shifts;
pub mod skeleton;
pub mod stock;
mod sync_session;
pub mod time;
pub mod untrusted;
pub mod validate;

pub use automerge::{ActorId, AutoCommit, ChangeHash};
pub use doc_id::{DocId, DocKind};
pub use error::ReplicaError;
pub use hidden_json::hide_secrets_in_record_json;
pub use records::{
    all, among, check_bounds, conflicting_ids, conflicting_ids_among, put, read_records,
    read_records_among, record_ids, record_ids_among, write_record, write_record_json,
};
pub use registry::{kinds_in, ExceptionKind, Record, RecordKind};
pub use sync_session::{generate_message, heads_hex, receive_message, SyncState};
pub use time::Timestamp;
