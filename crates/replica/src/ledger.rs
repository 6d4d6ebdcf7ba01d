//! The till ledger document `ledger/{store}/{till}/{day}`: sales, voids, returns and exception
//! resolutions, written by that till only.

use kassa_domain::{Money, PricedLine, TaxLine, TaxMode, TaxRate, Tender, TenderKind};

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Who made or approved a record: the staff member's id (stable) and name (as it was then).
/// Absent on records of a till that has no staff set up.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRef {
    pub id: String,
    pub name: String,
}

/// A completed sale, everything needed to rebuild its projection rows and its receipt.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRecord {
    pub id: String,
    pub receipt_no: String,
    pub store_code: String,
    pub till_no: u16,
    pub seq: i64,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
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
    /// The cashier signed in when it was rung.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<StaffRef>,
    /// Who approved a discount or price override past the store's limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<StaffRef>,
    /// The till's shift it was rung in (none on a till without shifts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_id: Option<String>,
}

/// A void: a new record pointing at the sale it cancels.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidRecord {
    pub id: String,
    pub sale_id: String,
    pub receipt_no: String,
    pub reason: String,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
    pub business_day: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<StaffRef>,
    /// The supervisor or manager whose PIN allowed it (the cashier themselves when their role may).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<StaffRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_id: Option<String>,
}

/// What a return takes back: a sale (of any store), goods of an online order, or nothing on record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReturnSource {
    Sale {
        sale_id: String,
        receipt_no: String,
        store: String,
        business_day: String,
    },
    Order {
        order_id: String,
        order_no: String,
        store: String,
    },
    NoReceipt,
}

impl ReturnSource {
    /// The id of the sale or order returned against (what over-return detection groups by).
    pub fn subject_id(&self) -> Option<&str> {
        match self {
            ReturnSource::Sale { sale_id, .. } => Some(sale_id),
            ReturnSource::Order { order_id, .. } => Some(order_id),
            ReturnSource::NoReceipt => None,
        }
    }

    pub fn number(&self) -> Option<&str> {
        match self {
            ReturnSource::Sale { receipt_no, .. } => Some(receipt_no),
            ReturnSource::Order { order_no, .. } => Some(order_no),
            ReturnSource::NoReceipt => None,
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    /// Units of this SKU the sale or order sold (handed over, for an order); 0 with no receipt.
    /// Carried in the record so any replica can check returns against it without the sale.
    pub sold: i64,
    /// Refunded for these units, tax included.
    pub amount: Money,
    pub tax_rate: TaxRate,
    pub tax: Money,
    /// Back on the shelf (stock goes up) or damaged (it does not).
    pub restock: bool,
}

/// Goods taken back and the money given back for them. An exchange is a return and a sale made
/// in one transaction: the sale is paid (in part) with an `exchange` tender of the return's value.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnRecord {
    pub id: String,
    pub receipt_no: String,
    pub store_code: String,
    pub till_no: u16,
    pub seq: i64,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
    pub business_day: String,
    pub currency: String,
    pub source: ReturnSource,
    pub lines: Vec<ReturnLine>,
    /// Sum of the lines.
    pub total: Money,
    /// Added when the cash part of the refund was rounded.
    pub cash_rounding: Money,
    /// Where the money went: cash, card (with the terminal's reference), store credit (with the
    /// new credit's code), online (head office refunds the web payment), exchange.
    pub refunds: Vec<Tender>,
    pub reason: Option<String>,
    /// The manager who approved it (by name), and why approval was needed.
    pub approved_by: Option<String>,
    pub approval_reasons: Vec<String>,
    /// The sale made in the same exchange, if any.
    pub exchange_sale_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<StaffRef>,
    /// The approving manager's staff id, when the till has staff and their PIN was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_id: Option<String>,
}

/// A manager's note closing an exception. Written by a till (in its ledger) or head office (in its
/// ledger), so it syncs like any other record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionRecord {
    pub id: String,
    pub exception_id: String,
    pub note: String,
    pub resolved_by: Option<String>,
    /// `till-2` or `hq`.
    pub written_by: String,
    pub store: String,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
}

/// A sale as head office holds it, with whether it was voided and the returns made against it at
/// any store: what a till looks up online before it takes back another store's sale.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteSale {
    pub sale: SaleRecord,
    pub voided: bool,
    pub returns: Vec<ReturnRecord>,
}

/// A store credit code is as good as cash to whoever holds it: a look-up by another store's till
/// answers what a return needs and never carries one.
pub(crate) fn without_credit_codes(tenders: &mut [Tender]) {
    for tender in tenders.iter_mut().filter(|t| t.kind == TenderKind::Credit) {
        tender.reference = None;
    }
}

impl RemoteSale {
    /// The sale as another store's till may see it: the credit it redeemed and the credit its
    /// returns issued without their codes (a refund to credit issues a new code anyway).
    pub fn for_another_till(mut self) -> RemoteSale {
        without_credit_codes(&mut self.sale.tenders);
        for record in &mut self.returns {
            without_credit_codes(&mut record.refunds);
        }
        self
    }
}

/// The balance of a store credit code: issued by returns, redeemed by sales (voided sales give it
/// back).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditBalance {
    pub code: String,
    pub issued: Money,
    pub redeemed: Money,
    pub balance: Money,
}

/// Why a sale's amounts do not add up, if they do not: its lines' amounts (plus tax where prices
/// exclude it) make its total, and total plus cash rounding is what was due. Head office flags
/// such a sale and keeps it (later sales keep flowing); a till never writes one.
pub fn sale_total_problem(sale: &SaleRecord) -> Option<String> {
    let check = || -> Result<Option<String>, kassa_domain::DomainError> {
        let amounts = Money::sum(sale.lines.iter().map(|l| l.amount))?;
        let total = match sale.tax_mode {
            TaxMode::Inclusive => amounts,
            TaxMode::Exclusive => amounts.checked_add(sale.tax_total)?,
        };
        if total != sale.total {
            return Ok(Some(format!(
                "sale {} says its total is {} but its lines make {}",
                sale.receipt_no, sale.total, total
            )));
        }
        let due = sale.total.checked_add(sale.cash_rounding)?;
        if due != sale.amount_due {
            return Ok(Some(format!(
                "sale {} says {} was due but its total and rounding make {}",
                sale.receipt_no, sale.amount_due, due
            )));
        }
        Ok(None)
    };
    check().unwrap_or_else(|e| Some(format!("sale {}: {e}", sale.receipt_no)))
}
