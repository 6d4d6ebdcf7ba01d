//! The stock document `stock/{store}/{epoch}`: `baseline` (sku -> count, set by head office when the
//! epoch opens) and `writers` (writer -> sku -> Counter). On hand = baseline + every writer's counter.
//!
//! Each writer (a till, or head office) only ever touches its own sub-map, and counters are only
//! incremented: so no two replicas ever create the same key, and no increment can be lost to a
//! concurrent put (see docs/adr/0003-replicated-documents.md).

use crate::error::ReplicaError;
use crate::records::top_map;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjType, ReadDoc, ScalarValue, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Stock of a store as a document holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StockLevels {
    pub baseline: BTreeMap<String, i64>,
    /// writer -> sku -> net movement in this epoch
    pub movements: BTreeMap<String, BTreeMap<String, i64>>,
}

impl StockLevels {
    /// On hand per SKU: baseline plus all writers' movements.
    pub fn on_hand(&self) -> BTreeMap<String, i64> {
        let mut out = self.baseline.clone();
        for per_sku in self.movements.values() {
            for (sku, delta) in per_sku {
                *out.entry(sku.clone()).or_insert(0) += delta;
            }
        }
        out
    }
}

/// Records a stock movement by `writer` (e.g. `till-2`, `hq`): negative for a sale.
pub fn record_movement(
    doc: &mut AutoCommit,
    writer: &str,
    sku: &str,
    delta: i64,
) -> Result<(), ReplicaError> {
    if delta == 0 {
        return Ok(());
    }
    let writers = top_map(doc, "writers")?;
    let mine = match doc.get(&writers, writer)? {
        Some((Value::Object(ObjType::Map), id)) => id,
        Some(_) => {
            return Err(ReplicaError::MalformedDocument(format!(
                "writer {writer:?} is not a map"
            )))
        }
        None => doc.put_object(&writers, writer, ObjType::Map)?,
    };
    match doc.get(&mine, sku)? {
        Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Counter(_)) => {
            doc.increment(&mine, sku, delta)?
        }
        Some(_) => {
            return Err(ReplicaError::MalformedDocument(format!(
                "stock of {sku:?} is not a counter"
            )))
        }
        None => doc.put(&mine, sku, ScalarValue::counter(delta))?,
    }
    Ok(())
}

/// Sets the baseline of an epoch (head office only, when it opens the epoch).
pub fn set_baseline(
    doc: &mut AutoCommit,
    counts: &BTreeMap<String, i64>,
) -> Result<(), ReplicaError> {
    let baseline = top_map(doc, "baseline")?;
    for (sku, count) in counts {
        doc.put(&baseline, sku.as_str(), *count)?;
    }
    Ok(())
}

fn int_of(value: &Value<'_>) -> Option<i64> {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Int(i) => Some(*i),
            ScalarValue::Uint(u) => i64::try_from(*u).ok(),
            ScalarValue::Counter(c) => Some(i64::from(c)),
            _ => None,
        },
        Value::Object(_) => None,
    }
}

/// On hand of one SKU: its baseline plus each writer's counter, read by key rather than by
/// walking every SKU (a cashier's stock lookup must not cost a full read of the document).
pub fn on_hand_of(doc: &AutoCommit, sku: &str) -> Result<i64, ReplicaError> {
    let malformed = |what: &str| ReplicaError::MalformedDocument(format!("{what} of {sku:?}"));
    let baseline = top_map(doc, "baseline")?;
    let mut on_hand = match doc.get(&baseline, sku)? {
        Some((value, _)) => int_of(&value).ok_or_else(|| malformed("baseline"))?,
        None => 0,
    };
    let writers = top_map(doc, "writers")?;
    for writer in doc.keys(&writers) {
        let Some((Value::Object(ObjType::Map), mine)) = doc.get(&writers, writer.as_str())? else {
            return Err(ReplicaError::MalformedDocument(format!(
                "writer {writer:?} is not a map"
            )));
        };
        if let Some((value, _)) = doc.get(&mine, sku)? {
            on_hand += int_of(&value).ok_or_else(|| malformed("movement"))?;
        }
    }
    Ok(on_hand)
}

/// The on-hand count of each of `skus` that the document holds a baseline or a movement for;
/// a key it holds neither for (a writer's own name, from [`keys_written_since`]) is left out.
/// What a change to a few products costs to read, however many products the store stocks.
pub fn on_hand_of_each(
    doc: &AutoCommit,
    skus: &BTreeSet<String>,
) -> Result<BTreeMap<String, i64>, ReplicaError> {
    let baseline = top_map(doc, "baseline")?;
    let writers = top_map(doc, "writers")?;
    let mut writer_maps = Vec::new();
    for writer in doc.keys(&writers) {
        let Some((Value::Object(ObjType::Map), mine)) = doc.get(&writers, writer.as_str())? else {
            return Err(ReplicaError::MalformedDocument(format!(
                "writer {writer:?} is not a map"
            )));
        };
        writer_maps.push(mine);
    }
    let mut out = BTreeMap::new();
    for sku in skus {
        let malformed = |what: &str| ReplicaError::MalformedDocument(format!("{what} of {sku:?}"));
        let mut held = None;
        if let Some((value, _)) = doc.get(&baseline, sku.as_str())? {
            held = Some(int_of(&value).ok_or_else(|| malformed("baseline"))?);
        }
        for mine in &writer_maps {
            if let Some((value, _)) = doc.get(mine, sku.as_str())? {
                let delta = int_of(&value).ok_or_else(|| malformed("movement"))?;
                held = Some(held.unwrap_or(0) + delta);
            }
        }
        if let Some(on_hand) = held {
            out.insert(sku.clone(), on_hand);
        }
    }
    Ok(out)
}

pub fn read_levels(doc: &AutoCommit) -> Result<StockLevels, ReplicaError> {
    let mut levels = StockLevels::default();
    let baseline = top_map(doc, "baseline")?;
    for key in doc.keys(&baseline) {
        if let Some((value, _)) = doc.get(&baseline, key.as_str())? {
            let count = int_of(&value)
                .ok_or_else(|| ReplicaError::MalformedDocument(format!("baseline of {key:?}")))?;
            levels.baseline.insert(key, count);
        }
    }
    let writers = top_map(doc, "writers")?;
    for writer in doc.keys(&writers) {
        let Some((Value::Object(ObjType::Map), mine)) = doc.get(&writers, writer.as_str())? else {
            return Err(ReplicaError::MalformedDocument(format!(
                "writer {writer:?} is not a map"
            )));
        };
        let mut per_sku = BTreeMap::new();
        for sku in doc.keys(&mine) {
            if let Some((value, _)) = doc.get(&mine, sku.as_str())? {
                let delta = int_of(&value).ok_or_else(|| {
                    ReplicaError::MalformedDocument(format!("movement of {sku:?}"))
                })?;
                per_sku.insert(sku, delta);
            }
        }
        levels.movements.insert(writer, per_sku);
    }
    Ok(levels)
}

/// Every map key written by the changes a document gained since `before`: for a stock document a
/// superset of the SKUs whose stock moved (it may also hold `baseline`, `writers` and writer names,
/// which are not SKUs); for a ledger, the ids of the records written (and the names of record
/// maps). It costs what the new changes hold, not what the document holds, so a sync round can
/// say which SKUs and records to look at again without reading every one.
pub fn keys_written_since(doc: &mut AutoCommit, before: &[ChangeHash]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for change in doc.get_changes(before) {
        for op in change.decode().operations {
            if let automerge::legacy::Key::Map(key) = op.key {
                keys.insert(key.to_string());
            }
        }
    }
    keys
}
