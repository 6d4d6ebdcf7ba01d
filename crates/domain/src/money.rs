//! Money as integer minor units, and exact decimal parsing and formatting.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in the minor units (cents, pence, yen) of the store's one currency.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_minor(minor: i64) -> Money {
        Money(minor)
    }

    pub const fn minor(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        self.0
            .checked_add(other.0)
            .map(Money)
            .ok_or(DomainError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, DomainError> {
        self.0
            .checked_sub(other.0)
            .map(Money)
            .ok_or(DomainError::Overflow)
    }

    pub fn checked_mul(self, factor: i64) -> Result<Money, DomainError> {
        self.0
            .checked_mul(factor)
            .map(Money)
            .ok_or(DomainError::Overflow)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Sums amounts, refusing overflow instead of wrapping.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, DomainError> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }
}

impl fmt::Display for Money {
    /// Minor units, for messages where the currency's digits are unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} minor units", self.0)
    }
}

/// A store's currency: its ISO 4217 code and how many decimal places its minor unit has.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: String,
    pub minor_digits: u8,
}

impl Currency {
    /// The currencies Kassa knows, with their ISO 4217 minor digits.
    pub fn from_iso(code: &str) -> Result<Currency, DomainError> {
        let upper = code.to_ascii_uppercase();
        let minor_digits = match upper.as_str() {
            "EUR" | "USD" | "GBP" | "AUD" | "CAD" | "NZD" | "CHF" | "SEK" | "NOK" | "DKK"
            | "PLN" | "CZK" | "HUF" | "RON" | "BGN" | "MXN" | "BRL" | "ZAR" | "SGD" | "HKD"
            | "INR" => 2,
            "JPY" | "KRW" | "ISK" | "CLP" | "VND" => 0,
            "KWD" | "BHD" | "OMR" | "JOD" | "TND" => 3,
            _ => return Err(DomainError::UnknownCurrency(code.to_string())),
        };
        Ok(Currency {
            code: upper,
            minor_digits,
        })
    }
}

/// Largest number of integer digits accepted in a typed amount; keeps every sum far from i64::MAX.
const MAX_INTEGER_DIGITS: usize = 12;

/// The largest single amount anything may carry into Kassa (a price, a tendered or counted
/// amount, a web order's line): 10^14 - 1 minor units, twelve integer digits in a two-decimal
/// currency. A basket of the most lines at the largest quantity of such prices still sums far
/// below `i64::MAX`, so sums fail loudly on corrupt data instead of wrapping.
pub const MAX_AMOUNT: Money = Money(99_999_999_999_999);

impl Money {
    /// Refuses an amount outside `0..=MAX_AMOUNT` where it enters (`what` names it).
    pub fn within_bounds(self, what: &str) -> Result<Money, DomainError> {
        if (0..=MAX_AMOUNT.0).contains(&self.0) {
            Ok(self)
        } else {
            Err(DomainError::AmountOutOfRange {
                what: what.to_string(),
                minor: self.0,
            })
        }
    }
}

/// Parses a non-negative decimal string such as `12.5` or `12.50` into minor units, exactly.
///
/// More decimal places than the currency has are refused, not rounded: a typed amount is what the
/// cashier meant, and guessing is how money goes missing.
pub fn parse_amount(text: &str, minor_digits: u8) -> Result<Money, DomainError> {
    let invalid = || DomainError::InvalidAmount(text.to_string(), minor_digits);
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty()
        || !all_digits(int_part)
        || !all_digits(frac_part)
        || frac_part.len() > usize::from(minor_digits)
        || (text.contains('.') && frac_part.is_empty())
    {
        return Err(invalid());
    }
    let int_trimmed = int_part.trim_start_matches('0');
    if int_trimmed.len() > MAX_INTEGER_DIGITS {
        return Err(DomainError::Overflow);
    }
    let mut minor: i64 = 0;
    for b in int_trimmed.bytes() {
        minor = minor * 10 + i64::from(b - b'0');
    }
    for i in 0..usize::from(minor_digits) {
        let digit = frac_part
            .as_bytes()
            .get(i)
            .map_or(0, |b| i64::from(b - b'0'));
        minor = minor * 10 + digit;
    }
    Ok(Money(minor))
}

/// An amount as people read it in messages: `12.50 EUR` (never minor units).
pub fn format_in(amount: Money, currency: &Currency) -> String {
    format!(
        "{} {}",
        format_amount(amount, currency.minor_digits),
        currency.code
    )
}

/// Formats minor units as a plain decimal string (`-12.50`), the inverse of [`parse_amount`].
pub fn format_amount(amount: Money, minor_digits: u8) -> String {
    let minor = amount.minor();
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if minor_digits == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(u32::from(minor_digits));
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = usize::from(minor_digits)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts_exactly() {
        let cases: &[(&str, u8, Option<i64>)] = &[
            ("12.50", 2, Some(1250)),
            ("12.5", 2, Some(1250)),
            ("12", 2, Some(1200)),
            (".5", 2, Some(50)),
            ("0.01", 2, Some(1)),
            ("007.10", 2, Some(710)),
            ("1500", 0, Some(1500)),
            ("1.234", 3, Some(1234)),
            ("12.505", 2, None),
            ("12.", 2, None),
            ("", 2, None),
            (".", 2, None),
            ("-1.00", 2, None),
            ("1,00", 2, None),
            ("1e3", 2, None),
            (" 1", 2, None),
            ("1.5", 0, None),
            ("٣", 2, None),
        ];
        for (text, digits, want) in cases {
            let got = parse_amount(text, *digits).ok().map(Money::minor);
            assert_eq!(got, *want, "parse_amount({text:?}, {digits})");
        }
    }

    #[test]
    fn refuses_amounts_that_would_overflow() {
        assert_eq!(
            parse_amount("9999999999999999999999", 2),
            Err(DomainError::Overflow)
        );
        assert_eq!(
            parse_amount("999999999999.99", 2).map(Money::minor),
            Ok(99_999_999_999_999)
        );
        assert_eq!(
            Money::from_minor(i64::MAX).checked_add(Money::from_minor(1)),
            Err(DomainError::Overflow)
        );
    }

    #[test]
    fn formats_round_trip() {
        for (minor, digits, text) in [
            (1250, 2, "12.50"),
            (-5, 2, "-0.05"),
            (7, 0, "7"),
            (1234, 3, "1.234"),
            (0, 2, "0.00"),
        ] {
            assert_eq!(format_amount(Money::from_minor(minor), digits), text);
            if minor >= 0 {
                assert_eq!(parse_amount(text, digits).map(Money::minor), Ok(minor));
            }
        }
    }

    #[test]
    fn knows_minor_digits() {
        assert_eq!(Currency::from_iso("eur").unwrap().minor_digits, 2);
        assert_eq!(Currency::from_iso("JPY").unwrap().minor_digits, 0);
        assert!(Currency::from_iso("XXX").is_err());
    }
}
