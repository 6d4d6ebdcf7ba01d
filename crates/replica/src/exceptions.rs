//! The exceptions inbox: business rules that merging offline replicas can break, detected from the
//! records alone. The rules read only what the documents hold and sort their output, so every
//! replica with the same documents shows the same inbox (a property test checks it).

use crate::ledger::{ResolutionRecord, ReturnRecord, SaleRecord, VoidRecord};
use crate::orders::{
    ordered_quantities, picked_quantities, OrderCancellation, OrderRecord, PickupRecord,
};
use crate::time::Timestamp;
use crate::{
    all, kinds_in, stock, AutoCommit, DocId, DocKind, ExceptionKind, RecordKind, ReplicaError,
};
use kassa_domain::{credit_key_of_reference, credit_label, TenderKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Everything the rules look at. Order does not matter.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub orders: Vec<OrderRecord>,
    pub cancellations: Vec<OrderCancellation>,
    pub pickups: Vec<PickupRecord>,
    /// Store credit redeemed by sales (see [`Facts::add_sale`]).
    pub redemptions: Vec<CreditRedemption>,
    pub voids: Vec<VoidRecord>,
    pub returns: Vec<ReturnRecord>,
    /// (store, sku, on hand) of the current stock epoch.
    pub stock: Vec<(String, String, i64)>,
    /// (document, map, record id) holding more than one value after a merge.
    pub conflicts: Vec<(String, String, String)>,
    pub resolutions: Vec<ResolutionRecord>,
}

/// A sale's store credit tender, as the credit rule reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditRedemption {
    pub sale_id: String,
    pub store: String,
    pub till_no: u16,
    pub code: String,
    pub amount: i64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub id: String,
    pub note: String,
    pub resolved_by: Option<String>,
    pub written_by: String,
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub created_at: Timestamp,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    /// Stable: the same problem has the same id on every replica, so a resolution finds it.
    pub id: String,
    /// Which rule found it (snake_case on the wire: `over_pickup`, `negative_stock`, ...).
    pub kind: ExceptionKind,
    pub store: String,
    pub message: String,
    /// The records involved.
    pub records: Vec<String>,
    /// The tills that wrote them, as `{store}-{till}`.
    pub tills: Vec<String>,
    /// The first resolution recorded for it (by time, then id), if any.
    pub resolution: Option<Resolution>,
}

impl Facts {
    /// Takes what the rules need from a sale: its store credit tenders.
    pub fn add_sale(&mut self, sale: &SaleRecord) {
        for tender in sale.tenders.iter().filter(|t| t.kind == TenderKind::Credit) {
            if let Some(code) = &tender.reference {
                self.redemptions.push(CreditRedemption {
                    sale_id: sale.id.clone(),
                    store: sale.store_code.clone(),
                    till_no: sale.till_no,
                    code: code.clone(),
                    amount: tender.amount.minor(),
                });
            }
        }
    }

    /// Adds every record a document holds (and its conflicts; the stock of a current epoch when
    /// `current_stock` says this document is one).
    pub fn add_document(
        &mut self,
        id: &DocId,
        doc: &AutoCommit,
        current_stock: bool,
    ) -> Result<(), ReplicaError> {
        for kind in kinds_in(id.kind()) {
            // Exhaustive on purpose: a new kind must say which rules read it.
            match kind {
                RecordKind::Sale => {
                    for sale in all::<SaleRecord>(doc)? {
                        self.add_sale(&sale);
                    }
                }
                RecordKind::Void => self.voids.extend(all::<VoidRecord>(doc)?),
                RecordKind::Return => self.returns.extend(all::<ReturnRecord>(doc)?),
                RecordKind::Resolution => self.resolutions.extend(all::<ResolutionRecord>(doc)?),
                RecordKind::Order => self.orders.extend(all::<OrderRecord>(doc)?),
                RecordKind::Cancellation => {
                    self.cancellations.extend(all::<OrderCancellation>(doc)?)
                }
                RecordKind::Pickup => self.pickups.extend(all::<PickupRecord>(doc)?),
                RecordKind::Audit
                | RecordKind::ShiftOpen
                | RecordKind::CashMovement
                | RecordKind::ShiftClose
                | RecordKind::PickupCodeReset
                | RecordKind::Movement => {}
            }
            // Every kind takes part in the conflict rule.
            for record in crate::conflicting_ids(doc, kind)? {
                self.conflicts
                    .push((id.to_string(), kind.map_name().to_string(), record));
            }
        }
        if id.kind() == DocKind::Stock && current_stock {
            let store = id.store().to_string();
            for (sku, on_hand) in stock::read_levels(doc)?.on_hand() {
                self.stock.push((store.clone(), sku, on_hand));
            }
        }
        Ok(())
    }
}

