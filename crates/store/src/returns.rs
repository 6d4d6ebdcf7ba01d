//! Returns and exchanges: goods taken back against a sale (of any store), an online order, or no
//! receipt at all; the refund to the original tender by default; the store's return policy; and
//! an exchange, which is a return and a new sale in one transaction.

use crate::audit::Event;
use crate::command::Command;
use crate::config::{self, StoreConfig};
use crate::credit::new_credit_code;
use crate::error::StoreError;
use crate::orders::{load_order, order_number, pickups_of};
use crate::receipt::{self, Receipt};
use crate::sale::{self, LineRequest, SaleRequest, TenderRequest};
use crate::staff::{approval_for, Credentials, Operator};
use crate::till::Till;
use kassa_domain::{
    net_paid, refund_share, refund_to_original, round_to_increment, Approval, Money, ReturnFacts,
    TaxMode, TaxRate, Tender, TenderKind,
};
use kassa_replica::audit::AuditEvent;
use kassa_replica::ledger::{RemoteSale, ReturnLine, ReturnRecord, ReturnSource, StaffRef};
use kassa_replica::orders::{picked_quantities, OrderLine, OrderRecord, PickupRecord, RemoteOrder};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What the goods come back against.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReturnOf {
    /// A receipt number (or the receipt's scanned code).
    Receipt {
        receipt_no: String,
    },
    /// An online order number (or its QR code).
    Order {
        order: String,
    },
    NoReceipt,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLineRequest {
    pub code: String,
    pub quantity: i64,
    /// Back on the shelf; `false` for damaged goods (no stock movement).
    #[serde(default = "yes")]
    pub restock: bool,
}

fn yes() -> bool {
    true
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundMethod {
    /// Back to the tenders the sale was paid with (cards first, then cash).
    #[default]
    Original,
    Cash,
    /// As store credit: a new code on the refund receipt.
    Credit,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnRequest {
    pub of: ReturnOf,
    /// Empty: everything still returnable (not for a return without a receipt).
    #[serde(default)]
    pub lines: Vec<ReturnLineRequest>,
    #[serde(default)]
    pub refund: RefundMethod,
    /// The manager approving a return the policy says needs it.
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// A sale of another store, looked up at head office.
    #[serde(default)]
    pub remote_sale: Option<RemoteSale>,
    /// An online order this till does not hold (shipped, or another store's), looked up at head
    /// office.
    #[serde(default)]
    pub remote_order: Option<RemoteOrder>,
}

/// A line as the till can return it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReturnableLine {
    pub sku: String,
    pub name: String,
    pub sold: i64,
    pub returned: i64,
    pub returnable: i64,
    /// What returning one more unit refunds.
    pub next_unit_refund: Money,
}

/// A sale or order as the return screen shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Returnable {
    pub source: ReturnSource,
    pub lines: Vec<ReturnableLine>,
    pub days_since_sale: i64,
    pub paid: Vec<Tender>,
    pub refunded_before: Vec<Tender>,
}

/// One SKU of what is being returned against: units sold, their value and tax (tax included).
#[derive(Clone, Debug)]
struct SoldSku {
    name: String,
    sold: i64,
    value: Money,
    tax: Money,
    tax_rate: TaxRate,
}

/// What a return is checked against.
struct Original {
    source: ReturnSource,
    skus: BTreeMap<String, SoldSku>,
    returned: BTreeMap<String, i64>,
    paid: Vec<Tender>,
    refunded_before: Vec<Tender>,
    /// Cash rounding of the earlier returns, so this one rounds the running total.
    rounded_before: Money,
    sold_on: String,
}

fn sold_from_sale(
    sale_lines: &[kassa_domain::PricedLine],
    mode: TaxMode,
) -> BTreeMap<String, SoldSku> {
    let mut skus: BTreeMap<String, SoldSku> = BTreeMap::new();
    for line in sale_lines {
        // A line's price to the customer: the amount, plus its tax where prices exclude tax.
        let value = match mode {
            TaxMode::Inclusive => line.amount.minor(),
            TaxMode::Exclusive => line.amount.minor().saturating_add(line.tax.minor()),
        };
        let entry = skus.entry(line.sku.clone()).or_insert(SoldSku {
            name: line.name.clone(),
            sold: 0,
            value: Money::ZERO,
            tax: Money::ZERO,
            tax_rate: line.tax_rate,
        });
        entry.sold += line.quantity;
        entry.value = Money::from_minor(entry.value.minor().saturating_add(value));
        entry.tax = Money::from_minor(entry.tax.minor().saturating_add(line.tax.minor()));
    }
    skus
}

fn returns_against(conn: &Connection, subject: &str) -> Result<Vec<ReturnRecord>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT record FROM returns WHERE subject_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map([subject], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|json| serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

/// What earlier returns against one sale or order took back and paid out.
struct Earlier {
    returned: BTreeMap<String, i64>,
    refunds: Vec<Tender>,
    cash_rounding: Money,
}

fn tally(returns: &[ReturnRecord]) -> Result<Earlier, StoreError> {
    let mut earlier = Earlier {
        returned: BTreeMap::new(),
        refunds: Vec::new(),
        cash_rounding: Money::ZERO,
    };
    for record in returns {
        for line in &record.lines {
            *earlier.returned.entry(line.sku.clone()).or_insert(0) += line.quantity;
        }
        earlier.refunds.extend(record.refunds.iter().cloned());
        earlier.cash_rounding = earlier.cash_rounding.checked_add(record.cash_rounding)?;
    }
    Ok(earlier)
}

/// What head office told the till about a sale or an order it does not hold.
#[derive(Clone, Copy, Default)]
struct Remote<'a> {
    sale: Option<&'a RemoteSale>,
    order: Option<&'a RemoteOrder>,
}

fn find_original(
    conn: &Connection,
    of: &ReturnOf,
    remote_both: Remote<'_>,
) -> Result<Option<Original>, StoreError> {
    let remote = remote_both.sale;
    match of {
        ReturnOf::NoReceipt => Ok(None),
        ReturnOf::Receipt { receipt_no } => {
            // A scanned receipt code is checked (a forged one is refused) and read as its number.
            let receipt_no = crate::receipt_keys::receipt_number(conn, receipt_no)?;
            let receipt_no = receipt_no.as_str();
            let local: Option<Receipt> = match receipt::load(conn, receipt_no) {
                Ok(r) => Some(r),
                Err(StoreError::SaleNotFound(_)) => None,
                Err(e) => return Err(e),
            };
            let (sale_id, store, lines, tenders, change, mode, day, voided, mut returns) =
                match (local, remote) {
                    (Some(r), _) => (
                        r.sale.id.clone(),
                        r.sale.store_code.clone(),
                        r.sale.lines,
                        r.sale.tenders,
                        r.sale.change,
                        r.sale.tax_mode,
                        r.sale.business_day,
                        r.void.is_some(),
                        returns_against(conn, &r.sale.id)?,
                    ),
                    (None, Some(remote)) if remote.sale.receipt_no == receipt_no => (
                        remote.sale.id.clone(),
                        remote.sale.store_code.clone(),
                        remote.sale.lines.clone(),
                        remote.sale.tenders.clone(),
                        remote.sale.change,
                        remote.sale.tax_mode,
                        remote.sale.business_day.clone(),
                        remote.voided,
                        returns_against(conn, &remote.sale.id)?,
                    ),
                    _ => return Err(StoreError::AskHeadOffice(format!("sale {receipt_no:?}"))),
                };
            if voided {
                return Err(StoreError::AlreadyVoided(receipt_no.to_string()));
            }
            if let Some(remote) = remote.filter(|r| r.sale.id == sale_id) {
                for record in &remote.returns {
                    if !returns.iter().any(|r| r.id == record.id) {
                        returns.push(record.clone());
                    }
                }
            }
            let Earlier {
                returned,
                refunds: refunded_before,
                cash_rounding: rounded_before,
            } = tally(&returns)?;
            Ok(Some(Original {
                source: ReturnSource::Sale {
                    sale_id,
                    receipt_no: receipt_no.to_string(),
                    store,
                    business_day: day.clone(),
                },
                skus: sold_from_sale(&lines, mode),
                returned,
                paid: net_paid(&tenders, change)?,
                refunded_before,
                rounded_before,
                sold_on: day,
            }))
        }
        ReturnOf::Order { order } => {
            let number = order_number(order);
            let local: Option<String> = conn
                .prepare_cached(
                    "SELECT id FROM orders WHERE order_no = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                )?
                .query_row([number], |r| r.get(0))
                .optional()?;
            let (order, pickups, mut earlier): (OrderRecord, Vec<PickupRecord>, Vec<ReturnRecord>) =
                match (local, remote_both.order) {
                    (Some(id), _) => (
                        load_order(conn, &id)?,
                        pickups_of(conn, &id)?,
                        returns_against(conn, &id)?,
                    ),
                    (None, Some(remote)) if remote.order.order_no.eq_ignore_ascii_case(number) => (
                        remote.order.clone(),
                        remote.pickups.clone(),
                        returns_against(conn, &remote.order.id)?,
                    ),
                    _ => return Err(StoreError::AskHeadOffice(format!("order {number:?}"))),
                };
            if let Some(remote) = remote_both.order.filter(|r| r.order.id == order.id) {
                for record in &remote.returns {
                    if !earlier.iter().any(|r| r.id == record.id) {
                        earlier.push(record.clone());
                    }
                }
            }
            // A shipped order was handed over whole when it left the warehouse.
            let picked = if order.shipped_at.is_some() {
                kassa_replica::orders::ordered_quantities(&order)
            } else {
                picked_quantities(&pickups)
            };
            // Pickups count per SKU, so an order listing a SKU on several lines is taken whole:
            // its quantities and amounts summed, the handed-over share priced at their average.
            let mut ordered: BTreeMap<&str, (&OrderLine, i64, Money)> = BTreeMap::new();
            for line in &order.lines {
                let entry = ordered
                    .entry(line.sku.as_str())
                    .or_insert((line, 0, Money::ZERO));
                entry.1 += line.quantity;
                entry.2 = entry.2.checked_add(line.amount)?;
            }
            let mut skus = BTreeMap::new();
            for (sku, (line, quantity, amount)) in ordered {
                let handed = picked.get(sku).copied().unwrap_or(0).min(quantity);
                if handed == 0 {
                    continue;
                }
                let value = refund_share(amount, quantity, 0, handed)?;
                skus.insert(
                    sku.to_string(),
                    SoldSku {
                        name: line.name.clone(),
                        sold: handed,
                        value,
                        tax: line.tax_rate.tax_on(value, TaxMode::Inclusive)?,
                        tax_rate: line.tax_rate,
                    },
                );
            }
            if skus.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "nothing of order {} was handed over yet: cancel it at head office instead",
                    order.order_no
                )));
            }
            let mut paid = Vec::new();
            if order.paid_online > Money::ZERO {
                paid.push(Tender {
                    kind: TenderKind::Online,
                    amount: order.paid_online,
                    reference: Some(order.order_no.clone()),
                });
            }
            for pickup in &pickups {
                paid.extend(net_paid(&pickup.tenders, pickup.change)?);
            }
            let Earlier {
                returned,
                refunds: refunded_before,
                cash_rounding: rounded_before,
            } = tally(&earlier)?;
            let sold_on = pickups
                .iter()
                .map(|p| p.business_day.clone())
                .max()
                .or_else(|| {
                    order
                        .shipped_at
                        .as_ref()
                        .map(|s| s.local_date().to_string())
                })
                .unwrap_or_else(|| order.created_at.local_date().to_string());
            Ok(Some(Original {
                source: ReturnSource::Order {
                    order_id: order.id,
                    order_no: order.order_no,
                    store: order.store,
                },
                skus,
                returned,
                paid,
                refunded_before,
                rounded_before,
                sold_on,
            }))
        }
    }
}

