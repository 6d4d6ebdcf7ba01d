//! The orders document `orders/{store}/{yyyy-mm}`: online orders for pickup at a store. Head office
//! writes the orders and their cancellations; the store's tills add pickups. A pickup lives in the
//! same document as its order, so every replica holding the order sees every pickup of it.

use kassa_domain::{Money, TaxRate, Tender};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: Money,
    /// `unit_price * quantity`, tax included as the web shop charged it.
    pub amount: Money,
    pub tax_rate: TaxRate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub id: String,
    /// The web shop's order number: what the customer quotes and what the QR code carries.
    pub order_no: String,
    pub store: String,
    pub customer_name: String,
    /// SHA-256 of the pickup code with the order id (see [`pickup_code_hash`]): a till checks the
    /// code offline without the code itself being readable from its database.
    pub pickup_code_hash: String,
    pub lines: Vec<OrderLine>,
    pub total: Money,
    /// Paid in the web shop (the whole total, or nothing when paying at pickup).
    pub paid_online: Money,
    pub currency: String,
    pub created_at: String,
    /// After this the order is a no-show and head office may expire it.
    pub pickup_by: String,
    /// Set when the order was sent by post instead of collected: everything on it counts as
    /// handed over, and it can be returned at any store (looked up at head office).
    #[serde(default)]
    pub shipped_at: Option<String>,
}

/// An online order as head office holds it, with its pickups and every return made against it
/// at any store: what a till looks up online to take back an order it does not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteOrder {
    pub order: OrderRecord,
    pub pickups: Vec<PickupRecord>,
    pub returns: Vec<crate::ledger::ReturnRecord>,
}

/// An order head office cancelled, or expired after a no-show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCancellation {
    pub id: String,
    pub order_id: String,
    pub order_no: String,
    /// `cancelled` or `expired`.
    pub reason: String,
    pub note: Option<String>,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupLine {
    pub sku: String,
    pub quantity: i64,
}

/// Goods of an order handed over at a till (all of it or some lines), with any balance taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupRecord {
    pub id: String,
    pub order_id: String,
    pub order_no: String,
    pub store: String,
    pub till_no: u16,
    /// The till's receipt number for the handover (same sequence as sales).
    pub receipt_no: String,
    pub lines: Vec<PickupLine>,
    /// Value of the goods handed over in this pickup.
    pub value: Money,
    /// What was taken at the till now (the unpaid balance of what was handed over, cash rounded).
    pub amount_due: Money,
    pub cash_rounding: Money,
    pub tenders: Vec<Tender>,
    pub change: Money,
    pub created_at: String,
    pub business_day: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cashier: Option<crate::ledger::StaffRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_id: Option<String>,
}

/// The hash stored for a pickup code.
pub fn pickup_code_hash(order_id: &str, code: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"kassa-pickup-code\0");
    hasher.update(order_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(code.trim().as_bytes());
    hex::encode(hasher.finalize())
}

/// The month document an order made at `created_at` (RFC 3339) belongs to.
pub fn order_month(created_at: &str) -> &str {
    created_at.get(..7).unwrap_or(created_at)
}

/// Quantities handed over per SKU across pickups of one order.
pub fn picked_quantities<'a>(
    pickups: impl IntoIterator<Item = &'a PickupRecord>,
) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for pickup in pickups {
        for line in &pickup.lines {
            *out.entry(line.sku.clone()).or_insert(0) += line.quantity;
        }
    }
    out
}

/// Ordered quantities per SKU (an order may list a SKU on several lines).
pub fn ordered_quantities(order: &OrderRecord) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for line in &order.lines {
        *out.entry(line.sku.clone()).or_insert(0) += line.quantity;
    }
    out
}
