//! Online orders at the till: finding them, what is reserved for them, and handing them over
//! (click and collect). Works offline with the orders the last sync brought.

use crate::attempts;
use crate::error::StoreError;
use crate::sale::{self, TenderRequest};
use crate::staff::Operator;
use crate::till::Till;
use kassa_domain::{refund_share, Money, TenderKind};
use kassa_replica::audit::AuditEvent;
use kassa_replica::orders::{
    picked_quantities, pickup_code_hash, OrderCancellation, OrderRecord, PickupCodeReset,
    PickupLine, PickupRecord,
};
use kassa_replica::DocId;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What a QR code on an order confirmation carries: `kassa:order:{order number}`.
pub const ORDER_QR_PREFIX: &str = "kassa:order:";

pub use kassa_replica::orders::OrderStatus;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderLineView {
    pub sku: String,
    pub name: String,
    pub ordered: i64,
    pub picked_up: i64,
    /// Still to hand over (never negative, even after an over-pickup elsewhere).
    pub remaining: i64,
    pub amount: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderView {
    pub id: String,
    pub order_no: String,
    pub customer_name: String,
    pub created_at: String,
    pub pickup_by: String,
    /// Past `pickup_by` and not all handed over: head office may expire it.
    pub overdue: bool,
    pub status: OrderStatus,
    pub lines: Vec<OrderLineView>,
    pub total: Money,
    pub paid_online: Money,
    pub paid_at_till: Money,
    /// What handing over everything that remains would cost now.
    pub balance: Money,
    pub pickups: Vec<PickupRecord>,
}

/// A line to hand over: a SKU or barcode and a quantity.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupLineRequest {
    pub code: String,
    pub quantity: i64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupRequest {
    /// Order number, or a scanned QR code.
    pub order: String,
    pub code: String,
    /// Empty: everything that remains.
    #[serde(default)]
    pub lines: Vec<PickupLineRequest>,
    /// For the unpaid balance of what is handed over; empty when nothing is due.
    #[serde(default)]
    pub tenders: Vec<TenderRequest>,
}

/// The order number in a typed number or a scanned QR code.
pub fn order_number(text: &str) -> &str {
    let text = text.trim();
    match text.get(..ORDER_QR_PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(ORDER_QR_PREFIX) => {
            text[ORDER_QR_PREFIX.len()..].trim()
        }
        _ => text,
    }
}

fn records<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    key: &str,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([key], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|json| serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

pub(crate) fn load_order(conn: &Connection, order_id: &str) -> Result<OrderRecord, StoreError> {
    records::<OrderRecord>(conn, "SELECT record FROM orders WHERE id = ?1", order_id)?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::OrderNotFound(order_id.to_string()))
}

/// The hash of the order's pickup code as it stands: head office's newest reset, else the one it
/// was taken with.
fn current_code_hash(conn: &Connection, order: &OrderRecord) -> Result<String, StoreError> {
    let reset: Option<PickupCodeReset> = records(
        conn,
        "SELECT record FROM pickup_code_resets WHERE order_id = ?1 ORDER BY id DESC LIMIT 1",
        &order.id,
    )?
    .into_iter()
    .next();
    Ok(reset.map_or_else(|| order.pickup_code_hash.clone(), |r| r.pickup_code_hash))
}

pub(crate) fn pickups_of(
    conn: &Connection,
    order_id: &str,
) -> Result<Vec<PickupRecord>, StoreError> {
    records(
        conn,
        "SELECT record FROM pickups WHERE order_id = ?1 ORDER BY id",
        order_id,
    )
}

fn cancellations_of(
    conn: &Connection,
    order_id: &str,
) -> Result<Vec<OrderCancellation>, StoreError> {
    records(
        conn,
        "SELECT record FROM order_cancellations WHERE order_id = ?1 ORDER BY id",
        order_id,
    )
}

/// Per SKU: (name, ordered, amount).
fn order_skus(order: &OrderRecord) -> BTreeMap<String, (String, i64, Money)> {
    let mut out: BTreeMap<String, (String, i64, Money)> = BTreeMap::new();
    for line in &order.lines {
        let entry = out
            .entry(line.sku.clone())
            .or_insert((line.name.clone(), 0, Money::ZERO));
        entry.1 += line.quantity;
        entry.2 = Money::from_minor(entry.2.minor().saturating_add(line.amount.minor()));
    }
    out
}

/// What the goods of `lines` are worth, handed over after what `before` already took.
fn value_of(
    order: &OrderRecord,
    before: &BTreeMap<String, i64>,
    lines: &[PickupLine],
) -> Result<Money, StoreError> {
    let skus = order_skus(order);
    let mut taken = before.clone();
    let mut value = Money::ZERO;
    for line in lines {
        let (_, ordered, amount) = skus.get(&line.sku).ok_or_else(|| {
            StoreError::Invalid(format!("{} is not on order {}", line.sku, order.order_no))
        })?;
        let already = taken.entry(line.sku.clone()).or_insert(0);
        value = value.checked_add(refund_share(*amount, *ordered, *already, line.quantity)?)?;
        *already += line.quantity;
    }
    Ok(value)
}

pub(crate) fn view(
    conn: &Connection,
    order: OrderRecord,
    now: &kassa_replica::Timestamp,
) -> Result<OrderView, StoreError> {
    let pickups = pickups_of(conn, &order.id)?;
    let cancellations = cancellations_of(conn, &order.id)?;
    let picked = picked_quantities(&pickups);
    let lines: Vec<OrderLineView> = order_skus(&order)
        .into_iter()
        .map(|(sku, (name, ordered, amount))| {
            let picked_up = picked.get(&sku).copied().unwrap_or(0);
            OrderLineView {
                remaining: (ordered - picked_up).max(0),
                sku,
                name,
                ordered,
                picked_up,
                amount,
            }
        })
        .collect();
    let paid_at_till = Money::sum(
        pickups
            .iter()
            .map(|p| Money::from_minor(p.amount_due.minor() - p.cash_rounding.minor())),
    )?;
    let remaining: Vec<PickupLine> = lines
        .iter()
        .filter(|l| l.remaining > 0)
        .map(|l| PickupLine {
            sku: l.sku.clone(),
            quantity: l.remaining,
        })
        .collect();
    let handed_value = Money::sum(pickups.iter().map(|p| p.value))?;
    let all_value = handed_value.checked_add(value_of(&order, &picked, &remaining)?)?;
    let balance = all_value
        .checked_sub(order.paid_online)?
        .checked_sub(paid_at_till)?
        .max(Money::ZERO);
    let status = kassa_replica::orders::order_status(&order, &cancellations, &pickups);
    Ok(OrderView {
        overdue: status.is_waiting() && kassa_replica::orders::is_overdue(&order, now),
        id: order.id,
        order_no: order.order_no,
        customer_name: order.customer_name,
        created_at: order.created_at.to_string(),
        pickup_by: order.pickup_by.to_string(),
        status,
        lines,
        total: order.total,
        paid_online: order.paid_online,
        paid_at_till,
        balance,
        pickups,
    })
}

/// What open orders still hold of a SKU: ordered less handed over, per order, never below zero.
pub(crate) fn reserved(conn: &Connection, sku: &str) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(max(ol.quantity - coalesce(
                        (SELECT sum(pl.quantity) FROM pickup_lines pl
                         WHERE pl.order_id = ol.order_id AND pl.sku = ol.sku), 0), 0)), 0)
             FROM order_lines ol
             WHERE ol.sku = ?1
               AND NOT EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = ol.order_id)",
        )?
        .query_row([sku], |r| r.get(0))?)
}