fn days_between(from: &str, to: &str) -> Result<i64, StoreError> {
    let parse = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("business day {d:?}: {e}")))
    };
    Ok((parse(to)? - parse(from)?).num_days())
}

/// The lines of a return, priced from the original (or, with no receipt, from the catalogue).
fn return_lines(
    conn: &Connection,
    config: &StoreConfig,
    now_unix: i64,
    original: Option<&Original>,
    requested: &[ReturnLineRequest],
) -> Result<Vec<ReturnLine>, StoreError> {
    let Some(original) = original else {
        if requested.is_empty() {
            return Err(StoreError::Invalid(
                "a return without a receipt must name its items".into(),
            ));
        }
        let request = SaleRequest {
            lines: requested
                .iter()
                .map(|l| LineRequest::new(l.code.clone(), l.quantity))
                .collect(),
            ..SaleRequest::default()
        };
        let priced = sale::price(conn, config, &request, now_unix)?;
        return Ok(priced
            .lines
            .iter()
            .zip(requested)
            .map(|(line, asked)| ReturnLine {
                sku: line.sku.clone(),
                name: line.name.clone(),
                quantity: line.quantity,
                sold: 0,
                amount: match config.tax_mode {
                    TaxMode::Inclusive => line.amount,
                    TaxMode::Exclusive => {
                        Money::from_minor(line.amount.minor().saturating_add(line.tax.minor()))
                    }
                },
                tax_rate: line.tax_rate,
                tax: line.tax,
                restock: asked.restock,
            })
            .collect());
    };
    let mut wanted: Vec<(String, i64, bool)> = Vec::new();
    if requested.is_empty() {
        for (sku, sold) in &original.skus {
            let left = sold.sold - original.returned.get(sku).copied().unwrap_or(0);
            if left > 0 {
                wanted.push((sku.clone(), left, true));
            }
        }
        if wanted.is_empty() {
            return Err(StoreError::Invalid(
                "everything on it was returned already".into(),
            ));
        }
    }
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
        wanted.push((sku, line.quantity, line.restock));
    }
    let mut taken: BTreeMap<String, i64> = original.returned.clone();
    let mut out = Vec::new();
    for (sku, quantity, restock) in wanted {
        let sold = original.skus.get(&sku).ok_or_else(|| {
            StoreError::Invalid(format!(
                "{sku} is not on {}",
                original.source.number().unwrap_or("the original")
            ))
        })?;
        let already = taken.entry(sku.clone()).or_insert(0);
        let amount = refund_share(sold.value, sold.sold, *already, quantity)?;
        let tax = refund_share(sold.tax, sold.sold, *already, quantity)?;
        *already += quantity;
        out.push(ReturnLine {
            sku,
            name: sold.name.clone(),
            quantity,
            sold: sold.sold,
            amount,
            tax_rate: sold.tax_rate,
            tax,
            restock,
        });
    }
    Ok(out)
}

