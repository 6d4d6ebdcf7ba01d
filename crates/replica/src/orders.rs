//! The orders document `orders/{store}/{yyyy-mm}`: online orders for pickup at a store. Head office
//! writes the orders and their cancellations; the store's tills add pickups. A pickup lives in the
//! same document as its order, so every replica holding the order sees every pickup of it.

use crate::time::Timestamp;
use kassa_domain::{Money, TaxRate, Tender};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
    /// After this the order is a no-show and head office may expire it.
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub pickup_by: Timestamp,
    /// Set when the order was sent by post instead of collected: everything on it counts as
    /// handed over, and it can be returned at any store (looked up at head office).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>"))]
    pub shipped_at: Option<Timestamp>,
}

/// An online order as head office holds it, with its pickups and every return made against it
/// at any store: what a till looks up online to take back an order it does not hold.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteOrder {
    pub order: OrderRecord,
    pub pickups: Vec<PickupRecord>,
    pub returns: Vec<crate::ledger::ReturnRecord>,
}

impl RemoteOrder {
    /// The order as a till that does not hold it may see it, to take its goods back: without the
    /// pickup code's hash (six digits are quickly guessed from it) and without credit codes.
    pub fn for_another_till(mut self) -> RemoteOrder {
        self.order.pickup_code_hash = String::new();
        for pickup in &mut self.pickups {
            crate::ledger::without_credit_codes(&mut pickup.tenders);
        }
        for record in &mut self.returns {
            crate::ledger::without_credit_codes(&mut record.refunds);
        }
        self
    }
}

/// A new pickup code for an order (the customer lost the first, or someone else saw it), written
/// by head office into the order's orders document. From then on the newest reset (by id, a
/// UUIDv7) is the order's code on every till that holds it; the order record is never changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupCodeReset {
    pub id: String,
    pub order_id: String,
    pub order_no: String,
    /// [`pickup_code_hash`] of the new code with the order's id.
    pub pickup_code_hash: String,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

/// An order head office cancelled, or expired after a no-show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCancellation {
    pub id: String,
    pub order_id: String,
    pub order_no: String,
    pub reason: CancellationReason,
    pub note: Option<String>,
    pub created_at: Timestamp,
}

/// Why head office closed an order (snake_case on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationReason {
    /// Cancelled by head office (the customer, the shop).
    Cancelled,
    /// Expired: a no-show past its pickup date.
    Expired,
}

impl CancellationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CancellationReason::Cancelled => "cancelled",
            CancellationReason::Expired => "expired",
        }
    }
}

impl std::fmt::Display for CancellationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupLine {
    pub sku: String,
    pub quantity: i64,
}

/// Goods of an order handed over at a till (all of it or some lines), with any balance taken.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
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

/// The month document (`yyyy-mm`) an order made at `created_at` belongs to: the month where it
/// was stamped (head office stamps in UTC).
pub fn order_month(created_at: &Timestamp) -> String {
    created_at.local_date().format("%Y-%m").to_string()
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

/// Where an order stands, as the till and head office both work it out.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Open,
    PartlyPickedUp,
    PickedUp,
    Cancelled,
    Expired,
    /// Sent by post: it never waits at a store.
    Shipped,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::PartlyPickedUp => "partly_picked_up",
            OrderStatus::PickedUp => "picked_up",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
            OrderStatus::Shipped => "shipped",
        }
    }

    /// Still waiting to be handed over (in whole or in part).
    pub fn is_waiting(self) -> bool {
        matches!(self, OrderStatus::Open | OrderStatus::PartlyPickedUp)
    }
}

/// The one rule for an order's status, used by the tills and head office alike: the first
/// cancellation (by id, which sorts by time) decides over pickups; otherwise an order is picked
/// up when every SKU has been handed over in full, per SKU (not by summed quantities, which an
/// over-pickup of one SKU would make look complete).
pub fn order_status(
    order: &OrderRecord,
    cancellations: &[OrderCancellation],
    pickups: &[PickupRecord],
) -> OrderStatus {
    if order.shipped_at.is_some() {
        return OrderStatus::Shipped;
    }
    match cancellations.iter().min_by(|a, b| a.id.cmp(&b.id)) {
        Some(c) if c.reason == CancellationReason::Expired => OrderStatus::Expired,
        Some(_) => OrderStatus::Cancelled,
        None => {
            let picked = picked_quantities(pickups);
            let complete = ordered_quantities(order)
                .iter()
                .all(|(sku, ordered)| picked.get(sku).copied().unwrap_or(0) >= *ordered);
            if complete {
                OrderStatus::PickedUp
            } else if pickups.is_empty() {
                OrderStatus::Open
            } else {
                OrderStatus::PartlyPickedUp
            }
        }
    }
}

