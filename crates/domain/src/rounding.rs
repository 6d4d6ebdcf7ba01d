//! The one rounding rule of Kassa, written down.
//!
//! **Rule:** every division that produces money rounds to the nearest minor unit, and an exact half
//! rounds away from zero (commercial rounding: 0.5 -> 1, -0.5 -> -1). Intermediate products are
//! computed in `i128`, so nothing overflows before the final value is checked to fit in `i64`.
//! Where one rounded amount must be split over several lines (a basket discount, the tax of a rate),
//! the split uses the largest-remainder method, so the parts always add up to the whole.

use crate::error::DomainError;
use crate::money::Money;

/// `numerator / denominator` rounded half away from zero. `denominator` must be positive.
pub fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// Rounds `amount` to the nearest multiple of `increment` (e.g. 5 for cash rounding to 0.05),
/// an exact half rounding away from zero.
pub fn round_to_increment(amount: Money, increment: i64) -> Result<Money, DomainError> {
    if !(1..=100).contains(&increment) {
        return Err(DomainError::InvalidRoundingIncrement(increment));
    }
    let steps = div_round_half_away(i128::from(amount.minor()), i128::from(increment));
    to_money(steps * i128::from(increment))
}

pub(crate) fn to_money(value: i128) -> Result<Money, DomainError> {
    i64::try_from(value)
        .map(Money::from_minor)
        .map_err(|_| DomainError::Overflow)
}

/// Splits `total` over parts in proportion to `weights` (largest remainder; ties go to the earlier
/// part). The result always sums to `total`. With all weights zero, everything goes to part 0.
pub(crate) fn allocate(total: Money, weights: &[Money]) -> Result<Vec<Money>, DomainError> {
    if weights.is_empty() {
        return Ok(Vec::new());
    }
    let weight_sum: i128 = weights.iter().map(|w| i128::from(w.minor())).sum();
    let total_i = i128::from(total.minor());
    if weight_sum == 0 {
        let mut parts = vec![Money::ZERO; weights.len()];
        parts[0] = total;
        return Ok(parts);
    }
    let mut parts: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let product = total_i * i128::from(weight.minor());
        parts.push(product.div_euclid(weight_sum));
        remainders.push((product.rem_euclid(weight_sum), index));
    }
    let mut left = total_i - parts.iter().sum::<i128>();
    // Largest remainder first; the stable sort keeps earlier lines first among equals.
    remainders.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (_, index) in remainders {
        if left == 0 {
            break;
        }
        parts[index] += 1;
        left -= 1;
    }
    parts.into_iter().map(to_money).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        let cases = [
            (5, 10, 1),
            (4, 10, 0),
            (15, 10, 2),
            (-5, 10, -1),
            (-4, 10, 0),
            (-15, 10, -2),
            (0, 7, 0),
            (2, 3, 1),
            (1, 3, 0),
        ];
        for (n, d, want) in cases {
            assert_eq!(div_round_half_away(n, d), want, "{n}/{d}");
        }
    }

    #[test]
    fn rounds_cash_to_increments() {
        let cases = [
            (100, 5, 100),
            (101, 5, 100),
            (102, 5, 100),
            (103, 5, 105),
            (104, 5, 105),
            (105, 10, 110),
            (104, 10, 100),
            (-3, 5, -5),
            (1999, 100, 2000),
        ];
        for (amount, inc, want) in cases {
            assert_eq!(
                round_to_increment(Money::from_minor(amount), inc),
                Ok(Money::from_minor(want)),
                "{amount} to {inc}"
            );
        }
        assert!(round_to_increment(Money::from_minor(1), 0).is_err());
    }

    #[test]
    fn allocation_always_sums_to_the_total() {
        let m = Money::from_minor;
        let cases: &[(i64, &[i64], &[i64])] = &[
            (100, &[1, 1, 1], &[34, 33, 33]),
            (10, &[300, 700], &[3, 7]),
            (1, &[500, 500], &[1, 0]),
            (7, &[0, 0], &[7, 0]),
            (0, &[5, 5], &[0, 0]),
            (-100, &[1, 1, 1], &[-33, -33, -34]),
        ];
        for (total, weights, want) in cases {
            let weights: Vec<Money> = weights.iter().copied().map(m).collect();
            let got: Vec<i64> = allocate(m(*total), &weights)
                .unwrap()
                .into_iter()
                .map(Money::minor)
                .collect();
            assert_eq!(&got, want, "allocate {total} over {weights:?}");
            assert_eq!(got.iter().sum::<i64>(), *total);
        }
    }
}
