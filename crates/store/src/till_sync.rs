//! The till's side of replication: device identity and head office link, sync messages per
//! document (each received message applied in one transaction with its projections), catalogue
//! updates, and the honest sync status the UI shows.

use crate::error::StoreError;
use crate::projection;
use crate::till::{begin, Till};
use kassa_domain::{CsvProduct, Money};
use kassa_replica::stock::keys_written_since;
use kassa_replica::{
    generate_message, heads_hex, record_ids, record_ids_among, ChangeHash, DocId, DocKind,
    RecordKind, SyncState,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    pub actor_id: String,
    pub hq_url: Option<String>,
    pub device_token: Option<String>,
    /// Head office's certificate authority fingerprint from the enrollment code, if any.
    pub hq_pin: Option<String>,
    pub catalogue_version: i64,
    pub stock_epoch: u32,
}

/// A catalogue row from head office this till could not apply, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogueSkip {
    pub sku: String,
    /// The catalogue version it came in.
    pub version: i64,
    pub message: String,
}

/// What the till tells its cashier about head office.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub hq_url: Option<String>,
    pub online: bool,
    pub offline_since: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    /// This till's sales that head office has not confirmed yet.
    pub pending_sales: i64,
    pub pending_amount: Money,
    /// This till's returns and pickups that head office has not confirmed yet.
    pub pending_other: i64,
    pub catalogue_version: i64,
    /// Catalogue rows from head office this till could not apply (see `catalogue_skips`).
    pub catalogue_skipped: i64,
}

fn load_state(conn: &Connection, doc_id: &str, peer: &str) -> Result<SyncState, StoreError> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT state FROM sync_states WHERE doc_id = ?1 AND peer = ?2")?
        .query_row(params![doc_id, peer], |r| r.get(0))
        .optional()?;
    match bytes {
        Some(bytes) => Ok(SyncState::decode(&bytes)?),
        None => Ok(SyncState::new()),
    }
}

impl Till {
    pub fn device(&self) -> Result<DeviceInfo, StoreError> {
        self.config()?;
        Ok(self.conn.query_row(
            "SELECT actor_id, hq_url, device_token, catalogue_version, stock_epoch, hq_pin FROM device WHERE id = 1",
            [],
            |r| {
                Ok(DeviceInfo {
                    actor_id: r.get(0)?,
                    hq_url: r.get(1)?,
                    device_token: r.get(2)?,
                    hq_pin: r.get(5)?,
                    catalogue_version: r.get(3)?,
                    stock_epoch: r.get(4)?,
                })
            },
        )?)
    }

    /// Stores the head office address, this till's device token and the fingerprint it trusts
    /// head office by (`None`: the system's roots) after enrollment.
    pub fn set_enrollment(
        &mut self,
        hq_url: &str,
        device_token: &str,
        hq_pin: Option<&str>,
    ) -> Result<(), StoreError> {
        self.config()?;
        let (now, _) = self.stamp();
        self.conn.execute(
            "UPDATE device SET hq_url = ?1, device_token = ?2, hq_pin = ?3, token_renewed_at = ?4
             WHERE id = 1",
            params![hq_url, device_token, hq_pin, now.as_str()],
        )?;
        Ok(())
    }

    /// Keeps the device token head office renewed, and when.
    pub fn set_device_token(&mut self, device_token: &str) -> Result<(), StoreError> {
        self.config()?;
        let (now, _) = self.stamp();
        self.conn.execute(
            "UPDATE device SET device_token = ?1, token_renewed_at = ?2 WHERE id = 1",
            params![device_token, now.as_str()],
        )?;
        Ok(())
    }

