//! Ringing up a sale: resolve items, price the basket, settle the tenders, and store it all in
//! one transaction with the next receipt number.

use crate::catalogue::find_by_code;
use crate::command::Command;
use crate::config::StoreConfig;
use crate::error::StoreError;
use kassa_replica::audit::AuditEvent;

use crate::audit::Event;
use crate::staff::Operator;
use kassa_domain::staff::discount_past_limit;
use kassa_domain::Approval;
use kassa_domain::{
    price_basket, round_to_increment, settle, Basket, BasketLine, Discount, Money, PriceOverride,
    PricedBasket, Settlement, Tender, TenderKind,
};
use kassa_replica::ledger::{SaleRecord, StaffRef};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// One line as the cashier entered it: a SKU or barcode and a quantity.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderRequest {
    pub kind: TenderKind,
    pub amount: Option<Money>,
    #[serde(default)]
    pub reference: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    now_unix: i64,
) -> Result<PricedBasket, StoreError> {
    let mut lines = Vec::with_capacity(request.lines.len());
    for line in &request.lines {
        let item = find_by_code(conn, line.code.trim(), now_unix)?
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

/// Refuses tenders a cashier may not enter for `what`: an exchange tender is only ever made by
/// an exchange itself (from its return), and online payments only by the web shop.
pub(crate) fn check_cashier_tenders(
    requests: &[TenderRequest],
    allowed: &[TenderKind],
    what: &str,
) -> Result<(), StoreError> {
    match requests.iter().find(|t| !allowed.contains(&t.kind)) {
        Some(t) => Err(StoreError::Invalid(format!(
            "{} cannot be tendered for {what}: use {}",
            t.kind.as_str(),
            allowed
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        None => Ok(()),
    }
}

/// What a cashier may tender for a sale.
pub(crate) const SALE_TENDERS: &[TenderKind] =
    &[TenderKind::Cash, TenderKind::Card, TenderKind::Credit];

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
    let fixed_sum = |cash: bool| {
        Money::sum(
            requests
                .iter()
                .filter(|t| t.kind.is_cash() == cash)
                .filter_map(|t| t.amount),
        )
    };
    let (fixed_card, fixed_cash) = (fixed_sum(false)?, fixed_sum(true)?);
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
            (None, _) => total.checked_sub(fixed_card)?.checked_sub(fixed_cash)?,
        };
        if request.amount.is_none() && amount <= Money::ZERO {
            return Err(StoreError::Invalid(
                "nothing is left to pay with the open tender".into(),
            ));
        }
        // A credit code is kept only as its key, taken of the code as typed on the receipt in
        // upper case (`cr-abc` is `CR-ABC`, or a lower-case redemption would escape the balance
        // check): the code itself stays on the customer's receipt.
        let reference = request
            .reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| match request.kind {
                TenderKind::Credit => kassa_domain::credit_key_of_code(r),
                _ => r.to_string(),
            });
        tenders.push(Tender {
            kind: request.kind,
            amount,
            reference,
        });
    }
    let settlement = settle(total, &tenders, cash_increment)?;
    Ok((tenders, settlement))
}

/// Who rang a record, and who approved what needed approving (both `None` on a till with no
/// staff).
#[derive(Clone, Debug, Default)]
pub(crate) struct MadeBy {
    pub cashier: Option<StaffRef>,
    pub approved_by: Option<StaffRef>,
    pub shift_id: Option<String>,
}

/// The approval a priced sale needs: a supervisor's when discounts and overrides together pass
/// the store's limit. Only a till with staff can check one.
pub(crate) fn sale_made_by(
    conn: &Connection,
    priced: &PricedBasket,
    operator: Option<&Operator>,
    approver: Option<&Operator>,
    till_no: u16,
) -> Result<MadeBy, StoreError> {
    let shift_id = crate::shift::money_shift(conn, till_no)?;
    let Some(cashier) = operator else {
        return Ok(MadeBy {
            shift_id,
            ..MadeBy::default()
        });
    };
    let limit_bp: u32 = conn
        .prepare_cached("SELECT discount_limit_bp FROM store_config")?
        .query_row([], |r| r.get(0))?;
    let approved_by = if discount_past_limit(&priced.lines, limit_bp) {
        crate::staff::approval_for(Approval::Discount, Some(cashier), approver)?
    } else {
        None
    };
    Ok(MadeBy {
        cashier: Some(cashier.staff_ref()),
        approved_by,
        shift_id,
    })
}

/// Stores a priced, settled sale with the next receipt number: the ledger record, the stock
/// movements, the projection rows and the audit entry, in the command. Credit tenders are checked
/// against the credit's balance first.
pub(crate) fn write_sale(
    cmd: &mut Command<'_>,
    sale_id: String,
    priced: PricedBasket,
    tenders: Vec<Tender>,
    settlement: &Settlement,
    made_by: MadeBy,
) -> Result<SaleRecord, StoreError> {
    crate::credit::check_redemptions(cmd.conn(), &tenders)?;
    let seq = next_seq(cmd.conn())?;
    let record = sale_record(
        SaleIdentity {
            id: sale_id,
            receipt_no: receipt_no(&cmd.config, seq),
            seq,
        },
        cmd,
        priced,
        tenders,
        settlement,
        made_by,
    );
    cmd.record_in_ledger(&record)?;
    cmd.move_stock(record.lines.iter().map(|l| (l.sku.as_str(), -l.quantity)))?;
    let detail = format!(
        "{} total {}",
        record.receipt_no,
        crate::audit::amount(&cmd.config, record.total)
    );
    cmd.audit(
        Event::new(AuditEvent::Sale, detail)
            .record(&record.id)
            .by(record.cashier.clone())
            .approved(record.approved_by.clone()),
    )?;
    Ok(record)
}

struct SaleIdentity {
    id: String,
    receipt_no: String,
    seq: i64,
}

/// Builds the immutable sale record from a priced, settled basket.
fn sale_record(
    SaleIdentity {
        id,
        receipt_no,
        seq,
    }: SaleIdentity,
    cmd: &Command<'_>,
    priced: PricedBasket,
    tenders: Vec<Tender>,
    settlement: &Settlement,
    made_by: MadeBy,
) -> SaleRecord {
    SaleRecord {
        id,
        receipt_no,
        store_code: cmd.config.store_code.clone(),
        till_no: cmd.config.till_no,
        seq,
        created_at: cmd.stamp.at.clone(),
        business_day: cmd.stamp.day.clone(),
        currency: cmd.config.currency.code.clone(),
        tax_mode: priced.mode,
        lines: priced.lines,
        taxes: priced.taxes,
        subtotal: priced.subtotal,
        discount_total: priced.discount_total,
        tax_total: priced.tax_total,
        total: priced.total,
        cash_rounding: settlement.cash_rounding,
        amount_due: settlement.amount_due,
        tendered: settlement.tendered,
        change: settlement.change,
        tenders,
        cashier: made_by.cashier,
        approved_by: made_by.approved_by,
        shift_id: made_by.shift_id,
    }
}

/// Takes the next receipt sequence number. Inside the sale's transaction, so a number is used by
/// exactly one committed sale and is never handed out again, restarts included.
pub(crate) fn next_seq(conn: &Connection) -> Result<i64, StoreError> {
    // Two plain statements: RETURNING builds a temporary B-tree for its one row, which cost a
    // sale more than the update itself (callgrind, docs/BENCHMARKS.md).
    conn.prepare_cached("UPDATE receipt_counter SET last_seq = last_seq + 1 WHERE id = 1")?
        .execute([])?;
    Ok(conn
        .prepare_cached("SELECT last_seq FROM receipt_counter WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}

pub(crate) fn receipt_no(config: &StoreConfig, seq: i64) -> String {
    format!("{}-{}-{}", config.store_code, config.till_no, seq)
}
