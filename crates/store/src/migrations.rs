//! Numbered migrations from `migrations/till`, applied on open in one transaction, tracked in
//! `PRAGMA user_version`. A database newer than this code is refused.

use crate::error::StoreError;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::{Connection, TransactionBehavior};

const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/till/0001_init.sql"),
    include_str!("../../../migrations/till/0002_catalogue_search.sql"),
    include_str!("../../../migrations/till/0003_documents_and_sync.sql"),
    include_str!("../../../migrations/till/0004_orders_returns_exceptions.sql"),
    include_str!("../../../migrations/till/0005_staff.sql"),
    include_str!("../../../migrations/till/0006_order_number_lookup.sql"),
    include_str!("../../../migrations/till/0007_audit_log.sql"),
    include_str!("../../../migrations/till/0008_shifts.sql"),
    include_str!("../../../migrations/till/0009_receipt_keys.sql"),
    include_str!("../../../migrations/till/0010_document_outbox.sql"),
    include_str!("../../../migrations/till/0011_kept_inbox.sql"),
    include_str!("../../../migrations/till/0012_fewer_pages_per_sale.sql"),
    include_str!("../../../migrations/till/0013_shifts_by_instant.sql"),
    include_str!("../../../migrations/till/0014_inbox_generation.sql"),
    include_str!("../../../migrations/till/0015_hq_pin.sql"),
    include_str!("../../../migrations/till/0016_audit_anchor.sql"),
    include_str!("../../../migrations/till/0017_lock_by_elapsed_time.sql"),
    include_str!("../../../migrations/till/0018_catalogue_skips.sql"),
    include_str!("../../../migrations/till/0019_token_renewed_at.sql"),
    include_str!("../../../migrations/till/0020_device_key.sql"),
    include_str!("../../../migrations/till/0021_pin_changes.sql"),
    include_str!("../../../migrations/till/0022_credit_keys.sql"),
    include_str!("../../../migrations/till/0023_store_key_rotation.sql"),
    include_str!("../../../migrations/till/0024_signed_heads.sql"),
    include_str!("../../../migrations/till/0025_document_heads.sql"),
    include_str!("../../../migrations/till/0026_deferred_name_index.sql"),
    include_str!("../../../migrations/till/0027_projection_waiting.sql"),
    include_str!("../../../migrations/till/0028_sale_in_one_row.sql"),
    include_str!("../../../migrations/till/0029_audit_ids_checked_by_verify.sql"),
    include_str!("../../../migrations/till/0030_scheduled_prices.sql"),
    include_str!("../../../migrations/till/0031_pending_after_round.sql"),
    include_str!("../../../migrations/till/0032_pickup_code_resets.sql"),
];

/// The schema version this code writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // A migration may rebuild a table that others reference (SQLite's way to change a table's
    // keys): foreign keys are off while it runs, as SQLite prescribes, and every reference is
    // checked before the upgrade commits. The setting cannot change inside a transaction.
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    // An upgrade may rewrite secrets out of rows (0022: store credit codes): the space they
    // leave is zeroed, and the write-ahead log that held the old pages is emptied after.
    conn.pragma_update(None, "secure_delete", true)?;
    let upgraded = apply(conn, found);
    conn.pragma_update(None, "secure_delete", false)?;
    conn.pragma_update(None, "foreign_keys", enforced)?;
    upgraded?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

fn apply(conn: &mut Connection, found: i64) -> Result<(), StoreError> {
    register_upgrade_functions(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    let broken: Option<String> = tx
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |row| row.get::<_, String>(0))?
        .next()
        .transpose()?;
    if let Some(table) = broken {
        return Err(StoreError::Corrupt(format!(
            "upgrading the database left a row of {table} pointing at nothing; nothing was changed"
        )));
    }
    tx.commit()?;
    Ok(())
}

/// Functions an upgrade's SQL calls to rewrite rows in Rust's terms: store credit codes into
/// their keys (0022), a sale's lines, taxes and tenders written as the projection writes them
/// (0028). Deterministic, so SQLite may use them anywhere.
fn register_upgrade_functions(conn: &Connection) -> Result<(), StoreError> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let text = |ctx: &Context<'_>| ctx.get::<Option<String>>(0);
    conn.create_scalar_function("kassa_credit_key", 1, flags, move |ctx| {
        Ok(text(ctx)?.map(|code| kassa_domain::credit_key_of_reference(&code)))
    })?;
    conn.create_scalar_function("kassa_hide_secrets", 1, flags, move |ctx| {
        Ok(text(ctx)?.map(|json| kassa_replica::hide_secrets_in_record_json(&json)))
    })?;
    conn.create_scalar_function("kassa_sale_lines", 1, flags, move |ctx| {
        as_projected::<Vec<kassa_domain::PricedLine>>(text(ctx)?)
    })?;
    conn.create_scalar_function("kassa_sale_taxes", 1, flags, move |ctx| {
        as_projected::<Vec<kassa_domain::TaxLine>>(text(ctx)?)
    })?;
    conn.create_scalar_function("kassa_sale_tenders", 1, flags, move |ctx| {
        as_projected::<Vec<kassa_domain::Tender>>(text(ctx)?)
    })?;
    Ok(())
}

/// JSON built by SQL, read as `T` and written back as serde writes `T`: what the projection
/// stores for a new sale. Unreadable rows stop the upgrade (it changes nothing then).
fn as_projected<T: serde::Serialize + serde::de::DeserializeOwned>(
    json: Option<String>,
) -> rusqlite::Result<String> {
    let parsed: T = serde_json::from_str(json.as_deref().unwrap_or("[]"))
        .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
    serde_json::to_string(&parsed).map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))
}
