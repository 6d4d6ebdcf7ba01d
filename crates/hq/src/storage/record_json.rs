//! How indexed records are kept in a database: as the JSON Kassa writes for them, by kind.
//! Both storages keep them this way, so a record reads back the same from either.

use super::IndexedRecord;
use crate::error::HqError;
use kassa_replica::RecordKind;

pub(super) fn record_json(record: &IndexedRecord) -> serde_json::Result<String> {
    match record {
        IndexedRecord::Order(r) => serde_json::to_string(r),
        IndexedRecord::Cancellation(r) => serde_json::to_string(r),
        IndexedRecord::Pickup(r) => serde_json::to_string(r),
        IndexedRecord::Return(r) => serde_json::to_string(r),
        IndexedRecord::Resolution(r) => serde_json::to_string(r),
        IndexedRecord::Audit(r) => serde_json::to_string(r),
        IndexedRecord::ShiftOpen(r) => serde_json::to_string(r),
        IndexedRecord::CashMovement(r) => serde_json::to_string(r),
        IndexedRecord::ShiftClose(r) => serde_json::to_string(r),
    }
}

pub(super) fn record_from_json(kind: RecordKind, json: &str) -> Result<IndexedRecord, HqError> {
    use serde_json::from_str;
    Ok(match kind {
        RecordKind::Order => IndexedRecord::Order(from_str(json)?),
        RecordKind::Cancellation => IndexedRecord::Cancellation(from_str(json)?),
        RecordKind::Pickup => IndexedRecord::Pickup(from_str(json)?),
        RecordKind::Return => IndexedRecord::Return(from_str(json)?),
        RecordKind::Resolution => IndexedRecord::Resolution(from_str(json)?),
        RecordKind::Audit => IndexedRecord::Audit(from_str(json)?),
        RecordKind::ShiftOpen => IndexedRecord::ShiftOpen(from_str(json)?),
        RecordKind::CashMovement => IndexedRecord::CashMovement(from_str(json)?),
        RecordKind::ShiftClose => IndexedRecord::ShiftClose(from_str(json)?),
        RecordKind::Sale
        | RecordKind::Void
        | RecordKind::Movement
        | RecordKind::PickupCodeReset => {
            return Err(HqError::Corrupt(format!(
                "{} records are not kept in the record index",
                kind.as_str()
            )))
        }
    })
}

pub(super) fn records_from_json(
    kind: RecordKind,
    rows: Vec<String>,
) -> Result<Vec<IndexedRecord>, HqError> {
    rows.iter()
        .map(|json| record_from_json(kind, json))
        .collect()
}