/// Past its pickup date at `now` (compared as instants: the order's `Z` and a till's `+01:00`
/// do not sort as text).
pub fn is_overdue(order: &OrderRecord, now: &Timestamp) -> bool {
    order.pickup_by.instant() < now.instant()
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn an_order_is_overdue_by_instant_not_by_text() {
        let order = order(); // pickup by 2026-12-15T10:00:00.000Z
        let at = |s: &str| Timestamp::parse(s).unwrap();
        // 10:30 at +01:00 is 09:30Z: not yet overdue, though it sorts after the deadline as text.
        assert!(!is_overdue(&order, &at("2026-12-15T10:30:00.000+01:00")));
        assert!(is_overdue(&order, &at("2026-12-15T11:30:00.000+01:00")));
        assert!(is_overdue(&order, &at("2026-12-15T10:00:00.001Z")));
    }

    #[test]
    fn an_order_belongs_to_the_month_it_was_stamped_in() {
        let order = order();
        assert_eq!(order_month(&order.created_at), "2026-12");
        let late = Timestamp::parse("2026-11-30T23:30:00.000Z").unwrap();
        assert_eq!(order_month(&late), "2026-11");
    }

    #[test]
    fn cancellation_reasons_keep_their_wire_names() {
        let json = r#"{"id":"c1","order_id":"o1","order_no":"W1","reason":"expired","note":null,"created_at":"2026-12-16T00:00:00.000Z"}"#;
        let c: OrderCancellation = serde_json::from_str(json).unwrap();
        assert_eq!(c.reason, CancellationReason::Expired);
        assert_eq!(serde_json::to_string(&c).unwrap(), json);
        let order = order();
        assert_eq!(order_status(&order, &[c], &[]), OrderStatus::Expired);
        assert!(serde_json::from_str::<CancellationReason>("\"lost\"").is_err());
    }

    fn order() -> OrderRecord {
        serde_json::from_value(serde_json::json!({
            "id": "o1", "order_no": "W1", "store": "AMS1", "customer_name": "Ada",
            "pickup_code_hash": "x", "total": 500, "paid_online": 500, "currency": "EUR",
            "created_at": "2026-12-01T10:00:00.000Z", "pickup_by": "2026-12-15T10:00:00.000Z",
            "lines": [
                { "sku": "A", "name": "A", "quantity": 2, "unit_price": 100, "amount": 200, "tax_rate": 2100 },
                { "sku": "B", "name": "B", "quantity": 1, "unit_price": 300, "amount": 300, "tax_rate": 2100 }
            ]
        }))
        .unwrap()
    }

    fn pickup(id: &str, sku: &str, quantity: i64) -> PickupRecord {
        serde_json::from_value(serde_json::json!({
            "id": id, "order_id": "o1", "order_no": "W1", "store": "AMS1", "till_no": 1,
            "receipt_no": "AMS1-1-1", "lines": [{ "sku": sku, "quantity": quantity }],
            "value": 0, "amount_due": 0, "cash_rounding": 0, "tenders": [], "change": 0,
            "created_at": "2026-12-01T11:00:00.000Z", "business_day": "2026-12-01"
        }))
        .unwrap()
    }

    #[test]
    fn an_order_is_picked_up_when_every_sku_is_not_when_the_sums_match() {
        let order = order();
        assert_eq!(order_status(&order, &[], &[]), OrderStatus::Open);
        // Three of A handed over (one too many, on two offline tills): the sums match the
        // three ordered, but B is still waiting.
        let over = [pickup("p1", "A", 2), pickup("p2", "A", 1)];
        assert_eq!(
            order_status(&order, &[], &over),
            OrderStatus::PartlyPickedUp
        );
        let all = [pickup("p1", "A", 2), pickup("p2", "B", 1)];
        assert_eq!(order_status(&order, &[], &all), OrderStatus::PickedUp);
    }
}
