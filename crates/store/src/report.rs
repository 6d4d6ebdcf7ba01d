//! The day report: what a business day took, by tender and by tax rate.
//!
//! A void counts on the day it was recorded, not on the day of the sale it cancels: corrections
//! are new records, and a closed day's figures never change afterwards.

use crate::error::StoreError;
use kassa_domain::{Money, TaxRate, TenderKind};
use rusqlite::Connection;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TenderTotal {
    pub kind: TenderKind,
    /// Taken by sales of the day (cash net of change given).
    pub sales: Money,
    /// Given back by voids recorded that day.
    pub voided: Money,
    pub net: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaxTotal {
    pub rate: TaxRate,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayReport {
    pub business_day: String,
    pub currency: String,
    pub sales_count: i64,
    pub sales_total: Money,
    pub voids_count: i64,
    pub voids_total: Money,
    /// Sales less voids.
    pub net_total: Money,
    pub discount_total: Money,
    pub cash_rounding: Money,
    pub tenders: Vec<TenderTotal>,
    /// Net of voids, per rate.
    pub taxes: Vec<TaxTotal>,
}

/// Only this till's own sales count: after a sync the projection also holds the other tills'.
/// Sales of the day, or sales voided that day: the two sets a report adds and subtracts.
const SALES_OF_DAY: &str = "SELECT id, amount_due, discount_total, cash_rounding, change_given FROM sales WHERE business_day = ?1 AND till_no = ?2";
const VOIDED_ON_DAY: &str =
    "SELECT s.id, s.amount_due, s.discount_total, s.cash_rounding, s.change_given
     FROM sales s JOIN voids v ON v.sale_id = s.id WHERE v.business_day = ?1 AND s.till_no = ?2";

struct Totals {
    count: i64,
    due: i64,
    discount: i64,
    rounding: i64,
    tenders: Vec<(String, i64)>,
    taxes: Vec<(u32, i64, i64, i64)>,
}

fn totals(conn: &Connection, set: &str, day: &str, till_no: u16) -> Result<Totals, StoreError> {
    let (count, due, discount, rounding) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(amount_due), 0), coalesce(sum(discount_total), 0),
                    coalesce(sum(cash_rounding), 0) FROM ({set})"
        ),
        rusqlite::params![day, till_no],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    // Cash is counted net of the change handed back, so the drawer figure is what stays in it.
    let mut stmt = conn.prepare(&format!(
        "SELECT t.kind, sum(t.amount) - CASE WHEN t.kind = 'cash' THEN
                (SELECT coalesce(sum(change_given), 0) FROM ({set})) ELSE 0 END
         FROM sale_tenders t JOIN ({set}) s ON s.id = t.sale_id GROUP BY t.kind ORDER BY t.kind"
    ))?;
    let tenders = stmt
        .query_map(rusqlite::params![day, till_no], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT x.rate_bp, sum(x.net), sum(x.tax), sum(x.gross)
         FROM sale_taxes x JOIN ({set}) s ON s.id = x.sale_id GROUP BY x.rate_bp ORDER BY x.rate_bp"
    ))?;
    let taxes = stmt
        .query_map(rusqlite::params![day, till_no], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Totals {
        count,
        due,
        discount,
        rounding,
        tenders,
        taxes,
    })
}

pub(crate) fn day_report(
    conn: &Connection,
    day: &str,
    currency: &str,
    till_no: u16,
) -> Result<DayReport, StoreError> {
    let sold = totals(conn, SALES_OF_DAY, day, till_no)?;
    let voided = totals(conn, VOIDED_ON_DAY, day, till_no)?;
    let m = Money::from_minor;
    let sub = |a: i64, b: i64| {
        a.checked_sub(b)
            .map(m)
            .ok_or(kassa_domain::DomainError::Overflow)
    };

    let mut tenders = Vec::new();
    for kind in [TenderKind::Cash, TenderKind::Card] {
        let find = |list: &[(String, i64)]| {
            list.iter()
                .find(|(k, _)| k == kind.as_str())
                .map_or(0, |(_, v)| *v)
        };
        let (s, v) = (find(&sold.tenders), find(&voided.tenders));
        if s != 0 || v != 0 {
            tenders.push(TenderTotal {
                kind,
                sales: m(s),
                voided: m(v),
                net: sub(s, v)?,
            });
        }
    }
    let mut rates: Vec<u32> = sold
        .taxes
        .iter()
        .chain(&voided.taxes)
        .map(|t| t.0)
        .collect();
    rates.sort_unstable();
    rates.dedup();
    let mut taxes = Vec::new();
    for bp in rates {
        let find = |list: &[(u32, i64, i64, i64)]| {
            list.iter()
                .find(|t| t.0 == bp)
                .map_or((0, 0, 0), |t| (t.1, t.2, t.3))
        };
        let (s, v) = (find(&sold.taxes), find(&voided.taxes));
        let rate =
            TaxRate::from_basis_points(bp).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        taxes.push(TaxTotal {
            rate,
            net: sub(s.0, v.0)?,
            tax: sub(s.1, v.1)?,
            gross: sub(s.2, v.2)?,
        });
    }
    Ok(DayReport {
        business_day: day.to_string(),
        currency: currency.to_string(),
        sales_count: sold.count,
        sales_total: m(sold.due),
        voids_count: voided.count,
        voids_total: m(voided.due),
        net_total: sub(sold.due, voided.due)?,
        discount_total: sub(sold.discount, voided.discount)?,
        cash_rounding: sub(sold.rounding, voided.rounding)?,
        tenders,
        taxes,
    })
}
