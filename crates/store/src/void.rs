//! Voiding a sale: a new record that points at it. The sale itself is never changed.

use crate::error::StoreError;
use kassa_replica::ledger::VoidRecord;
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// Checks a void against the projection and builds its record; writes nothing.
pub(crate) fn build_void(
    conn: &Connection,
    receipt_no: &str,
    reason: &str,
    created_at: &kassa_replica::Timestamp,
    business_day: &str,
) -> Result<VoidRecord, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid("a void needs a reason".into()));
    }
    if reason.chars().count() > 500 {
        return Err(StoreError::Invalid(
            "the reason is too long (at most 500 characters)".into(),
        ));
    }
    let sale_id: String = conn
        .prepare_cached("SELECT id FROM sales WHERE receipt_no = ?1")?
        .query_row([receipt_no.trim()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::SaleNotFound(receipt_no.to_string()))?;
    let already: Option<String> = conn
        .prepare_cached("SELECT id FROM voids WHERE sale_id = ?1")?
        .query_row([&sale_id], |r| r.get(0))
        .optional()?;
    if already.is_some() {
        return Err(StoreError::AlreadyVoided(receipt_no.to_string()));
    }
    let returned: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM returns WHERE subject_id = ?1)")?
        .query_row([&sale_id], |r| r.get(0))?;
    if returned {
        return Err(StoreError::Invalid(format!(
            "sale {} has returns: return the rest of it instead of voiding it",
            receipt_no.trim()
        )));
    }

    let id = Uuid::now_v7().to_string();
    Ok(VoidRecord {
        id,
        sale_id,
        receipt_no: receipt_no.trim().to_string(),
        reason: reason.to_string(),
        created_at: created_at.clone(),
        business_day: business_day.to_string(),
        cashier: None,
        approved_by: None,
        shift_id: None,
    })
}
