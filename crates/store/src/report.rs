//! The day report: what a business day took, by tender and by tax rate.
//!
//! A void or a return counts on the day it was recorded, not on the day of the sale it corrects:
//! corrections are new records, and a closed day's figures never change afterwards. Payments
//! taken when online orders are handed over count with their tenders (their goods were sold, and
//! taxed, by the web shop).

use crate::error::StoreError;
use kassa_domain::{net_paid, Money, TaxRate, TenderKind};
use kassa_replica::ledger::ReturnRecord;
use kassa_replica::orders::PickupRecord;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderTotal {
    pub kind: TenderKind,
    /// Taken by sales of the day (cash net of change given).
    pub sales: Money,
    /// Given back by voids recorded that day.
    pub voided: Money,
    /// Given back by returns that day (cash after rounding).
    pub refunded: Money,
    /// Taken for online orders handed over that day (cash net of change).
    pub pickups: Money,
    /// Sales less voids less refunds plus pickup payments: what this tender should hold.
    pub net: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxTotal {
    pub rate: TaxRate,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayReport {
    pub business_day: String,
    pub currency: String,
    pub sales_count: i64,
    pub sales_total: Money,
    pub voids_count: i64,
    pub voids_total: Money,
    /// Sales less voids.
    pub net_total: Money,
    pub returns_count: i64,
    /// Refunded by returns (before cash rounding).
    pub returns_total: Money,
    pub pickups_count: i64,
    /// Taken at the till for online orders handed over.
    pub pickup_payments: Money,
    pub discount_total: Money,
    pub cash_rounding: Money,
    pub tenders: Vec<TenderTotal>,
    /// Net of voids and returns, per rate.
    pub taxes: Vec<TaxTotal>,
}

/// What a report covers: a business day, or one shift of this till.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Period<'a> {
    Day(&'a str),
    Shift(&'a str),
}

impl Period<'_> {
    /// The column that places a record in the period (`?1` is the period's key).
    fn column(self) -> &'static str {
        match self {
            Period::Day(_) => "business_day",
            Period::Shift(_) => "shift_id",
        }
    }

    fn key(self) -> String {
        match self {
            Period::Day(key) | Period::Shift(key) => key.to_string(),
        }
    }
}

/// Only this till's own sales count: after a sync the projection also holds the other tills'.
/// Sales of the period, or sales voided in it: the two sets a report adds and subtracts.
fn sales_of(period: Period<'_>) -> String {
    format!(
        "SELECT id, amount_due, discount_total, cash_rounding, change_given, tenders, taxes
         FROM sales WHERE {} = ?1 AND till_no = ?2",
        period.column()
    )
}

fn voided_in(period: Period<'_>) -> String {
    format!(
        "SELECT s.id, s.amount_due, s.discount_total, s.cash_rounding, s.change_given, s.tenders, s.taxes
         FROM sales s JOIN voids v ON v.sale_id = s.id WHERE v.{} = ?1 AND s.till_no = ?2",
        period.column()
    )
}

struct Totals {
    count: i64,
    due: i64,
    discount: i64,
    rounding: i64,
    tenders: Vec<(String, i64)>,
    taxes: Vec<(u32, i64, i64, i64)>,
}

fn records_in<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    table: &str,
    period: Period<'_>,
    till_no: u16,
) -> Result<Vec<T>, StoreError> {
    let day = period.key();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT record FROM {table} WHERE {} = ?1 AND till_no = ?2 ORDER BY id",
        period.column()
    ))?;
    let rows = stmt
        .query_map(rusqlite::params![day, till_no], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|json| serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
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
    // A sale's tenders and taxes are JSON arrays in its row (till migration 0028). SQLite's
    // sum() of integers fails on overflow rather than wrapping.
    let mut stmt = conn.prepare(&format!(
        "SELECT t.value ->> 'kind' AS kind, sum(t.value ->> 'amount') - CASE WHEN t.value ->> 'kind' = 'cash' THEN
                (SELECT coalesce(sum(change_given), 0) FROM ({set})) ELSE 0 END
         FROM ({set}) s, json_each(s.tenders) t GROUP BY kind ORDER BY kind"
    ))?;
    let tenders = stmt
        .query_map(rusqlite::params![day, till_no], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT x.value ->> 'rate' AS rate_bp, sum(x.value ->> 'net'), sum(x.value ->> 'tax'),
                sum(x.value ->> 'gross')
         FROM ({set}) s, json_each(s.taxes) x GROUP BY rate_bp ORDER BY rate_bp"
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

/// A report figure that does not fit is an error, never a wrapped number.
fn checked(value: Option<i64>) -> Result<i64, StoreError> {
    value.ok_or(StoreError::Domain(kassa_domain::DomainError::Overflow))
}

/// Sums amounts with checked arithmetic.
fn sum(values: impl IntoIterator<Item = i64>) -> Result<i64, StoreError> {
    values
        .into_iter()
        .try_fold(0i64, |total, v| checked(total.checked_add(v)))
}

/// The report of a period; `business_day` names the day (for a shift, the day it opened).
pub(crate) fn period_report(
    conn: &Connection,
    period: Period<'_>,
    business_day: &str,
    currency: &str,
    till_no: u16,
) -> Result<DayReport, StoreError> {
    let key = period.key();
    let sold = totals(conn, &sales_of(period), &key, till_no)?;
    let voided = totals(conn, &voided_in(period), &key, till_no)?;
    let m = Money::from_minor;
    let sub = |a: i64, b: i64| Ok::<_, StoreError>(m(checked(a.checked_sub(b))?));

    let returns: Vec<ReturnRecord> = records_in(conn, "returns", period, till_no)?;
    let pickups: Vec<PickupRecord> = records_in(conn, "pickups", period, till_no)?;
    let mut tenders = Vec::new();
    for kind in TenderKind::ALL {
        let find = |list: &[(String, i64)]| {
            list.iter()
                .find(|(k, _)| k == kind.as_str())
                .map_or(0, |(_, v)| *v)
        };
        let (s, v) = (find(&sold.tenders), find(&voided.tenders));
        let refunded = sum(returns
            .iter()
            .flat_map(|r| &r.refunds)
            .filter(|t| t.kind == kind)
            .map(|t| t.amount.minor()))?;
        let mut taken = 0i64;
        for pickup in &pickups {
            let paid = net_paid(&pickup.tenders, pickup.change)?;
            let of_kind = sum(paid
                .iter()
                .filter(|t| t.kind == kind)
                .map(|t| t.amount.minor()))?;
            taken = checked(taken.checked_add(of_kind))?;
        }
        if s != 0 || v != 0 || refunded != 0 || taken != 0 {
            tenders.push(TenderTotal {
                kind,
                sales: m(s),
                voided: m(v),
                refunded: m(refunded),
                pickups: m(taken),
                net: m(checked(
                    s.checked_sub(v)
                        .and_then(|x| x.checked_sub(refunded))
                        .and_then(|x| x.checked_add(taken)),
                )?),
            });
        }
    }
    // Returned goods take their tax back, per rate.
    let mut returned_tax: Vec<(u32, i64, i64)> = Vec::new();
    for line in returns.iter().flat_map(|r| &r.lines) {
        let bp = line.tax_rate.basis_points();
        let (gross, tax) = (line.amount.minor(), line.tax.minor());
        match returned_tax.iter_mut().find(|t| t.0 == bp) {
            Some(t) => {
                t.1 = checked(t.1.checked_add(gross))?;
                t.2 = checked(t.2.checked_add(tax))?;
            }
            None => returned_tax.push((bp, gross, tax)),
        }
    }
    let mut rates: Vec<u32> = sold
        .taxes
        .iter()
        .chain(&voided.taxes)
        .map(|t| t.0)
        .chain(returned_tax.iter().map(|t| t.0))
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
        let (r_gross, r_tax) = returned_tax
            .iter()
            .find(|t| t.0 == bp)
            .map_or((0, 0), |t| (t.1, t.2));
        let rate =
            TaxRate::from_basis_points(bp).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let less = |a: i64, b: i64, c: i64| {
            checked(a.checked_sub(b).and_then(|x| x.checked_sub(c))).map(m)
        };
        taxes.push(TaxTotal {
            rate,
            net: less(s.0, v.0, checked(r_gross.checked_sub(r_tax))?)?,
            tax: less(s.1, v.1, r_tax)?,
            gross: less(s.2, v.2, r_gross)?,
        });
    }
    Ok(DayReport {
        business_day: business_day.to_string(),
        currency: currency.to_string(),
        sales_count: sold.count,
        sales_total: m(sold.due),
        voids_count: voided.count,
        voids_total: m(voided.due),
        net_total: sub(sold.due, voided.due)?,
        returns_count: returns.len() as i64,
        returns_total: m(sum(returns.iter().map(|r| r.total.minor()))?),
        pickups_count: pickups.len() as i64,
        pickup_payments: m(sum(pickups.iter().map(|p| p.amount_due.minor()))?),
        discount_total: sub(sold.discount, voided.discount)?,
        cash_rounding: sub(sold.rounding, voided.rounding)?,
        tenders,
        taxes,
    })
}
