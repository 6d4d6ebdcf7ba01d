//! The command context: the one way a till command writes. A command runs in one `BEGIN
//! IMMEDIATE` transaction; through its [`Command`] it writes records (projection rows, and the
//! record into the document outbox), moves stock and appends to the audit chain, all committed
//! together. A sale does no Automerge work: [`write_documents`] applies the outbox to the
//! documents later, in a transaction of its own, before anything reads or syncs a document
//! (ADR 0008, measured in docs/BENCHMARKS.md).
//!
//! Documents live in a cache across commands, so a change that did not commit must not stay in
//! it: the next write would persist it (a sale the database rolled back, with a receipt number
//! that will be handed out again). [`Command`] discards every document it touched when it is
//! dropped uncommitted, which covers an error and a panic alike (unwinding runs the drop).
//! Persisting documents, stock moves and audit entries are reachable only from here.

pub(crate) mod documents;
#[cfg(test)]
mod tests;

use crate::audit::Event;
use crate::config::StoreConfig;
use crate::error::StoreError;
use crate::inbox::kept::{mark, Rule};
use crate::projection::Projected;
pub(crate) use crate::queued_sales::Projection;
use documents::DocumentCache;
use kassa_replica::audit::{AuditEntry, NewAuditEntry};
use kassa_replica::stock::record_movement;
use kassa_replica::{write_record_json, AutoCommit, DocId, DocKind, RecordKind, SyncState};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::BTreeSet;

/// Past this many SKUs changed by one sync message, the kept inbox reads every stock level again
/// rather than each SKU on its own.
const MARK_EVERY_SKU_PAST: usize = 500;

/// A queued stock movement: (writer, sku, delta).
type StockMove = (String, String, i64);

/// When a command was made: the instant (RFC 3339, the till's offset) and its business day.
#[derive(Clone, Debug)]
pub(crate) struct Stamp {
    pub at: kassa_replica::Timestamp,
    pub day: String,
}

pub(crate) struct Command<'a> {
    /// `None` only once committed.
    tx: Option<Transaction<'a>>,
    docs: &'a mut DocumentCache,
    pub config: StoreConfig,
    pub stamp: Stamp,
    /// Documents changed in this command, in the order first touched.
    touched: Vec<DocId>,
    /// Whether its sale is projected now or queued (`crate::queued_sales`).
    projection: Projection,
}