/// Orders not cancelled with something left to hand over.
const WAITING_ORDERS: &str = "SELECT o.record FROM orders o
    WHERE NOT EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = o.id)
      AND EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = o.id
                  AND ol.quantity > coalesce((SELECT sum(pl.quantity) FROM pickup_lines pl
                                              WHERE pl.order_id = o.id AND pl.sku = ol.sku), 0))
    ORDER BY o.created_at DESC, o.id DESC LIMIT 50";

/// Stock of a SKU at this store as this till knows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StockPosition {
    pub on_hand: i64,
    /// Held for online orders not yet picked up.
    pub reserved: i64,
    /// On hand less reserved: what can be sold to someone walking in.
    pub available: i64,
}

impl Till {
    /// Orders matching a typed or scanned order number, or a customer's name (any part of it);
    /// with an empty query, the orders still waiting for pickup. Newest first, at most 50.
    pub fn find_orders(&self, query: &str) -> Result<Vec<OrderView>, StoreError> {
        self.config()?;
        let (now, _) = self.stamp();
        let number = order_number(query);
        let json: Vec<String> = if number.is_empty() {
            let mut stmt = self.conn.prepare_cached(WAITING_ORDERS)?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        } else {
            let mut stmt = self.conn.prepare_cached(
                "SELECT record FROM orders WHERE order_no = ?1 COLLATE NOCASE
                    OR customer_name LIKE '%' || ?1 || '%'
                 ORDER BY order_no = ?1 COLLATE NOCASE DESC, created_at DESC, id DESC LIMIT 50",
            )?;
            let rows = stmt.query_map([number], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::new();
        for json in json {
            let order: OrderRecord =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.push(view(&self.conn, order, &now)?);
        }
        Ok(out)
    }

    /// One order by number or QR code.
    pub fn order(&self, number_or_qr: &str) -> Result<OrderView, StoreError> {
        let number = order_number(number_or_qr);
        let id: String = self
            .conn
            .prepare_cached(
                "SELECT id FROM orders WHERE order_no = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
            )?
            .query_row([number], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::OrderNotFound(number.to_string()))?;
        let (now, _) = self.stamp();
        view(&self.conn, load_order(&self.conn, &id)?, &now)
    }

    /// Stock here: on hand, reserved for online orders, and available to sell.
    pub fn stock_position(&mut self, sku: &str) -> Result<StockPosition, StoreError> {
        let on_hand = self.stock_on_hand(sku)?;
        let reserved = reserved(&self.conn, sku)?;
        Ok(StockPosition {
            on_hand,
            reserved,
            available: on_hand - reserved,
        })
    }

    /// Hands over an order, all of it or some lines, after checking the pickup code, taking any
    /// unpaid balance of what is handed over. Refuses what this till can see was handed over
    /// already; two tills that both hand it over offline are flagged in the exceptions inbox.
    pub fn pickup(&mut self, request: &PickupRequest) -> Result<PickupRecord, StoreError> {
        let number = order_number(&request.order).to_uppercase();
        let subject = format!("order:{number}");
        if let Some(until) = attempts::locked_until(&self.conn, &subject, self.clock.as_ref())? {
            return Err(StoreError::AttemptsLocked {
                what: format!("order {number}"),
                until,
            });
        }
        let operator = self.acting()?;
        match self.hand_over(request, operator.as_ref()) {
            Err(StoreError::WrongPickupCode { order, .. }) => {
                let left = attempts::record_failure(&self.conn, &subject, self.clock.as_ref())?;
                Err(StoreError::WrongPickupCode { order, left })
            }
            Ok(record) => {
                attempts::clear(&self.conn, &subject)?;
                Ok(record)
            }
            Err(other) => Err(other),
        }
    }

    fn hand_over(
        &mut self,
        request: &PickupRequest,
        operator: Option<&Operator>,
    ) -> Result<PickupRecord, StoreError> {
        // Checked inside the transaction: a pickup another till's sync just brought is seen.
        self.command(|cmd| {
            let tx = cmd.conn();
            let config = cmd.config.clone();
            let (created_at, business_day) = (cmd.stamp.at.clone(), cmd.stamp.day.clone());
            let number = order_number(&request.order);
            let order_id: String = tx
                .prepare_cached(
                    "SELECT id FROM orders WHERE order_no = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                )?
                .query_row([number], |r| r.get(0))
                .optional()?
                .ok_or_else(|| StoreError::OrderNotFound(number.to_string()))?;
            let order = load_order(tx, &order_id)?;
            if pickup_code_hash(&order.id, &request.code) != current_code_hash(tx, &order)? {
                return Err(StoreError::WrongPickupCode {
                    order: order.order_no,
                    left: attempts::MAX_FAILURES,
                });
            }
            let order_view = view(tx, order.clone(), &created_at)?;
            let closed = |why: &str| StoreError::OrderClosed {
                order: order.order_no.clone(),
                why: why.into(),
            };
            match order_view.status {
                OrderStatus::Cancelled => return Err(closed("head office cancelled it")),
                OrderStatus::Expired => return Err(closed("it expired (not collected in time)")),
                OrderStatus::PickedUp => {
                    return Err(closed("everything on it was handed over already"))
                }
                OrderStatus::Shipped => return Err(closed("it was sent by post")),
                OrderStatus::Open | OrderStatus::PartlyPickedUp => {}
            }
            let lines = pickup_lines(tx, &order_view, &request.lines)?;
            let picked_before = picked_quantities(&order_view.pickups);
            let value = value_of(&order, &picked_before, &lines)?;
            let handed_before = Money::sum(order_view.pickups.iter().map(|p| p.value))?;
            let due = handed_before
                .checked_add(value)?
                .checked_sub(order.paid_online)?
                .checked_sub(order_view.paid_at_till)?
                .max(Money::ZERO);
            if due == Money::ZERO && !request.tenders.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "nothing is due for order {}: it is paid",
                    order.order_no
                )));
            }
            // Store credit is taken on sales only: a pickup's redemption would escape the
            // credit's balance, which is counted over sales.
            sale::check_cashier_tenders(
                &request.tenders,
                &[TenderKind::Cash, TenderKind::Card],
                "an order pickup",
            )?;
            let (tenders, settlement) =
                sale::settle_tenders(due, &request.tenders, config.cash_increment)?;
            let seq = sale::next_seq(tx)?;
            let record = PickupRecord {
                id: Uuid::now_v7().to_string(),
                order_id: order.id.clone(),
                order_no: order.order_no.clone(),
                store: config.store_code.clone(),
                till_no: config.till_no,
                receipt_no: sale::receipt_no(&config, seq),
                lines,
                value,
                amount_due: settlement.amount_due,
                cash_rounding: settlement.cash_rounding,
                tenders,
                change: settlement.change,
                created_at,
                business_day,
                cashier: operator.map(Operator::staff_ref),
                shift_id: crate::shift::money_shift(tx, config.till_no)?,
            };
            let orders_doc = order_doc_id(tx, &order.id)?;
            cmd.record(&orders_doc, &record)?;
            cmd.move_stock(record.lines.iter().map(|l| (l.sku.as_str(), -l.quantity)))?;
            let detail = format!(
                "{} order {} took {}",
                record.receipt_no,
                record.order_no,
                crate::audit::amount(&config, record.amount_due)
            );
            cmd.audit(
                crate::audit::Event::new(AuditEvent::Pickup, detail)
                    .record(&record.id)
                    .by(record.cashier.clone()),
            )?;
            Ok(record)
        })
    }
}

