//! Generated trading history for a demo chain and for the console's benchmark: sales (priced from
//! the demo catalogue, tax by its classes, card or cash with change), returns, voids and drawer
//! differences at shift close, for one store and business day, as head office's ingestion files
//! them (`HqStorage::apply_sync`, which keeps the report figures as it files each record). They
//! stand for tills that are not there: no till documents lie behind them, and their till numbers
//! (from [`HISTORY_TILL`]) are kept apart from real tills'.

use crate::storage::{FiledSale, IndexedRecord, StoredRecord, SyncWrite};
use kassa_domain::demo_catalogue::{demo_product, DEMO_TAX_CLASSES};
use kassa_domain::{Money, PricedLine, TaxLine, TaxMode, TaxRate, Tender, TenderKind};
use kassa_replica::ledger::{ReturnRecord, ReturnSource, SaleRecord, VoidRecord};
use kassa_replica::Timestamp;

/// The first till number history is filed under (tills 90 to 93), far from the tills a demo
/// enrolls.
pub const HISTORY_TILL: u16 = 90;
/// Sales per write, as a busy till's sync would carry them.
const SALES_PER_WRITE: usize = 1_000;

fn timestamp(day: &str, seconds: u64) -> Timestamp {
    let text = format!(
        "{day}T{:02}:{:02}:{:02}.000Z",
        8 + seconds / 3600 % 12,
        seconds / 60 % 60,
        seconds % 60
    );
    Timestamp::parse(&text).unwrap_or_else(|_| Timestamp::utc(chrono::Utc::now()))
}

fn rate_of(tax_class: &str) -> TaxRate {
    let bp = DEMO_TAX_CLASSES
        .iter()
        .find(|(code, _, _)| *code == tax_class)
        .map_or(0, |(_, _, bp)| *bp);
    TaxRate::from_basis_points(bp)
        .unwrap_or_else(|_| TaxRate::from_basis_points(0).unwrap_or_else(|_| unreachable!()))
}

/// Sale `n` of `store` on `day`: one to three products of a catalogue of `products`, prices
/// with tax included.
pub fn sale(store: &str, day: &str, n: u64, products: u64) -> SaleRecord {
    let mut lines = Vec::new();
    let mut taxes: Vec<TaxLine> = Vec::new();
    for k in 0..(1 + n % 3) {
        let product = demo_product((n * 7_919 + k * 104_729 + day.len() as u64) % products.max(1));
        let rate = rate_of(&product.tax_class);
        let gross = product.price.minor();
        let bp = i64::from(rate.basis_points());
        let tax = gross * bp / (10_000 + bp);
        lines.push(PricedLine {
            sku: product.sku,
            name: product.name,
            quantity: 1,
            list_price: product.price,
            unit_price: product.price,
            override_reason: None,
            gross: product.price,
            line_discount: Money::ZERO,
            basket_discount: Money::ZERO,
            amount: product.price,
            tax_rate: rate,
            tax: Money::from_minor(tax),
        });
        match taxes.iter_mut().find(|t| t.rate == rate) {
            Some(t) => {
                t.net = Money::from_minor(t.net.minor() + gross - tax);
                t.tax = Money::from_minor(t.tax.minor() + tax);
                t.gross = Money::from_minor(t.gross.minor() + gross);
            }
            None => taxes.push(TaxLine {
                rate,
                net: Money::from_minor(gross - tax),
                tax: Money::from_minor(tax),
                gross: Money::from_minor(gross),
            }),
        }
    }
    let total: i64 = lines.iter().map(|l| l.amount.minor()).sum();
    let tax_total: i64 = taxes.iter().map(|t| t.tax.minor()).sum();
    let cash = n.is_multiple_of(3);
    // Cash is rounded to 5 cents and handed over in whole euros.
    let due = if cash { (total + 2) / 5 * 5 } else { total };
    let tendered = if cash { (due + 99) / 100 * 100 } else { due };
    let till_no = HISTORY_TILL + (n % 4) as u16;
    SaleRecord {
        id: format!("history-{store}-{day}-{n}"),
        receipt_no: format!("{store}-{till_no}-{}-{n}", day.replace('-', "")),
        store_code: store.into(),
        till_no,
        seq: i64::try_from(n).unwrap_or(i64::MAX),
        created_at: timestamp(day, n * 97),
        business_day: day.into(),
        currency: "EUR".into(),
        tax_mode: TaxMode::Inclusive,
        lines,
        taxes,
        subtotal: Money::from_minor(total),
        discount_total: Money::ZERO,
        tax_total: Money::from_minor(tax_total),
        total: Money::from_minor(total),
        cash_rounding: Money::from_minor(due - total),
        amount_due: Money::from_minor(due),
        tendered: Money::from_minor(tendered),
        change: Money::from_minor(tendered - due),
        tenders: vec![Tender {
            kind: if cash {
                TenderKind::Cash
            } else {
                TenderKind::Card
            },
            amount: Money::from_minor(tendered),
            reference: None,
        }],
        cashier: None,
        approved_by: None,
        shift_id: None,
    }
}