impl<'a> Command<'a> {
    pub(crate) fn begin(
        conn: &'a mut Connection,
        docs: &'a mut DocumentCache,
        stamp: Stamp,
        projection: Projection,
    ) -> Result<Command<'a>, StoreError> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if projection == Projection::Now {
            // What it reads includes every sale rung before it.
            crate::queued_sales::project_queued_sales(&tx)?;
        }
        let config = crate::config::read_config(&tx)?;
        Ok(Command {
            tx: Some(tx),
            docs,
            config,
            stamp,
            touched: Vec::new(),
            projection,
        })
    }

    /// The command's transaction, for reads and projection rows.
    pub fn conn(&self) -> &Connection {
        self.tx
            .as_ref()
            .expect("a committed command is not used again")
    }

    /// A document to change: remembered first, so it is discarded if the command fails or
    /// panics after this.
    fn doc_mut(&mut self, id: &DocId) -> Result<&mut AutoCommit, StoreError> {
        if !self.touched.contains(id) {
            self.touched.push(id.clone());
        }
        let tx = self
            .tx
            .as_ref()
            .expect("a committed command is not used again");
        self.docs.load(tx, id)
    }

    /// This till's ledger document of the command's business day.
    pub fn ledger_id(&self) -> DocId {
        DocId::Ledger {
            store: self.config.store_code.clone(),
            till: self.config.till_no,
            day: self.stamp.day.clone(),
        }
    }

    /// Projects a record and queues it for `doc`, both inside this command. What is kept has its
    /// secrets hidden (a store credit code becomes its key): the caller's record, which may still
    /// hold the code, is only for the customer's receipt.
    pub fn record<R: Projected>(&mut self, doc: &DocId, record: &R) -> Result<(), StoreError> {
        let hidden = record.hidden();
        let record = hidden.as_ref().unwrap_or(record);
        let json = serde_json::to_string(record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn()
            .prepare_cached(
                "INSERT INTO document_outbox (doc_id, kind, record_id, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![doc.to_string(), R::KIND.as_str(), record.id(), json])?;
        failpoint("command.after_record")?;
        if self.projection.projects(R::KIND) {
            record.project(self.conn(), doc)?;
        }
        Ok(())
    }

    /// Writes a record into today's ledger and projects it.
    pub fn record_in_ledger<R: Projected>(&mut self, record: &R) -> Result<(), StoreError> {
        let ledger = self.ledger_id();
        self.record(&ledger, record)
    }

    /// Books this till's stock movements in the current stock epoch (queued with the record).
    pub fn move_stock<'s>(
        &mut self,
        moves: impl IntoIterator<Item = (&'s str, i64)>,
    ) -> Result<(), StoreError> {
        let stock = crate::till::Till::stock_doc_id(self.conn(), &self.config)?;
        let writer = format!("till-{}", self.config.till_no);
        let moves: Vec<StockMove> = moves
            .into_iter()
            .filter(|(_, delta)| *delta != 0)
            .map(|(sku, delta)| (writer.clone(), sku.to_string(), delta))
            .collect();
        if moves.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(&moves).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn()
            .prepare_cached(
                "INSERT INTO document_outbox (doc_id, kind, record_id, body) VALUES (?1, 'stock', NULL, ?2)",
            )?
            .execute(params![stock.to_string(), json])?;
        Ok(())
    }

    /// Applies every queued record and stock movement to its document, in queue order, and
    /// empties the queue; the documents are persisted once each when the command commits.
    /// Returns how many queued rows were applied.
    pub fn write_documents(&mut self) -> Result<usize, StoreError> {
        let queued: Vec<(i64, String, String, Option<String>, String)> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT seq, doc_id, kind, record_id, body FROM document_outbox ORDER BY seq",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows
        };
        let Some(last) = queued.last().map(|q| q.0) else {
            return Ok(0);
        };
        for (seq, doc_id, kind, record_id, body) in &queued {
            let corrupt = |why: &str| StoreError::Corrupt(format!("outbox row {seq}: {why}"));
            let id = DocId::parse(doc_id).map_err(|e| corrupt(&e.to_string()))?;
            let doc = self.doc_mut(&id)?;
            if kind == "stock" {
                let moves: Vec<StockMove> =
                    serde_json::from_str(body).map_err(|e| corrupt(&e.to_string()))?;
                for (writer, sku, delta) in &moves {
                    record_movement(doc, writer, sku, *delta)?;
                }
                // Marked here rather than in the sale: the sale's own transaction stays short.
                for (_, sku, _) in &moves {
                    mark(self.conn(), Rule::Stock, sku)?;
                }
            } else {
                let kind = RecordKind::parse(kind).ok_or_else(|| corrupt("unknown kind"))?;
                let record_id = record_id
                    .as_deref()
                    .ok_or_else(|| corrupt("no record id"))?;
                write_record_json(doc, kind, record_id, body)?;
            }
        }
        failpoint("command.after_documents_written")?;
        self.conn()
            .prepare_cached("DELETE FROM document_outbox WHERE seq <= ?1")?
            .execute([last])?;
        Ok(queued.len())
    }

    /// Appends `event` to this till's audit chain: the table and today's ledger.
    pub fn audit(&mut self, event: Event) -> Result<AuditEntry, StoreError> {
        let last: Option<(i64, String)> = self
            .conn()
            .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let entry = AuditEntry::next(
            last.as_ref().map(|(seq, hash)| (*seq, hash.as_str())),
            NewAuditEntry {
                id: uuid::Uuid::now_v7().to_string(),
                till: format!("{}-{}", self.config.store_code, self.config.till_no),
                at: self.stamp.at.clone(),
                event: event.kind,
                record_id: event.record_id,
                staff: event.staff,
                approved_by: event.approved_by,
                detail: event.detail,
            },
        );
        self.record_in_ledger(&entry)?;
        Ok(entry)
    }

    /// Applies a sync message from a peer to one document, with the sync state saved beside it.
    /// Returns the keys its new changes wrote (record ids, for a ledger: what to project).
    pub fn receive_sync(
        &mut self,
        id: &DocId,
        peer: &str,
        state: &mut SyncState,
        bytes: &[u8],
    ) -> Result<BTreeSet<String>, StoreError> {
        let doc = self.doc_mut(id)?;
        let before = doc.get_heads();
        kassa_replica::receive_message(doc, state, bytes)?;
        let keys = if doc.get_heads() == before {
            BTreeSet::new()
        } else {
            kassa_replica::stock::keys_written_since(doc, &before)
        };
        if id.kind() == DocKind::Stock {
            // The SKUs whose stock other tills or head office moved (a superset: see
            // `keys_written_since`), for the negative-stock rule of the kept inbox.
            if keys.len() > MARK_EVERY_SKU_PAST {
                // A new baseline or a long offline stretch: one read of every level costs less
                // than looking each SKU up again.
                mark(self.conn(), Rule::Stock, crate::inbox::kept::EVERY)?;
            } else {
                for key in &keys {
                    mark(self.conn(), Rule::Stock, key)?;
                }
            }
        }
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO sync_states (doc_id, peer, state) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id.to_string(), peer, state.encode()])?;
        Ok(keys)
    }

    /// Projects the records of a document at `ids` (what a sync message's changes wrote).
    pub fn project_records(
        &mut self,
        id: &DocId,
        ids: &BTreeSet<String>,
    ) -> Result<usize, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let tx = self
            .tx
            .as_ref()
            .expect("a committed command is not used again");
        let doc = self.docs.get(tx, id)?;
        crate::projection::project_records(tx, id, doc, Some(ids))
    }

    /// Persists every touched document once, then commits. On any failure the drop discards.
    pub fn commit(mut self) -> Result<(), StoreError> {
        let tx = self.tx.as_ref().expect("committed once");
        for id in &self.touched {
            if let Some(heads) = self.docs.persist(tx, id)? {
                crate::doc_heads::record_local(tx, &id.to_string(), &heads)?;
                // A signature that cannot be made (a damaged key, a document with more heads
                // than are signed) never stops a sale or a sync: the last one stays.
                if let Err(e) = crate::device_key::sign_heads(tx, &id.to_string(), &heads) {
                    eprintln!("kassa: the heads of {id} were not signed: {e}");
                }
            }
        }
        failpoint("command.before_commit")?;
        self.tx.take().expect("committed once").commit()?;
        self.touched.clear();
        Ok(())
    }
}

impl Drop for Command<'_> {
    fn drop(&mut self) {
        // Not committed (an error or a panic): the transaction rolls back as it drops, and the
        // documents it changed must go too, or the next command would persist their changes.
        for id in &self.touched {
            self.docs.evict(id);
        }
    }
}

/// A point where a test can make a command panic or fail. Compiled only into the crate's own
/// tests; in every other build it is an empty function.
#[cfg(test)]
pub(crate) fn failpoint(name: &str) -> Result<(), StoreError> {
    match tests::FAILPOINT.with(|armed| armed.borrow_mut().take_if(|(n, _)| n == name)) {
        Some((_, tests::Fire::Panic)) => panic!("failpoint {name}"),
        Some((_, tests::Fire::Error)) => Err(StoreError::Invalid(format!("failpoint {name}"))),
        None => Ok(()),
    }
}

#[cfg(not(test))]
#[inline(always)]
pub(crate) fn failpoint(_name: &str) -> Result<(), StoreError> {
    Ok(())
}
