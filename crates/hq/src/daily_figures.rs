//! The figures reports read, per store and business day, kept as records arrive (issue 14):
//! what each record adds, computed here once for both storages. A storage adds a record's
//! figures in the transaction that files it, and only when it files it for the first time, so a
//! record synced again never counts twice. Reports never scan sales.

use kassa_domain::TenderKind;
use kassa_replica::ledger::{ReturnRecord, SaleRecord};
use kassa_replica::shifts::ShiftClosed;

/// What a figure measures; its `key` says of what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Takings by tender kind (cash net of change): count of sales, amount.
    Tender,
    /// Tax by rate (key: basis points): count of sales, amount of tax.
    Tax,
    /// The net (before tax) by rate: count of sales, amount.
    Net,
    /// Returns by reason (key: the reason, empty when none was given): count, amount refunded.
    Return,
    /// Refunds by tender kind: count of returns, amount.
    Refund,
    /// Voided sales: count, amount of the sales voided.
    Void,
    /// Drawer differences at shift close by tender kind (counted less expected): count of
    /// closes, amount.
    ShiftDifference,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::Tender,
        Measure::Tax,
        Measure::Net,
        Measure::Return,
        Measure::Refund,
        Measure::Void,
        Measure::ShiftDifference,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Tender => "tender",
            Measure::Tax => "tax",
            Measure::Net => "net",
            Measure::Return => "return",
            Measure::Refund => "refund",
            Measure::Void => "void",
            Measure::ShiftDifference => "shift_difference",
        }
    }

    pub fn parse(text: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// One store's figure for one business day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailyFigure {
    pub store: String,
    pub business_day: String,
    pub measure: Measure,
    pub key: String,
    pub count: i64,
    /// In the store's minor units.
    pub amount: i64,
}

/// Longest key kept (a return's reason is free text, bounded where it entered; this bounds the
/// report's row all the same).
const MAX_KEY_CHARS: usize = 100;

fn figure(store: &str, day: &str, measure: Measure, key: &str, amount: i64) -> DailyFigure {
    DailyFigure {
        store: store.to_string(),
        business_day: day.to_string(),
        measure,
        key: key.trim().chars().take(MAX_KEY_CHARS).collect(),
        count: 1,
        amount,
    }
}

/// Adds figures of the same store, day, measure and key together (a sale paid with two cards is
/// one sale by card).
fn merged(figures: Vec<DailyFigure>) -> Vec<DailyFigure> {
    let mut out: Vec<DailyFigure> = Vec::new();
    for f in figures {
        match out
            .iter_mut()
            .find(|o| o.measure == f.measure && o.key == f.key)
        {
            Some(o) => o.amount = o.amount.saturating_add(f.amount),
            None => out.push(f),
        }
    }
    out
}

/// What a sale adds: its takings by tender (cash less the change given), its tax and net by rate.
pub fn of_sale(store: &str, sale: &SaleRecord) -> Vec<DailyFigure> {
    let day = sale.business_day.as_str();
    let mut figures = Vec::new();
    for tender in &sale.tenders {
        let mut amount = tender.amount.minor();
        if tender.kind == TenderKind::Cash {
            amount = amount.saturating_sub(sale.change.minor());
        }
        figures.push(figure(
            store,
            day,
            Measure::Tender,
            tender.kind.as_str(),
            amount,
        ));
    }
    for line in &sale.taxes {
        let rate = line.rate.basis_points().to_string();
        figures.push(figure(store, day, Measure::Tax, &rate, line.tax.minor()));
        figures.push(figure(store, day, Measure::Net, &rate, line.net.minor()));
    }
    merged(figures)
}

/// What a return adds: its total by reason, its refunds by tender.
pub fn of_return(store: &str, ret: &ReturnRecord) -> Vec<DailyFigure> {
    let day = ret.business_day.as_str();
    let mut figures = vec![figure(
        store,
        day,
        Measure::Return,
        ret.reason.as_deref().unwrap_or(""),
        ret.total.minor(),
    )];
    for refund in &ret.refunds {
        figures.push(figure(
            store,
            day,
            Measure::Refund,
            refund.kind.as_str(),
            refund.amount.minor(),
        ));
    }
    merged(figures)
}

/// What a void adds: the voided sale's total, on the void's day.
pub fn of_void(store: &str, business_day: &str, sale_total: i64) -> Vec<DailyFigure> {
    vec![figure(store, business_day, Measure::Void, "", sale_total)]
}

/// What a shift close adds: its drawer differences by tender.
pub fn of_shift_close(close: &ShiftClosed) -> Vec<DailyFigure> {
    merged(
        close
            .difference
            .iter()
            .map(|d| {
                figure(
                    &close.store,
                    &close.business_day,
                    Measure::ShiftDifference,
                    d.kind.as_str(),
                    d.amount.minor(),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_read_back_from_their_names() {
        for measure in Measure::ALL {
            assert_eq!(Measure::parse(measure.as_str()), Some(measure));
        }
        assert_eq!(Measure::parse("sales"), None);
    }

    #[test]
    fn a_long_reason_is_cut_and_trimmed() {
        let f = figure(
            "AMS1",
            "2026-11-23",
            Measure::Return,
            &format!("  {}", "x".repeat(300)),
            1,
        );
        assert_eq!(f.key.chars().count(), MAX_KEY_CHARS);
        assert!(f.key.starts_with('x'));
    }
}
