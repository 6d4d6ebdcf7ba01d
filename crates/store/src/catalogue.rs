//! The till's copy of the catalogue: import, exact code lookup, and name search.

use crate::error::StoreError;
use kassa_domain::{CsvProduct, CsvRowError, Money, Product, TaxRate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A product as the till sells it, with its tax rate resolved.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogItem {
    pub sku: String,
    pub name: String,
    pub price: Money,
    pub tax_class: String,
    pub tax_rate: TaxRate,
    pub category: Option<String>,
    pub active: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    /// Rows left out (only when importing with `skip_bad_rows`).
    pub skipped: Vec<CsvRowError>,
}

/// How many matches of a name search are ranked at most (see [`search`]).
const RANKED_CANDIDATES: u32 = 1000;

/// The columns of a [`CatalogItem`]; the price is the one in effect at the instant bound to
/// parameter `?{now}` (unix seconds): the latest scheduled price that has started, else the base.
fn item_columns(now: u8) -> String {
    format!(
        "p.sku, p.name, coalesce((SELECT s.price FROM scheduled_prices s
             WHERE s.product_id = p.id AND s.effective_at <= ?{now}
             ORDER BY s.effective_at DESC LIMIT 1), p.price),
         p.tax_class, t.rate_bp, p.category, p.active"
    )
}

/// Reads a tax rate column; the schema's CHECK keeps it in range, so failing means corruption.
pub(crate) fn tax_rate_at(row: &Row<'_>, index: usize) -> rusqlite::Result<TaxRate> {
    TaxRate::from_basis_points(row.get(index)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Integer,
            Box::new(e),
        )
    })
}

fn item_from_row(row: &Row<'_>) -> rusqlite::Result<CatalogItem> {
    Ok(CatalogItem {
        sku: row.get(0)?,
        name: row.get(1)?,
        price: Money::from_minor(row.get(2)?),
        tax_class: row.get(3)?,
        tax_rate: tax_rate_at(row, 4)?,
        category: row.get(5)?,
        active: row.get(6)?,
    })
}

/// Finds a product by exact barcode, then by exact SKU (both indexed), priced at `now_unix`.
pub(crate) fn find_by_code(
    conn: &Connection,
    code: &str,
    now_unix: i64,
) -> Result<Option<CatalogItem>, StoreError> {
    let by_barcode = format!(
        "SELECT {} FROM barcodes b JOIN products p ON p.id = b.product_id
         JOIN tax_classes t ON t.code = p.tax_class WHERE b.code = ?1",
        item_columns(2)
    );
    if let Some(item) = conn
        .prepare_cached(&by_barcode)?
        .query_row(params![code, now_unix], item_from_row)
        .optional()?
    {
        return Ok(Some(item));
    }
    let by_sku = format!(
        "SELECT {} FROM products p JOIN tax_classes t ON t.code = p.tax_class WHERE p.sku = ?1",
        item_columns(2)
    );
    Ok(conn
        .prepare_cached(&by_sku)?
        .query_row(params![code, now_unix], item_from_row)
        .optional()?)
}

/// The SKU a barcode or SKU names, when the catalogue knows it (no price needed).
pub(crate) fn sku_of_code(conn: &Connection, code: &str) -> Result<Option<String>, StoreError> {
    let by_barcode = conn
        .prepare_cached(
            "SELECT p.sku FROM barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ?1",
        )?
        .query_row([code], |r| r.get(0))
        .optional()?;
    if by_barcode.is_some() {
        return Ok(by_barcode);
    }
    Ok(conn
        .prepare_cached("SELECT sku FROM products WHERE sku = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}

/// Turns what a cashier typed into an FTS5 query: every word must match as a prefix.
/// Quotes make each word a literal, so no input can inject FTS5 syntax.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    let last = words.len().checked_sub(1)?;
    // The word being typed is a prefix. A finished word of one or two characters ("1" in
    // "bananas 1 kg") matches whole words only: as a prefix it matches a large share of the
    // catalogue and made such queries the search's slowest (measured in docs/BENCHMARKS.md).
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i < last && w.chars().count() < 3 {
                format!("\"{w}\"")
            } else {
                format!("\"{w}\"*")
            }
        })
        .collect();
    Some(terms.join(" "))
}

