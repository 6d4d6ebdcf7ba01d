//! Tax rates and how a store's prices relate to tax.

use crate::error::DomainError;
use crate::money::Money;
use crate::rounding::{div_round_half_away, to_money};
use serde::{Deserialize, Serialize};

/// Whether shelf prices include tax (EU, UK, AU) or tax is added at the till (US).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxMode {
    Inclusive,
    Exclusive,
}

impl TaxMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxMode::Inclusive => "inclusive",
            TaxMode::Exclusive => "exclusive",
        }
    }

    pub fn parse(text: &str) -> Option<TaxMode> {
        match text {
            "inclusive" => Some(TaxMode::Inclusive),
            "exclusive" => Some(TaxMode::Exclusive),
            _ => None,
        }
    }
}

/// A tax rate in basis points: 2100 is 21 %, 825 is 8.25 %.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaxRate(u32);

impl TaxRate {
    pub fn from_basis_points(bp: u32) -> Result<TaxRate, DomainError> {
        if bp > 10_000 {
            return Err(DomainError::InvalidTaxRate(bp));
        }
        Ok(TaxRate(bp))
    }

    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// The tax contained in (inclusive) or owed on (exclusive) `amount`, by the rounding rule.
    pub fn tax_on(self, amount: Money, mode: TaxMode) -> Result<Money, DomainError> {
        let amount = i128::from(amount.minor());
        let bp = i128::from(self.0);
        let tax = match mode {
            TaxMode::Inclusive => div_round_half_away(amount * bp, 10_000 + bp),
            TaxMode::Exclusive => div_round_half_away(amount * bp, 10_000),
        };
        to_money(tax)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_on_amounts_table() {
        // (rate bp, mode, amount, expected tax)
        let cases = [
            (2100, TaxMode::Inclusive, 1210, 210),
            (2100, TaxMode::Inclusive, 100, 17), // 17.355 -> 17
            (900, TaxMode::Inclusive, 109, 9),
            (2000, TaxMode::Inclusive, 3, 1), // 0.5 -> 1, half away from zero
            (0, TaxMode::Inclusive, 999, 0),
            (825, TaxMode::Exclusive, 1000, 83),   // 82.5 -> 83
            (825, TaxMode::Exclusive, 200, 17),    // 16.5 -> 17
            (600, TaxMode::Exclusive, 199, 12),    // 11.94 -> 12
            (1000, TaxMode::Exclusive, -105, -11), // refunds round symmetrically
        ];
        for (bp, mode, amount, want) in cases {
            let rate = TaxRate::from_basis_points(bp).unwrap();
            assert_eq!(
                rate.tax_on(Money::from_minor(amount), mode),
                Ok(Money::from_minor(want)),
                "{bp}bp {mode:?} on {amount}"
            );
        }
    }

    #[test]
    fn refuses_rates_over_100_percent() {
        assert_eq!(
            TaxRate::from_basis_points(10_001),
            Err(DomainError::InvalidTaxRate(10_001))
        );
    }
}
