//! Projection rows (the tables the UI and reports read) written from records. The same code
//! serves a local sale, a record that arrived by sync, and `rebuild`: one way to project.

use crate::error::StoreError;
use crate::inbox::kept::{mark, Rule};
use kassa_domain::TenderKind;
use kassa_replica::audit::AuditEntry;
use kassa_replica::ledger::{ResolutionRecord, ReturnRecord, SaleRecord, VoidRecord};
use kassa_replica::orders::{OrderCancellation, OrderRecord, PickupCodeReset, PickupRecord};
use kassa_replica::shifts::{CashDirection, CashMovementRecord, ShiftClosed, ShiftOpened};
use kassa_replica::{
    all, among, conflicting_ids, conflicting_ids_among, kinds_in, AutoCommit, DocId, Record,
    RecordKind,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeSet;

/// A record kind as the till projects it: the rows the UI and reports read. Returns whether
/// the record was new (records arrive again on every re-sync and rebuild).
pub(crate) trait Projected: Record {
    fn project(&self, conn: &Connection, doc: &DocId) -> Result<bool, StoreError>;
}

fn project_kind<R: Projected>(
    conn: &Connection,
    id: &DocId,
    doc: &AutoCommit,
    only: Option<&BTreeSet<String>>,
) -> Result<usize, StoreError> {
    let records = match only {
        None => all::<R>(doc)?,
        Some(ids) => among::<R>(doc, ids)?,
    };
    let mut added = 0;
    for record in records {
        added += usize::from(record.project(conn, id)?);
    }
    Ok(added)
}

/// Projects every record a document holds that is not projected yet (idempotent): what a
/// received sync message and `rebuild` call, walking the registry of record kinds. Every kind's
/// map is checked for conflicting values, as head office checks them. Returns how many rows were
/// new.
pub(crate) fn project_doc(
    conn: &Connection,
    id: &DocId,
    doc: &AutoCommit,
) -> Result<usize, StoreError> {
    project_records(conn, id, doc, None)
}

/// [`project_doc`] for the records at `only` (what a sync message's new changes wrote), or every
/// record: a round then costs what it brought, not what the document already held.
pub(crate) fn project_records(
    conn: &Connection,
    id: &DocId,
    doc: &AutoCommit,
    only: Option<&BTreeSet<String>>,
) -> Result<usize, StoreError> {
    let mut added = 0;
    for kind in kinds_in(id.kind()) {
        // Exhaustive on purpose: a new kind must say how the till projects it.
        added += match kind {
            RecordKind::Sale => project_kind::<SaleRecord>(conn, id, doc, only)?,
            RecordKind::Void => project_kind::<VoidRecord>(conn, id, doc, only)?,
            RecordKind::Return => project_kind::<ReturnRecord>(conn, id, doc, only)?,
            RecordKind::Resolution => project_kind::<ResolutionRecord>(conn, id, doc, only)?,
            RecordKind::ShiftOpen => project_kind::<ShiftOpened>(conn, id, doc, only)?,
            RecordKind::CashMovement => project_kind::<CashMovementRecord>(conn, id, doc, only)?,
            RecordKind::ShiftClose => project_kind::<ShiftClosed>(conn, id, doc, only)?,
            RecordKind::Order => project_kind::<OrderRecord>(conn, id, doc, only)?,
            RecordKind::Cancellation => project_kind::<OrderCancellation>(conn, id, doc, only)?,
            RecordKind::Pickup => project_kind::<PickupRecord>(conn, id, doc, only)?,
            RecordKind::PickupCodeReset => project_kind::<PickupCodeReset>(conn, id, doc, only)?,
            // The audit chain is the till's own table, written by the command that logs; head
            // office's movements are read from the stock document, not from these records.
            RecordKind::Audit | RecordKind::Movement => 0,
        };
        let conflicting = match only {
            None => conflicting_ids(doc, kind)?,
            Some(ids) => conflicting_ids_among(doc, kind, ids)?,
        };
        for record in conflicting {
            let new = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO record_conflicts (doc_id, map, record_id) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![id.to_string(), kind.map_name(), record])?
                > 0;
            if new {
                mark(
                    conn,
                    Rule::Conflict,
                    &format!("{id}/{}/{record}", kind.map_name()),
                )?;
            }
        }
    }
    Ok(added)
}