fn pickup_lines(
    conn: &Connection,
    order: &OrderView,
    requested: &[PickupLineRequest],
) -> Result<Vec<PickupLine>, StoreError> {
    if requested.is_empty() {
        return Ok(order
            .lines
            .iter()
            .filter(|l| l.remaining > 0)
            .map(|l| PickupLine {
                sku: l.sku.clone(),
                quantity: l.remaining,
            })
            .collect());
    }
    let mut wanted: BTreeMap<String, i64> = BTreeMap::new();
    for line in requested {
        if line.quantity <= 0 {
            return Err(StoreError::Invalid(format!(
                "quantity for {} must be at least 1",
                line.code
            )));
        }
        let sku = match crate::catalogue::sku_of_code(conn, line.code.trim())? {
            Some(sku) => sku,
            None => line.code.trim().to_string(),
        };
        *wanted.entry(sku).or_insert(0) += line.quantity;
    }
    let mut out = Vec::new();
    for (sku, quantity) in wanted {
        let line = order.lines.iter().find(|l| l.sku == sku).ok_or_else(|| {
            StoreError::Invalid(format!("{sku} is not on order {}", order.order_no))
        })?;
        if quantity > line.remaining {
            return Err(StoreError::OrderClosed {
                order: order.order_no.clone(),
                why: format!(
                    "{quantity} of {sku} asked for, but only {} of {} ordered remain ({} handed over)",
                    line.remaining, line.ordered, line.picked_up
                ),
            });
        }
        out.push(PickupLine { sku, quantity });
    }
    Ok(out)
}

/// The orders document holding an order.
fn order_doc_id(conn: &Connection, order_id: &str) -> Result<DocId, StoreError> {
    let doc: String = conn
        .prepare_cached("SELECT doc_id FROM orders WHERE id = ?1")?
        .query_row([order_id], |r| r.get(0))?;
    DocId::parse(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))
}
