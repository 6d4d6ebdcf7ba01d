//! A new pickup code for a web order (the customer lost the first, or someone else saw it): a
//! record head office writes into the order's orders document, so every till holding the order
//! takes the new code and refuses the old one from its next sync on, offline after that too.
//! The code is shown once and only its hash is kept, as when the order was taken. Tills of the
//! release before resets keep accepting the code the order was taken with until they upgrade.

use crate::error::HqError;
use crate::hq::Hq;
use crate::orders::{new_pickup_code, order_of, order_state};
use crate::stock::save_own_documents;
use crate::viewer::Viewer;
use chrono::Utc;
use kassa_replica::orders::{order_month, pickup_code_hash, PickupCodeReset};
use kassa_replica::{write_record, DocId, RecordKind, Timestamp};

/// A reset made: the order's number and its new code (shown once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPickupCode {
    pub order_no: String,
    pub store: String,
    pub code: String,
}

impl Hq {
    /// Gives a waiting order of a store the viewer sees a new pickup code.
    pub async fn reset_pickup_code_for(
        &self,
        viewer: &Viewer,
        order_no: &str,
    ) -> Result<NewPickupCode, HqError> {
        let order = order_of(self.storage.as_ref(), order_no).await?;
        if !viewer.sees(&order.store) {
            return Err(HqError::NotFound(format!(
                "no order {:?}",
                order_no.chars().take(40).collect::<String>()
            )));
        }
        let mut inner = self.documents(&order.store).await;
        // Under the store's lock: an order handed over or cancelled meanwhile keeps its code.
        let (status, ..) = order_state(inner.storage, &order).await?;
        if !status.is_waiting() {
            return Err(HqError::Conflict(format!(
                "order {} is {}: it waits for no pickup",
                order.order_no,
                status.as_str()
            )));
        }
        let code = new_pickup_code();
        let at = Utc::now();
        let record = PickupCodeReset {
            id: uuid::Uuid::now_v7().to_string(),
            order_id: order.id.clone(),
            order_no: order.order_no.clone(),
            pickup_code_hash: pickup_code_hash(&order.id, &code),
            created_at: Some(Timestamp::utc(at)),
        };
        let doc_id = DocId::Orders {
            store: order.store.clone(),
            month: order_month(&order.created_at).to_string(),
        };
        let mut doc = inner.document(&doc_id).await?;
        write_record(&mut doc, RecordKind::PickupCodeReset, &record.id, &record)?;
        save_own_documents(&mut inner, &order.store, at, vec![(doc_id, doc)]).await?;
        Ok(NewPickupCode {
            order_no: order.order_no,
            store: order.store,
            code,
        })
    }
}