// Each kind's projection also marks the inbox subjects it can change (crate::inbox::kept).

impl Projected for SaleRecord {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        let new = insert_sale_record(conn, self)?;
        if new {
            // A cash or card sale touches no rule: only store credit it redeems does.
            for tender in self.tenders.iter().filter(|t| t.kind == TenderKind::Credit) {
                if let Some(code) = &tender.reference {
                    mark(conn, Rule::Credit, code)?;
                }
            }
        }
        Ok(new)
    }
}

impl Projected for VoidRecord {
    fn project(&self, conn: &Connection, doc: &DocId) -> Result<bool, StoreError> {
        let new = insert_void_record(conn, self)?;
        if !new {
            let known: Option<i64> = conn
                .prepare_cached("SELECT 1 FROM voids WHERE id = ?1")?
                .query_row([&self.id], |r| r.get(0))
                .optional()?;
            if known.is_none() {
                // Its sale has not arrived yet (it came in another till's ledger): projected
                // again at the end of each sync round until it has.
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO projection_waiting (doc_id, kind, record_id)
                     VALUES (?1, ?2, ?3)",
                )?
                .execute(params![
                    doc.to_string(),
                    RecordKind::Void.as_str(),
                    self.id
                ])?;
            }
        }
        if new {
            conn.prepare_cached(
                "DELETE FROM projection_waiting WHERE kind = ?1 AND record_id = ?2",
            )?
            .execute(params![RecordKind::Void.as_str(), self.id])?;
            mark(conn, Rule::Return, &self.sale_id)?;
            let codes: Vec<String> = conn
                .prepare_cached("SELECT reference FROM credit_redemptions WHERE sale_id = ?1")?
                .query_map([&self.sale_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for code in codes {
                mark(conn, Rule::Credit, &code)?;
            }
        }
        Ok(new)
    }
}

impl Projected for ReturnRecord {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        let new = insert_return(conn, self)?;
        if new {
            if let Some(subject) = self.source.subject_id() {
                mark(conn, Rule::Return, subject)?;
            }
            for refund in self.refunds.iter().filter(|t| t.kind == TenderKind::Credit) {
                if let Some(code) = &refund.reference {
                    mark(conn, Rule::Credit, code)?;
                }
            }
        }
        Ok(new)
    }
}

impl Projected for ResolutionRecord {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        let new = insert_json(
            conn,
            "INSERT OR IGNORE INTO resolutions (id, exception_id, record) VALUES (?1, ?2, ?3)",
            (&self.id, &self.exception_id),
            self,
        )?;
        if new {
            mark(conn, Rule::Resolution, &self.exception_id)?;
        }
        Ok(new)
    }
}

impl Projected for OrderRecord {
    fn project(&self, conn: &Connection, doc: &DocId) -> Result<bool, StoreError> {
        let new = insert_order(conn, doc, self)?;
        if new {
            mark(conn, Rule::Order, &self.id)?;
        }
        Ok(new)
    }
}

impl Projected for OrderCancellation {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        let new = insert_json(
            conn,
            "INSERT OR IGNORE INTO order_cancellations (id, order_id, record) VALUES (?1, ?2, ?3)",
            (&self.id, &self.order_id),
            self,
        )?;
        if new {
            mark(conn, Rule::Order, &self.order_id)?;
        }
        Ok(new)
    }
}

