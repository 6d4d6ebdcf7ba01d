//! Reading a stored sale back as a receipt.

use crate::catalogue::tax_rate_at;
use crate::error::StoreError;
use kassa_domain::{Money, PricedLine, TaxLine, TaxMode, TaxRate, Tender, TenderKind};
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
                    cashier_id, cashier_name, approved_by_id, approved_by_name, shift_id
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
    let (created_at, sale) =
        head.ok_or_else(|| StoreError::SaleNotFound(receipt_no.to_string()))?;
    let mut receipt = Receipt { sale, void: None };
    receipt.sale.created_at = Timestamp::parse(&created_at).map_err(|e| {
        StoreError::Corrupt(format!(
            "sale {}: time {created_at:?}: {e}",
            receipt.sale.id
        ))
    })?;

    let mut stmt = conn.prepare_cached(
        "SELECT sku, name, quantity, list_price, unit_price, override_reason, gross, line_discount, basket_discount,
                amount, tax_rate_bp, tax
         FROM sale_lines WHERE sale_id = ?1 ORDER BY line_no",
    )?;
    let rows = stmt.query_map([&receipt.id], |r| {
        Ok((PricedLine {
            sku: r.get(0)?,
            name: r.get(1)?,
            quantity: r.get(2)?,
            list_price: m(r.get(3)?),
            unit_price: m(r.get(4)?),
            override_reason: r.get(5)?,
            gross: m(r.get(6)?),
            line_discount: m(r.get(7)?),
            basket_discount: m(r.get(8)?),
            amount: m(r.get(9)?),
            tax_rate: tax_rate_at(r, 10)?,
            tax: m(r.get(11)?),
        },))
    })?;
    for row in rows {
        receipt.sale.lines.push(row?.0);
    }

    let mut stmt = conn.prepare_cached(
        "SELECT rate_bp, net, tax, gross FROM sale_taxes WHERE sale_id = ?1 ORDER BY rate_bp",
    )?;
    let rows = stmt.query_map([&receipt.id], |r| {
        Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    for row in rows {
        let (bp, net, tax, gross) = row?;
        receipt.sale.taxes.push(TaxLine {
            rate: rate(bp)?,
            net: m(net),
            tax: m(tax),
            gross: m(gross),
        });
    }

    let mut stmt = conn.prepare_cached(
        "SELECT kind, amount, reference FROM sale_tenders WHERE sale_id = ?1 ORDER BY tender_no",
    )?;
    let rows = stmt.query_map([&receipt.id], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
    })?;
    for row in rows {
        let (kind, amount, reference) = row?;
        let kind = TenderKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("tender kind {kind:?}")))?;
        receipt.sale.tenders.push(Tender {
            kind,
            amount: m(amount),
            reference,
        });
    }

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
