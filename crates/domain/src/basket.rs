//! Pricing a basket: quantities, line and basket discounts, price overrides, tax per rate.
//!
//! Order of operations (the written-down rule; see also [`crate::rounding`]):
//! 1. `gross = unit price x quantity`, where the unit price is the override if there is one.
//! 2. The line discount: an amount, or a percentage of `gross` (rounded).
//! 3. The basket discount: an amount, or a percentage of the sum of lines after their own
//!    discounts (rounded once), then split over the lines in proportion to what they still cost
//!    (largest remainder), so each tax rate carries its fair share.
//! 4. `amount = gross - line discount - basket share`: tax-inclusive in an inclusive store,
//!    net in an exclusive one.
//! 5. Tax is computed once per rate on the sum of that rate's line amounts (rounded once per
//!    rate, not per line), then split back over the lines for display and later returns.
//! 6. Total = sum of line amounts (inclusive) or that plus the total tax (exclusive).

use crate::error::DomainError;
use crate::money::{parse_amount, Money};
use crate::rounding::{allocate, div_round_half_away, to_money};
use crate::tax::{TaxMode, TaxRate};
use serde::{Deserialize, Serialize};

/// The largest quantity of one line: beyond this a typo is far likelier than a real sale.
pub const MAX_QUANTITY: i64 = 100_000;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum Discount {
    /// Basis points of the amount: 1000 is 10 %.
    Percent(u32),
    Amount(Money),
}

impl Discount {
    /// Parses `10%`, `12.5%` or an amount such as `2.50`.
    pub fn parse(text: &str, minor_digits: u8) -> Result<Discount, DomainError> {
        if let Some(percent) = text.strip_suffix('%') {
            let bp = parse_amount(percent, 2)
                .map_err(|_| DomainError::InvalidPercent(text.to_string()))?;
            let bp = u32::try_from(bp.minor()).ok().filter(|bp| *bp <= 10_000);
            return bp
                .map(Discount::Percent)
                .ok_or_else(|| DomainError::InvalidPercent(text.to_string()));
        }
        parse_amount(text, minor_digits).map(Discount::Amount)
    }

