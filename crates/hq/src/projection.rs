//! What head office keeps of each document's records, besides the document: sales and voids for
//! the feeds, and orders, cancellations, pickups, returns and resolutions for the order list, the
//! lookups and the exceptions inbox. One function for a till's sync and head office's own writes.

use crate::error::HqError;
use crate::storage::{StoredRecord, SyncWrite};
use kassa_replica::audit::AuditEntry;
use kassa_replica::ledger::{ResolutionRecord, ReturnRecord, SaleRecord, VoidRecord};
use kassa_replica::orders::{OrderCancellation, OrderRecord, PickupRecord};
use kassa_replica::shifts::{CashMovementRecord, ShiftClosed, ShiftOpened};
use kassa_replica::{conflicting_ids, read_records, AutoCommit, DocId, DocKind, RecordKind};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn stored<T: Serialize>(
    kind: &'static str,
    id: &str,
    store: &str,
    subject: Option<&str>,
    record: &T,
) -> Result<StoredRecord, HqError> {
    Ok(StoredRecord {
        id: id.to_string(),
        kind,
        store: store.to_string(),
        subject: subject.map(str::to_string),
        json: serde_json::to_string(record)?,
    })
}

/// An order head office keeps without a document (a shipped order never waits at a store).
pub(crate) fn order_record(order: &OrderRecord) -> Result<StoredRecord, HqError> {
    stored(
        "order",
        &order.id,
        &order.store,
        Some(&order.order_no),
        order,
    )
}

fn all<T: DeserializeOwned>(doc: &AutoCommit, kind: RecordKind) -> Result<Vec<T>, HqError> {
    Ok(read_records::<T>(doc, kind)?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// Adds every record of `doc` to `write` (storage ignores ones it holds already).
pub(crate) fn project(id: &DocId, doc: &AutoCommit, write: &mut SyncWrite) -> Result<(), HqError> {
    let store = id.store();
    let kinds: &[RecordKind] = match id.kind() {
        DocKind::Ledger => {
            write
                .sales
                .extend(all::<SaleRecord>(doc, RecordKind::Sale)?);
            write
                .voids
                .extend(all::<VoidRecord>(doc, RecordKind::Void)?);
            for r in all::<ReturnRecord>(doc, RecordKind::Return)? {
                write
                    .records
                    .push(stored("return", &r.id, store, r.source.subject_id(), &r)?);
            }
            for r in all::<ResolutionRecord>(doc, RecordKind::Resolution)? {
                write.records.push(stored(
                    "resolution",
                    &r.id,
                    store,
                    Some(&r.exception_id),
                    &r,
                )?);
            }
            // Filed under the till whose ledger it came in (not what the entry says), so an
            // entry claiming another till's chain shows up as a break there.
            for r in all::<ShiftOpened>(doc, RecordKind::ShiftOpen)? {
                write
                    .records
                    .push(stored("shift_open", &r.id, store, Some(&r.id), &r)?);
            }
            for r in all::<CashMovementRecord>(doc, RecordKind::CashMovement)? {
                write.records.push(stored(
                    "cash_movement",
                    &r.id,
                    store,
                    Some(&r.shift_id),
                    &r,
                )?);
            }
            for r in all::<ShiftClosed>(doc, RecordKind::ShiftClose)? {
                write
                    .records
                    .push(stored("shift_close", &r.id, store, Some(&r.shift_id), &r)?);
            }
            if let DocId::Ledger { store, till, .. } = id {
                let chain = format!("{store}-{till}");
                for r in all::<AuditEntry>(doc, RecordKind::Audit)? {
                    write
                        .records
                        .push(stored("audit", &r.id, store, Some(&chain), &r)?);
                }
            }
            &[
                RecordKind::Sale,
                RecordKind::Void,
                RecordKind::Return,
                RecordKind::Resolution,
                RecordKind::Audit,
                RecordKind::ShiftOpen,
                RecordKind::CashMovement,
                RecordKind::ShiftClose,
            ]
        }
        DocKind::HqLedger => {
            for r in all::<ResolutionRecord>(doc, RecordKind::Resolution)? {
                write.records.push(stored(
                    "resolution",
                    &r.id,
                    store,
                    Some(&r.exception_id),
                    &r,
                )?);
            }
            &[RecordKind::Resolution]
        }
        DocKind::Orders => {
            for r in all::<OrderRecord>(doc, RecordKind::Order)? {
                write
                    .records
                    .push(stored("order", &r.id, store, Some(&r.order_no), &r)?);
            }
            for r in all::<OrderCancellation>(doc, RecordKind::Cancellation)? {
                write
                    .records
                    .push(stored("cancellation", &r.id, store, Some(&r.order_id), &r)?);
            }
            for r in all::<PickupRecord>(doc, RecordKind::Pickup)? {
                write
                    .records
                    .push(stored("pickup", &r.id, store, Some(&r.order_id), &r)?);
            }
            &[
                RecordKind::Order,
                RecordKind::Cancellation,
                RecordKind::Pickup,
            ]
        }
        DocKind::Stock => &[],
    };
    for kind in kinds {
        for record in conflicting_ids(doc, *kind)? {
            write
                .conflicts
                .push((id.to_string(), kind.map_name().to_string(), record));
        }
    }
    Ok(())
}
