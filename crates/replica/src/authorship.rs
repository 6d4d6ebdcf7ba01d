//! What a till may write, checked change by change and operation by operation where head office
//! receives it (issue 12). The registry says who writes each record kind; this turns that into
//! rules on the document's structure:
//!
//! - a record is written once (a `put` of a new key in its kind's top-level map, never over an
//!   existing one, never a delete), and only for kinds a till may write in that document: its own
//!   ledger's kinds, and pickups in its store's orders (never an order, a cancellation, a
//!   payment state or a pickup code);
//! - a map created on first use is created once, at the top, by its one writer;
//! - in the stock document, a till touches only its own counters (`writers/till-N`): creates
//!   them, puts new counters, increments; never the baseline, never another writer's.
//!
//! Anything else is named in the error, so head office can hold the change for a manager.

use crate::doc_id::DocId;
use crate::registry::{kinds_in, RecordKind, Writer};
use automerge::legacy::{Key, ObjectId, OpType};
use automerge::{AutoCommit, Change, ChangeHash, ObjType, Prop, ReadDoc, ScalarValue};

/// The stock writer name of till `till_no` (its sub-map under `writers`).
pub fn stock_writer(till_no: u16) -> String {
    format!("till-{till_no}")
}

/// The record kinds till `till_no` may write into document `id`.
pub fn till_kinds(id: &DocId, till_no: u16) -> Vec<RecordKind> {
    let own_ledger = matches!(id, DocId::Ledger { till, .. } if *till == till_no);
    kinds_in(id.kind())
        .filter(|kind| match kind.spec().writer {
            Writer::OwningTill | Writer::LedgerOwner => own_ledger,
            Writer::StoreTillOrHeadOffice => true,
            Writer::HeadOffice => false,
        })
        .collect()
}

/// Checks every operation of `change` (already applied to `candidate`, whose state before the
/// message is `before`) against what till `till_no` may write into document `id`.
pub fn check_till_change(
    id: &DocId,
    till_no: u16,
    candidate: &AutoCommit,
    before: &[ChangeHash],
    change: &Change,
) -> Result<(), String> {
    let kinds = till_kinds(id, till_no);
    let maps: Vec<&str> = kinds.iter().map(|k| k.map_name()).collect();
    let own_writer = stock_writer(till_no);
    for op in change.decode().operations {
        let key = match &op.key {
            Key::Map(key) => key.to_string(),
            Key::Seq(_) => return Err("a list operation (documents hold no lists)".into()),
        };
        let (obj, path) = match &op.obj {
            ObjectId::Root => (automerge::ROOT, Vec::new()),
            ObjectId::Id(_) => {
                let (obj, _) = candidate
                    .import(&op.obj.to_string())
                    .map_err(|e| format!("an operation on an unknown object: {e}"))?;
                let path = candidate
                    .parents(&obj)
                    .map_err(|e| format!("an object without a place: {e}"))?
                    .path()
                    .into_iter()
                    .map(|(_, prop)| match prop {
                        Prop::Map(name) => Ok(name),
                        Prop::Seq(_) => Err("an object inside a list".to_string()),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                (obj, path)
            }
        };
        let existed = candidate
            .get_at(&obj, key.as_str(), before)
            .ok()
            .flatten()
            .is_some();
        let path_text = path.iter().map(String::as_str).collect::<Vec<_>>();
        let allowed = match (path_text.as_slice(), &op.action) {
            // A record: a new key of a kind this till writes here, its JSON as text.
            ([map], OpType::Put(ScalarValue::Str(_))) => !existed && maps.contains(map),
            // A kind's map made on first use, at the top, once.
            ([], OpType::Make(ObjType::Map)) => {
                !existed
                    && kinds
                        .iter()
                        .any(|k| k.map_name() == key && k.spec().created_on_first_use)
            }
            // Stock: the till's own counters only.
            (["writers"], OpType::Make(ObjType::Map)) => {
                id.kind() == crate::DocKind::Stock && !existed && key == own_writer
            }
            (["writers", writer], OpType::Put(ScalarValue::Counter(_))) => {
                id.kind() == crate::DocKind::Stock && !existed && *writer == own_writer
            }
            (["writers", writer], OpType::Increment(_)) => {
                id.kind() == crate::DocKind::Stock && *writer == own_writer
            }
            _ => false,
        };
        if !allowed {
            let place = if path_text.is_empty() {
                key.clone()
            } else {
                format!("{}/{key}", path_text.join("/"))
            };
            let what = match &op.action {
                OpType::Delete => "deletes",
                OpType::Increment(_) => "increments",
                OpType::Make(_) => "makes",
                _ if existed => "overwrites",
                _ => "writes",
            };
            return Err(format!("till {till_no} {what} {place} in {id}"));
        }
    }
    Ok(())
}
