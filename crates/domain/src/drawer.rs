//! Counting the drawer: a tender's count as a total, or as so many of each note and coin.

use crate::error::DomainError;
use crate::money::Money;
use crate::tender::TenderKind;
use serde::{Deserialize, Serialize};

/// So many notes or coins of one value.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denomination {
    pub value: Money,
    pub count: i64,
}

/// What a cashier counted for one tender at the close: a total (a card terminal's batch total)
/// or denominations (the cash drawer), not both.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderCount {
    pub kind: TenderKind,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub denominations: Vec<Denomination>,
}

/// The tenders a drawer count covers: cash in the drawer and the card terminal's total. Store
/// credit, exchanges and online payments move no money at the till.
pub const COUNTED_TENDERS: [TenderKind; 2] = [TenderKind::Cash, TenderKind::Card];

impl TenderCount {
    /// The counted total. Refuses negative amounts and counts, zero or negative denominations,
    /// a total given together with denominations, and tenders that are not counted.
    pub fn total(&self) -> Result<Money, DomainError> {
        let bad = |why: String| DomainError::InvalidCount(why);
        if !COUNTED_TENDERS.contains(&self.kind) {
            return Err(bad(format!(
                "{} is not counted at the till",
                self.kind.as_str()
            )));
        }
        match (self.amount, self.denominations.is_empty()) {
            (Some(_), false) => Err(bad(format!(
                "give {} as a total or as notes and coins, not both",
                self.kind.as_str()
            ))),
            (Some(amount), true) if amount.is_negative() => Err(bad(format!(
                "the {} total cannot be negative",
                self.kind.as_str()
            ))),
            (Some(amount), true) => Ok(amount),
            (None, _) => {
                let mut total = Money::ZERO;
                for d in &self.denominations {
                    if d.value <= Money::ZERO {
                        return Err(bad("a note or coin is worth more than zero".into()));
                    }
                    if d.count < 0 {
                        return Err(bad(format!(
                            "a count cannot be negative ({} x {})",
                            d.count,
                            d.value.minor()
                        )));
                    }
                    total = total.checked_add(d.value.checked_mul(d.count)?)?;
                }
                Ok(total)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coins(list: &[(i64, i64)]) -> TenderCount {
        TenderCount {
            kind: TenderKind::Cash,
            amount: None,
            denominations: list
                .iter()
                .map(|&(value, count)| Denomination {
                    value: Money::from_minor(value),
                    count,
                })
                .collect(),
        }
    }

    #[test]
    fn counts_table() {
        assert_eq!(coins(&[(5000, 2), (5, 3)]).total().unwrap().minor(), 10_015);
        assert_eq!(coins(&[]).total().unwrap().minor(), 0);
        assert!(coins(&[(200, -1)])
            .total()
            .unwrap_err()
            .to_string()
            .contains("cannot be negative"));
        assert!(coins(&[(0, 3)]).total().is_err());
        assert!(
            coins(&[(i64::MAX, 2)]).total().is_err(),
            "overflow is refused"
        );
        let total = TenderCount {
            kind: TenderKind::Card,
            amount: Some(Money::from_minor(4500)),
            denominations: vec![],
        };
        assert_eq!(total.total().unwrap().minor(), 4500);
        let negative = TenderCount {
            amount: Some(Money::from_minor(-1)),
            ..total.clone()
        };
        assert!(negative.total().is_err());
        let both = TenderCount {
            kind: TenderKind::Cash,
            amount: Some(Money::from_minor(100)),
            denominations: vec![Denomination {
                value: Money::from_minor(100),
                count: 1,
            }],
        };
        assert!(both.total().is_err());
        let credit = TenderCount {
            kind: TenderKind::Credit,
            ..total
        };
        assert!(credit.total().is_err());
    }
}