/// Where `amount` goes back, by the chosen method; the cash part is rounded like a sale's.
fn refunds_for(
    amount: Money,
    method: RefundMethod,
    original: Option<&Original>,
    cash_increment: i64,
) -> Result<(Vec<Tender>, Money), StoreError> {
    if amount == Money::ZERO {
        return Ok((Vec::new(), Money::ZERO));
    }
    let tenders = match (method, original) {
        (RefundMethod::Original, Some(original)) => {
            refund_to_original(amount, &original.paid, &original.refunded_before)?
                .into_iter()
                .map(|t| match t.kind {
                    // The value of an earlier exchange comes back as credit, never as cash.
                    TenderKind::Exchange => Tender {
                        kind: TenderKind::Credit,
                        amount: t.amount,
                        reference: Some(new_credit_code()),
                    },
                    _ => t,
                })
                .collect()
        }
        (RefundMethod::Original, None) => {
            return Err(StoreError::Invalid(
                "a return without a receipt has no original tender: refund as cash or credit"
                    .into(),
            ))
        }
        (RefundMethod::Cash, _) => vec![Tender {
            kind: TenderKind::Cash,
            amount,
            reference: None,
        }],
        (RefundMethod::Credit, _) => vec![Tender {
            kind: TenderKind::Credit,
            amount,
            reference: Some(new_credit_code()),
        }],
    };
    // Cash is rounded on the running total of cash refunded against the sale, not per return:
    // three thirds of 1.00 rounded each to 0.35 would pay back 1.05.
    let (cash_before, exact_before) = match original {
        Some(original) => {
            let cash = Money::sum(
                original
                    .refunded_before
                    .iter()
                    .filter(|t| t.kind.is_cash())
                    .map(|t| t.amount),
            )?;
            (cash, cash.checked_sub(original.rounded_before)?)
        }
        None => (Money::ZERO, Money::ZERO),
    };
    let mut rounding = Money::ZERO;
    let mut out = Vec::with_capacity(tenders.len());
    for mut tender in tenders {
        if tender.kind.is_cash() {
            let rounded =
                round_to_increment(exact_before.checked_add(tender.amount)?, cash_increment)?
                    .checked_sub(cash_before)?
                    .max(Money::ZERO);
            rounding = rounding.checked_add(rounded.checked_sub(tender.amount)?)?;
            tender.amount = rounded;
        }
        if tender.amount > Money::ZERO {
            out.push(tender);
        }
    }
    Ok((out, rounding))
}