/// Runs every rule. Sorted by id.
pub fn detect(facts: &Facts) -> Vec<Exception> {
    let mut out = Vec::new();
    over_pickups(facts, &mut out);
    over_returns(facts, &mut out);
    over_redeemed_credit(facts, &mut out);
    for (store, sku, on_hand) in &facts.stock {
        if *on_hand < 0 {
            out.push(exception(
                format!("negative-stock/{store}/{sku}"),
                ExceptionKind::NegativeStock,
                store,
                format!("stock of {sku} at {store} is {on_hand}: more was sold than was known to be there"),
                Vec::new(),
                BTreeSet::new(),
            ));
        }
    }
    for (doc, map, record) in &facts.conflicts {
        let store = doc.split('/').nth(1).unwrap_or_default();
        out.push(exception(
            format!("conflict/{doc}/{map}/{record}"),
            ExceptionKind::Conflict,
            store,
            format!("record {record} in {doc} ({map}) was written twice with different values; both are kept"),
            vec![record.clone()],
            BTreeSet::new(),
        ));
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    attach_resolutions(&mut out, &facts.resolutions);
    out
}

fn exception(
    id: String,
    kind: ExceptionKind,
    store: &str,
    message: String,
    mut records: Vec<String>,
    tills: BTreeSet<String>,
) -> Exception {
    records.sort();
    records.dedup();
    Exception {
        id,
        kind,
        store: store.into(),
        message,
        records,
        tills: tills.into_iter().collect(),
        resolution: None,
    }
}

fn over_pickups(facts: &Facts, out: &mut Vec<Exception>) {
    let mut by_order: BTreeMap<&str, Vec<&PickupRecord>> = BTreeMap::new();
    for pickup in &facts.pickups {
        by_order.entry(&pickup.order_id).or_default().push(pickup);
    }
    for order in &facts.orders {
        let Some(pickups) = by_order.get(order.id.as_str()) else {
            continue;
        };
        let records: Vec<String> = pickups.iter().map(|p| p.id.clone()).collect();
        let tills: BTreeSet<String> = pickups
            .iter()
            .map(|p| format!("{}-{}", p.store, p.till_no))
            .collect();
        let ordered = ordered_quantities(order);
        let picked = picked_quantities(pickups.iter().copied());
        let over: Vec<String> = picked
            .iter()
            .filter(|(sku, qty)| **qty > ordered.get(*sku).copied().unwrap_or(0))
            .map(|(sku, qty)| {
                format!(
                    "{sku}: {qty} handed over, {} ordered",
                    ordered.get(sku).copied().unwrap_or(0)
                )
            })
            .collect();
        if !over.is_empty() {
            out.push(exception(
                format!("over-pickup/{}", order.id),
                ExceptionKind::OverPickup,
                &order.store,
                format!(
                    "order {} was handed over more than ordered ({}) in {} pickups",
                    order.order_no,
                    over.join("; "),
                    pickups.len()
                ),
                records.clone(),
                tills.clone(),
            ));
        }
        let cancelled: Vec<&OrderCancellation> = facts
            .cancellations
            .iter()
            .filter(|c| c.order_id == order.id)
            .collect();
        // Head office expires partly collected orders on purpose: only handovers made after the
        // order was closed are wrong (made by a till that had not heard of it yet).
        let first = cancelled.iter().min_by(|a, b| a.id.cmp(&b.id));
        let late: Vec<&&PickupRecord> = match first {
            Some(first) => pickups
                .iter()
                .filter(|p| p.created_at.instant() >= first.created_at.instant())
                .collect(),
            None => Vec::new(),
        };
        if let (Some(first), false) = (first, late.is_empty()) {
            let mut records: Vec<String> = late.iter().map(|p| p.id.clone()).collect();
            let tills: BTreeSet<String> = late
                .iter()
                .map(|p| format!("{}-{}", p.store, p.till_no))
                .collect();
            records.extend(cancelled.iter().map(|c| c.id.clone()));
            out.push(exception(
                format!("cancelled-order-picked-up/{}", order.id),
                ExceptionKind::CancelledOrderPickedUp,
                &order.store,
                format!(
                    "order {} was {} at head office but handed over at a till",
                    order.order_no, first.reason
                ),
                records,
                tills,
            ));
        }
    }
}

/// Whether RFC 3339 time `a` is strictly before `b` (tills stamp in local time with an offset,
/// head office in UTC, so the strings are parsed, not compared). Unreadable times are not
/// before anything, so they are flagged rather than hidden.
fn over_returns(facts: &Facts, out: &mut Vec<Exception>) {
    // subject -> sku -> (returned, most "sold" any return saw: an order's handed-over quantity
    // only grows as it is picked up in parts)
    let mut by_subject: BTreeMap<&str, Vec<&ReturnRecord>> = BTreeMap::new();
    for record in &facts.returns {
        if let Some(subject) = record.source.subject_id() {
            by_subject.entry(subject).or_default().push(record);
        }
    }
    let voided: BTreeSet<&str> = facts.voids.iter().map(|v| v.sale_id.as_str()).collect();
    for (subject, mut returns) in by_subject {
        // The first return by id names the subject and the store: the same on every replica,
        // whatever order it holds the records in.
        returns.sort_by(|a, b| a.id.cmp(&b.id));
        let mut per_sku: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for record in &returns {
            for line in &record.lines {
                let entry = per_sku.entry(&line.sku).or_insert((0, 0));
                entry.0 += line.quantity;
                entry.1 = entry.1.max(line.sold);
            }
        }
        let first = returns[0];
        let number = first.source.number().unwrap_or(subject);
        // Where the returns were taken (the sale may be another store's, which cannot see them).
        let store = first.store_code.as_str();
        let records: Vec<String> = returns.iter().map(|r| r.id.clone()).collect();
        let tills: BTreeSet<String> = returns
            .iter()
            .map(|r| format!("{}-{}", r.store_code, r.till_no))
            .collect();
        let over: Vec<String> = per_sku
            .iter()
            .filter(|(_, (returned, sold))| returned > sold)
            .map(|(sku, (returned, sold))| format!("{sku}: {returned} returned, {sold} sold"))
            .collect();
        if !over.is_empty() {
            out.push(exception(
                format!("over-return/{subject}"),
                ExceptionKind::OverReturn,
                store,
                format!(
                    "more was returned against {number} than it sold ({}) in {} returns",
                    over.join("; "),
                    returns.len()
                ),
                records.clone(),
                tills.clone(),
            ));
        }
        if voided.contains(subject) {
            let mut records = records;
            records.extend(
                facts
                    .voids
                    .iter()
                    .filter(|v| v.sale_id == subject)
                    .map(|v| v.id.clone()),
            );
            out.push(exception(
                format!("returned-and-voided/{subject}"),
                ExceptionKind::ReturnedAndVoided,
                store,
                format!("sale {number} was both voided and returned: it was refunded twice"),
                records,
                tills,
            ));
        }
    }
}

/// The id of an over-redeemed credit's exception: this prefix and the credit's key.
const OVER_REDEEMED_CREDIT: &str = "over-redeemed-credit/";

/// An exception id as it reads now: an over-redeemed credit's id named the code itself before
/// keys, so a resolution written then still closes the exception it was written for.
pub fn exception_id_without_code(id: &str) -> String {
    match id.strip_prefix(OVER_REDEEMED_CREDIT) {
        Some(code) => format!("{OVER_REDEEMED_CREDIT}{}", credit_key_of_reference(code)),
        None => id.to_string(),
    }
}

fn over_redeemed_credit(facts: &Facts, out: &mut Vec<Exception>) {
    struct Account<'a> {
        store: &'a str,
        first_issue: &'a str,
        issued: i64,
        redeemed: i64,
        records: Vec<String>,
        tills: BTreeSet<String>,
    }
    // Keyed by the credit's key: a record from before keys holds the code itself.
    let mut accounts: BTreeMap<String, Account> = BTreeMap::new();
    for record in &facts.returns {
        for refund in record
            .refunds
            .iter()
            .filter(|t| t.kind == TenderKind::Credit)
        {
            let Some(code) = refund.reference.as_deref() else {
                continue;
            };
            let account = accounts
                .entry(credit_key_of_reference(code))
                .or_insert_with(|| Account {
                    store: &record.store_code,
                    first_issue: &record.id,
                    issued: 0,
                    redeemed: 0,
                    records: Vec::new(),
                    tills: BTreeSet::new(),
                });
            // The store of the first issuing return by id: the same whatever the records' order.
            if record.id.as_str() < account.first_issue {
                account.first_issue = &record.id;
                account.store = &record.store_code;
            }
            account.issued += refund.amount.minor();
            account.records.push(record.id.clone());
        }
    }
    let voided: BTreeSet<&str> = facts.voids.iter().map(|v| v.sale_id.as_str()).collect();
    for redemption in facts
        .redemptions
        .iter()
        .filter(|r| !voided.contains(r.sale_id.as_str()))
    {
        // Credit issued where this replica cannot see it is checked where it can (head office).
        let Some(account) = accounts.get_mut(&credit_key_of_reference(&redemption.code)) else {
            continue;
        };
        account.redeemed += redemption.amount;
        account.records.push(redemption.sale_id.clone());
        account
            .tills
            .insert(format!("{}-{}", redemption.store, redemption.till_no));
    }
    for (key, account) in accounts {
        if account.redeemed > account.issued {
            out.push(exception(
                format!("{OVER_REDEEMED_CREDIT}{key}"),
                ExceptionKind::OverRedeemedCredit,
                account.store,
                format!(
                    "store credit {} was redeemed for {} but issued for {} (minor units)",
                    credit_label(&key),
                    account.redeemed,
                    account.issued
                ),
                account.records,
                account.tills,
            ));
        }
    }
}

