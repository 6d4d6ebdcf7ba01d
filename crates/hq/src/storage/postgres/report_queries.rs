//! Report figures on PostgreSQL: the daily figures added up by day, store or period.

use super::PostgresStorage;
use crate::daily_figures::Measure;
use crate::error::HqError;
use crate::storage::{FigureGrouping, FigureTotal, TillContactRow, TransferRow};

impl PostgresStorage {
    pub(super) async fn sum_figures(
        &self,
        from: &str,
        to: &str,
        stores: &[String],
        by: FigureGrouping,
    ) -> Result<Vec<FigureTotal>, HqError> {
        let group = match by {
            FigureGrouping::Day => "business_day",
            FigureGrouping::Store => "store",
            FigureGrouping::Period => "''::text",
        };
        let sql = format!(
            "SELECT {group}, measure, key, sum(count)::bigint, sum(amount)::bigint
             FROM daily_figures
             WHERE business_day >= $1 AND business_day <= $2
               AND (cardinality($3::text[]) = 0 OR store = ANY($3))
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        );
        let rows = self
            .client()
            .await?
            .query(&sql, &[&from, &to, &stores])
            .await?;
        rows.iter()
            .map(|r| {
                let measure: String = r.try_get(1)?;
                Ok(FigureTotal {
                    group: r.try_get(0)?,
                    measure: Measure::parse(&measure).ok_or_else(|| {
                        HqError::Corrupt(format!("daily figure measure {measure:?}"))
                    })?,
                    key: r.try_get(2)?,
                    count: r.try_get(3)?,
                    amount: r.try_get(4)?,
                })
            })
            .collect()
    }

    pub(super) async fn contacts(&self) -> Result<Vec<TillContactRow>, HqError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT device_id, store, till_no, last_seen_at, app_version, pending_sales,
                        pending_amount, pending_other
                 FROM till_contacts ORDER BY store, till_no, device_id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let till_no: i32 = r.try_get(2)?;
                let version: Option<String> = r.try_get(4)?;
                let count = |i: usize| -> Result<i64, HqError> {
                    Ok(r.try_get::<_, Option<i64>>(i)?.unwrap_or(0))
                };
                Ok(TillContactRow {
                    device_id: r.try_get(0)?,
                    store: r.try_get(1)?,
                    till_no: u16::try_from(till_no)
                        .map_err(|_| HqError::Corrupt(format!("till number {till_no}")))?,
                    last_seen_at: r.try_get(3)?,
                    report: match version {
                        Some(version) => Some(kassa_protocol::TillReport {
                            version,
                            pending_sales: count(5)?,
                            pending_amount: count(6)?,
                            pending_other: count(7)?,
                        }),
                        None => None,
                    },
                })
            })
            .collect()
    }

    pub(super) async fn transfer_rows(
        &self,
        stores: &[String],
        limit: usize,
    ) -> Result<Vec<TransferRow>, HqError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, from_store, to_store, sku, sent, note, sent_at, sent_by, received,
                        received_at, received_by
                 FROM transfers
                 WHERE cardinality($1::text[]) = 0 OR from_store = ANY($1) OR to_store = ANY($1)
                 ORDER BY id DESC LIMIT $2",
                &[&stores, &limit],
            )
            .await?;
        rows.iter().map(transfer_of).collect()
    }

    pub(super) async fn transfer_by_id(&self, id: &str) -> Result<Option<TransferRow>, HqError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT id, from_store, to_store, sku, sent, note, sent_at, sent_by, received,
                        received_at, received_by
                 FROM transfers WHERE id = $1",
                &[&id],
            )
            .await?;
        row.as_ref().map(transfer_of).transpose()
    }
}

fn transfer_of(r: &tokio_postgres::Row) -> Result<TransferRow, HqError> {
    Ok(TransferRow {
        id: r.try_get(0)?,
        from_store: r.try_get(1)?,
        to_store: r.try_get(2)?,
        sku: r.try_get(3)?,
        sent: r.try_get(4)?,
        note: r.try_get(5)?,
        sent_at: r.try_get(6)?,
        sent_by: r.try_get(7)?,
        received: r.try_get(8)?,
        received_at: r.try_get(9)?,
        received_by: r.try_get(10)?,
    })
}