/// A return checked against the policy and ready to write.
struct PreparedReturn {
    original: Option<Original>,
    lines: Vec<ReturnLine>,
    total: Money,
    approval_reasons: Vec<String>,
    /// Who approved it: a staff member whose PIN was checked, or (on a till with no staff) the
    /// name the cashier typed.
    approved_by: Option<String>,
    approver_id: Option<String>,
}

/// Who is at the till, and whose PIN was typed to approve.
struct People {
    operator: Option<Operator>,
    approver: Option<Operator>,
}

fn prepare(
    conn: &Connection,
    config: &StoreConfig,
    now_unix: i64,
    request: &ReturnRequest,
) -> Result<PreparedReturn, StoreError> {
    let remote = Remote {
        sale: request.remote_sale.as_ref(),
        order: request.remote_order.as_ref(),
    };
    let original = find_original(conn, &request.of, remote)?;
    let lines = return_lines(conn, config, now_unix, original.as_ref(), &request.lines)?;
    let total = Money::sum(lines.iter().map(|l| l.amount))?;
    Ok(PreparedReturn {
        original,
        lines,
        total,
        approval_reasons: Vec::new(),
        approved_by: None,
        approver_id: None,
    })
}

/// Where and when a return is checked against the policy.
struct PolicyCheck<'a> {
    today: &'a str,
    online: bool,
    /// Reasons name amounts in the store's currency: staff read them, and they are kept in the
    /// return record.
    currency: &'a kassa_domain::Currency,
}

