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
    let json = serde_json::to_string(record).map_err(|e| ReplicaError::BadRecord {
        doc: kind.map_name().into(),
        id: id.into(),
        why: e.to_string(),
    })?;
    write_record_json(doc, kind, id, &json)
}

/// Adds a record already serialised as JSON (a record waiting in a till's outbox). Records are
/// immutable: an id that exists is refused.
pub fn write_record_json(
    doc: &mut AutoCommit,
    kind: RecordKind,
    id: &str,
    json: &str,
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
    read_records_at(doc, kind, &map, doc.keys(&map))
}

/// The records of a kind at `ids` only, in the order given; an id the kind does not hold is
/// skipped. What a sync round's new changes wrote ([`crate::stock::keys_written_since`] gives
/// their keys) costs what they hold, not what the document holds.
pub fn read_records_among<'a, T: DeserializeOwned>(
    doc: &AutoCommit,
    kind: RecordKind,
    ids: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<(String, T)>, ReplicaError> {
    let Some(map) = record_map(doc, kind)? else {
        return Ok(Vec::new());
    };
    read_records_at(doc, kind, &map, ids.into_iter().cloned())
}

fn read_records_at<T: DeserializeOwned>(
    doc: &AutoCommit,
    kind: RecordKind,
    map: &automerge::ObjId,
    keys: impl Iterator<Item = String>,
) -> Result<Vec<(String, T)>, ReplicaError> {
    let mut out = Vec::new();
    for key in keys {
        for (value, _) in doc.get_all(map, key.as_str())? {
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

/// The ids a kind holds, in key order, without reading the records (no JSON is parsed).
pub fn record_ids(doc: &AutoCommit, kind: RecordKind) -> Result<Vec<String>, ReplicaError> {
    Ok(match record_map(doc, kind)? {
        Some(map) => doc.keys(&map).collect(),
        None => Vec::new(),
    })
}

/// The ids among `keys` that the kind holds (keys a round's changes wrote may be other maps').
pub fn record_ids_among<'a>(
    doc: &AutoCommit,
    kind: RecordKind,
    keys: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<String>, ReplicaError> {
    let Some(map) = record_map(doc, kind)? else {
        return Ok(Vec::new());
    };
    let mut ids = Vec::new();
    for key in keys {
        if doc.get(&map, key.as_str())?.is_some() {
            ids.push(key.clone());
        }
    }
    Ok(ids)
}

/// Record ids that hold more than one value (two replicas wrote the same id concurrently).
pub fn conflicting_ids(doc: &AutoCommit, kind: RecordKind) -> Result<Vec<String>, ReplicaError> {
    let Some(map) = record_map(doc, kind)? else {
        return Ok(Vec::new());
    };
    conflicting_at(doc, &map, doc.keys(&map))
}

/// [`conflicting_ids`] among `ids` only.
pub fn conflicting_ids_among<'a>(
    doc: &AutoCommit,
    kind: RecordKind,
    ids: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<String>, ReplicaError> {
    let Some(map) = record_map(doc, kind)? else {
        return Ok(Vec::new());
    };
    conflicting_at(doc, &map, ids.into_iter().cloned())
}

fn conflicting_at(
    doc: &AutoCommit,
    map: &automerge::ObjId,
    keys: impl Iterator<Item = String>,
) -> Result<Vec<String>, ReplicaError> {
    let mut out = Vec::new();
    for key in keys {
        if doc.get_all(map, key.as_str())?.len() > 1 {
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
/// Its secrets are hidden first ([`Record::hide_secrets`]).
pub fn put<R: Record>(doc: &mut AutoCommit, record: &R) -> Result<(), ReplicaError> {
    let hidden = record.hidden();
    let record = hidden.as_ref().unwrap_or(record);
    write_record(doc, R::KIND, record.id(), record)
}

/// Every record of a registry type in a document, values only, secrets hidden (a record written
/// before keys holds a credit code in clear).
pub fn all<R: Record>(doc: &AutoCommit) -> Result<Vec<R>, ReplicaError> {
    Ok(read_records::<R>(doc, R::KIND)?
        .into_iter()
        .map(|(_, mut r)| {
            r.hide_secrets();
            r
        })
        .collect())
}

/// [`all`] among `ids` only (see [`read_records_among`]).
pub fn among<'a, R: Record>(
    doc: &AutoCommit,
    ids: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<R>, ReplicaError> {
    Ok(read_records_among::<R>(doc, R::KIND, ids)?
        .into_iter()
        .map(|(_, mut r)| {
            r.hide_secrets();
            r
        })
        .collect())
}

/// The longest text any field of a record may hold (names, reasons, notes, receipt details).
pub const MAX_RECORD_TEXT: usize = 4096;
/// The most items any list in a record may hold (lines, tenders, refunds).
pub const MAX_RECORD_ITEMS: usize = 1000;

/// Checks a record that came from another device against the bounds every amount and text has
/// where it enters Kassa: every number within `MAX_AMOUNT` either way, every text and list
/// bounded. A hostile or broken till cannot make head office (or another till) sum past
/// `i64::MAX` or store a megabyte of name.
pub fn check_bounds<R: Serialize>(record: &R) -> Result<(), String> {
    fn walk(value: &serde_json::Value, path: &mut Vec<String>) -> Result<(), String> {
        let at = |path: &Vec<String>| path.join(".");
        match value {
            serde_json::Value::Number(n) => {
                let max = kassa_domain::MAX_AMOUNT.minor();
                match n.as_i64() {
                    Some(v) if (-max..=max).contains(&v) => Ok(()),
                    Some(v) => Err(format!("{} = {v} is out of range", at(path))),
                    None => match n.as_u64() {
                        Some(v) => Err(format!("{} = {v} is out of range", at(path))),
                        None => Err(format!("{} is not a whole number", at(path))),
                    },
                }
            }
            serde_json::Value::String(s) if s.chars().count() > MAX_RECORD_TEXT => Err(format!(
                "{} is longer than {MAX_RECORD_TEXT} characters",
                at(path)
            )),
            serde_json::Value::Array(items) => {
                if items.len() > MAX_RECORD_ITEMS {
                    return Err(format!(
                        "{} has more than {MAX_RECORD_ITEMS} items",
                        at(path)
                    ));
                }
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(item, path)?;
                    path.pop();
                }
                Ok(())
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    path.push(key.clone());
                    walk(item, path)?;
                    path.pop();
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    let value = serde_json::to_value(record).map_err(|e| e.to_string())?;
    walk(&value, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_refuse_huge_amounts_long_text_and_long_lists_anywhere_in_a_record() {
        let ok = serde_json::json!({ "total": 99_999_999_999_999i64, "lines": [{ "amount": -5 }] });
        assert_eq!(check_bounds(&ok), Ok(()));
        let huge = serde_json::json!({ "lines": [{ "amount": 100_000_000_000_000i64 }] });
        assert!(check_bounds(&huge).unwrap_err().contains("lines.0.amount"));
        let unsigned = serde_json::json!({ "total": u64::MAX });
        assert!(check_bounds(&unsigned).is_err());
        let float = serde_json::json!({ "total": 1.5 });
        assert!(check_bounds(&float).is_err());
        let text = serde_json::json!({ "name": "x".repeat(MAX_RECORD_TEXT + 1) });
        assert!(check_bounds(&text).unwrap_err().contains("name"));
        let list = serde_json::json!({ "lines": vec![0; MAX_RECORD_ITEMS + 1] });
        assert!(check_bounds(&list).is_err());
    }
}
