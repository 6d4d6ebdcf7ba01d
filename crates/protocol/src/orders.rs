//! Online orders from the web shop: `POST /v1/orders` (and `kassa-hq order add FILE.json`), with
//! head office's answer, cancellations and the order list.

use kassa_domain::Money;
use serde::{Deserialize, Serialize};

/// One line of a web order. Without `unit_price`, head office's catalogue price is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderIntakeLine {
    pub sku: String,
    pub quantity: i64,
    /// Minor units, tax included, as the web shop charged it.
    #[serde(default)]
    pub unit_price: Option<Money>,
}

/// An order as the web shop sends it. `external_id` makes the call idempotent: the same id sent
/// again is the same order, not a second one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderIntake {
    pub external_id: String,
    pub store: String,
    pub customer_name: String,
    pub lines: Vec<OrderIntakeLine>,
    /// `true`: paid in the web shop; `false`: paid at pickup.
    pub paid: bool,
    /// 4 to 12 digits the customer shows at pickup; head office makes one when absent.
    #[serde(default)]
    pub pickup_code: Option<String>,
    /// Days the store holds the order before it is a no-show (default 14).
    #[serde(default)]
    pub hold_days: Option<u32>,
    /// `true`: sent by post from the web warehouse rather than collected; it never waits at a
    /// store, and can be returned at any store.
    #[serde(default)]
    pub shipped: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderAccepted {
    pub order_id: String,
    pub order_no: String,
    pub store: String,
    pub pickup_code: String,
    /// What the QR code on the customer's confirmation should carry.
    pub qr_payload: String,
    pub total: Money,
    pub pickup_by: String,
    /// `false` when this external id was accepted before (the earlier order is returned).
    pub created: bool,
}

/// `POST /v1/orders/{order_no}/cancel`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelOrderRequest {
    #[serde(default)]
    pub note: Option<String>,
}

/// An order in head office's list, with what the tills reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub order_id: String,
    pub order_no: String,
    pub store: String,
    pub customer_name: String,
    pub total: Money,
    pub paid_online: Money,
    pub created_at: String,
    pub pickup_by: String,
    /// `open`, `partly_picked_up`, `picked_up`, `cancelled`, `expired` or `shipped`.
    pub status: kassa_replica::orders::OrderStatus,
    pub ordered: i64,
    pub picked_up: i64,
}