fn a_return(store: &str, day: &str, n: u64) -> ReturnRecord {
    ReturnRecord {
        id: format!("history-return-{store}-{day}-{n}"),
        receipt_no: format!("{store}-{HISTORY_TILL}-R{}-{n}", day.replace('-', "")),
        store_code: store.into(),
        till_no: HISTORY_TILL,
        seq: 1_000_000 + i64::try_from(n).unwrap_or(0),
        created_at: timestamp(day, 30_000 + n),
        business_day: day.into(),
        currency: "EUR".into(),
        source: ReturnSource::NoReceipt,
        lines: vec![],
        total: Money::from_minor(500 + 250 * i64::try_from(n % 4).unwrap_or(0)),
        cash_rounding: Money::ZERO,
        refunds: vec![Tender {
            kind: TenderKind::Cash,
            amount: Money::from_minor(500 + 250 * i64::try_from(n % 4).unwrap_or(0)),
            reference: None,
        }],
        reason: Some(["damaged", "wrong size", "changed mind"][(n % 3) as usize].into()),
        approved_by: None,
        approval_reasons: vec![],
        exchange_sale_id: None,
        cashier: None,
        approver_id: None,
        shift_id: None,
    }
}

fn shift_close(store: &str, day: &str, n: u64) -> Option<kassa_replica::shifts::ShiftClosed> {
    serde_json::from_value(serde_json::json!({
        "id": format!("history-close-{store}-{day}-{n}"),
        "shift_id": format!("history-shift-{store}-{day}-{n}"),
        "store": store, "till_no": HISTORY_TILL + n as u16,
        "closed_at": timestamp(day, 50_000 + n).as_str(),
        "business_day": day, "closed_by": null, "counted": [], "expected": [],
        "difference": [
            { "kind": "cash", "amount": (n as i64 % 3 - 1) * 50 },
            { "kind": "card", "amount": 0 }
        ],
        "report": {}
    }))
    .ok()
}

/// Web order `n` of `store` taken on `day` (25.00, paid online). Only the benchmark files these:
/// a demo's orders are taken through head office's order service, with their documents.
fn web_order(store: &str, day: &str, n: u64) -> Option<kassa_replica::orders::OrderRecord> {
    serde_json::from_value(serde_json::json!({
        "id": format!("history-order-{store}-{day}-{n}"),
        "order_no": format!("H{store}{}{n}", day.replace('-', "")),
        "store": store, "customer_name": "Customer", "pickup_code_hash": "x", "lines": [],
        "total": 2500, "paid_online": 2500, "currency": "EUR",
        "created_at": timestamp(day, 40_000 + n).as_str(),
        "pickup_by": timestamp(day, 40_000 + n).as_str(), "shipped_at": null
    }))
    .ok()
}

/// One store's business day: `sales` sales, `web_orders` web orders, a void, a return and two
/// shift closes, in writes of at most 1,000 sales.
pub fn store_day(
    store: &str,
    day: &str,
    sales: u64,
    web_orders: u64,
    products: u64,
) -> Vec<SyncWrite> {
    let now = chrono::Utc::now();
    let mut writes = Vec::new();
    let mut write = SyncWrite::new(store, now);
    for n in 0..sales {
        let record = sale(store, day, n, products);
        write.sales.push(FiledSale {
            store: store.into(),
            till_no: record.till_no,
            record,
        });
        if write.sales.len() == SALES_PER_WRITE {
            writes.push(std::mem::replace(&mut write, SyncWrite::new(store, now)));
        }
    }
    if sales > 1 {
        write.voids.push(VoidRecord {
            id: format!("history-void-{store}-{day}"),
            sale_id: format!("history-{store}-{day}-1"),
            receipt_no: format!("{store}-{}-{}-1", HISTORY_TILL + 1, day.replace('-', "")),
            reason: "rung twice".into(),
            created_at: timestamp(day, 20_000),
            business_day: day.into(),
            cashier: None,
            approved_by: None,
            shift_id: None,
        });
    }
    let mut records = vec![IndexedRecord::Return(a_return(store, day, sales))];
    records.extend(
        (0..web_orders)
            .filter_map(|n| web_order(store, day, n))
            .map(IndexedRecord::Order),
    );
    records.extend(
        (0..2)
            .filter_map(|n| shift_close(store, day, n))
            .map(IndexedRecord::ShiftClose),
    );
    for record in records {
        write.records.push(StoredRecord {
            store: store.into(),
            subject: None,
            record,
        });
    }
    writes.push(write);
    writes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_sales_add_up() {
        for n in 0..50 {
            let sale = sale("AMS1", "2026-11-23", n, 5_000);
            let lines: i64 = sale.lines.iter().map(|l| l.amount.minor()).sum();
            assert_eq!(lines, sale.total.minor());
            let taxes: i64 = sale.taxes.iter().map(|t| t.gross.minor()).sum();
            assert_eq!(taxes, sale.total.minor());
            assert_eq!(
                sale.tendered.minor() - sale.change.minor(),
                sale.amount_due.minor()
            );
            assert!(sale.till_no >= HISTORY_TILL);
        }
        let writes = store_day("AMS1", "2026-11-23", 2_500, 5, 5_000);
        assert_eq!(writes.iter().map(|w| w.sales.len()).sum::<usize>(), 2_500);
        assert_eq!(writes.len(), 3);
        assert_eq!(
            writes[2].records.len(),
            1 + 5 + 2,
            "a return, the orders, two closes"
        );
    }
}
