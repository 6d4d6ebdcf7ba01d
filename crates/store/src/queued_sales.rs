//! A cash or card sale commits its record (in the document outbox), its receipt number, its stock
//! movements and its audit entry, and nothing else: its projection rows (`sales`, and
//! `credit_redemptions` never for such a sale) are written from the outbox before anything reads
//! them, as its documents are (ADR 0013). The sale's durable commit then writes about half the
//! pages (docs/BENCHMARKS.md, "Projection after the sale").
//!
//! Every command except such a sale projects what is queued first, inside its own transaction;
//! reads outside a command go through [`Till::fresh`]. The record in the outbox is durable, so a
//! projection written without waiting for the disk is safe: lost in a power cut, it is written
//! again from the outbox, and the outbox row is deleted only by a durable commit after it.

use crate::error::StoreError;
use crate::projection::Projected;
use crate::till::Till;
use kassa_replica::ledger::SaleRecord;
use kassa_replica::{DocId, RecordKind};
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// Outbox sales not projected yet: the outbox is short (the documents drain it), and each row is
/// checked against the `sales` key.
const QUEUED: &str = "FROM document_outbox o
     WHERE o.kind = 'sale' AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.id = o.record_id)";

/// Projects every queued sale, in the order rung, on `conn` (inside the caller's transaction).
/// Returns how many.
pub(crate) fn project_queued_sales(conn: &Connection) -> Result<usize, StoreError> {
    let queued: Vec<(i64, String, String)> = {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT o.seq, o.doc_id, o.body {QUEUED} ORDER BY o.seq"
        ))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    for (seq, doc_id, body) in &queued {
        let corrupt = |why: String| StoreError::Corrupt(format!("outbox row {seq}: {why}"));
        let doc = DocId::parse(doc_id).map_err(|e| corrupt(e.to_string()))?;
        let sale: SaleRecord = serde_json::from_str(body).map_err(|e| corrupt(e.to_string()))?;
        sale.project(conn, &doc)?;
    }
    Ok(queued.len())
}

/// Whether a sale waits to be projected (one indexed look-up per queued sale).
fn any_queued(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT EXISTS (SELECT 1 {QUEUED})"))?
        .query_row([], |r| r.get(0))?)
}

/// Which records a command projects in its own transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Projection {
    /// Everything it records, after projecting what earlier sales queued.
    Now,
    /// Everything but its sale, which waits in the outbox (a cash or card sale: it reads no
    /// projected sale).
    SaleQueued,
}

impl Projection {
    pub fn projects(self, kind: RecordKind) -> bool {
        self == Projection::Now || kind != RecordKind::Sale
    }
}

impl Till {
    /// The connection, with every queued sale projected: what a read outside a command uses.
    pub(crate) fn fresh(&self) -> Result<&Connection, StoreError> {
        if any_queued(&self.conn)? {
            // Not synchronous: the outbox holds the sales durably (see the module's comment).
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
            let projected = project_in_own_transaction(&self.conn);
            self.conn.pragma_update(None, "synchronous", "FULL")?;
            projected?;
        }
        Ok(&self.conn)
    }
}

fn project_in_own_transaction(conn: &Connection) -> Result<(), StoreError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    project_queued_sales(&tx)?;
    tx.commit()?;
    Ok(())
}
