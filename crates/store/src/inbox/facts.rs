//! What the exception rules read, taken from the till's projections: everything the store holds
//! (the inbox worked out from scratch), or one subject's records only (the kept inbox).

use crate::error::StoreError;
use kassa_replica::exceptions::{CreditRedemption, Facts};
use kassa_replica::ledger::VoidRecord;
use kassa_replica::AutoCommit;
use rusqlite::{Connection, Params};

/// Rows of one JSON column, parsed.
pub(crate) fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params, |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|json| serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

const REDEMPTIONS: &str = "SELECT s.id, s.store_code, s.till_no, t.reference, t.amount
     FROM credit_redemptions t JOIN sales s ON s.id = t.sale_id";

const VOIDS: &str = "SELECT v.id, v.sale_id, s.receipt_no, v.reason, v.created_at, v.business_day
     FROM voids v JOIN sales s ON s.id = v.sale_id";

/// Store credit redeemed by sales, as the credit rule reads it.
fn redemptions(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<Vec<CreditRedemption>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok(CreditRedemption {
            sale_id: r.get(0)?,
            store: r.get(1)?,
            till_no: r.get(2)?,
            code: r.get(3)?,
            amount: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn voids(conn: &Connection, sql: &str, params: impl Params) -> Result<Vec<VoidRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok(VoidRecord {
            id: r.get(0)?,
            sale_id: r.get(1)?,
            receipt_no: r.get(2)?,
            reason: r.get(3)?,
            created_at: crate::database::timestamp(r, 4)?,
            business_day: r.get(5)?,
            cashier: None,
            shift_id: None,
            approved_by: None,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn conflicts(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Everything this till holds (a till holds only its own store's documents), with the stock of
/// the current epoch.
pub(crate) fn everything(
    conn: &Connection,
    store: &str,
    stock: &AutoCommit,
) -> Result<Facts, StoreError> {
    Ok(Facts {
        orders: json_rows(conn, "SELECT record FROM orders", [])?,
        cancellations: json_rows(conn, "SELECT record FROM order_cancellations", [])?,
        pickups: json_rows(conn, "SELECT record FROM pickups", [])?,
        redemptions: redemptions(conn, REDEMPTIONS, [])?,
        voids: voids(conn, VOIDS, [])?,
        returns: json_rows(conn, "SELECT record FROM returns", [])?,
        resolutions: json_rows(conn, "SELECT record FROM resolutions", [])?,
        conflicts: conflicts(
            conn,
            "SELECT doc_id, map, record_id FROM record_conflicts",
            [],
        )?,
        stock: kassa_replica::stock::read_levels(stock)?
            .on_hand()
            .into_iter()
            .map(|(sku, on_hand)| (store.to_string(), sku, on_hand))
            .collect(),
    })
}

/// An online order with its pickups and cancellations.
pub(crate) fn of_order(
    conn: &Connection,
    order: &str,
    facts: &mut Facts,
) -> Result<(), StoreError> {
    facts.orders = json_rows(conn, "SELECT record FROM orders WHERE id = ?1", [order])?;
    facts.pickups = json_rows(
        conn,
        "SELECT record FROM pickups WHERE order_id = ?1",
        [order],
    )?;
    facts.cancellations = json_rows(
        conn,
        "SELECT record FROM order_cancellations WHERE order_id = ?1",
        [order],
    )?;
    Ok(())
}

/// The returns of one sale or order, and the sale's void.
pub(crate) fn of_returned(
    conn: &Connection,
    subject: &str,
    facts: &mut Facts,
) -> Result<(), StoreError> {
    facts.returns = json_rows(
        conn,
        "SELECT record FROM returns WHERE subject_id = ?1",
        [subject],
    )?;
    facts.voids = voids(conn, &format!("{VOIDS} WHERE v.sale_id = ?1"), [subject])?;
    Ok(())
}

/// The returns that issued a store credit code, the sales that redeemed it, and their voids.
pub(crate) fn of_credit(
    conn: &Connection,
    code: &str,
    facts: &mut Facts,
) -> Result<(), StoreError> {
    facts.returns = json_rows(
        conn,
        "SELECT record FROM returns WHERE id IN (SELECT return_id FROM credit_issues WHERE code = ?1)",
        [code],
    )?;
    facts.redemptions = redemptions(
        conn,
        &format!("{REDEMPTIONS} WHERE t.reference = ?1"),
        [code],
    )?;
    facts.voids = voids(
        conn,
        &format!(
            "{VOIDS} WHERE v.sale_id IN
               (SELECT sale_id FROM credit_redemptions WHERE reference = ?1)"
        ),
        [code],
    )?;
    Ok(())
}

/// One record that holds two values, named `{doc}/{map}/{record}`.
pub(crate) fn of_conflict(
    conn: &Connection,
    subject: &str,
    facts: &mut Facts,
) -> Result<(), StoreError> {
    facts.conflicts = conflicts(
        conn,
        "SELECT doc_id, map, record_id FROM record_conflicts
         WHERE doc_id || '/' || map || '/' || record_id = ?1",
        [subject],
    )?;
    Ok(())
}

/// One SKU's stock in the current epoch.
pub(crate) fn of_sku(
    store: &str,
    stock: &AutoCommit,
    sku: &str,
    facts: &mut Facts,
) -> Result<(), StoreError> {
    let on_hand = kassa_replica::stock::on_hand_of(stock, sku)?;
    facts.stock = vec![(store.to_string(), sku.to_string(), on_hand)];
    Ok(())
}

/// Every SKU below zero in the current epoch.
pub(crate) fn negative_stock(stock: &AutoCommit) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(kassa_replica::stock::read_levels(stock)?
        .on_hand()
        .into_iter()
        .filter(|(_, on_hand)| *on_hand < 0)
        .collect())
}
