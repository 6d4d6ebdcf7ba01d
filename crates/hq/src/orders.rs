//! Online orders at head office: intake from the web shop (idempotent on its external id),
//! cancellation, expiry of no-shows, and the order list with what the tills handed over.

use crate::error::HqError;
use crate::hq::{DocSession, Hq};
use crate::stock::save_own_documents;
use crate::storage::{HqStorage, OrderIntakeRow, SyncWrite};
use chrono::Utc;
use kassa_domain::{Money, TaxRate};
use kassa_protocol::{OrderAccepted, OrderIntake, OrderSummary, RemoteOrder};
use kassa_replica::orders::CancellationReason;
use kassa_replica::orders::{
    is_overdue, order_month, order_status, ordered_quantities, picked_quantities, pickup_code_hash,
    OrderCancellation, OrderLine, OrderRecord, OrderStatus, PickupRecord,
};
use kassa_replica::{write_record, DocId, RecordKind, Timestamp};

/// Days an order waits for pickup when the web shop does not say.
pub const DEFAULT_HOLD_DAYS: u32 = 14;
const MAX_LINES: usize = 200;
const MAX_QUANTITY: i64 = 10_000;

/// What the QR code on the customer's confirmation carries (the tills read it).
pub fn qr_payload(order_no: &str) -> String {
    format!("kassa:order:{order_no}")
}

pub(crate) fn new_pickup_code() -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000)
}

fn check(intake: &OrderIntake) -> Result<(), HqError> {
    let bad = |m: String| Err(HqError::BadRequest(m));
    let id = intake.external_id.trim();
    if id.is_empty()
        || id.chars().count() > 64
        || id.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return bad(format!(
            "external id {:?} must be 1 to 64 characters without spaces",
            intake.external_id
        ));
    }
    let name = intake.customer_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return bad("customer name must be 1 to 200 characters".into());
    }
    if intake.shipped && !intake.paid {
        // A shipped order has no till to take its balance: refunds would pay out money never taken.
        return bad("a shipped order must be paid online (`paid: true`)".into());
    }
    if intake.lines.is_empty() || intake.lines.len() > MAX_LINES {
        return bad(format!("an order needs 1 to {MAX_LINES} lines"));
    }
    for line in &intake.lines {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return bad(format!(
                "quantity {} for {:?} must be between 1 and {MAX_QUANTITY}",
                line.quantity, line.sku
            ));
        }
        if let Some(price) = line.unit_price {
            if price.is_negative() {
                return bad(format!("price for {:?} must not be negative", line.sku));
            }
            price
                .within_bounds(&format!("the price of {:?}", line.sku))
                .map_err(|e| HqError::BadRequest(e.to_string()))?;
        }
    }
    if let Some(code) = &intake.pickup_code {
        if !(4..=12).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return bad("pickup code must be 4 to 12 digits".into());
        }
    }
    if intake.hold_days.is_some_and(|d| !(1..=365).contains(&d)) {
        return bad("hold days must be between 1 and 365".into());
    }
    Ok(())
}

pub(crate) async fn order_of(
    storage: &dyn HqStorage,
    order_no_or_id: &str,
) -> Result<OrderRecord, HqError> {
    let key = order_no_or_id.trim();
    let key = key.strip_prefix("kassa:order:").unwrap_or(key);
    // By number (the records' subject, indexed), else by id: never a scan of every order.
    let by_number = storage
        .records_about_of::<OrderRecord>(key)
        .await?
        .into_iter()
        .next();
    let order = match by_number {
        Some(order) => Some(order),
        None => storage.record_of::<OrderRecord>(key).await?,
    };
    order.ok_or_else(|| HqError::NotFound(format!("no order {key:?}")))
}

pub(crate) async fn order_state(
    storage: &dyn HqStorage,
    order: &OrderRecord,
) -> Result<(OrderStatus, i64, i64), HqError> {
    let cancellations: Vec<OrderCancellation> = storage.records_about_of(&order.id).await?;
    let pickups: Vec<PickupRecord> = storage.records_about_of(&order.id).await?;
    let ordered: i64 = ordered_quantities(order).values().sum();
    let status = order_status(order, &cancellations, &pickups);
    let picked: i64 = if status == OrderStatus::Shipped {
        ordered
    } else {
        picked_quantities(&pickups).values().sum()
    };
    Ok((status, ordered, picked))
}