/// Checks the policy for a return refunding `refunds`; records the approval reasons.
fn check_policy(
    conn: &Connection,
    prepared: &mut PreparedReturn,
    refunds: &[Tender],
    request: &ReturnRequest,
    at: &PolicyCheck<'_>,
    people: &People,
) -> Result<(), StoreError> {
    let (today, online) = (at.today, at.online);
    let policy = config::return_policy(conn)?;
    let days_since_sale = match &prepared.original {
        Some(original) => Some(days_between(&original.sold_on, today)?),
        None => None,
    };
    let cash_refund = Money::sum(
        refunds
            .iter()
            .filter(|t| t.kind.is_cash())
            .map(|t| t.amount),
    )?;
    let needed = policy.approvals_needed(&ReturnFacts {
        days_since_sale,
        refund_total: prepared.total,
        cash_refund,
        online,
    })?;
    if needed.is_empty() {
        return Ok(());
    }
    let reasons: Vec<String> = needed.iter().map(|r| r.describe(at.currency)).collect();
    if let Some(operator) = &people.operator {
        // A till with staff: a manager's PIN (or a manager at the till) and nothing else.
        let approved = approval_for(Approval::Return, Some(operator), people.approver.as_ref())
            .map_err(|e| match e {
                StoreError::ApprovalRequired { .. } => {
                    StoreError::NeedsApproval(format!("{} (a manager's pin)", reasons.join("; ")))
                }
                other => other,
            })?
            .ok_or_else(|| StoreError::NeedsApproval(reasons.join("; ")))?;
        prepared.approved_by = Some(approved.name);
        prepared.approver_id = Some(approved.id);
    } else {
        // A till with no staff has no PINs to check: the manager's name, as typed.
        let name = request
            .approved_by
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| StoreError::NeedsApproval(reasons.join("; ")))?;
        prepared.approved_by = Some(name.to_string());
    }
    prepared.approval_reasons = reasons;
    Ok(())
}

/// How a return is paid out and what it is part of.
struct Payout {
    refunds: Vec<Tender>,
    cash_rounding: Money,
    /// The new sale of an exchange.
    exchange_sale_id: Option<String>,
}

