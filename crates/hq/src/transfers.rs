//! Transfers of stock between stores: one store sends (its stock goes down at once, a movement
//! record in its head office ledger), the other receives what it counts on arrival (its stock
//! goes up by that, a record in its ledger), and a transfer whose two counts differ is flagged.
//! Each end is written under its own store's lock; the index (`transfers`) lands in the same
//! transaction as each end's documents. Who may: an admin, or a store manager of the sending
//! store (to send) or of the receiving one (to receive).

use crate::error::HqError;
use crate::hq::Hq;
use crate::stock::{save_own_documents_with, MovementKind, StockMovementRecord, TransferLink};
use crate::storage::{TransferRow, TransferWrite};
use crate::viewer::Viewer;
use chrono::Utc;
use kassa_protocol::StockLine;
use kassa_replica::stock::record_movement;
use kassa_replica::{write_record, DocId, RecordKind, Timestamp};

/// Longest note on a transfer.
const MAX_NOTE_CHARS: usize = 500;

/// A transfer to send.
#[derive(Clone, Debug)]
pub struct NewTransfer {
    pub from_store: String,
    pub to_store: String,
    pub sku: String,
    pub quantity: i64,
    pub note: Option<String>,
    /// Who sends it (a console user's name), for the record and the index.
    pub by: String,
}

impl Hq {
    /// Sends stock from one store to another.
    pub async fn send_transfer_for(
        &self,
        viewer: &Viewer,
        new: &NewTransfer,
    ) -> Result<TransferRow, HqError> {
        let (from, to, sku) = (new.from_store.trim(), new.to_store.trim(), new.sku.trim());
        viewer.check(from)?;
        if from == to {
            return Err(HqError::BadRequest(
                "a transfer goes to another store".into(),
            ));
        }
        if !(1..=crate::stock::MAX_STOCK_QUANTITY).contains(&new.quantity) {
            return Err(HqError::BadRequest(format!(
                "quantity {} is out of range",
                new.quantity
            )));
        }
        let note = bounded_note(new.note.as_deref())?;
        // Both ends must exist; the receiving one is checked here, not under its lock: stores
        // are never deleted.
        self.storage
            .store(to)
            .await?
            .ok_or_else(|| HqError::NotFound(format!("no store {to:?}")))?;
        if self.storage.product(sku).await?.is_none() {
            return Err(HqError::BadRequest(format!("unknown sku {sku:?}")));
        }
        let at = Utc::now();
        let row = TransferRow {
            id: uuid::Uuid::now_v7().to_string(),
            from_store: from.to_string(),
            to_store: to.to_string(),
            sku: sku.to_string(),
            sent: new.quantity,
            note: note.clone(),
            sent_at: at,
            sent_by: new.by.clone(),
            received: None,
            received_at: None,
            received_by: None,
        };
        self.write_transfer_end(
            from,
            MovementKind::TransferOut,
            &row,
            to,
            new.quantity,
            note,
            TransferWrite::Sent(row.clone()),
        )
        .await?;
        Ok(row)
    }

    /// Receives a transfer at its store with what was counted on arrival; a second receipt of
    /// the same transfer is refused.
    pub async fn receive_transfer_for(
        &self,
        viewer: &Viewer,
        id: &str,
        counted: i64,
        by: &str,
    ) -> Result<TransferRow, HqError> {
        let row = self
            .storage
            .transfer(id.trim())
            .await?
            .filter(|t| viewer.sees(&t.from_store) || viewer.sees(&t.to_store))
            .ok_or_else(|| {
                HqError::NotFound(format!(
                    "no transfer {:?}",
                    id.chars().take(40).collect::<String>()
                ))
            })?;
        viewer.check(&row.to_store)?;
        if row.received.is_some() {
            return Err(HqError::Conflict(format!(
                "transfer {} was received already",
                row.id
            )));
        }
        if !(0..=crate::stock::MAX_STOCK_QUANTITY).contains(&counted) {
            return Err(HqError::BadRequest(format!(
                "quantity {counted} is out of range"
            )));
        }
        let at = Utc::now();
        let to = row.to_store.clone();
        let from = row.from_store.clone();
        self.write_transfer_end(
            &to,
            MovementKind::TransferIn,
            &row,
            &from,
            counted,
            None,
            TransferWrite::Received {
                id: row.id.clone(),
                received: counted,
                at,
                by: by.to_string(),
            },
        )
        .await?;
        Ok(TransferRow {
            received: Some(counted),
            received_at: Some(at),
            received_by: Some(by.to_string()),
            ..row
        })
    }

    /// Transfers from or to the stores the viewer sees, newest first.
    pub async fn transfers_for(
        &self,
        viewer: &Viewer,
        limit: usize,
    ) -> Result<Vec<TransferRow>, HqError> {
        let stores: Vec<String> = match viewer {
            Viewer::Chain => Vec::new(),
            Viewer::Stores(stores) => stores.iter().cloned().collect(),
        };
        self.storage.transfers(&stores, limit.clamp(1, 1_000)).await
    }

    /// One end of a transfer: the movement in `store`'s stock document and its record in the
    /// store's head office ledger, with the index change, in one write under the store's lock.
    #[allow(clippy::too_many_arguments)]
    async fn write_transfer_end(
        &self,
        store: &str,
        kind: MovementKind,
        transfer: &TransferRow,
        other_store: &str,
        quantity: i64,
        note: Option<String>,
        index: TransferWrite,
    ) -> Result<(), HqError> {
        let mut inner = self.documents(store).await;
        let row = inner.store_row(store).await?;
        let at = Utc::now();
        let created_at = Timestamp::utc(at);
        let stock_id = DocId::Stock {
            store: store.to_string(),
            epoch: row.stock_epoch,
        };
        let ledger_id = DocId::HqLedger {
            store: store.to_string(),
            day: created_at.local_date().to_string(),
        };
        let mut stock = inner.document(&stock_id).await?;
        let mut ledger = inner.document(&ledger_id).await?;
        let delta = match kind {
            MovementKind::TransferOut => -quantity,
            _ => quantity,
        };
        if delta != 0 {
            record_movement(&mut stock, "hq", &transfer.sku, delta)?;
        }
        let record = StockMovementRecord {
            id: uuid::Uuid::now_v7().to_string(),
            kind,
            store: store.to_string(),
            lines: vec![StockLine {
                sku: transfer.sku.clone(),
                quantity,
            }],
            note,
            created_at,
            transfer: Some(TransferLink {
                id: transfer.id.clone(),
                other_store: other_store.to_string(),
            }),
        };
        write_record(&mut ledger, RecordKind::Movement, &record.id, &record)?;
        save_own_documents_with(
            &mut inner,
            store,
            at,
            vec![(stock_id, stock), (ledger_id, ledger)],
            None,
            Some(index),
        )
        .await
    }
}

fn bounded_note(note: Option<&str>) -> Result<Option<String>, HqError> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS || n.chars().any(char::is_control)) {
        return Err(HqError::BadRequest(format!(
            "a note is at most {MAX_NOTE_CHARS} characters on one line"
        )));
    }
    Ok(note.map(str::to_string))
}
