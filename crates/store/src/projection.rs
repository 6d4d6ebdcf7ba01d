//! Projection rows (the tables the UI and reports read) written from records. The same code
//! serves a local sale, a record that arrived by sync, and `rebuild`: one way to project.

use crate::error::StoreError;
use kassa_replica::ledger::{SaleRecord, VoidRecord};
use rusqlite::{params, Connection, OptionalExtension};

/// Inserts a sale's rows unless they are there already (records arrive again on re-sync).
/// Returns whether it was new.
pub(crate) fn insert_sale_record(conn: &Connection, sale: &SaleRecord) -> Result<bool, StoreError> {
    let exists: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM sales WHERE id = ?1")?
        .query_row([&sale.id], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO sales (id, receipt_no, store_code, till_no, seq, created_at, business_day, currency, tax_mode,
           subtotal, discount_total, tax_total, total, cash_rounding, amount_due, tendered, change_given)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        sale.id,
        sale.receipt_no,
        sale.store_code,
        sale.till_no,
        sale.seq,
        sale.created_at,
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
    ])?;
    let mut line_stmt = conn.prepare_cached(
        "INSERT INTO sale_lines (sale_id, line_no, sku, name, quantity, list_price, unit_price, override_reason,
           gross, line_discount, basket_discount, amount, tax_rate_bp, tax)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for (no, l) in sale.lines.iter().enumerate() {
        line_stmt.execute(params![
            sale.id,
            no as i64 + 1,
            l.sku,
            l.name,
            l.quantity,
            l.list_price.minor(),
            l.unit_price.minor(),
            l.override_reason,
            l.gross.minor(),
            l.line_discount.minor(),
            l.basket_discount.minor(),
            l.amount.minor(),
            l.tax_rate.basis_points(),
            l.tax.minor(),
        ])?;
    }
    let mut tax_stmt = conn.prepare_cached(
        "INSERT INTO sale_taxes (sale_id, rate_bp, net, tax, gross) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for t in &sale.taxes {
        tax_stmt.execute(params![
            sale.id,
            t.rate.basis_points(),
            t.net.minor(),
            t.tax.minor(),
            t.gross.minor()
        ])?;
    }
    let mut tender_stmt = conn.prepare_cached(
        "INSERT INTO sale_tenders (sale_id, tender_no, kind, amount, reference) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (no, t) in sale.tenders.iter().enumerate() {
        tender_stmt.execute(params![
            sale.id,
            no as i64 + 1,
            t.kind.as_str(),
            t.amount.minor(),
            t.reference
        ])?;
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
    conn.prepare_cached("INSERT INTO voids (id, sale_id, reason, created_at, business_day) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![void.id, void.sale_id, void.reason, void.created_at, void.business_day])?;
    Ok(true)
}