impl Hq {
    /// Takes a web order for pickup at a store. The same external id again returns the first
    /// order unchanged (`created: false`). Unknown stores and SKUs are refused, nothing stored.
    pub async fn add_order(&self, intake: &OrderIntake) -> Result<OrderAccepted, HqError> {
        match self.take_order(intake).await {
            // The same order reached another node (or another store's lock) at the same time
            // and was taken there first: storage refused the second intake; answer with the
            // first, as for any repeat.
            Err(HqError::Conflict(reason)) => {
                match self
                    .storage
                    .order_by_external_id(intake.external_id.trim())
                    .await?
                {
                    Some(taken) => {
                        let order = order_of(self.storage.as_ref(), &taken.order_id).await?;
                        Ok(accepted(&order, taken.pickup_code, false))
                    }
                    None => Err(HqError::Conflict(reason)),
                }
            }
            other => other,
        }
    }

    async fn take_order(&self, intake: &OrderIntake) -> Result<OrderAccepted, HqError> {
        check(intake)?;
        // Held from the look-up of the external id to the write: the same order sent twice at
        // once to this node is taken once (storage's unique intake refuses it across nodes).
        let mut inner = self.documents(&intake.store).await;
        let external_id = intake.external_id.trim();
        if let Some(taken) = inner.storage.order_by_external_id(external_id).await? {
            let order = order_of(inner.storage, &taken.order_id).await?;
            return Ok(accepted(&order, taken.pickup_code, false));
        }
        let store = inner.store_row(&intake.store).await?;
        let mut lines = Vec::with_capacity(intake.lines.len());
        for line in &intake.lines {
            let product = inner
                .storage
                .product(&line.sku)
                .await?
                .ok_or_else(|| HqError::BadRequest(format!("unknown sku {:?}", line.sku)))?;
            let class = store
                .info
                .tax_classes
                .iter()
                .find(|c| c.code == product.tax_class)
                .ok_or_else(|| {
                    HqError::BadRequest(format!(
                        "{} has tax class {:?}, which store {} does not have",
                        line.sku, product.tax_class, store.info.code
                    ))
                })?;
            // A web order is priced at head office's clock, with any scheduled price that has started.
            let unit_price = line
                .unit_price
                .unwrap_or_else(|| product.price_at(chrono::Utc::now().timestamp()));
            lines.push(OrderLine {
                sku: product.sku,
                name: product.name,
                quantity: line.quantity,
                unit_price,
                amount: unit_price
                    .checked_mul(line.quantity)
                    .and_then(|a| a.within_bounds("a line's amount"))
                    .map_err(|e| HqError::BadRequest(e.to_string()))?,
                tax_rate: TaxRate::from_basis_points(class.rate_bp)
                    .map_err(|e| HqError::Corrupt(e.to_string()))?,
            });
        }
        let total = Money::sum(lines.iter().map(|l| l.amount))
            .and_then(|t| t.within_bounds("the order's total"))
            .map_err(|e| HqError::BadRequest(e.to_string()))?;
        let at = Utc::now();
        let created_at = Timestamp::utc(at);
        let hold = i64::from(intake.hold_days.unwrap_or(DEFAULT_HOLD_DAYS));
        let pickup_by = Timestamp::utc(at + chrono::Duration::days(hold));
        let id = uuid::Uuid::now_v7().to_string();
        let pickup_code = intake.pickup_code.clone().unwrap_or_else(new_pickup_code);
        let order = OrderRecord {
            pickup_code_hash: pickup_code_hash(&id, &pickup_code),
            id,
            order_no: external_id.to_string(),
            store: store.info.code.clone(),
            customer_name: intake.customer_name.trim().to_string(),
            lines,
            total,
            paid_online: if intake.paid { total } else { Money::ZERO },
            currency: store.info.currency.clone(),
            created_at: created_at.clone(),
            pickup_by,
            shipped_at: intake.shipped.then(|| created_at.clone()),
        };
        let intake_row = OrderIntakeRow {
            external_id: external_id.to_string(),
            order_id: order.id.clone(),
            pickup_code: pickup_code.clone(),
        };
        if order.shipped_at.is_some() {
            // Sent by post: no store waits for it, so it goes in no store's document; head
            // office keeps it for returns at any store.
            inner
                .storage
                .apply_sync(SyncWrite {
                    records: vec![crate::projection::order_record(&order)],
                    intake: Some(intake_row),
                    ..SyncWrite::new(&order.store, at)
                })
                .await?;
            return Ok(accepted(&order, pickup_code, true));
        }
        let doc_id = DocId::Orders {
            store: order.store.clone(),
            month: order_month(&created_at).to_string(),
        };
        let mut doc = inner.document(&doc_id).await?;
        write_record(&mut doc, RecordKind::Order, &order.id, &order)?;
        crate::stock::save_own_documents_with(
            &mut inner,
            &order.store,
            at,
            vec![(doc_id, doc)],
            Some(intake_row),
            None,
        )
        .await?;
        Ok(accepted(&order, pickup_code, true))
    }

