//! The exceptions inbox at head office: the same rules as on the tills, over every store's
//! records, and a manager's resolutions (a record in head office's ledger of that store, so the
//! store's tills see it too).

use crate::error::HqError;
use crate::hq::{now, Hq, Inner};
use crate::stock::save_own_documents;
use kassa_protocol::{ExceptionEntry, ResolveRequest};
use kassa_replica::exceptions::{detect, Facts};
use kassa_replica::ledger::ResolutionRecord;
use kassa_replica::{write_record, DocId, RecordKind};
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(rows: Vec<String>) -> Result<Vec<T>, HqError> {
    rows.iter()
        .map(|json| Ok(serde_json::from_str(json)?))
        .collect()
}

fn facts(inner: &Inner, store: Option<&str>) -> Result<Facts, HqError> {
    let storage = &inner.storage;
    let mut facts = Facts {
        orders: decode(storage.records("order", store)?)?,
        cancellations: decode(storage.records("cancellation", store)?)?,
        pickups: decode(storage.records("pickup", store)?)?,
        returns: decode(storage.records("return", store)?)?,
        resolutions: decode(storage.records("resolution", store)?)?,
        voids: storage.all_voids()?,
        stock: storage.negative_stock()?,
        conflicts: storage.conflicts()?,
        ..Facts::default()
    };
    for sale in storage.credit_sales()? {
        facts.add_sale(&sale);
    }
    Ok(facts)
}

impl Hq {
    /// What merging revealed in every store, resolved or not: the same entries each store's tills
    /// show for their store once they hold the same documents.
    pub fn exceptions(&self) -> Result<Vec<ExceptionEntry>, HqError> {
        let inner = self.lock();
        Ok(detect(&facts(&inner, None)?))
    }

    /// Closes an exception with a manager's note.
    pub fn resolve_exception(&self, request: &ResolveRequest) -> Result<ResolutionRecord, HqError> {
        let note = request.note.trim();
        if note.is_empty() || note.chars().count() > 1000 {
            return Err(HqError::BadRequest(
                "a resolution needs a note of 1 to 1000 characters".into(),
            ));
        }
        let mut inner = self.lock();
        let exception = detect(&facts(&inner, None)?)
            .into_iter()
            .find(|e| e.id == request.id.trim())
            .ok_or_else(|| HqError::NotFound(format!("no exception {:?}", request.id.trim())))?;
        let created_at = now();
        let record = ResolutionRecord {
            id: uuid::Uuid::now_v7().to_string(),
            exception_id: exception.id.clone(),
            note: note.to_string(),
            resolved_by: request
                .resolved_by
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            written_by: "hq".into(),
            store: exception.store.clone(),
            created_at: created_at.clone(),
        };
        // Every store whose tills wrote the records sees the exception, so each gets the
        // resolution (one record id: every replica projects it once).
        let mut stores: Vec<String> = exception
            .tills
            .iter()
            .filter_map(|t| t.rsplit_once('-').map(|(store, _)| store.to_string()))
            .collect();
        stores.push(exception.store.clone());
        stores.sort();
        stores.dedup();
        for store in stores {
            if inner.storage.store(&store)?.is_none() {
                continue;
            }
            let ledger_id = DocId::HqLedger {
                store: store.clone(),
                day: created_at[..10].to_string(),
            };
            let mut ledger = inner.document(&ledger_id)?;
            write_record(&mut ledger, RecordKind::Resolution, &record.id, &record)?;
            save_own_documents(&mut inner, &store, &created_at, vec![(ledger_id, ledger)])?;
        }
        Ok(record)
    }
}