    /// Whether the device token is older than `days` (or of unknown age) by the till's clock.
    pub fn token_older_than(&self, days: i64) -> Result<bool, StoreError> {
        let renewed: Option<String> = self.conn.query_row(
            "SELECT token_renewed_at FROM device WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        self.older_than(renewed.as_deref(), days, "token renewal")
    }

    /// Whether the stored time `at` (RFC 3339) is more than `days` ago by the till's clock; no
    /// time at all counts as older.
    pub(crate) fn older_than(
        &self,
        at: Option<&str>,
        days: i64,
        what: &str,
    ) -> Result<bool, StoreError> {
        let Some(at) = at else {
            return Ok(true);
        };
        let at = chrono::DateTime::parse_from_rfc3339(at)
            .map_err(|e| StoreError::Corrupt(format!("{what} time {at:?}: {e}")))?;
        Ok(self.clock.now() - at > chrono::Duration::days(days))
    }

    /// Every document this till holds (queued records written into them first).
    pub fn document_ids(&mut self) -> Result<Vec<String>, StoreError> {
        self.write_documents()?;
        Ok(crate::command::documents::stored_ids(&self.conn)?
            .iter()
            .map(ToString::to_string)
            .collect())
    }

    /// The next sync message for a document and peer, if there is anything to say. `state` is
    /// the session's in-memory state (start it with [`Till::sync_state`]).
    pub fn sync_state(&self, doc_id: &str, peer: &str) -> Result<SyncState, StoreError> {
        load_state(&self.conn, doc_id, peer)
    }

    pub fn generate_sync_message(
        &mut self,
        doc_id: &str,
        state: &mut SyncState,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let id = self.own_store_doc(doc_id)?;
        self.write_documents()?;
        let doc = self.docs.get_for_sync(&self.conn, &id)?;
        Ok(generate_message(doc, state))
    }

    fn own_store_doc(&self, doc_id: &str) -> Result<DocId, StoreError> {
        let id = DocId::parse(doc_id)?;
        let config = self.config()?;
        if id.store() != config.store_code {
            return Err(StoreError::Invalid(format!(
                "document {doc_id} belongs to another store"
            )));
        }
        Ok(id)
    }

    /// Applies a message from `peer`: the document's new chunk, the sync state and the
    /// projections of any records that arrived commit in one transaction. Returns how many new
    /// records were projected.
    pub fn receive_sync_message(
        &mut self,
        doc_id: &str,
        peer: &str,
        state: &mut SyncState,
        bytes: &[u8],
    ) -> Result<usize, StoreError> {
        let id = self.own_store_doc(doc_id)?;
        let mut new_state = state.clone();
        let added = self.command(|cmd| {
            let written = cmd.receive_sync(&id, peer, &mut new_state, bytes)?;
            cmd.project_records(&id, &written)
        })?;
        *state = new_state;
        Ok(added)
    }

    /// The document's heads as sorted hex strings.
    pub fn document_heads(&mut self, doc_id: &str) -> Result<Vec<String>, StoreError> {
        let id = self.own_store_doc(doc_id)?;
        self.write_documents()?;
        Ok(heads_hex(self.docs.get_for_sync(&self.conn, &id)?))
    }

    /// When head office's announced heads include all of ours, it holds every record of the
    /// document: they are marked confirmed (what the status line counts as "at head office").
    /// `confirmed_before` are the heads marked last time: only the records written since are
    /// marked then, so a round costs what it added, not the day's whole ledger (it read and parsed
    /// every record of the day after each round before).
    pub fn confirm_if_hq_has(
        &mut self,
        doc_id: &str,
        hq_heads: &[String],
        confirmed_before: Option<&[String]>,
    ) -> Result<bool, StoreError> {
        let id = self.own_store_doc(doc_id)?;
        let kinds: &[RecordKind] = match id.kind() {
            DocKind::Ledger => &[RecordKind::Sale, RecordKind::Void, RecordKind::Return],
            DocKind::Orders => &[RecordKind::Pickup],
            DocKind::Stock | DocKind::HqLedger => return Ok(false),
        };
        let doc = self.docs.get_for_sync(&self.conn, &id)?;
        if !heads_hex(doc).iter().all(|h| hq_heads.contains(h)) {
            return Ok(false);
        }
        let before: Option<Vec<ChangeHash>> = confirmed_before.and_then(|heads| {
            heads
                .iter()
                .map(|h| h.parse::<ChangeHash>().ok())
                .map(|h| h.filter(|h| doc.get_change_by_hash(h).is_some()))
                .collect()
        });
        // Heads this document does not hold (or cannot be read) mean: mark every record again.
        let written = before.map(|before| keys_written_since(doc, &before));
        let mut ids: Vec<String> = Vec::new();
        for kind in kinds {
            ids.extend(match &written {
                Some(keys) => record_ids_among(doc, *kind, keys)?,
                None => record_ids(doc, *kind)?,
            });
        }
        let (now, _) = self.stamp();
        let tx = begin(&mut self.conn)?;
        for id in &ids {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO hq_confirmed (record_id, confirmed_at) VALUES (?1, ?2)",
            )?
            .execute(params![id, now.as_str()])?;
        }
        tx.commit()?;
        Ok(true)
    }

