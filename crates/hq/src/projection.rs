//! What head office keeps of each document's records, besides the document: sales and voids for
//! the feeds, and orders, cancellations, pickups, returns and resolutions for the order list, the
//! lookups and the exceptions inbox. One function for a till's sync and head office's own writes.

use crate::error::HqError;
use crate::storage::{
    FiledSale, FindingKind, Indexed, NewFinding, RecordConflict, StoredRecord, SyncWrite,
};
use kassa_replica::audit::AuditEntry;
use kassa_replica::ledger::{ResolutionRecord, ReturnRecord, SaleRecord, VoidRecord};
use kassa_replica::orders::{OrderCancellation, OrderRecord, PickupRecord};
use kassa_replica::shifts::{CashMovementRecord, ShiftClosed, ShiftOpened};
use kassa_replica::{
    all, among, check_bounds, conflicting_ids, conflicting_ids_among, kinds_in, AutoCommit, DocId,
    Record, RecordKind,
};
use std::collections::BTreeSet;

/// Which records of a document a write projects.
#[derive(Clone, Copy)]
pub(crate) enum Records<'a> {
    /// Every record (a document head office wrote itself, or took from a held message).
    All,
    /// Those at these ids: what a sync's new changes wrote. A round then costs what it brought,
    /// not what the document already held (every sale of the day, read again at each round).
    Among(&'a BTreeSet<String>),
}

/// A record filed under its store and what it is about.
fn stored<R: Indexed>(store: &str, subject: Option<&str>, record: R) -> StoredRecord {
    StoredRecord {
        store: store.to_string(),
        subject: subject.map(str::to_string),
        record: record.into_indexed(),
    }
}

/// An order head office keeps without a document (a shipped order never waits at a store).
pub(crate) fn order_record(order: &OrderRecord) -> StoredRecord {
    stored(&order.store, Some(&order.order_no), order.clone())
}

/// Every record of a kind in a document, each checked against the bounds of what may enter
/// Kassa (a till's document is hostile input until checked).
fn checked<R: Record>(doc: &AutoCommit, which: Records) -> Result<Vec<R>, HqError> {
    let records = match which {
        Records::All => all::<R>(doc)?,
        Records::Among(ids) => among::<R>(doc, ids)?,
    };
    for record in &records {
        check_bounds(record).map_err(|why| {
            HqError::BadRequest(format!(
                "{} {} is refused: {why}",
                R::KIND.as_str(),
                record.id()
            ))
        })?;
    }
    Ok(records)
}

/// Adds a kind's records to the index head office keeps beside the documents.
fn index<R: Indexed>(
    doc: &AutoCommit,
    which: Records,
    store: &str,
    write: &mut SyncWrite,
) -> Result<(), HqError> {
    for record in checked::<R>(doc, which)? {
        let subject = record.subject().map(str::to_string);
        write
            .records
            .push(stored(store, subject.as_deref(), record));
    }
    Ok(())
}

/// Adds every record of `doc` to `write` (storage ignores ones it holds already), walking the
/// registry of record kinds as the tills do; every kind's map is checked for conflicts.
/// Files a ledger's sales under the ledger's own store and till, whatever a record says, and flags
/// a record that names another, or whose amounts do not add up. Nothing is refused: the sale
/// is kept as written and later sales keep flowing.
fn file_sales(id: &DocId, sales: Vec<SaleRecord>, write: &mut SyncWrite) {
    let DocId::Ledger { store, till, .. } = id else {
        return; // the registry keeps sales in tills' ledgers only
    };
    for sale in sales {
        if sale.store_code != *store || sale.till_no != *till {
            write.findings.push(NewFinding {
                kind: FindingKind::MisfiledSale,
                device_id: None,
                doc_id: id.clone(),
                subject: sale.id.clone(),
                detail: format!(
                    "sale {} came in the ledger of {store} till {till} but names {} till {}; filed under {store} till {till}",
                    sale.receipt_no, sale.store_code, sale.till_no
                ),
                changes: None,
            });
        }
        if let Some(problem) = kassa_replica::ledger::sale_total_problem(&sale) {
            write.findings.push(NewFinding {
                kind: FindingKind::SaleTotal,
                device_id: None,
                doc_id: id.clone(),
                subject: sale.id.clone(),
                detail: problem,
                changes: None,
            });
        }
        write.sales.push(FiledSale {
            store: store.clone(),
            till_no: *till,
            record: sale,
        });
    }
}

pub(crate) fn project(id: &DocId, doc: &AutoCommit, write: &mut SyncWrite) -> Result<(), HqError> {
    project_records(id, doc, Records::All, write)
}

/// [`project`] for the records `which` names.
pub(crate) fn project_records(
    id: &DocId,
    doc: &AutoCommit,
    which: Records,
    write: &mut SyncWrite,
) -> Result<(), HqError> {
    let store = id.store();
    for kind in kinds_in(id.kind()) {
        // Exhaustive on purpose: a new kind must say how head office keeps it.
        match kind {
            RecordKind::Sale => file_sales(id, checked::<SaleRecord>(doc, which)?, write),
            RecordKind::Void => write.voids.extend(checked::<VoidRecord>(doc, which)?),
            RecordKind::Return => index::<ReturnRecord>(doc, which, store, write)?,
            RecordKind::Resolution => index::<ResolutionRecord>(doc, which, store, write)?,
            RecordKind::ShiftOpen => index::<ShiftOpened>(doc, which, store, write)?,
            RecordKind::CashMovement => index::<CashMovementRecord>(doc, which, store, write)?,
            RecordKind::ShiftClose => index::<ShiftClosed>(doc, which, store, write)?,
            RecordKind::Order => index::<OrderRecord>(doc, which, store, write)?,
            RecordKind::Cancellation => index::<OrderCancellation>(doc, which, store, write)?,
            RecordKind::Pickup => index::<PickupRecord>(doc, which, store, write)?,
            RecordKind::Audit => {
                // Filed under the till whose ledger it came in (not what the entry says), so an
                // entry claiming another till's chain shows up as a break there.
                if let DocId::Ledger { store, till, .. } = id {
                    let chain = format!("{store}-{till}");
                    for entry in checked::<AuditEntry>(doc, which)? {
                        write.records.push(stored(store, Some(&chain), entry));
                    }
                }
            }
            // Head office's own movements: the stock document holds their effect. Its pickup
            // code resets are its own writes, read back from the orders document when needed.
            RecordKind::Movement | RecordKind::PickupCodeReset => {}
        }
        let conflicting = match which {
            Records::All => conflicting_ids(doc, kind)?,
            Records::Among(ids) => conflicting_ids_among(doc, kind, ids)?,
        };
        for record_id in conflicting {
            write.conflicts.push(RecordConflict {
                doc_id: id.clone(),
                kind,
                record_id,
            });
        }
    }
    Ok(())
}
