//! Stock at head office: goods received and counts (written to the store's stock document as head
//! office's own movements, with a record in its ledger), availability across stores, and the
//! exceptions merging revealed.

use crate::error::HqError;
use crate::hq::{DocSession, Hq};
use crate::storage::{OrderIntakeRow, SyncWrite};
use chrono::{DateTime, Utc};
use kassa_protocol::{SalesFeed, StockAvailability, StockLine};
use kassa_replica::stock::{read_levels, record_movement};
use kassa_replica::{write_record, DocId, RecordKind, Timestamp};
use serde::{Deserialize, Serialize};

/// A movement head office made, as recorded in `ledger/{store}/hq/{day}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovementRecord {
    pub id: String,
    pub kind: MovementKind,
    pub store: String,
    pub lines: Vec<StockLine>,
    pub note: Option<String>,
    pub created_at: Timestamp,
    /// For a transfer's two movements: which transfer, and the store at its other end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<TransferLink>,
}

/// The transfer a movement belongs to (`crate::transfers`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferLink {
    pub id: String,
    pub other_store: String,
}

/// `receipt`, `count`, `transfer_out` or `transfer_in` on the wire.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Goods received: quantities are added.
    Receipt,
    /// A count: quantities are what is on the shelf; the difference is booked.
    Count,
    /// Sent to another store: quantities leave this one.
    TransferOut,
    /// Received from another store: the quantities counted on arrival are added.
    TransferIn,
}

pub(crate) const MAX_STOCK_QUANTITY: i64 = 10_000_000;

/// How often a write refused as stale (another process wrote the document meanwhile) is merged
/// and tried again before the caller is told to retry.
pub(crate) const MAX_STALE_RETRIES: usize = 3;

impl Hq {
    pub async fn record_stock(
        &self,
        store: &str,
        kind: MovementKind,
        lines: &[StockLine],
        note: Option<String>,
    ) -> Result<StockMovementRecord, HqError> {
        if lines.is_empty() {
            return Err(HqError::BadRequest("no stock lines".into()));
        }
        let mut inner = self.documents(store).await;
        let row = inner.store_row(store).await?;
        for line in lines {
            let ok = match kind {
                MovementKind::Receipt => (1..=MAX_STOCK_QUANTITY).contains(&line.quantity),
                MovementKind::Count => (0..=MAX_STOCK_QUANTITY).contains(&line.quantity),
                // A transfer's movements are made by `crate::transfers`, which links them.
                MovementKind::TransferOut | MovementKind::TransferIn => false,
            };
            if !ok {
                return Err(HqError::BadRequest(format!(
                    "quantity {} for {:?} is out of range",
                    line.quantity, line.sku
                )));
            }
            if inner.storage.product(&line.sku).await?.is_none() {
                return Err(HqError::BadRequest(format!("unknown sku {:?}", line.sku)));
            }
        }
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
        let on_hand = read_levels(&stock)?.on_hand();
        for line in lines {
            let delta = match kind {
                MovementKind::Receipt | MovementKind::TransferIn => line.quantity,
                MovementKind::TransferOut => -line.quantity,
                MovementKind::Count => line.quantity - on_hand.get(&line.sku).copied().unwrap_or(0),
            };
            record_movement(&mut stock, "hq", &line.sku, delta)?;
        }
        let record = StockMovementRecord {
            id: uuid::Uuid::now_v7().to_string(),
            kind,
            store: store.to_string(),
            lines: lines.to_vec(),
            note,
            created_at: created_at.clone(),
            transfer: None,
        };
        write_record(&mut ledger, RecordKind::Movement, &record.id, &record)?;
        save_own_documents(
            &mut inner,
            store,
            at,
            vec![(stock_id, stock), (ledger_id, ledger)],
        )
        .await?;
        Ok(record)
    }

    /// Goods received or a count at a store the viewer may change.
    pub async fn record_stock_for(
        &self,
        viewer: &crate::viewer::Viewer,
        store: &str,
        kind: MovementKind,
        lines: &[StockLine],
        note: Option<String>,
    ) -> Result<StockMovementRecord, HqError> {
        viewer.check(store)?;
        self.record_stock(store, kind, lines, note).await
    }

    /// Every document of a store with its heads (what a sync announces).
    pub async fn document_heads(&self, store: &str) -> Result<Vec<(String, Vec<String>)>, HqError> {
        Ok(self
            .storage
            .document_heads(store)
            .await?
            .into_iter()
            .map(|(id, heads)| (id.to_string(), heads))
            .collect())
    }

    pub async fn stock_availability(&self, sku: &str) -> Result<StockAvailability, HqError> {
        Ok(StockAvailability {
            sku: sku.to_string(),
            stores: self.storage.stock_of(sku).await?,
        })
    }

    pub async fn sales_feed(&self, store: &str, day: &str) -> Result<SalesFeed, HqError> {
        let business_day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| HqError::BadRequest(format!("day {day:?}: use YYYY-MM-DD")))?;
        self.store_row(store).await?;
        let (sales, voids) = self.storage.sales(store, business_day).await?;
        Ok(SalesFeed {
            store: store.to_string(),
            day: day.to_string(),
            sales,
            voids,
        })
    }
}

/// Saves documents head office changed itself, with the stock projection, in one transaction.
pub(crate) async fn save_own_documents(
    inner: &mut DocSession<'_>,
    store: &str,
    now: DateTime<Utc>,
    docs: Vec<(DocId, kassa_replica::AutoCommit)>,
) -> Result<(), HqError> {
    save_own_documents_with(inner, store, now, docs, None, None).await
}

/// [`save_own_documents`], taking a web order's intake row in the same transaction.
pub(crate) async fn save_own_documents_with(
    inner: &mut DocSession<'_>,
    store: &str,
    now: DateTime<Utc>,
    docs: Vec<(DocId, kassa_replica::AutoCommit)>,
    intake: Option<OrderIntakeRow>,
    transfer: Option<crate::storage::TransferWrite>,
) -> Result<(), HqError> {
    let row = inner.store_row(store).await?;
    let mut docs = docs;
    // A document another process wrote meanwhile is merged with ours and written again: a
    // write never overwrites changes it did not see.
    for attempt in 0.. {
        let mut write = SyncWrite {
            intake: intake.clone(),
            transfer: transfer.clone(),
            ..SyncWrite::new(store, now)
        };
        for (id, doc) in &mut docs {
            if matches!(id, DocId::Stock { epoch, .. } if *epoch == row.stock_epoch) {
                write.stock_levels = Some(inner.stock_levels_write(id, doc)?);
            }
            crate::projection::project(id, doc, &mut write)?;
            write.documents.push(inner.document_write(id, doc));
        }
        match inner.storage.apply_sync(write).await {
            Err(HqError::StaleDocument(stale)) if attempt < MAX_STALE_RETRIES => {
                for (id, doc) in &mut docs {
                    if id.to_string() == stale {
                        let mut stored = inner.document(id).await?;
                        stored
                            .merge(doc)
                            .map_err(|e| HqError::Corrupt(format!("merging {id}: {e}")))?;
                        *doc = stored;
                    }
                }
            }
            Err(e) => return Err(e),
            Ok(()) => break,
        }
    }
    for (id, doc) in docs {
        inner.remember(&id, doc);
    }
    Ok(())
}
