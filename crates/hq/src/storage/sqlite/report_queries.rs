//! Report figures on SQLite: the daily figures added up by day, store or period.

use super::queries::instant;
use super::queries::Db;
use crate::daily_figures::Measure;
use crate::error::HqError;
use crate::storage::record_json::records_from_json;
use crate::storage::IndexedRecord;
use crate::storage::{FigureGrouping, FigureTotal, TillContactRow, TransferRow};
use kassa_replica::RecordKind;
use rusqlite::params;

impl Db {
    pub(in super::super) fn figure_totals(
        &self,
        from: &str,
        to: &str,
        stores: &[String],
        by: FigureGrouping,
    ) -> Result<Vec<FigureTotal>, HqError> {
        let group = match by {
            FigureGrouping::Day => "business_day",
            FigureGrouping::Store => "store",
            FigureGrouping::Period => "''",
        };
        // The stores as a JSON array: one statement whatever their number ('[]' is every store).
        let stores = serde_json::to_string(stores)?;
        let sql = format!(
            "SELECT {group}, measure, key, sum(count), sum(amount) FROM daily_figures
             WHERE business_day >= ?1 AND business_day <= ?2
               AND (?3 = '[]' OR store IN (SELECT value FROM json_each(?3)))
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![from, to, stores], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(group, measure, key, count, amount)| {
                Ok(FigureTotal {
                    group,
                    measure: Measure::parse(&measure).ok_or_else(|| {
                        HqError::Corrupt(format!("daily figure measure {measure:?}"))
                    })?,
                    key,
                    count,
                    amount,
                })
            })
            .collect()
    }

    pub(in super::super) fn till_contacts(&self) -> Result<Vec<TillContactRow>, HqError> {
        type Row = (
            i64,
            String,
            u16,
            String,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, store, till_no, last_seen_at, app_version, pending_sales,
                    pending_amount, pending_other
             FROM till_contacts ORDER BY store, till_no, device_id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<Result<Vec<Row>, _>>()?;
        rows.into_iter()
            .map(
                |(device_id, store, till_no, seen, version, sales, amount, other)| {
                    Ok(TillContactRow {
                        device_id,
                        store,
                        till_no,
                        last_seen_at: instant(&seen)?,
                        report: version.map(|version| kassa_protocol::TillReport {
                            version,
                            pending_sales: sales.unwrap_or(0),
                            pending_amount: amount.unwrap_or(0),
                            pending_other: other.unwrap_or(0),
                        }),
                    })
                },
            )
            .collect()
    }

    pub(in super::super) fn newest_records(
        &self,
        kind: RecordKind,
        store: Option<&str>,
        limit: usize,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // One statement per case, so each walks its index backwards and stops at the limit.
        let rows: Vec<String> = match store {
            Some(store) => self
                .conn
                .prepare_cached(
                    "SELECT record FROM records WHERE kind = ?1 AND store = ?2
                     ORDER BY id DESC LIMIT ?3",
                )?
                .query_map(params![kind.as_str(), store, limit], |r| r.get(0))?
                .collect::<Result<_, _>>()?,
            None => self
                .conn
                .prepare_cached(
                    "SELECT record FROM records WHERE kind = ?1 ORDER BY id DESC LIMIT ?2",
                )?
                .query_map(params![kind.as_str(), limit], |r| r.get(0))?
                .collect::<Result<_, _>>()?,
        };
        records_from_json(kind, rows)
    }

    pub(in super::super) fn picked_up_orders(
        &self,
        store: Option<&str>,
    ) -> Result<Vec<IndexedRecord>, HqError> {
        let rows: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT record FROM records
                 WHERE kind = 'order' AND (?1 IS NULL OR store = ?1)
                   AND id IN (SELECT subject FROM records WHERE kind = 'pickup')
                 ORDER BY id",
            )?
            .query_map(params![store], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        records_from_json(RecordKind::Order, rows)
    }

    pub(in super::super) fn transfers(
        &self,
        stores: &[String],
        limit: usize,
    ) -> Result<Vec<TransferRow>, HqError> {
        let stores = serde_json::to_string(stores)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, from_store, to_store, sku, sent, note, sent_at, sent_by, received,
                    received_at, received_by
             FROM transfers
             WHERE ?1 = '[]' OR from_store IN (SELECT value FROM json_each(?1))
                OR to_store IN (SELECT value FROM json_each(?1))
             ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![stores, limit], transfer_columns)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(transfer_row).collect()
    }

    pub(in super::super) fn transfer(&self, id: &str) -> Result<Option<TransferRow>, HqError> {
        use rusqlite::OptionalExtension;
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, from_store, to_store, sku, sent, note, sent_at, sent_by, received,
                        received_at, received_by
                 FROM transfers WHERE id = ?1",
            )?
            .query_row([id], transfer_columns)
            .optional()?;
        row.map(transfer_row).transpose()
    }
}

type TransferColumns = (
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn transfer_columns(r: &rusqlite::Row<'_>) -> rusqlite::Result<TransferColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

fn transfer_row(c: TransferColumns) -> Result<TransferRow, HqError> {
    Ok(TransferRow {
        id: c.0,
        from_store: c.1,
        to_store: c.2,
        sku: c.3,
        sent: c.4,
        note: c.5,
        sent_at: instant(&c.6)?,
        sent_by: c.7,
        received: c.8,
        received_at: c.9.as_deref().map(instant).transpose()?,
        received_by: c.10,
    })
}
