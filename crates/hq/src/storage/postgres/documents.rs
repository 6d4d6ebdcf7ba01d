//! Documents, sync states and everything a sync writes, on PostgreSQL; findings and audit
//! anchors beside them.

use super::PostgresStorage;
use crate::error::HqError;
use crate::storage::record_json::record_json;
use crate::storage::{Finding, FindingKind, Heads, StockLevelsWrite, SyncWrite};
use chrono::{DateTime, Utc};
use kassa_replica::DocId;
use tokio_postgres::Row;

/// The sync peer name of a device (as the SQLite storage keeps it).
fn peer(device_id: i64) -> String {
    format!("device-{device_id}")
}

fn doc_id(text: &str) -> Result<DocId, HqError> {
    DocId::parse(text).map_err(|e| HqError::Corrupt(format!("stored document id: {e}")))
}

fn heads(json: &str) -> Result<Heads, HqError> {
    Ok(serde_json::from_str(json)?)
}

/// A finding with its held changes, if any.
type FindingRow = (Finding, Option<Vec<u8>>);

fn finding_of(r: &Row) -> Result<FindingRow, HqError> {
    let kind: String = r.try_get(1)?;
    let changes: Option<Vec<u8>> = r.try_get(7)?;
    Ok((
        Finding {
            id: r.try_get(0)?,
            kind: FindingKind::parse(&kind)
                .ok_or_else(|| HqError::Corrupt(format!("stored finding kind {kind:?}")))?,
            store: r.try_get(2)?,
            device_id: r.try_get(3)?,
            doc_id: r.try_get(4)?,
            subject: r.try_get(5)?,
            detail: r.try_get(6)?,
            held_bytes: changes.as_ref().map_or(0, Vec::len),
            first_at: r.try_get(8)?,
            last_at: r.try_get(9)?,
            decision: r.try_get(10)?,
            decided_by: r.try_get(11)?,
        },
        changes,
    ))
}