fn write_return(
    cmd: &mut Command<'_>,
    prepared: PreparedReturn,
    payout: Payout,
    request: &ReturnRequest,
    cashier: Option<&Operator>,
) -> Result<ReturnRecord, StoreError> {
    let seq = sale::next_seq(cmd.conn())?;
    let reason = request
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(StoreError::Invalid(
            "the reason is too long (at most 500 characters)".into(),
        ));
    }
    let config = &cmd.config;
    let record = ReturnRecord {
        id: Uuid::now_v7().to_string(),
        receipt_no: sale::receipt_no(config, seq),
        store_code: config.store_code.clone(),
        till_no: config.till_no,
        seq,
        created_at: cmd.stamp.at.clone(),
        business_day: cmd.stamp.day.clone(),
        currency: config.currency.code.clone(),
        source: prepared
            .original
            .map_or(ReturnSource::NoReceipt, |o| o.source),
        lines: prepared.lines,
        total: prepared.total,
        cash_rounding: payout.cash_rounding,
        refunds: payout.refunds,
        reason,
        approved_by: prepared.approved_by,
        approval_reasons: prepared.approval_reasons,
        exchange_sale_id: payout.exchange_sale_id,
        cashier: cashier.map(Operator::staff_ref),
        approver_id: prepared.approver_id,
        shift_id: crate::shift::money_shift(cmd.conn(), config.till_no)?,
    };
    cmd.record_in_ledger(&record)?;
    cmd.move_stock(
        record
            .lines
            .iter()
            .filter(|l| l.restock)
            .map(|l| (l.sku.as_str(), l.quantity)),
    )?;
    let approver = record.approver_id.as_ref().map(|id| StaffRef {
        id: id.clone(),
        name: record.approved_by.clone().unwrap_or_default(),
    });
    let detail = format!(
        "{} refund {} against {}",
        record.receipt_no,
        crate::audit::amount(&cmd.config, record.total),
        record.source.number().unwrap_or("no receipt")
    );
    cmd.audit(
        Event::new(AuditEvent::Return, detail)
            .record(&record.id)
            .by(record.cashier.clone())
            .approved(approver),
    )?;
    Ok(record)
}