/// Gives each exception the first resolution recorded for it (by instant, whatever offset each
/// writer stamped in; then by id), if any.
pub fn attach_resolutions(exceptions: &mut [Exception], resolutions: &[ResolutionRecord]) {
    let mut first: BTreeMap<&str, &ResolutionRecord> = BTreeMap::new();
    for r in resolutions {
        let slot = first.entry(&r.exception_id).or_insert(r);
        if (r.created_at.instant(), &r.id) < (slot.created_at.instant(), &slot.id) {
            *slot = r;
        }
    }
    for exception in exceptions {
        if let Some(r) = first.get(exception.id.as_str()) {
            exception.resolution = Some(Resolution {
                id: r.id.clone(),
                note: r.note.clone(),
                resolved_by: r.resolved_by.clone(),
                written_by: r.written_by.clone(),
                created_at: r.created_at.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolution(id: &str, created_at: &str, written_by: &str) -> ResolutionRecord {
        ResolutionRecord {
            id: id.into(),
            exception_id: "over-pickup/o1".into(),
            note: format!("by {written_by}"),
            resolved_by: None,
            written_by: written_by.into(),
            store: "AMS1".into(),
            created_at: Timestamp::parse(created_at).unwrap(),
        }
    }

    fn exception() -> Exception {
        Exception {
            id: "over-pickup/o1".into(),
            kind: ExceptionKind::OverPickup,
            store: "AMS1".into(),
            message: String::new(),
            records: vec![],
            tills: vec![],
            resolution: None,
        }
    }

    #[test]
    fn the_first_resolution_is_the_earliest_instant_whatever_the_writers_offset() {
        // A till's 10:00+01:00 (09:00Z) is before head office's 09:30Z, though it sorts after
        // it as text; the ids say the opposite, so only the instant can decide.
        let till = resolution("b", "2026-11-23T10:00:00.000+01:00", "till-1");
        let hq = resolution("a", "2026-11-23T09:30:00.000Z", "hq");
        for order in [[till.clone(), hq.clone()], [hq.clone(), till.clone()]] {
            let mut exceptions = [exception()];
            attach_resolutions(&mut exceptions, &order);
            let first = exceptions[0].resolution.as_ref().unwrap();
            assert_eq!(
                (first.id.as_str(), first.written_by.as_str()),
                ("b", "till-1")
            );
            assert_eq!(first.created_at.as_str(), "2026-11-23T10:00:00.000+01:00");
        }
        // The same instant: the id decides, on every replica.
        let same = resolution("c", "2026-11-23T09:00:00.000Z", "hq");
        let mut exceptions = [exception()];
        attach_resolutions(&mut exceptions, &[same, till]);
        assert_eq!(exceptions[0].resolution.as_ref().unwrap().id, "b");
    }
}
