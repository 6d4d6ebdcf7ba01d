//! Reading a stored sale back as a receipt.

use crate::error::StoreError;
use kassa_domain::{Money, PricedLine, TaxLine, TaxMode, TaxRate, Tender};
use kassa_replica::ledger::{SaleRecord, StaffRef};
use kassa_replica::Timestamp;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoidInfo {
    pub id: String,
    pub reason: String,
    pub created_at: String,
}

/// A completed sale as stored, with its void if one was recorded. Money in minor units. The sale
/// is the record itself (its fields sit at the top level of the JSON), so a receipt shows exactly
/// what the ledger holds and cannot drift from it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub sale: SaleRecord,
    pub void: Option<VoidInfo>,
}

impl std::ops::Deref for Receipt {
    type Target = SaleRecord;

    fn deref(&self) -> &SaleRecord {
        &self.sale
    }
}

fn m(value: i64) -> Money {
    Money::from_minor(value)
}

fn rate(bp: u32) -> Result<TaxRate, StoreError> {
    TaxRate::from_basis_points(bp).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn load(conn: &Connection, receipt_no: &str) -> Result<Receipt, StoreError> {
    let head = conn
        .prepare_cached(
            "SELECT id, receipt_no, store_code, till_no, seq, created_at, business_day, currency, tax_mode, subtotal,
                    discount_total, tax_total, total, cash_rounding, amount_due, tendered, change_given,
                    cashier_id, cashier_name, approved_by_id, approved_by_name, shift_id, lines, taxes, tenders
             FROM sales WHERE receipt_no = ?1",
        )?
        .query_row([receipt_no.trim()], |r| {
            let staff = |id: usize, name: usize| -> rusqlite::Result<Option<StaffRef>> {
                Ok(match (r.get::<_, Option<String>>(id)?, r.get::<_, Option<String>>(name)?) {
                    (Some(id), Some(name)) => Some(StaffRef { id, name }),
                    // Rows projected before the approver's id was kept name no id.
                    (None, Some(name)) => Some(StaffRef { id: String::new(), name }),
                    _ => None,
                })
            };
            Ok((
                r.get::<_, String>(5)?,
                [r.get::<_, String>(22)?, r.get(23)?, r.get(24)?],
                SaleRecord {
                    id: r.get(0)?,
                    receipt_no: r.get(1)?,
                    store_code: r.get(2)?,
                    till_no: r.get(3)?,
                    seq: r.get(4)?,
                    created_at: Timestamp::utc(chrono::DateTime::UNIX_EPOCH),
                    business_day: r.get(6)?,
                    currency: r.get(7)?,
                    tax_mode: if r.get::<_, String>(8)? == "exclusive" { TaxMode::Exclusive } else { TaxMode::Inclusive },
                    lines: Vec::new(),
                    taxes: Vec::new(),
                    subtotal: m(r.get(9)?),
                    discount_total: m(r.get(10)?),
                    tax_total: m(r.get(11)?),
                    total: m(r.get(12)?),
                    cash_rounding: m(r.get(13)?),
                    amount_due: m(r.get(14)?),
                    tendered: m(r.get(15)?),
                    change: m(r.get(16)?),
                    tenders: Vec::new(),
                    cashier: staff(17, 18)?,
                    approved_by: staff(19, 20)?,
                    shift_id: r.get(21)?,
                },
            ))
        })
        .optional()?;
    let (created_at, [lines, taxes, tenders], sale) =
        head.ok_or_else(|| StoreError::SaleNotFound(receipt_no.to_string()))?;
    let mut receipt = Receipt { sale, void: None };
    let corrupt = |what: &str, e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!("sale {}: {what}: {e}", receipt.sale.id))
    };
    let created_at =
        Timestamp::parse(&created_at).map_err(|e| corrupt(&format!("time {created_at:?}"), &e))?;
    let lines: Vec<PricedLine> = serde_json::from_str(&lines).map_err(|e| corrupt("lines", &e))?;
    let taxes: Vec<TaxLine> = serde_json::from_str(&taxes).map_err(|e| corrupt("taxes", &e))?;
    let tenders: Vec<Tender> =
        serde_json::from_str(&tenders).map_err(|e| corrupt("tenders", &e))?;
    // A rate out of range is a damaged row, as the columns of a line were read before.
    for rate_bp in (lines.iter().map(|l| l.tax_rate))
        .chain(taxes.iter().map(|t| t.rate))
        .map(TaxRate::basis_points)
    {
        rate(rate_bp)?;
    }
    receipt.sale.created_at = created_at;
    receipt.sale.lines = lines;
    receipt.sale.taxes = taxes;
    receipt.sale.tenders = tenders;

    receipt.void = conn
        .prepare_cached("SELECT id, reason, created_at FROM voids WHERE sale_id = ?1")?
        .query_row([&receipt.id], |r| {
            Ok(VoidInfo {
                id: r.get(0)?,
                reason: r.get(1)?,
                created_at: r.get(2)?,
            })
        })
        .optional()?;
    Ok(receipt)
}

impl Receipt {
    /// The receipt of a sale just written (no need to read back what the command holds).
    pub(crate) fn from_record(sale: SaleRecord, void: Option<VoidInfo>) -> Receipt {
        Receipt { sale, void }
    }
}