impl Projected for PickupCodeReset {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        insert_json(
            conn,
            "INSERT OR IGNORE INTO pickup_code_resets (id, order_id, record) VALUES (?1, ?2, ?3)",
            (&self.id, &self.order_id),
            self,
        )
    }
}

impl Projected for PickupRecord {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        let new = insert_pickup(conn, self)?;
        if new {
            mark(conn, Rule::Order, &self.order_id)?;
        }
        Ok(new)
    }
}

/// The chain's own table; written by [`crate::command::Command::audit`], never from documents
/// (other tills' chains arrive in their ledgers and stay there).
impl Projected for AuditEntry {
    fn project(&self, conn: &Connection, doc: &DocId) -> Result<bool, StoreError> {
        if !matches!(doc, DocId::Ledger { store, till, .. }
            if self.till == format!("{store}-{till}"))
        {
            return Err(StoreError::Corrupt(format!(
                "audit entry of {} written into {doc}",
                self.till
            )));
        }
        Ok(conn
            .prepare_cached("INSERT INTO audit_log (seq, id, hash, entry) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![self.seq, self.id, self.hash, json(self)?])?
            > 0)
    }
}

impl Projected for ShiftOpened {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        Ok(conn
            .prepare_cached(
                "INSERT OR IGNORE INTO shifts (id, till_no, opened_at, business_day, record)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                self.id,
                self.till_no,
                self.opened_at.as_str(),
                self.business_day,
                json(self)?
            ])?
            > 0)
    }
}

impl Projected for CashMovementRecord {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        let direction = match self.direction {
            CashDirection::In => "in",
            CashDirection::Out => "out",
        };
        Ok(conn
            .prepare_cached(
                "INSERT OR IGNORE INTO cash_movements
                   (id, shift_id, till_no, direction, amount, business_day, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                self.id,
                self.shift_id,
                self.till_no,
                direction,
                self.amount.minor(),
                self.business_day,
                json(self)?
            ])?
            > 0)
    }
}

impl Projected for ShiftClosed {
    fn project(&self, conn: &Connection, _: &DocId) -> Result<bool, StoreError> {
        Ok(conn
            .prepare_cached(
                "INSERT OR IGNORE INTO shift_closes (shift_id, id, closed_at, record)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                self.shift_id,
                self.id,
                self.closed_at.as_str(),
                json(self)?
            ])?
            > 0)
    }
}

fn json<T: Serialize>(record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn insert_json<T: Serialize>(
    conn: &Connection,
    sql: &str,
    (id, subject): (&str, &str),
    record: &T,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(sql)?
        .execute(params![id, subject, json(record)?])?
        > 0)
}

pub(crate) fn insert_order(
    conn: &Connection,
    doc: &DocId,
    order: &OrderRecord,
) -> Result<bool, StoreError> {
    let new = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO orders (id, order_no, store, customer_name, created_at, doc_id, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            order.id,
            order.order_no,
            order.store,
            order.customer_name,
            order.created_at.as_str(),
            doc.to_string(),
            json(order)?
        ])?
        > 0;
    if new {
        for (sku, quantity) in kassa_replica::orders::ordered_quantities(order) {
            conn.prepare_cached(
                "INSERT INTO order_lines (order_id, sku, quantity) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![order.id, sku, quantity])?;
        }
    }
    Ok(new)
}

pub(crate) fn insert_pickup(conn: &Connection, pickup: &PickupRecord) -> Result<bool, StoreError> {
    let new = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO pickups (id, order_id, till_no, receipt_no, business_day, record, shift_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            pickup.id,
            pickup.order_id,
            pickup.till_no,
            pickup.receipt_no,
            pickup.business_day,
            json(pickup)?,
            pickup.shift_id
        ])?
        > 0;
    if new {
        for (sku, quantity) in kassa_replica::orders::picked_quantities([pickup]) {
            conn.prepare_cached(
                "INSERT INTO pickup_lines (pickup_id, order_id, sku, quantity) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![pickup.id, pickup.order_id, sku, quantity])?;
        }
    }
    Ok(new)
}