impl Till {
    /// What can still be returned of a sale (this store's, or another's looked up at head office)
    /// or a picked-up online order.
    pub fn returnable(
        &self,
        of: &ReturnOf,
        remote_sale: Option<&RemoteSale>,
        remote_order: Option<&RemoteOrder>,
    ) -> Result<Returnable, StoreError> {
        let (_, today) = self.stamp();
        let remote = Remote {
            sale: remote_sale,
            order: remote_order,
        };
        let original = find_original(self.fresh()?, of, remote)?.ok_or_else(|| {
            StoreError::Invalid("a return without a receipt has nothing to look up".into())
        })?;
        let lines = original
            .skus
            .iter()
            .map(|(sku, sold)| {
                let returned = original.returned.get(sku).copied().unwrap_or(0);
                let returnable = (sold.sold - returned).max(0);
                let next_unit_refund = if returnable > 0 {
                    refund_share(sold.value, sold.sold, returned, 1)?
                } else {
                    Money::ZERO
                };
                Ok(ReturnableLine {
                    sku: sku.clone(),
                    name: sold.name.clone(),
                    sold: sold.sold,
                    returned,
                    returnable,
                    next_unit_refund,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Returnable {
            days_since_sale: days_between(&original.sold_on, &today)?,
            source: original.source,
            lines,
            paid: original.paid,
            refunded_before: original.refunded_before,
        })
    }

    /// Takes goods back and refunds them, in one transaction. Refuses more than was sold (as far
    /// as this till can see), a voided sale, and what the policy says needs an approval that was
    /// not given (`approval`: a manager's PIN on a till with staff).
    pub fn return_goods(
        &mut self,
        request: &ReturnRequest,
        approval: Option<&Credentials>,
    ) -> Result<ReturnRecord, StoreError> {
        let online = self.is_online()?;
        let now_unix = self.clock.now().timestamp();
        let people = People {
            operator: self.acting()?,
            approver: self.approver(approval)?,
        };
        self.command(|cmd| {
            let mut prepared = prepare(cmd.conn(), &cmd.config, now_unix, request)?;
            let (refunds, cash_rounding) = refunds_for(
                prepared.total,
                request.refund,
                prepared.original.as_ref(),
                cmd.config.cash_increment,
            )?;
            let today = cmd.stamp.day.clone();
            check_policy(
                cmd.conn(),
                &mut prepared,
                &refunds,
                request,
                &PolicyCheck {
                    today: &today,
                    online,
                    currency: &cmd.config.currency,
                },
                &people,
            )?;
            let payout = Payout {
                refunds,
                cash_rounding,
                exchange_sale_id: None,
            };
            write_return(cmd, prepared, payout, request, people.operator.as_ref())
        })
    }

    /// An exchange: the return and the new sale in one transaction. The return's value pays the
    /// sale first (an `exchange` tender); the customer pays any difference with `sale.tenders`,
    /// or gets it back by `ret.refund`. `approval` (a manager's PIN) approves the return and any
    /// discount on the new sale.
    pub fn exchange(
        &mut self,
        ret: &ReturnRequest,
        sale_request: &SaleRequest,
        approval: Option<&Credentials>,
    ) -> Result<(ReturnRecord, Receipt), StoreError> {
        let online = self.is_online()?;
        let now_unix = self.clock.now().timestamp();
        let people = People {
            operator: self.acting()?,
            approver: self.approver(approval)?,
        };
        let (record, sale) = self.command(|cmd| {
            sale::check_cashier_tenders(&sale_request.tenders, sale::SALE_TENDERS, "a sale")?;
            let mut prepared = prepare(cmd.conn(), &cmd.config, now_unix, ret)?;

            let priced = sale::price(cmd.conn(), &cmd.config, sale_request, now_unix)?;
            let returned = prepared.total;
            let used = returned.min(priced.total);
            // The return's number is the next one; the sale takes the one after.
            let return_no = sale::receipt_no(&cmd.config, peek_seq(cmd.conn())? + 1);
            let exchange_tender = |amount: Money| Tender {
                kind: TenderKind::Exchange,
                amount,
                reference: Some(return_no.clone()),
            };
            let (mut refunds, cash_rounding) = refunds_for(
                returned.checked_sub(used)?,
                ret.refund,
                prepared.original.as_ref(),
                cmd.config.cash_increment,
            )?;
            if used > Money::ZERO {
                refunds.insert(0, exchange_tender(used));
            }
            let today = cmd.stamp.day.clone();
            check_policy(
                cmd.conn(),
                &mut prepared,
                &refunds,
                ret,
                &PolicyCheck {
                    today: &today,
                    online,
                    currency: &cmd.config.currency,
                },
                &people,
            )?;
            let mut tender_requests: Vec<TenderRequest> = Vec::new();
            if used > Money::ZERO {
                tender_requests.push(TenderRequest {
                    kind: TenderKind::Exchange,
                    amount: Some(used),
                    reference: Some(return_no.clone()),
                });
            }
            if priced.total > returned {
                tender_requests.extend(sale_request.tenders.iter().cloned());
            } else if !sale_request.tenders.is_empty() {
                return Err(StoreError::Invalid(
                    "the returned goods pay for the new sale: there is nothing to tender".into(),
                ));
            }
            let (tenders, settlement) =
                sale::settle_tenders(priced.total, &tender_requests, cmd.config.cash_increment)?;
            let made_by = sale::sale_made_by(
                cmd.conn(),
                &priced,
                people.operator.as_ref(),
                people.approver.as_ref(),
                cmd.config.till_no,
            )?;
            let sale_id = Uuid::now_v7().to_string();
            let payout = Payout {
                refunds,
                cash_rounding,
                exchange_sale_id: Some(sale_id.clone()),
            };
            let record = write_return(cmd, prepared, payout, ret, people.operator.as_ref())?;
            debug_assert_eq!(record.receipt_no, return_no);
            let sale = sale::write_sale(cmd, sale_id, priced, tenders, &settlement, made_by)?;
            Ok((record, sale))
        })?;
        Ok((record, Receipt::from_record(sale, None)))
    }
}

fn peek_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT last_seq FROM receipt_counter WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}
