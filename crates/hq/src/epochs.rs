//! Stock epochs: no stock document grows without bound. Head office opens epoch N+1 weekly or
//! when epoch N's document passes a size, with a baseline of the merged counts; movements that
//! reach an old epoch late (a till that was offline) are carried into the current one.

use crate::error::HqError;
use crate::hq::{DocSession, Hq};
use crate::storage::{IncludedMovement, StockLevelsWrite, SyncWrite};
use kassa_replica::stock::{read_levels, record_movement, set_baseline};
use kassa_replica::{AutoCommit, DocId};

/// An epoch older than this is closed at the next sync of its store.
pub const EPOCH_MAX_AGE_DAYS: i64 = 7;
/// A stock document larger than this is closed at the next sync of its store. Load time grows
/// with the number of counter increments, not bytes: a week of 1,000 three-line sales a day
/// measured 49 KB and 23 ms to load (docs/BENCHMARKS.md), so the bound is about two such days.
pub const EPOCH_MAX_BYTES: usize = 16 * 1024;
/// The writer under which late movements are carried into the current epoch.
const CARRIED: &str = "carried";

impl Hq {
    /// Closes the store's current stock epoch and opens the next. Returns the new epoch.
    pub async fn open_stock_epoch(&self, store: &str) -> Result<u32, HqError> {
        let mut inner = self.documents(store).await;
        open_epoch(&mut inner, store).await
    }
}

pub(crate) async fn open_epoch(inner: &mut DocSession<'_>, store: &str) -> Result<u32, HqError> {
    let row = inner.store_row(store).await?;
    let old_id = DocId::Stock {
        store: store.to_string(),
        epoch: row.stock_epoch,
    };
    let levels = read_levels(&inner.document(&old_id).await?)?;
    let next = row
        .stock_epoch
        .checked_add(1)
        .ok_or_else(|| HqError::Corrupt("stock epoch overflow".into()))?;
    let new_id = DocId::Stock {
        store: store.to_string(),
        epoch: next,
    };
    let mut doc = inner.document(&new_id).await?;
    let on_hand = levels.on_hand();
    set_baseline(&mut doc, &on_hand)?;
    let mut write = SyncWrite {
        new_epoch: Some(next),
        stock_levels: Some(StockLevelsWrite::All(on_hand)),
        ..SyncWrite::new(store, chrono::Utc::now())
    };
    for (writer, per_sku) in &levels.movements {
        for (sku, qty) in per_sku {
            write.included.push(IncludedMovement {
                epoch: row.stock_epoch,
                writer: writer.clone(),
                sku: sku.clone(),
                quantity: *qty,
            });
        }
    }
    write
        .documents
        .push(inner.document_write(&new_id, &mut doc));
    inner.storage.apply_sync(write).await?;
    inner.remember(&new_id, doc);
    Ok(next)
}

/// Carries what arrived late in an old epoch's document into `current` (head office's "carried"
/// counters), adding the rows that record it to `write`. Returns whether anything moved.
pub(crate) async fn carry_late_movements(
    inner: &DocSession<'_>,
    store: &str,
    old_epoch: u32,
    old: &AutoCommit,
    current: &mut AutoCommit,
    write: &mut SyncWrite,
) -> Result<bool, HqError> {
    let levels = read_levels(old)?;
    let included = inner.storage.epoch_included(store, old_epoch).await?;
    let mut moved = false;
    for (writer, per_sku) in &levels.movements {
        for (sku, qty) in per_sku {
            let already = included
                .get(writer)
                .and_then(|m| m.get(sku))
                .copied()
                .unwrap_or(0);
            if *qty != already {
                record_movement(current, CARRIED, sku, qty - already)?;
                write.included.push(IncludedMovement {
                    epoch: old_epoch,
                    writer: writer.clone(),
                    sku: sku.clone(),
                    quantity: *qty,
                });
                moved = true;
            }
        }
    }
    Ok(moved)
}

/// True when the store's current epoch is due to be closed.
pub(crate) async fn epoch_due(inner: &DocSession<'_>, store: &str) -> Result<bool, HqError> {
    let row = inner.store_row(store).await?;
    let age = chrono::Utc::now().signed_duration_since(row.epoch_opened_at);
    let id = DocId::Stock {
        store: store.to_string(),
        epoch: row.stock_epoch,
    };
    let size = inner.storage.document_size(&id).await?.unwrap_or(0);
    Ok(age.num_days() >= EPOCH_MAX_AGE_DAYS || size > EPOCH_MAX_BYTES)
}
