//! Report figures on SQLite: the daily figures added up by day, store or period.

use super::queries::Db;
use crate::daily_figures::Measure;
use crate::error::HqError;
use crate::storage::{FigureGrouping, FigureTotal};
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
}