    fn of(self, amount: Money, what: &'static str) -> Result<Money, DomainError> {
        let discount = match self {
            Discount::Percent(bp) if bp > 10_000 => {
                return Err(DomainError::InvalidPercent(format!("{bp}bp")))
            }
            Discount::Percent(bp) => to_money(div_round_half_away(
                i128::from(amount.minor()) * i128::from(bp),
                10_000,
            ))?,
            Discount::Amount(value) => value,
        };
        if discount.is_negative() || discount > amount {
            return Err(DomainError::DiscountTooLarge {
                discount,
                amount,
                what,
            });
        }
        Ok(discount)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceOverride {
    pub price: Money,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLine {
    pub sku: String,
    pub name: String,
    pub unit_price: Money,
    pub quantity: i64,
    pub tax_rate: TaxRate,
    pub discount: Option<Discount>,
    pub price_override: Option<PriceOverride>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basket {
    pub lines: Vec<BasketLine>,
    pub discount: Option<Discount>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    /// The catalogue's unit price.
    pub list_price: Money,
    /// The unit price charged: the override if there is one.
    pub unit_price: Money,
    pub override_reason: Option<String>,
    pub gross: Money,
    pub line_discount: Money,
    pub basket_discount: Money,
    /// What the line costs after discounts, in the store's tax mode.
    pub amount: Money,
    pub tax_rate: TaxRate,
    /// This line's share of its rate's tax.
    pub tax: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    pub rate: TaxRate,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedBasket {
    pub mode: TaxMode,
    pub lines: Vec<PricedLine>,
    /// One entry per tax rate, ordered by rate.
    pub taxes: Vec<TaxLine>,
    /// Sum of the lines before any discount.
    pub subtotal: Money,
    pub discount_total: Money,
    pub tax_total: Money,
    pub total: Money,
}

/// Prices a basket by the rule in this module's documentation.
pub fn price_basket(basket: &Basket, mode: TaxMode) -> Result<PricedBasket, DomainError> {
    if basket.lines.is_empty() {
        return Err(DomainError::EmptyBasket);
    }
    let mut lines = Vec::with_capacity(basket.lines.len());
    for line in &basket.lines {
        lines.push(price_line(line)?);
    }

    let after_line_discounts: Vec<Money> = lines
        .iter()
        .map(|l: &PricedLine| l.gross.checked_sub(l.line_discount))
        .collect::<Result<_, _>>()?;
    let discountable = Money::sum(after_line_discounts.iter().copied())?;
    let basket_discount = match basket.discount {
        Some(discount) => discount.of(discountable, "basket total")?,
        None => Money::ZERO,
    };
    let shares = allocate(basket_discount, &after_line_discounts)?;
    for ((line, after), share) in lines.iter_mut().zip(&after_line_discounts).zip(shares) {
        line.basket_discount = share;
        line.amount = after.checked_sub(share)?;
    }

    let mut rates: Vec<TaxRate> = lines.iter().map(|l| l.tax_rate).collect();
    rates.sort();
    rates.dedup();
    let mut taxes = Vec::with_capacity(rates.len());
    for rate in rates {
        let indices: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].tax_rate == rate)
            .collect();
        let amounts: Vec<Money> = indices.iter().map(|&i| lines[i].amount).collect();
        let base = Money::sum(amounts.iter().copied())?;
        let tax = rate.tax_on(base, mode)?;
        for (&i, share) in indices.iter().zip(allocate(tax, &amounts)?) {
            lines[i].tax = share;
        }
        let (net, gross) = match mode {
            TaxMode::Inclusive => (base.checked_sub(tax)?, base),
            TaxMode::Exclusive => (base, base.checked_add(tax)?),
        };
        taxes.push(TaxLine {
            rate,
            net,
            tax,
            gross,
        });
    }

    let subtotal = Money::sum(lines.iter().map(|l| l.gross))?;
    let discount_total =
        Money::sum(lines.iter().map(|l| l.line_discount))?.checked_add(basket_discount)?;
    let tax_total = Money::sum(taxes.iter().map(|t| t.tax))?;
    let amounts = Money::sum(lines.iter().map(|l| l.amount))?;
    let total = match mode {
        TaxMode::Inclusive => amounts,
        TaxMode::Exclusive => amounts.checked_add(tax_total)?,
    };
    Ok(PricedBasket {
        mode,
        lines,
        taxes,
        subtotal,
        discount_total,
        tax_total,
        total,
    })
}

fn price_line(line: &BasketLine) -> Result<PricedLine, DomainError> {
    if !(1..=MAX_QUANTITY).contains(&line.quantity) {
        return Err(DomainError::InvalidQuantity {
            got: line.quantity,
            max: MAX_QUANTITY,
        });
    }
    let unit_price = match &line.price_override {
        Some(o) if o.reason.trim().is_empty() => return Err(DomainError::OverrideWithoutReason),
        Some(o) => o.price,
        None => line.unit_price,
    };
    if unit_price.is_negative() {
        return Err(DomainError::NegativePrice);
    }
    let gross = unit_price.checked_mul(line.quantity)?;
    let line_discount = match line.discount {
        Some(discount) => discount.of(gross, "line amount")?,
        None => Money::ZERO,
    };
    Ok(PricedLine {
        sku: line.sku.clone(),
        name: line.name.clone(),
        quantity: line.quantity,
        list_price: line.unit_price,
        unit_price,
        override_reason: line
            .price_override
            .as_ref()
            .map(|o| o.reason.trim().to_string()),
        gross,
        line_discount,
        basket_discount: Money::ZERO,
        amount: gross,
        tax_rate: line.tax_rate,
        tax: Money::ZERO,
    })
}

#[cfg(test)]
mod tests;