    /// Applies a catalogue update from head office in one transaction and remembers its version.
    /// A row this till cannot apply is skipped and kept in `catalogue_skips` (the rest applies,
    /// so one bad row never stops syncing); a row that applies clears its earlier skip.
    pub fn apply_catalogue_update(
        &mut self,
        version: i64,
        products: &[CsvProduct],
    ) -> Result<Vec<CatalogueSkip>, StoreError> {
        self.config()?;
        let tx = begin(&mut self.conn)?;
        let summary = crate::catalogue::import(&tx, products, Vec::new(), true)?;
        let skipped_lines: std::collections::HashMap<u64, &str> = summary
            .skipped
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        let mut skips = Vec::new();
        for row in products {
            match skipped_lines.get(&row.line) {
                Some(message) => {
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO catalogue_skips (sku, version, message) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![row.product.sku, version, message])?;
                    skips.push(CatalogueSkip {
                        sku: row.product.sku.clone(),
                        version,
                        message: (*message).to_string(),
                    });
                }
                None => {
                    tx.prepare_cached("DELETE FROM catalogue_skips WHERE sku = ?1")?
                        .execute([&row.product.sku])?;
                }
            }
        }
        tx.execute(
            "UPDATE device SET catalogue_version = ?1 WHERE id = 1",
            [version],
        )?;
        tx.commit()?;
        Ok(skips)
    }

    /// Catalogue rows from head office this till skipped, by SKU.
    pub fn catalogue_skips(&self) -> Result<Vec<CatalogueSkip>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT sku, version, message FROM catalogue_skips ORDER BY sku")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CatalogueSkip {
                    sku: r.get(0)?,
                    version: r.get(1)?,
                    message: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Moves this till's stock writes to a newer epoch that head office opened.
    pub fn set_stock_epoch(&mut self, epoch: u32) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let moved = tx.execute(
            "UPDATE device SET stock_epoch = ?1 WHERE id = 1 AND stock_epoch < ?1",
            [epoch],
        )? > 0;
        if moved {
            // Every SKU's stock is read from the new epoch now.
            crate::inbox::kept::mark(
                &tx,
                crate::inbox::kept::Rule::Stock,
                crate::inbox::kept::EVERY,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records how a sync attempt ended, for the status line.
    pub fn record_sync_outcome(&mut self, outcome: Result<(), String>) -> Result<(), StoreError> {
        let (now, _) = self.stamp();
        match outcome {
            Ok(()) => self.conn.execute(
                "UPDATE sync_status SET last_attempt_at = ?1, last_success_at = ?1, offline_since = NULL, last_error = NULL WHERE id = 1",
                [now.as_str()],
            )?,
            Err(error) => self.conn.execute(
                "UPDATE sync_status SET last_attempt_at = ?1, offline_since = coalesce(offline_since, ?1), last_error = ?2 WHERE id = 1",
                params![now.as_str(), error],
            )?,
        };
        Ok(())
    }

    /// Keeps what head office had not confirmed as a sync round ended (sales, their amount, other
    /// records), for the next request to report.
    pub fn keep_pending_after_round(&mut self, status: &SyncStatus) -> Result<(), StoreError> {
        let kept = format!(
            "{},{},{}",
            status.pending_sales,
            status.pending_amount.minor(),
            status.pending_other
        );
        self.conn.execute(
            "UPDATE sync_status SET pending_after_round = ?1 WHERE id = 1",
            [kept],
        )?;
        Ok(())
    }

    /// What [`Till::keep_pending_after_round`] kept last, if a round has ended.
    pub fn pending_after_last_round(&self) -> Result<Option<(i64, i64, i64)>, StoreError> {
        let kept: Option<String> = self
            .conn
            .prepare_cached("SELECT pending_after_round FROM sync_status WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(kept.and_then(|text| {
            let mut parts = text.split(',').map(|p| p.parse::<i64>().ok());
            Some((parts.next()??, parts.next()??, parts.next()??))
        }))
    }

    /// Whether head office answered the last sync: what the return policy asks (offline cash
    /// refunds are capped). Two indexed reads; [`Till::sync_status`] also counts what waits,
    /// which on a busy till was most of a return's time.
    pub fn is_online(&self) -> Result<bool, StoreError> {
        let enrolled: bool = self
            .conn
            .prepare_cached("SELECT device_token IS NOT NULL FROM device WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        let (succeeded, offline): (bool, bool) = self
            .conn
            .prepare_cached(
                "SELECT last_success_at IS NOT NULL, offline_since IS NOT NULL FROM sync_status WHERE id = 1",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(enrolled && succeeded && !offline)
    }

    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        let config = self.config()?;
        let device = self.device()?;
        let (last_attempt_at, last_success_at, offline_since, last_error): (Option<String>, Option<String>, Option<String>, Option<String>) =
            self.conn.query_row(
                "SELECT last_attempt_at, last_success_at, offline_since, last_error FROM sync_status WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        let (pending_sales, pending_amount): (i64, i64) = self.fresh()?.query_row(
            "SELECT count(*), coalesce(sum(amount_due), 0) FROM sales s
             WHERE s.till_no = ?1 AND s.store_code = ?2 AND NOT EXISTS (SELECT 1 FROM hq_confirmed c WHERE c.record_id = s.id)",
            params![config.till_no, config.store_code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let pending_other: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM returns r WHERE r.till_no = ?1
                       AND NOT EXISTS (SELECT 1 FROM hq_confirmed c WHERE c.record_id = r.id))
                  + (SELECT count(*) FROM pickups p WHERE p.till_no = ?1
                       AND NOT EXISTS (SELECT 1 FROM hq_confirmed c WHERE c.record_id = p.id))",
            [config.till_no],
            |r| r.get(0),
        )?;
        let enrolled = device.device_token.is_some();
        Ok(SyncStatus {
            enrolled,
            hq_url: device.hq_url,
            online: enrolled && last_success_at.is_some() && offline_since.is_none(),
            offline_since,
            last_attempt_at,
            last_success_at,
            last_error,
            pending_sales,
            pending_amount: Money::from_minor(pending_amount),
            pending_other,
            catalogue_version: device.catalogue_version,
            catalogue_skipped: self.conn.query_row(
                "SELECT count(*) FROM catalogue_skips",
                [],
                |r| r.get(0),
            )?,
        })
    }
}

