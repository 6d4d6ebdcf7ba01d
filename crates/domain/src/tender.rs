//! Tenders and settling a sale: cash rounding, split tenders, change.

use crate::error::DomainError;
use crate::money::Money;
use crate::rounding::round_to_increment;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenderKind {
    Cash,
    Card,
    /// Store credit: redeemed as a tender, or issued as a refund. The reference is the credit code.
    Credit,
    /// The value of goods returned in the same exchange. The reference is the return's number.
    Exchange,
    /// Paid in the web shop; refunds to it are made by head office's payment provider.
    Online,
}

impl TenderKind {
    pub const ALL: [TenderKind; 5] = [
        TenderKind::Cash,
        TenderKind::Card,
        TenderKind::Credit,
        TenderKind::Exchange,
        TenderKind::Online,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Card => "card",
            TenderKind::Credit => "credit",
            TenderKind::Exchange => "exchange",
            TenderKind::Online => "online",
        }
    }

    pub fn parse(text: &str) -> Option<TenderKind> {
        TenderKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Only cash is rounded and gives change; every other tender pays exactly.
    pub fn is_cash(self) -> bool {
        self == TenderKind::Cash
    }
}

/// One payment toward a sale. A card tender carries the terminal's reference (the terminal
/// itself is outside Kassa).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tender {
    pub kind: TenderKind,
    pub amount: Money,
    pub reference: Option<String>,
}

/// How a sale was paid: the basket total, the cash rounding line, and the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub total: Money,
    /// Added to the total when the cash part is rounded (negative when rounded down).
    pub cash_rounding: Money,
    /// `total + cash_rounding`: what the customer pays.
    pub amount_due: Money,
    pub tendered: Money,
    pub change: Money,
}

/// Settles `total` with `tenders`.
///
/// Cards (and every other non-cash tender) pay first and exactly; whatever is left is the cash
/// part, which alone is rounded to `cash_increment` (1 = no rounding). Change is given only from
/// cash, so non-cash tenders can never pay more than the total. The sale completes only when
/// tendered >= amount due.
pub fn settle(
    total: Money,
    tenders: &[Tender],
    cash_increment: i64,
) -> Result<Settlement, DomainError> {
    for tender in tenders {
        if tender.amount <= Money::ZERO {
            return Err(DomainError::NonPositiveTender);
        }
        if tender
            .reference
            .as_ref()
            .is_some_and(|r| r.chars().count() > 64)
        {
            return Err(DomainError::ReferenceTooLong);
        }
    }
    let sum_where = |cash: bool| {
        Money::sum(
            tenders
                .iter()
                .filter(|t| t.kind.is_cash() == cash)
                .map(|t| t.amount),
        )
    };
    let card = sum_where(false)?;
    let cash = sum_where(true)?;

    if card > total {
        return Err(DomainError::CardOverpay { card, due: total });
    }
    let cash_part = total.checked_sub(card)?;
    let has_cash = tenders.iter().any(|t| t.kind == TenderKind::Cash);
    let rounded_cash_part = if has_cash {
        round_to_increment(cash_part, cash_increment)?
    } else {
        cash_part
    };
    let cash_rounding = rounded_cash_part.checked_sub(cash_part)?;
    let amount_due = total.checked_add(cash_rounding)?;
    let tendered = card.checked_add(cash)?;
    if tendered < amount_due {
        return Err(DomainError::ShortTender {
            due: amount_due,
            tendered,
        });
    }
    let change = tendered.checked_sub(amount_due)?;
    Ok(Settlement {
        total,
        cash_rounding,
        amount_due,
        tendered,
        change,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(minor: i64) -> Money {
        Money::from_minor(minor)
    }
    fn cash(minor: i64) -> Tender {
        Tender {
            kind: TenderKind::Cash,
            amount: m(minor),
            reference: None,
        }
    }
    fn card(minor: i64) -> Tender {
        Tender {
            kind: TenderKind::Card,
            amount: m(minor),
            reference: Some("T-1".into()),
        }
    }

    #[test]
    fn settlement_table() {
        /// (total, tenders, increment) -> (rounding, due, change)
        type Case = (i64, Vec<Tender>, i64, (i64, i64, i64));
        let cases: Vec<Case> = vec![
            (1697, vec![cash(2000)], 1, (0, 1697, 303)),
            (1697, vec![cash(2000)], 5, (-2, 1695, 305)),
            (1698, vec![cash(1700)], 5, (2, 1700, 0)),
            (1697, vec![card(1697)], 5, (0, 1697, 0)), // no rounding on cards
            (1697, vec![card(1000), cash(1000)], 5, (-2, 1695, 305)), // only the cash part rounds
            (1697, vec![card(1000), card(697)], 5, (0, 1697, 0)),
            (1697, vec![cash(1000), cash(1000)], 10, (3, 1700, 300)),
            (0, vec![], 5, (0, 0, 0)),
        ];
        for (total, tenders, inc, (rounding, due, change)) in cases {
            let s = settle(m(total), &tenders, inc)
                .unwrap_or_else(|e| panic!("{total} {tenders:?}: {e}"));
            assert_eq!(
                (
                    s.cash_rounding.minor(),
                    s.amount_due.minor(),
                    s.change.minor()
                ),
                (rounding, due, change),
                "{total} {tenders:?}"
            );
            assert_eq!(s.tendered.minor() - s.change.minor(), s.amount_due.minor());
        }
    }

    #[test]
    fn refuses_bad_tenders() {
        assert_eq!(
            settle(m(1000), &[cash(999)], 1),
            Err(DomainError::ShortTender {
                due: m(1000),
                tendered: m(999)
            })
        );
        assert_eq!(
            settle(m(1000), &[card(500)], 1),
            Err(DomainError::ShortTender {
                due: m(1000),
                tendered: m(500)
            })
        );
        assert_eq!(
            settle(m(1000), &[card(1200)], 1),
            Err(DomainError::CardOverpay {
                card: m(1200),
                due: m(1000)
            })
        );
        assert_eq!(
            settle(m(1000), &[cash(0)], 1),
            Err(DomainError::NonPositiveTender)
        );
        assert_eq!(
            settle(m(1000), &[cash(-5)], 1),
            Err(DomainError::NonPositiveTender)
        );
        assert_eq!(
            settle(m(10), &[cash(i64::MAX), cash(i64::MAX)], 1),
            Err(DomainError::Overflow)
        );
        let long_ref = Tender {
            kind: TenderKind::Card,
            amount: m(1000),
            reference: Some("x".repeat(65)),
        };
        assert_eq!(
            settle(m(1000), &[long_ref], 1),
            Err(DomainError::ReferenceTooLong)
        );
    }
}