impl PostgresStorage {
    /// The document's chunks, concatenated in order (what Automerge loads in one go).
    pub(super) async fn document_bytes(&self, id: &DocId) -> Result<Option<Vec<u8>>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT bytes FROM document_chunks WHERE doc_id = $1 ORDER BY chunk_no")
            .await?;
        let rows = client.query(&statement, &[&id.to_string()]).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut whole = Vec::new();
        for row in &rows {
            whole.extend_from_slice(row.try_get::<_, &[u8]>(0)?);
        }
        Ok(Some(whole))
    }

    pub(super) async fn compactable(
        &self,
        min_chunks: usize,
        limit: usize,
    ) -> Result<Vec<DocId>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT doc_id FROM documents WHERE chunks >= $1 ORDER BY chunks DESC, doc_id
                 LIMIT $2",
                &[
                    &i32::try_from(min_chunks).unwrap_or(i32::MAX),
                    &i64::try_from(limit).unwrap_or(i64::MAX),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| doc_id(&r.try_get::<_, String>(0)?))
            .collect()
    }

    /// Under the document's row lock: a write racing the compaction either came first (the
    /// heads differ, nothing is done) or waits for it.
    pub(super) async fn compact(
        &self,
        id: &DocId,
        expected: &Heads,
        whole: &[u8],
    ) -> Result<bool, HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let key = id.to_string();
        let stored = tx
            .query_opt(
                "SELECT heads FROM documents WHERE doc_id = $1 FOR UPDATE",
                &[&key],
            )
            .await?
            .map(|r| heads(&r.try_get::<_, String>(0)?))
            .transpose()?;
        if stored.as_ref() != Some(expected) {
            return Ok(false);
        }
        tx.execute("DELETE FROM document_chunks WHERE doc_id = $1", &[&key])
            .await?;
        tx.execute(
            "INSERT INTO document_chunks (doc_id, chunk_no, bytes) VALUES ($1, 0, $2)",
            &[&key, &whole],
        )
        .await?;
        tx.execute("UPDATE documents SET chunks = 1 WHERE doc_id = $1", &[&key])
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(super) async fn heads_of(&self, id: &DocId) -> Result<Option<Heads>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT heads FROM documents WHERE doc_id = $1")
            .await?;
        let row = client.query_opt(&statement, &[&id.to_string()]).await?;
        row.map(|r| heads(&r.try_get::<_, String>(0)?)).transpose()
    }

    pub(super) async fn heads_of_store(&self, store: &str) -> Result<Vec<(DocId, Heads)>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT doc_id, heads FROM documents WHERE store = $1 ORDER BY doc_id")
            .await?;
        let rows = client.query(&statement, &[&store]).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    doc_id(&r.try_get::<_, String>(0)?)?,
                    heads(&r.try_get::<_, String>(1)?)?,
                ))
            })
            .collect()
    }

    /// The cursor is read first and the documents after: a write that commits in between is
    /// announced now and again next time, never missed (numbers follow commit order under the
    /// store's row lock).
    pub(super) async fn changed_since(
        &self,
        store: &str,
        since: Option<i64>,
    ) -> Result<(i64, Vec<(DocId, Heads)>), HqError> {
        let client = self.client().await?;
        let cursor: i64 = client
            .query_opt("SELECT doc_seq FROM stores WHERE code = $1", &[&store])
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .unwrap_or(0);
        let since = since.filter(|s| (0..=cursor).contains(s)).unwrap_or(-1);
        let statement = client
            .prepare_cached(
                "SELECT doc_id, heads FROM documents WHERE store = $1 AND seq > $2 ORDER BY doc_id",
            )
            .await?;
        let rows = client.query(&statement, &[&store, &since]).await?;
        let docs = rows
            .iter()
            .map(|r| {
                Ok((
                    doc_id(&r.try_get::<_, String>(0)?)?,
                    heads(&r.try_get::<_, String>(1)?)?,
                ))
            })
            .collect::<Result<Vec<_>, HqError>>()?;
        Ok((cursor, docs))
    }

    pub(super) async fn size_of(&self, id: &DocId) -> Result<Option<usize>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT sum(octet_length(bytes))::bigint FROM document_chunks WHERE doc_id = $1
                 HAVING count(*) > 0",
                &[&id.to_string()],
            )
            .await?;
        Ok(row
            .map(|r| r.try_get::<_, i64>(0))
            .transpose()?
            .map(|n| usize::try_from(n).unwrap_or(0)))
    }

    pub(super) async fn sync_state_of(
        &self,
        id: &DocId,
        device_id: i64,
    ) -> Result<Option<Vec<u8>>, HqError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached("SELECT state FROM sync_states WHERE doc_id = $1 AND peer = $2")
            .await?;
        let row = client
            .query_opt(&statement, &[&id.to_string(), &peer(device_id)])
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Everything of one sync in one transaction. The store's row is locked first: writes to one
    /// store queue in the database, whichever node they reach, while other stores go on. Each
    /// document is then written only if its stored heads are those its writer loaded.
    pub(super) async fn write_sync(&self, write: SyncWrite) -> Result<(), HqError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The store's row lock, and its cursor moved once for a write of documents.
        let seq: i64 = if write.documents.is_empty() {
            tx.execute(
                "SELECT 1 FROM stores WHERE code = $1 FOR UPDATE",
                &[&write.store],
            )
            .await?;
            0
        } else {
            tx.query_opt(
                "UPDATE stores SET doc_seq = doc_seq + 1 WHERE code = $1 RETURNING doc_seq",
                &[&write.store],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .unwrap_or(0)
        };
        let now = write.now;
        for document in &write.documents {
            let id = document.doc_id.to_string();
            let stored = tx
                .query_opt(
                    "SELECT heads FROM documents WHERE doc_id = $1 FOR UPDATE",
                    &[&id],
                )
                .await?
                .map(|r| heads(&r.try_get::<_, String>(0)?))
                .transpose()?;
            if stored != document.expected_heads {
                return Err(HqError::StaleDocument(id));
            }
            let heads_json = serde_json::to_string(&document.heads)?;
            // A new document goes in only if no other writer put one there meanwhile; a known
            // one was locked above and checked.
            let written = if document.expected_heads.is_none() {
                let statement = tx
                    .prepare_cached(
                        "INSERT INTO documents (doc_id, store, heads, updated_at, seq, chunks)
                         VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (doc_id) DO NOTHING",
                    )
                    .await?;
                tx.execute(&statement, &[&id, &write.store, &heads_json, &now, &seq])
                    .await?
            } else {
                let statement = tx
                    .prepare_cached(
                        "UPDATE documents SET heads = $2, updated_at = $3, seq = $4,
                             chunks = chunks + 1
                         WHERE doc_id = $1",
                    )
                    .await?;
                tx.execute(&statement, &[&id, &heads_json, &now, &seq])
                    .await?
            };
            if written != 1 {
                return Err(HqError::StaleDocument(id));
            }
            // The chunk goes after the ones stored (a new document's is its first).
            let statement = tx
                .prepare_cached(
                    "INSERT INTO document_chunks (doc_id, chunk_no, bytes)
                     SELECT $1, coalesce(max(chunk_no) + 1, 0), $2 FROM document_chunks
                     WHERE doc_id = $1",
                )
                .await?;
            tx.execute(&statement, &[&id, &document.chunk]).await?;
        }
        for state in &write.states {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO sync_states (doc_id, peer, state) VALUES ($1, $2, $3)
                     ON CONFLICT (doc_id, peer) DO UPDATE SET state = excluded.state",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    &state.doc_id.to_string(),
                    &peer(state.device_id),
                    &state.state,
                ],
            )
            .await?;
        }
        for filed in &write.sales {
            let sale = &filed.record;
            let statement = tx
                .prepare_cached(
                    "INSERT INTO sales (id, store, till_no, business_day, receipt_no, amount_due,
                                        record)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                )
                .await?;
            let filed_now = tx
                .execute(
                    &statement,
                    &[
                        &sale.id,
                        &filed.store,
                        &i32::from(filed.till_no),
                        &sale.business_day,
                        &sale.receipt_no,
                        &sale.amount_due.minor(),
                        &serde_json::to_string(sale)?,
                    ],
                )
                .await?;
            // Only a sale filed for the first time adds to its day (a sale synced again is not).
            if filed_now == 1 {
                let statement = tx
                    .prepare_cached(
                        "INSERT INTO daily_sales (store, business_day, channel, sales, total)
                         VALUES ($1, $2, 'till', 1, $3)
                         ON CONFLICT (store, business_day, channel) DO UPDATE SET
                             sales = daily_sales.sales + 1,
                             total = daily_sales.total + excluded.total",
                    )
                    .await?;
                tx.execute(
                    &statement,
                    &[&filed.store, &sale.business_day, &sale.total.minor()],
                )
                .await?;
                add_figures(&tx, &crate::daily_figures::of_sale(&filed.store, sale)).await?;
                if sale
                    .tenders
                    .iter()
                    .any(|t| t.kind == kassa_domain::TenderKind::Credit)
                {
                    tx.execute(
                        "INSERT INTO credit_sales (sale_id) VALUES ($1) ON CONFLICT DO NOTHING",
                        &[&sale.id],
                    )
                    .await?;
                }
            }
        }
        for finding in &write.findings {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO sync_findings (kind, store, device_id, doc_id, subject, detail,
                                                changes, first_at, last_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                     ON CONFLICT (kind, doc_id, subject) DO UPDATE SET
                         last_at = excluded.last_at, detail = excluded.detail,
                         changes = coalesce(excluded.changes, sync_findings.changes)",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    &finding.kind.as_str(),
                    &write.store,
                    &finding.device_id,
                    &finding.doc_id.to_string(),
                    &finding.subject,
                    &finding.detail,
                    &finding.changes,
                    &now,
                ],
            )
            .await?;
        }
        for (device_id, signed) in &write.signed_heads {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO signed_heads (device_id, doc_id, heads, signature, received_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (device_id, doc_id) DO UPDATE SET heads = excluded.heads,
                         signature = excluded.signature, received_at = excluded.received_at",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    device_id,
                    &signed.doc_id,
                    &serde_json::to_string(&signed.heads)?,
                    &signed.signature,
                    &now,
                ],
            )
            .await?;
        }
        if let Some(anchor) = &write.audit_anchor {
            tx.execute(
                "INSERT INTO audit_anchors (device_id, seq, till, hash, at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id, seq) DO NOTHING",
                &[
                    &anchor.device_id,
                    &anchor.seq,
                    &anchor.till,
                    &anchor.hash,
                    &now,
                ],
            )
            .await?;
        }
        for void in &write.voids {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO voids (id, store, sale_id, business_day, record)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                )
                .await?;
            let filed_now = tx
                .execute(
                    &statement,
                    &[
                        &void.id,
                        &write.store,
                        &void.sale_id,
                        &void.business_day,
                        &serde_json::to_string(void)?,
                    ],
                )
                .await?;
            if filed_now == 1 {
                let sale_total: i64 = tx
                    .query_one(
                        "SELECT coalesce((SELECT (record::jsonb->>'total')::bigint FROM sales
                                          WHERE id = $1), 0)",
                        &[&void.sale_id],
                    )
                    .await?
                    .try_get(0)?;
                let figures =
                    crate::daily_figures::of_void(&write.store, &void.business_day, sale_total);
                add_figures(&tx, &figures).await?;
            }
        }
        for stored in &write.records {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO records (id, kind, store, subject, record)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                )
                .await?;
            let filed_now = tx
                .execute(
                    &statement,
                    &[
                        &stored.record.id(),
                        &stored.record.kind().as_str(),
                        &stored.store,
                        &stored.subject,
                        &record_json(&stored.record)?,
                    ],
                )
                .await?;
            if filed_now == 1 {
                add_figures(&tx, &crate::storage::figures_of_record(stored)).await?;
                if let Some((store, day, total)) = crate::storage::web_sale_of_record(stored) {
                    tx.execute(
                        "INSERT INTO daily_sales (store, business_day, channel, sales, total)
                         VALUES ($1, $2, 'web', 1, $3)
                         ON CONFLICT (store, business_day, channel) DO UPDATE SET
                             sales = daily_sales.sales + 1,
                             total = daily_sales.total + excluded.total",
                        &[&store, &day, &total],
                    )
                    .await?;
                }
            }
        }
        for conflict in &write.conflicts {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO record_conflicts (doc_id, map, record_id) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    &conflict.doc_id.to_string(),
                    &conflict.kind.map_name(),
                    &conflict.record_id,
                ],
            )
            .await?;
        }
        if let Some(intake) = &write.intake {
            let taken = tx.execute(
                "INSERT INTO order_intake (external_id, order_id, store, pickup_code, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &intake.external_id,
                    &intake.order_id,
                    &write.store,
                    &intake.pickup_code,
                    &now,
                ],
            )
            .await;
            match taken {
                Err(e) if super::is_unique_violation(&e) => {
                    return Err(super::super::order_taken(&intake.external_id))
                }
                other => other?,
            };
        }
        let levels = match &write.stock_levels {
            Some(StockLevelsWrite::All(levels)) => {
                tx.execute("DELETE FROM stock_levels WHERE store = $1", &[&write.store])
                    .await?;
                Some(levels)
            }
            Some(StockLevelsWrite::Changed(levels)) => Some(levels),
            None => None,
        };
        if let Some(levels) = levels.filter(|l| !l.is_empty()) {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO stock_levels (store, sku, on_hand) VALUES ($1, $2, $3)
                     ON CONFLICT (store, sku) DO UPDATE SET on_hand = excluded.on_hand",
                )
                .await?;
            for (sku, on_hand) in levels {
                tx.execute(&statement, &[&write.store, sku, on_hand])
                    .await?;
            }
        }
        for included in &write.included {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO epoch_included (store, epoch, writer, sku, qty)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (store, epoch, writer, sku) DO UPDATE SET qty = excluded.qty",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    &write.store,
                    &i64::from(included.epoch),
                    &included.writer,
                    &included.sku,
                    &included.quantity,
                ],
            )
            .await?;
        }
        if let Some(epoch) = write.new_epoch {
            tx.execute(
                "UPDATE stores SET stock_epoch = $2, epoch_opened_at = $3 WHERE code = $1",
                &[&write.store, &i64::from(epoch), &now],
            )
            .await?;
        }
        if write.from_store {
            // "As of" for the store's figures: when head office last heard from one of its tills.
            tx.execute(
                "UPDATE stores SET last_sync_at = $2 WHERE code = $1",
                &[&write.store, &now],
            )
            .await?;
        }
        match &write.transfer {
            Some(crate::storage::TransferWrite::Sent(t)) => {
                tx.execute(
                    "INSERT INTO transfers (id, from_store, to_store, sku, sent, note, sent_at, sent_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[&t.id, &t.from_store, &t.to_store, &t.sku, &t.sent, &t.note, &t.sent_at, &t.sent_by],
                )
                .await?;
            }
            Some(crate::storage::TransferWrite::Received {
                id,
                received,
                at,
                by,
            }) => {
                let landed = tx
                    .execute(
                        "UPDATE transfers SET received = $2, received_at = $3, received_by = $4
                         WHERE id = $1 AND received IS NULL",
                        &[id, received, at, by],
                    )
                    .await?;
                if landed != 1 {
                    return Err(HqError::Conflict(format!(
                        "transfer {id} was received already"
                    )));
                }
            }
            None => {}
        }
        if let Some(contact) = &write.contact {
            let report = contact.report.as_ref();
            tx.execute(
                "INSERT INTO till_contacts (device_id, store, till_no, last_seen_at, app_version,
                                            pending_sales, pending_amount, pending_other)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (device_id) DO UPDATE SET
                     last_seen_at = excluded.last_seen_at, app_version = excluded.app_version,
                     pending_sales = excluded.pending_sales,
                     pending_amount = excluded.pending_amount,
                     pending_other = excluded.pending_other",
                &[
                    &contact.device_id,
                    &write.store,
                    &i32::from(contact.till_no),
                    &now,
                    &report.map(|r| r.version.as_str()),
                    &report.map(|r| r.pending_sales),
                    &report.map(|r| r.pending_amount),
                    &report.map(|r| r.pending_other),
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn finding_rows(&self, id: Option<i64>) -> Result<Vec<FindingRow>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, kind, store, device_id, doc_id, subject, detail, changes, first_at,
                        last_at, decision, decided_by
                 FROM sync_findings WHERE $1::bigint IS NULL OR id = $1
                 ORDER BY last_at DESC, id DESC",
                &[&id],
            )
            .await?;
        rows.iter().map(finding_of).collect()
    }

    pub(super) async fn record_decision(
        &self,
        id: i64,
        decision: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, HqError> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE sync_findings SET decision = $2, decided_by = $3, decided_at = $4
                 WHERE id = $1 AND decision IS NULL",
                &[&id, &decision, &by, &now],
            )
            .await?
            > 0)
    }

    pub(super) async fn signed_heads_of(
        &self,
        store: &str,
    ) -> Result<Vec<(u16, kassa_protocol::SignedHeads)>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT d.till_no, s.doc_id, s.heads, s.signature
                 FROM signed_heads s JOIN devices d ON d.id = s.device_id
                 WHERE d.store = $1 ORDER BY d.till_no, s.doc_id",
                &[&store],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    super::narrow(i64::from(r.try_get::<_, i32>(0)?), "till number")?,
                    kassa_protocol::SignedHeads {
                        doc_id: r.try_get(1)?,
                        heads: heads(&r.try_get::<_, String>(2)?)?,
                        signature: r.try_get(3)?,
                    },
                ))
            })
            .collect()
    }

    pub(super) async fn newest_audit_anchor(
        &self,
        device_id: i64,
    ) -> Result<Option<(i64, String)>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT seq, hash FROM audit_anchors WHERE device_id = $1
                 ORDER BY seq DESC LIMIT 1",
                &[&device_id],
            )
            .await?;
        Ok(row
            .map(|r| Ok::<_, tokio_postgres::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()?)
    }

    pub(super) async fn audit_anchor_of(
        &self,
        device_id: i64,
        seq: i64,
    ) -> Result<Option<String>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT hash FROM audit_anchors WHERE device_id = $1 AND seq = $2",
                &[&device_id, &seq],
            )
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }
}

/// Adds figures to their days' rows (one statement each, inside the caller's transaction).
async fn add_figures(
    tx: &deadpool_postgres::Transaction<'_>,
    figures: &[crate::daily_figures::DailyFigure],
) -> Result<(), HqError> {
    if figures.is_empty() {
        return Ok(());
    }
    let statement = tx
        .prepare_cached(
            "INSERT INTO daily_figures (store, business_day, measure, key, count, amount)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (store, business_day, measure, key) DO UPDATE SET
                 count = daily_figures.count + excluded.count,
                 amount = daily_figures.amount + excluded.amount",
        )
        .await?;
    for f in figures {
        tx.execute(
            &statement,
            &[
                &f.store,
                &f.business_day,
                &f.measure.as_str(),
                &f.key,
                &f.count,
                &f.amount,
            ],
        )
        .await?;
    }
    Ok(())
}
