//! Immutable records stored as one JSON scalar each, under their record id, in a top-level map.

use crate::error::ReplicaError;
use crate::registry::{Record, RecordKind};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) fn top_map(doc: &AutoCommit, name: &str) -> Result<automerge::ObjId, ReplicaError> {
    match doc.get(ROOT, name)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(ReplicaError::MalformedDocument(format!("no {name:?} map"))),
    }
}

fn record_map(
    doc: &AutoCommit,
    kind: RecordKind,
) -> Result<Option<automerge::ObjId>, ReplicaError> {
    match doc.get(ROOT, kind.map_name())? {
        Some((Value::Object(ObjType::Map), id)) => Ok(Some(id)),
        None if kind.created_on_first_use() => Ok(None),
        _ => Err(ReplicaError::MalformedDocument(format!(
            "no {:?} map",
            kind.map_name()
        ))),
    }
}

/// Adds a record. Records are immutable: writing an id that exists is refused.
pub fn write_record<T: Serialize>(
    doc: &mut AutoCommit,
    kind: RecordKind,
    id: &str,
    record: &T,
) -> Result<(), ReplicaError> {
    let map = match record_map(doc, kind)? {
        Some(map) => map,
        None => doc.put_object(ROOT, kind.map_name(), ObjType::Map)?,
    };
    if doc.get(&map, id)?.is_some() {
        return Err(ReplicaError::BadRecord {
            doc: kind.map_name().into(),
            id: id.into(),
            why: "already exists".into(),
        });
    }
    let json = serde_json::to_string(record).map_err(|e| ReplicaError::BadRecord {
        doc: kind.map_name().into(),
        id: id.into(),
        why: e.to_string(),
    })?;
    doc.put(&map, id, json)?;
    Ok(())
}

/// All records of a kind, in key order (UUIDv7 ids sort by creation time). When concurrent writes
/// put several values at one id, every value is returned, so nothing is hidden.
pub fn read_records<T: DeserializeOwned>(
    doc: &AutoCommit,
    kind: RecordKind,
) -> Result<Vec<(String, T)>, ReplicaError> {
    let Some(map) = record_map(doc, kind)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for key in doc.keys(&map) {
        for (value, _) in doc.get_all(&map, key.as_str())? {
            let text = match &value {
                Value::Scalar(s) => match s.as_ref() {
                    ScalarValue::Str(text) => text.to_string(),
                    other => {
                        return Err(bad(
                            kind,
                            &key,
                            format!("expected a JSON string, found {other:?}"),
                        ))
                    }
                },
                Value::Object(_) => {
                    return Err(bad(
                        kind,
                        &key,
                        "expected a JSON string, found an object".into(),
                    ))
                }
            };
            let record = serde_json::from_str(&text).map_err(|e| bad(kind, &key, e.to_string()))?;
            out.push((key.clone(), record));
        }
    }
    Ok(out)
}

/// Record ids that hold more than one value (two replicas wrote the same id concurrently).
pub fn conflicting_ids(doc: &AutoCommit, kind: RecordKind) -> Result<Vec<String>, ReplicaError> {
    let Some(map) = record_map(doc, kind)? else {
        return Ok(Vec::new());
    };

    let mut out = Vec::new();
    for key in doc.keys(&map) {
        if doc.get_all(&map, key.as_str())?.len() > 1 {
            out.push(key);
        }
    }
    Ok(out)
}

fn bad(kind: RecordKind, id: &str, why: String) -> ReplicaError {
    ReplicaError::BadRecord {
        doc: kind.map_name().into(),
        id: id.into(),
        why,
    }
}

/// Adds a typed record of the registry under its own id.
pub fn put<R: Record>(doc: &mut AutoCommit, record: &R) -> Result<(), ReplicaError> {
    write_record(doc, R::KIND, record.id(), record)
}

/// Every record of a registry type in a document, values only.
pub fn all<R: Record>(doc: &AutoCommit) -> Result<Vec<R>, ReplicaError> {
    Ok(read_records::<R>(doc, R::KIND)?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}