/// Active products whose name, SKU or category match every word of `text` as a prefix, case and
/// accent insensitive, best match first.
pub(crate) fn search(
    conn: &Connection,
    text: &str,
    limit: u32,
    now_unix: i64,
) -> Result<Vec<CatalogItem>, StoreError> {
    let Some(query) = fts_query(text) else {
        return Ok(Vec::new());
    };
    // Ranking costs a few microseconds per match, and a short prefix ("sh", "choc") matches
    // thousands of products: ranking all of them was the search's p99 (16 ms at 300,000
    // products). Only the first RANKED_CANDIDATES matches are ranked; a query that broad is
    // narrowed by the next letter typed.
    let sql = format!(
        "SELECT {} FROM (
             SELECT rowid, rank FROM products_fts WHERE products_fts MATCH ?1 LIMIT {RANKED_CANDIDATES}
         ) f
         JOIN products p ON p.id = f.rowid
         JOIN tax_classes t ON t.code = p.tax_class
         WHERE p.active = 1 ORDER BY f.rank LIMIT ?2",
        item_columns(3)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let items = stmt
        .query_map(params![query, limit, now_unix], item_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(items)
}

/// Adds or replaces products by SKU, with their barcodes. With `skip_bad_rows` false, any bad row
/// refuses the whole import (the caller's transaction is rolled back); with it true, bad rows are
/// reported in the summary and the good ones imported.
pub(crate) fn import(
    conn: &Connection,
    products: &[CsvProduct],
    parse_errors: Vec<CsvRowError>,
    skip_bad_rows: bool,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary {
        skipped: parse_errors,
        ..ImportSummary::default()
    };
    if !skip_bad_rows {
        if let Some(first) = summary.skipped.first() {
            return Err(StoreError::CatalogueRow {
                line: first.line,
                message: first.message.clone(),
            });
        }
    }
    let rates: HashMap<String, u32> = crate::config::tax_classes(conn)?
        .into_iter()
        .map(|c| (c.code, c.rate.basis_points()))
        .collect();
    // The barcodes each product of this batch ends up with: a barcode another product of the
    // batch gives up may move to a new owner whatever order the rows come in.
    let batch: HashMap<&str, HashSet<&str>> = products
        .iter()
        .map(|row| {
            (
                row.product.sku.as_str(),
                row.product.barcodes.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    defer_name_index(conn, products)?;
    let imported = (|| {
        for row in products {
            match import_one(conn, &row.product, &rates, &batch)? {
                Ok(true) => summary.added += 1,
                Ok(false) => summary.updated += 1,
                Err(message) if skip_bad_rows => summary.skipped.push(CsvRowError {
                    line: row.line,
                    message,
                }),
                Err(message) => {
                    return Err(StoreError::CatalogueRow {
                        line: row.line,
                        message,
                    })
                }
            }
        }
        Ok(())
    })();
    // Even when a row stopped the import (its caller then rolls everything back), the index is
    // left whole: a caller that kept what was written would still find every name.
    index_names(conn)?;
    imported?;
    summary.skipped.sort_by_key(|e| e.line);
    Ok(summary)
}

/// Takes the index entries of the batch's products out (with the names they have now) and
/// stops the triggers from indexing row by row (migration 0026 says why), in the caller's
/// transaction. [`index_names`] puts the entries back as the rows end up.
fn defer_name_index(conn: &Connection, products: &[CsvProduct]) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_skus (sku TEXT PRIMARY KEY);
         DELETE FROM temp.import_skus;",
    )?;
    let mut add =
        conn.prepare_cached("INSERT OR IGNORE INTO temp.import_skus (sku) VALUES (?1)")?;
    for row in products {
        add.execute([&row.product.sku])?;
    }
    conn.prepare_cached(
        "INSERT INTO products_fts (products_fts, rowid, name, sku, category)
         SELECT 'delete', p.id, p.name, p.sku, p.category
         FROM products p JOIN temp.import_skus t ON t.sku = p.sku",
    )?
    .execute([])?;
    conn.prepare_cached("UPDATE name_index_deferral SET deferred = 1 WHERE id = 1")?
        .execute([])?;
    Ok(())
}

/// Indexes the batch's products as they are now, in one statement, and lets the triggers index
/// row by row again.
fn index_names(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE name_index_deferral SET deferred = 0 WHERE id = 1")?
        .execute([])?;
    conn.prepare_cached(
        "INSERT INTO products_fts (rowid, name, sku, category)
         SELECT p.id, p.name, p.sku, p.category
         FROM products p JOIN temp.import_skus t ON t.sku = p.sku",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM temp.import_skus")?
        .execute([])?;
    Ok(())
}

/// Stores one product. The outer `Result` is a database failure; the inner one a refusal of the
/// row (checked before anything is written, so a refused row leaves nothing behind).
fn import_one(
    conn: &Connection,
    product: &Product,
    rates: &HashMap<String, u32>,
    batch: &HashMap<&str, HashSet<&str>>,
) -> Result<Result<bool, String>, StoreError> {
    if let Err(e) = product.validate() {
        return Ok(Err(e.to_string()));
    }
    if !rates.contains_key(&product.tax_class) {
        return Ok(Err(
            StoreError::UnknownTaxClass(product.tax_class.clone()).to_string()
        ));
    }
    let existing: Option<i64> = conn
        .prepare_cached("SELECT id FROM products WHERE sku = ?1")?
        .query_row([&product.sku], |r| r.get(0))
        .optional()?;
    let mut owner_of = conn.prepare_cached(
        "SELECT p.id, p.sku FROM barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ?1",
    )?;
    let mut moving = Vec::new();
    for code in &product.barcodes {
        let owner: Option<(i64, String)> = owner_of
            .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((owner_id, owner_sku)) = owner {
            let given_up = batch
                .get(owner_sku.as_str())
                .is_some_and(|codes| !codes.contains(code.as_str()));
            if Some(owner_id) != existing && !given_up {
                return Ok(Err(format!(
                    "barcode {code:?} already belongs to sku {owner_sku:?}"
                )));
            }
            if Some(owner_id) != existing {
                moving.push(code);
            }
        }
    }
    for code in moving {
        conn.prepare_cached("DELETE FROM barcodes WHERE code = ?1")?
            .execute([code])?;
    }
    let id = match existing {
        Some(id) => {
            conn.prepare_cached(
                "UPDATE products SET name = ?2, price = ?3, tax_class = ?4, category = ?5, active = ?6 WHERE id = ?1",
            )?
            .execute(params![id, product.name, product.price.minor(), product.tax_class, product.category, product.active])?;
            conn.prepare_cached("DELETE FROM barcodes WHERE product_id = ?1")?
                .execute([id])?;
            id
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO products (sku, name, price, tax_class, category, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![product.sku, product.name, product.price.minor(), product.tax_class, product.category, product.active])?;
            conn.last_insert_rowid()
        }
    };
    let mut insert_code =
        conn.prepare_cached("INSERT INTO barcodes (code, product_id) VALUES (?1, ?2)")?;
    for code in &product.barcodes {
        insert_code.execute(params![code, id])?;
    }
    // The product's scheduled prices are the ones it carries now (head office sends them whole).
    // A product new to this till has none yet: a first catalogue download pays nothing for them.
    if existing.is_some() {
        conn.prepare_cached("DELETE FROM scheduled_prices WHERE product_id = ?1")?
            .execute([id])?;
    }
    if !product.scheduled_prices.is_empty() {
        let mut insert_price = conn.prepare_cached(
            "INSERT INTO scheduled_prices (product_id, effective_at, price) VALUES (?1, ?2, ?3)",
        )?;
        for change in &product.scheduled_prices {
            insert_price.execute(params![id, change.from, change.price.minor()])?;
        }
    }
    Ok(Ok(existing.is_none()))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn builds_safe_prefix_queries() {
        assert_eq!(
            fts_query("choc milk").as_deref(),
            Some("\"choc\"* \"milk\"*")
        );
        // Operators are quoted as words; "OR", finished and two letters long, is a whole word.
        assert_eq!(
            fts_query("  \"OR\" NEAR( * ").as_deref(),
            Some("\"OR\" \"NEAR\"*")
        );
        assert_eq!(
            fts_query("bananas 1 kg").as_deref(),
            Some("\"bananas\"* \"1\" \"kg\"*")
        );
        assert_eq!(
            fts_query("crème brûlée").as_deref(),
            Some("\"crème\"* \"brûlée\"*")
        );
        assert_eq!(fts_query(" -- "), None);
    }
}
