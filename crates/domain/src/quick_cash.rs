//! Quick cash amounts for the tender screen: the exact amount and the next round sums a customer
//! is likely to hand over, computed here so the UI never does money arithmetic.

use crate::money::Money;

/// The amount due, then the next multiples of common note values above it, up to `count` amounts,
/// in increasing order without repeats. `unit` is one major unit in minor units (100 for EUR).
pub fn quick_cash_amounts(due: Money, unit: i64, count: usize) -> Vec<Money> {
    let mut out = vec![due];
    if due.minor() <= 0 || unit <= 0 {
        return out;
    }
    for step in [5i64, 10, 20, 50, 100, 200, 500] {
        let Some(step) = step.checked_mul(unit) else {
            continue;
        };
        let Some(next) = due.minor().checked_add(step - 1).map(|v| v / step * step) else {
            continue;
        };
        let next = Money::from_minor(next);
        if !out.contains(&next) && next > due {
            out.push(next);
        }
        if out.len() >= count {
            break;
        }
    }
    out.sort();
    out.truncate(count);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_round_amounts_above_the_due() {
        let cases: &[(i64, &[i64])] = &[
            (1255, &[1255, 1500, 2000, 5000]),
            (2000, &[2000, 5000, 10000, 20000]),
            (49, &[49, 500, 1000, 2000]),
            (0, &[0]),
        ];
        for (due, want) in cases {
            let got: Vec<i64> = quick_cash_amounts(Money::from_minor(*due), 100, 4)
                .into_iter()
                .map(Money::minor)
                .collect();
            assert_eq!(&got, want, "due {due}");
        }
        let yen: Vec<i64> = quick_cash_amounts(Money::from_minor(1234), 1, 3)
            .into_iter()
            .map(Money::minor)
            .collect();
        assert_eq!(yen, vec![1234, 1235, 1240]);
    }
}
