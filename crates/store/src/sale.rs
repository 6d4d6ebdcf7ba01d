//! Ringing up a sale: resolve items, price the basket, settle the tenders, and store it all in
//! one transaction with the next receipt number.

use crate::catalogue::find_by_code;
use crate::config::StoreConfig;
use crate::error::StoreError;
use kassa_domain::{
    price_basket, round_to_increment, settle, Basket, BasketLine, Discount, Money, PriceOverride,
    PricedBasket, Settlement, Tender, TenderKind,
};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line as the cashier entered it: a SKU or barcode and a quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRequest {
    pub code: String,
    pub quantity: i64,
    #[serde(default)]
    pub discount: Option<Discount>,
    #[serde(default)]
    pub price_override: Option<PriceOverride>,
}

/// A tender as entered. `amount: None` means "exactly what is left to pay" (for cash, after cash
/// rounding); at most one tender may leave its amount open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderRequest {
    pub kind: TenderKind,
    pub amount: Option<Money>,
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRequest {
    pub lines: Vec<LineRequest>,
    #[serde(default)]
    pub discount: Option<Discount>,
    pub tenders: Vec<TenderRequest>,
}

impl LineRequest {
    pub fn new(code: impl Into<String>, quantity: i64) -> LineRequest {
        LineRequest {
            code: code.into(),
            quantity,
            discount: None,
            price_override: None,
        }
    }
}

/// Resolves the lines against the catalogue and prices the basket. Reads only.
pub(crate) fn price(
    conn: &Connection,
    config: &StoreConfig,
    request: &SaleRequest,
) -> Result<PricedBasket, StoreError> {
    let mut lines = Vec::with_capacity(request.lines.len());
    for line in &request.lines {
        let item = find_by_code(conn, line.code.trim())?
            .ok_or_else(|| StoreError::UnknownItem(line.code.clone()))?;
        if !item.active {
            return Err(StoreError::InactiveItem(line.code.clone()));
        }
        lines.push(BasketLine {
            sku: item.sku,
            name: item.name,
            unit_price: item.price,
            quantity: line.quantity,
            tax_rate: item.tax_rate,
            discount: line.discount,
            price_override: line.price_override.clone(),
        });
    }
    Ok(price_basket(
        &Basket {
            lines,
            discount: request.discount,
        },
        config.tax_mode,
    )?)
}

/// Fills in the one open tender amount, then settles.
pub(crate) fn settle_tenders(
    total: Money,
    requests: &[TenderRequest],
    cash_increment: i64,
) -> Result<(Vec<Tender>, Settlement), StoreError> {
    let open: Vec<usize> = (0..requests.len())
        .filter(|&i| requests[i].amount.is_none())
        .collect();
    if open.len() > 1 {
        return Err(StoreError::Invalid(
            "only one tender may leave its amount open".into(),
        ));
    }
    let fixed_sum = |kind: TenderKind| {
        Money::sum(
            requests
                .iter()
                .filter(|t| t.kind == kind)
                .filter_map(|t| t.amount),
        )
    };
    let (fixed_card, fixed_cash) = (fixed_sum(TenderKind::Card)?, fixed_sum(TenderKind::Cash)?);
    let mut tenders: Vec<Tender> = Vec::with_capacity(requests.len());
    for request in requests {
        let amount = match (request.amount, request.kind) {
            (Some(amount), _) => amount,
            // Cards pay first and only the cash part is rounded, so open cash is the rounded
            // remainder after the cards, less any cash already counted.
            (None, TenderKind::Cash) => {
                round_to_increment(total.checked_sub(fixed_card)?, cash_increment)?
                    .checked_sub(fixed_cash)?
            }
            (None, TenderKind::Card) => total.checked_sub(fixed_card)?.checked_sub(fixed_cash)?,
        };
        if request.amount.is_none() && amount <= Money::ZERO {
            return Err(StoreError::Invalid(
                "nothing is left to pay with the open tender".into(),
            ));
        }
        let reference = request
            .reference
            .as_ref()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        tenders.push(Tender {
            kind: request.kind,
            amount,
            reference,
        });
    }
    let settlement = settle(total, &tenders, cash_increment)?;
    Ok((tenders, settlement))
}

pub(crate) struct NewSale<'a> {
    pub id: Uuid,
    pub receipt_no: &'a str,
    pub seq: i64,
    pub created_at: &'a str,
    pub business_day: &'a str,
    pub config: &'a StoreConfig,
    pub priced: &'a PricedBasket,
    pub tenders: &'a [Tender],
    pub settlement: &'a Settlement,
}

/// Writes the sale's rows. Must run inside the command's transaction.
pub(crate) fn insert_sale(conn: &Connection, sale: &NewSale<'_>) -> Result<(), StoreError> {
    let id = sale.id.to_string();
    let p = sale.priced;
    let s = sale.settlement;
    conn.prepare_cached(
        "INSERT INTO sales (id, receipt_no, store_code, till_no, seq, created_at, business_day, currency, tax_mode,
           subtotal, discount_total, tax_total, total, cash_rounding, amount_due, tendered, change_given)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        id,
        sale.receipt_no,
        sale.config.store_code,
        sale.config.till_no,
        sale.seq,
        sale.created_at,
        sale.business_day,
        sale.config.currency.code,
        p.mode.as_str(),
        p.subtotal.minor(),
        p.discount_total.minor(),
        p.tax_total.minor(),
        p.total.minor(),
        s.cash_rounding.minor(),
        s.amount_due.minor(),
        s.tendered.minor(),
        s.change.minor(),
    ])?;
    let mut line_stmt = conn.prepare_cached(
        "INSERT INTO sale_lines (sale_id, line_no, sku, name, quantity, list_price, unit_price, override_reason,
           gross, line_discount, basket_discount, amount, tax_rate_bp, tax)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for (no, l) in p.lines.iter().enumerate() {
        line_stmt.execute(params![
            id,
            no as i64 + 1,
            l.sku,
            l.name,
            l.quantity,
            l.list_price.minor(),
            l.unit_price.minor(),
            l.override_reason,
            l.gross.minor(),
            l.line_discount.minor(),
            l.basket_discount.minor(),
            l.amount.minor(),
            l.tax_rate.basis_points(),
            l.tax.minor(),
        ])?;
    }
    let mut tax_stmt = conn.prepare_cached(
        "INSERT INTO sale_taxes (sale_id, rate_bp, net, tax, gross) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for t in &p.taxes {
        tax_stmt.execute(params![
            id,
            t.rate.basis_points(),
            t.net.minor(),
            t.tax.minor(),
            t.gross.minor()
        ])?;
    }
    let mut tender_stmt = conn.prepare_cached(
        "INSERT INTO sale_tenders (sale_id, tender_no, kind, amount, reference) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (no, t) in sale.tenders.iter().enumerate() {
        tender_stmt.execute(params![
            id,
            no as i64 + 1,
            t.kind.as_str(),
            t.amount.minor(),
            t.reference
        ])?;
    }
    Ok(())
}

/// Takes the next receipt sequence number. Inside the sale's transaction, so a number is used by
/// exactly one committed sale and is never handed out again, restarts included.
pub(crate) fn next_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE receipt_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq",
        )?
        .query_row([], |r| r.get(0))?)
}

pub(crate) fn receipt_no(config: &StoreConfig, seq: i64) -> String {
    format!("{}-{}-{}", config.store_code, config.till_no, seq)
}
