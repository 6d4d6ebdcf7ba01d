//! The till ledger document `ledger/{store}/{till}/{day}`: sales and voids, written by that till only.

use kassa_domain::{Money, PricedLine, TaxLine, TaxMode, Tender};
use serde::{Deserialize, Serialize};

/// A completed sale, everything needed to rebuild its projection rows and its receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleRecord {
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
}

/// A void: a new record pointing at the sale it cancels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidRecord {
    pub id: String,
    pub sale_id: String,
    pub receipt_no: String,
    pub reason: String,
    pub created_at: String,
    pub business_day: String,
}
