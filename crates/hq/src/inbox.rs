//! The exceptions inbox at head office: the same rules as on the tills, over every store's
//! records, and a manager's resolutions (a record in head office's ledger of that store, so the
//! store's tills see it too).

use crate::error::HqError;
use crate::hq::Hq;
use crate::stock::save_own_documents;
use crate::storage::HqStorage;
use kassa_protocol::{ExceptionEntry, ResolveRequest};
use kassa_replica::exceptions::{detect, exception_id_without_code, Facts};
use kassa_replica::ledger::ResolutionRecord;
use kassa_replica::{write_record, DocId, RecordKind, Timestamp};

async fn facts(storage: &dyn HqStorage, store: Option<&str>) -> Result<Facts, HqError> {
    let mut facts = Facts {
        // Only orders someone handed over can break a rule: the others are not read at all.
        orders: storage.picked_up_orders_of(store).await?,
        cancellations: storage.records_of(store).await?,
        pickups: storage.records_of(store).await?,
        returns: storage.records_of(store).await?,
        resolutions: storage.records_of(store).await?,
        voids: storage.voids_that_matter().await?,
        stock: storage
            .negative_stock()
            .await?
            .into_iter()
            .map(|s| (s.store, s.sku, s.on_hand))
            .collect(),
        conflicts: storage
            .conflicts()
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.doc_id.to_string(),
                    c.kind.map_name().to_string(),
                    c.record_id,
                )
            })
            .collect(),
        ..Facts::default()
    };
    for sale in storage.credit_sales().await? {
        facts.add_sale(&sale);
    }
    Ok(facts)
}

impl Hq {
    /// What merging revealed in every store, resolved or not: the same entries each store's tills
    /// show for their store once they hold the same documents.
    pub async fn exceptions(&self) -> Result<Vec<ExceptionEntry>, HqError> {
        Ok(detect(&facts(self.storage.as_ref(), None).await?))
    }

    /// Closes an exception with a manager's note.
    pub async fn resolve_exception(
        &self,
        request: &ResolveRequest,
    ) -> Result<ResolutionRecord, HqError> {
        let note = request.note.trim();
        if note.is_empty() || note.chars().count() > 1000 {
            return Err(HqError::BadRequest(
                "a resolution needs a note of 1 to 1000 characters".into(),
            ));
        }
        // Found without a lock (the inbox reads every store): two managers resolving the same
        // exception at once write two resolutions, which close it alike.
        let exception = detect(&facts(self.storage.as_ref(), None).await?)
            .into_iter()
            .find(|e| e.id == exception_id_without_code(request.id.trim()))
            .ok_or_else(|| HqError::NotFound(format!("no exception {:?}", request.id.trim())))?;
        let at = chrono::Utc::now();
        let created_at = Timestamp::utc(at);
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
            if self.storage.store(&store).await?.is_none() {
                continue;
            }
            let mut inner = self.documents(&store).await;
            let ledger_id = DocId::HqLedger {
                store: store.clone(),
                day: created_at.local_date().to_string(),
            };
            let mut ledger = inner.document(&ledger_id).await?;
            write_record(&mut ledger, RecordKind::Resolution, &record.id, &record)?;
            save_own_documents(&mut inner, &store, at, vec![(ledger_id, ledger)]).await?;
        }
        Ok(record)
    }
}