    /// Cancels an order (`reason` is `cancelled`, or `expired` for a no-show). Refused when it is
    /// already closed.
    pub async fn cancel_order(
        &self,
        order_no: &str,
        note: Option<String>,
    ) -> Result<OrderCancellation, HqError> {
        let order = order_of(self.storage.as_ref(), order_no).await?;
        let mut inner = self.documents(&order.store).await;
        cancel(&mut inner, &order, CancellationReason::Cancelled, note).await
    }

    /// Cancels an order of a store the viewer sees (another store's is refused as if it did not
    /// exist).
    pub async fn cancel_order_for(
        &self,
        viewer: &crate::viewer::Viewer,
        order_no: &str,
        note: Option<String>,
    ) -> Result<OrderCancellation, HqError> {
        let order = order_of(self.storage.as_ref(), order_no).await?;
        if !viewer.sees(&order.store) {
            return Err(HqError::NotFound(format!(
                "no order {:?}",
                order_no.chars().take(40).collect::<String>()
            )));
        }
        self.cancel_order(&order.id, note).await
    }

    /// Expires every order past its pickup date that is not all handed over.
    pub async fn expire_orders(&self) -> Result<Vec<OrderCancellation>, HqError> {
        let storage = self.storage.as_ref();
        let now = Timestamp::utc(Utc::now());
        let mut expired = Vec::new();
        for order in storage.records_of::<OrderRecord>(None).await? {
            let (status, ..) = order_state(storage, &order).await?;
            if !(status.is_waiting() && is_overdue(&order, &now)) {
                continue;
            }
            // Under the order's store's lock, `cancel` looks again: a pickup or a cancellation
            // that landed meanwhile (here or on another node) leaves the order alone.
            let mut inner = self.documents(&order.store).await;
            match cancel(
                &mut inner,
                &order,
                CancellationReason::Expired,
                Some("not collected in time".into()),
            )
            .await
            {
                Ok(cancelled) => expired.push(cancelled),
                Err(HqError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(expired)
    }

    /// An order by number, with its pickups and every return against it: for a till taking back
    /// an order it does not hold (a shipped one, or another store's).
    pub async fn lookup_order(&self, order_no: &str) -> Result<RemoteOrder, HqError> {
        let storage = self.storage.as_ref();
        let order = order_of(storage, order_no).await?;
        let pickups = storage.records_about_of(&order.id).await?;
        let returns = storage.records_about_of(&order.id).await?;
        Ok(RemoteOrder {
            order,
            pickups,
            returns,
        })
    }

    /// The newest orders of `store` (or of every store the viewer sees) with `status` (any when
    /// `None`): at most `limit`, looked for among the newest [`ORDER_WINDOW`] of each store asked
    /// about, so the page costs the same in a chain's tenth year as in its first.
    pub async fn recent_orders_for(
        &self,
        viewer: &crate::viewer::Viewer,
        store: Option<&str>,
        status: Option<OrderStatus>,
        limit: usize,
    ) -> Result<Vec<OrderSummary>, HqError> {
        let storage = self.storage.as_ref();
        let window = if status.is_some() {
            ORDER_WINDOW
        } else {
            limit
        };
        let mut orders: Vec<OrderRecord> = match (store, viewer) {
            (Some(store), _) => {
                viewer.check(store)?;
                storage.newest_records_of(Some(store), window).await?
            }
            (None, crate::viewer::Viewer::Chain) => storage.newest_records_of(None, window).await?,
            (None, crate::viewer::Viewer::Stores(stores)) => {
                let mut all = Vec::new();
                for store in stores {
                    all.extend(storage.newest_records_of(Some(store), window).await?);
                }
                all
            }
        };
        orders.sort_by(|a, b| b.id.cmp(&a.id));
        let mut out = Vec::new();
        for order in orders {
            if out.len() == limit {
                break;
            }
            let summary = summary_of(storage, order).await?;
            if status.is_none_or(|s| s == summary.status) {
                out.push(summary);
            }
        }
        Ok(out)
    }

    /// Orders of one store or all, newest first, with what the tills reported.
    pub async fn orders(&self, store: Option<&str>) -> Result<Vec<OrderSummary>, HqError> {
        let storage = self.storage.as_ref();
        let mut orders = storage.records_of::<OrderRecord>(store).await?;
        // Newest first by instant (head office stamps every order in UTC, but a sort by text
        // would still be one by accident).
        orders.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let mut out = Vec::new();
        for order in orders {
            out.push(summary_of(storage, order).await?);
        }
        Ok(out)
    }
}

/// How many of a store's newest orders a status filter looks through.
pub const ORDER_WINDOW: usize = 5_000;

async fn summary_of(storage: &dyn HqStorage, order: OrderRecord) -> Result<OrderSummary, HqError> {
    let (status, ordered, picked_up) = order_state(storage, &order).await?;
    Ok(OrderSummary {
        order_id: order.id,
        order_no: order.order_no,
        store: order.store,
        customer_name: order.customer_name,
        total: order.total,
        paid_online: order.paid_online,
        created_at: order.created_at.to_string(),
        pickup_by: order.pickup_by.to_string(),
        status,
        ordered,
        picked_up,
    })
}

fn accepted(order: &OrderRecord, pickup_code: String, created: bool) -> OrderAccepted {
    OrderAccepted {
        order_id: order.id.clone(),
        order_no: order.order_no.clone(),
        store: order.store.clone(),
        pickup_code,
        qr_payload: qr_payload(&order.order_no),
        total: order.total,
        pickup_by: order.pickup_by.to_string(),
        created,
    }
}

async fn cancel(
    inner: &mut DocSession<'_>,
    order: &OrderRecord,
    reason: CancellationReason,
    note: Option<String>,
) -> Result<OrderCancellation, HqError> {
    let (status, ..) = order_state(inner.storage, order).await?;
    if !status.is_waiting() {
        return Err(HqError::Conflict(format!(
            "order {} is {}: nothing to cancel",
            order.order_no,
            status.as_str()
        )));
    }
    let at = Utc::now();
    let created_at = Timestamp::utc(at);
    let record = OrderCancellation {
        id: uuid::Uuid::now_v7().to_string(),
        order_id: order.id.clone(),
        order_no: order.order_no.clone(),
        reason,
        note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        created_at: created_at.clone(),
    };
    let doc_id = DocId::Orders {
        store: order.store.clone(),
        month: order_month(&order.created_at).to_string(),
    };
    let mut doc = inner.document(&doc_id).await?;
    write_record(&mut doc, RecordKind::Cancellation, &record.id, &record)?;
    save_own_documents(inner, &order.store, at, vec![(doc_id, doc)]).await?;
    Ok(record)
}
