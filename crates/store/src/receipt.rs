//! Reading a stored sale back as a receipt.

use crate::catalogue::tax_rate_at;
use crate::error::StoreError;
use kassa_domain::{Money, PricedLine, TaxLine, TaxMode, TaxRate, Tender, TenderKind};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VoidInfo {
    pub id: String,
    pub reason: String,
    pub created_at: String,
}

/// A completed sale as stored, with its void if one was recorded. Money in minor units.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub id: String,
    pub receipt_no: String,
    pub store_code: String,
    pub till_no: u16,
    pub seq: i64,
    pub created_at: String,
    pub business_day: String,
    pub currency: String,
    pub tax_mode: TaxMode,
    pub lines: Vec<PricedLine>,
    pub taxes: Vec<TaxLine>,
    pub subtotal: Money,
    pub discount_total: Money,
    pub tax_total: Money,
    pub total: Money,
    pub cash_rounding: Money,
    pub amount_due: Money,
    pub tendered: Money,
    pub change: Money,
    pub tenders: Vec<Tender>,
    pub void: Option<VoidInfo>,
    /// Who rang it and who approved its discounts (names; none on a till with no staff).
    pub cashier: Option<String>,
    pub approved_by: Option<String>,
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
                    cashier_name, approved_by_name
             FROM sales WHERE receipt_no = ?1",
        )?
        .query_row([receipt_no.trim()], |r| {
            Ok(Receipt {
                id: r.get(0)?,
                receipt_no: r.get(1)?,
                store_code: r.get(2)?,
                till_no: r.get(3)?,
                seq: r.get(4)?,
                created_at: r.get(5)?,
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
                void: None,
                cashier: r.get(17)?,
                approved_by: r.get(18)?,
            })
        })
        .optional()?;
    let mut receipt = head.ok_or_else(|| StoreError::SaleNotFound(receipt_no.to_string()))?;

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
        receipt.lines.push(row?.0);
    }

    let mut stmt = conn.prepare_cached(
        "SELECT rate_bp, net, tax, gross FROM sale_taxes WHERE sale_id = ?1 ORDER BY rate_bp",
    )?;
    let rows = stmt.query_map([&receipt.id], |r| {
        Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    for row in rows {
        let (bp, net, tax, gross) = row?;
        receipt.taxes.push(TaxLine {
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
        receipt.tenders.push(Tender {
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
    pub(crate) fn from_record(
        sale: kassa_replica::ledger::SaleRecord,
        void: Option<VoidInfo>,
    ) -> Receipt {
        Receipt {
            id: sale.id,
            receipt_no: sale.receipt_no,
            store_code: sale.store_code,
            till_no: sale.till_no,
            seq: sale.seq,
            created_at: sale.created_at.to_string(),
            business_day: sale.business_day,
            currency: sale.currency,
            tax_mode: sale.tax_mode,
            lines: sale.lines,
            taxes: sale.taxes,
            subtotal: sale.subtotal,
            discount_total: sale.discount_total,
            tax_total: sale.tax_total,
            total: sale.total,
            cash_rounding: sale.cash_rounding,
            amount_due: sale.amount_due,
            tendered: sale.tendered,
            change: sale.change,
            tenders: sale.tenders,
            void,
            cashier: sale.cashier.map(|c| c.name),
            approved_by: sale.approved_by.map(|c| c.name),
        }
    }
}