pub(crate) fn insert_return(conn: &Connection, record: &ReturnRecord) -> Result<bool, StoreError> {
    let new = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO returns (id, receipt_no, till_no, subject_id, business_day, total, record, shift_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            record.id,
            record.receipt_no,
            record.till_no,
            record.source.subject_id(),
            record.business_day,
            record.total.minor(),
            json(record)?,
            record.shift_id
        ])?
        > 0;
    if new {
        for (no, refund) in record.refunds.iter().enumerate() {
            if let (TenderKind::Credit, Some(code)) = (refund.kind, &refund.reference) {
                conn.prepare_cached(
                    "INSERT INTO credit_issues (return_id, refund_no, code, amount) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![record.id, no as i64 + 1, code, refund.amount.minor()])?;
            }
        }
    }
    Ok(new)
}

/// Inserts a sale's rows unless they are there already (records arrive again on re-sync).
/// Returns whether it was new.
pub(crate) fn insert_sale_record(conn: &Connection, sale: &SaleRecord) -> Result<bool, StoreError> {
    let inserted = conn.prepare_cached(
        "INSERT OR IGNORE INTO sales (id, receipt_no, store_code, till_no, seq, created_at, business_day, currency, tax_mode,
           subtotal, discount_total, tax_total, total, cash_rounding, amount_due, tendered, change_given,
           cashier_id, cashier_name, approved_by_id, approved_by_name, shift_id, lines, taxes, tenders)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                 ?23, ?24, ?25)",
    )?
    .execute(params![
        sale.id,
        sale.receipt_no,
        sale.store_code,
        sale.till_no,
        sale.seq,
        sale.created_at.as_str(),
        sale.business_day,
        sale.currency,
        sale.tax_mode.as_str(),
        sale.subtotal.minor(),
        sale.discount_total.minor(),
        sale.tax_total.minor(),
        sale.total.minor(),
        sale.cash_rounding.minor(),
        sale.amount_due.minor(),
        sale.tendered.minor(),
        sale.change.minor(),
        sale.cashier.as_ref().map(|c| c.id.as_str()),
        sale.cashier.as_ref().map(|c| c.name.as_str()),
        sale.approved_by.as_ref().map(|c| c.id.as_str()),
        sale.approved_by.as_ref().map(|c| c.name.as_str()),
        sale.shift_id,
        json(&sale.lines)?,
        json(&sale.taxes)?,
        json(&sale.tenders)?,
    ])?;
    if inserted == 0 {
        return Ok(false);
    }
    // Credit redeemed is looked up by the credit's key; nothing else in a sale is.
    for (no, t) in sale.tenders.iter().enumerate() {
        if let (TenderKind::Credit, Some(reference)) = (t.kind, &t.reference) {
            conn.prepare_cached(
                "INSERT INTO credit_redemptions (sale_id, tender_no, reference, amount) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![sale.id, no as i64 + 1, reference, t.amount.minor()])?;
        }
    }
    Ok(true)
}

/// Inserts a void unless it is there already. A void whose sale has not arrived yet waits: it is
/// projected on a later sync, when its sale is there (the document keeps it meanwhile).
pub(crate) fn insert_void_record(conn: &Connection, void: &VoidRecord) -> Result<bool, StoreError> {
    let exists: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM voids WHERE id = ?1")?
        .query_row([&void.id], |r| r.get(0))
        .optional()?;
    let sale_known: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM sales WHERE id = ?1")?
        .query_row([&void.sale_id], |r| r.get(0))
        .optional()?;
    if exists.is_some() || sale_known.is_none() {
        return Ok(false);
    }
    conn.prepare_cached("INSERT INTO voids (id, sale_id, reason, created_at, business_day, shift_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![void.id, void.sale_id, void.reason, void.created_at.as_str(), void.business_day, void.shift_id])?;
    Ok(true)
}