/// Projects every record of a document that is not projected yet (idempotent).
pub(crate) fn project_document(
    conn: &Connection,
    docs: &mut crate::command::documents::DocumentCache,
    id: &DocId,
) -> Result<usize, StoreError> {
    let doc = docs.get(conn, id)?;
    projection::project_doc(conn, id, doc)
}

impl Till {
    /// Projects again the records that arrived before what they point at (a void before its
    /// sale, in another till's ledger), at the end of a sync round: what waits, not every
    /// record the till holds. Returns the number of rows added.
    pub fn project_waiting(&mut self) -> Result<usize, StoreError> {
        let waiting: Vec<(String, String, String)> = self
            .conn
            .prepare_cached("SELECT doc_id, kind, record_id FROM projection_waiting")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        if waiting.is_empty() {
            return Ok(0);
        }
        if waiting.iter().any(|(doc, ..)| doc == "*") {
            // A database kept from before the table: one full pass finds what waits.
            let added = self.project_all()?;
            self.conn
                .execute("DELETE FROM projection_waiting WHERE doc_id = '*'", [])?;
            return Ok(added);
        }
        self.write_documents()?;
        let mut by_doc: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (doc, _, record) in waiting {
            by_doc.entry(doc).or_default().insert(record);
        }
        let tx = begin(&mut self.conn)?;
        let mut added = 0;
        for (doc, records) in &by_doc {
            let id = DocId::parse(doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let loaded = self.docs.get(&tx, &id)?;
            added += projection::project_records(&tx, &id, loaded, Some(records))?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// Projects every record of every ledger document that is not projected yet: by
    /// `kassa rebuild`, and once on a database kept from before records waited in
    /// `projection_waiting`. Idempotent; one transaction. Returns the number of rows added.
    pub fn project_all(&mut self) -> Result<usize, StoreError> {
        self.write_documents()?;
        let tx = begin(&mut self.conn)?;
        let mut added = 0;
        for id in crate::command::documents::stored_ids(&tx)? {
            added += project_document(&tx, &mut self.docs, &id)?;
        }
        tx.commit()?;
        Ok(added)
    }
}
