//! What a printed receipt says about a sale, as plain data: the till fills it in from its stored
//! sale, and the printer crate lays it out (ESC/POS or HTML) without knowing where it came from.

use crate::{Money, PricedLine, TaxLine, Tender};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintableReceipt {
    /// The header's large line.
    pub store_name: String,
    pub store_code: String,
    pub till_no: u16,
    pub receipt_no: String,
    /// When the sale was made, as the till recorded it (RFC 3339 in the store's time).
    pub created_at: String,
    /// Who rang it up (none on a till without staff).
    pub cashier: Option<String>,
    pub voided: bool,
    /// A reprint: it says COPY.
    pub copy: bool,
    /// ISO code, and how many minor digits its amounts have.
    pub currency: String,
    pub minor_digits: u8,
    pub lines: Vec<PricedLine>,
    pub taxes: Vec<TaxLine>,
    pub subtotal: Money,
    pub discount_total: Money,
    pub total: Money,
    pub cash_rounding: Money,
    pub amount_due: Money,
    pub tenders: Vec<Tender>,
    pub change: Money,
    /// The store-signed receipt code its QR code carries (checked offline at a return).
    pub signed_code: String,
}

impl PrintableReceipt {
    /// A sale's first print opens the cash drawer when cash was taken; a copy never does.
    pub fn opens_drawer(&self) -> bool {
        !self.copy && self.tenders.iter().any(|t| t.kind.is_cash())
    }
}
