//! Catalogue items as head office defines them.

use crate::barcode::classify_code;
use crate::error::DomainError;
use crate::money::Money;
use serde::{Deserialize, Serialize};

/// A sellable product. `tax_class` names one of the store's tax classes (e.g. `standard`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub price: Money,
    pub tax_class: String,
    pub category: Option<String>,
    pub barcodes: Vec<String>,
    pub active: bool,
    /// Prices head office has set to take effect later, earliest first. Tills receive them
    /// ahead and switch on their own clock, offline too (see [`Product::price_at`]). Left out of
    /// the JSON when empty, so a product without one looks as it did to older tills.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled_prices: Vec<ScheduledPrice>,
}

/// A price that takes effect at a set instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledPrice {
    /// When it takes effect: seconds since the Unix epoch (an instant, so tills in any time zone
    /// switch together).
    pub from: i64,
    pub price: Money,
}

/// How many future prices one product may carry: a season's worth of planned changes, bounded so
/// a hostile catalogue cannot make every lookup walk a long list.
pub const MAX_SCHEDULED_PRICES: usize = 16;

impl Product {
    /// Checks every field; a product that fails is never stored.
    pub fn validate(&self) -> Result<(), DomainError> {
        validate_sku(&self.sku)?;
        if self.name.trim().is_empty() {
            return Err(DomainError::EmptyName);
        }
        bounded_text(&self.name, "the product name", MAX_NAME_CHARS)?;
        if let Some(category) = &self.category {
            bounded_text(category, "the category", MAX_CATEGORY_CHARS)?;
        }
        if self.barcodes.len() > MAX_BARCODES {
            return Err(DomainError::TextTooLong {
                what: "the barcode list",
                max: MAX_BARCODES,
            });
        }
        if self.price.is_negative() {
            return Err(DomainError::NegativePrice);
        }
        self.price.within_bounds("the price")?;
        for code in &self.barcodes {
            classify_code(code)?;
        }
        if self.scheduled_prices.len() > MAX_SCHEDULED_PRICES {
            return Err(DomainError::TextTooLong {
                what: "the list of scheduled prices",
                max: MAX_SCHEDULED_PRICES,
            });
        }
        let mut previous = 0;
        for change in &self.scheduled_prices {
            if change.from <= previous {
                return Err(DomainError::ScheduledPricesOutOfOrder);
            }
            previous = change.from;
            if change.price.is_negative() {
                return Err(DomainError::NegativePrice);
            }
            change.price.within_bounds("a scheduled price")?;
        }
        Ok(())
    }

    /// The price at `unix` seconds: the latest scheduled price that has taken effect by then, or
    /// the base price.
    pub fn price_at(&self, unix: i64) -> Money {
        self.scheduled_prices
            .iter()
            .rev()
            .find(|change| change.from <= unix)
            .map_or(self.price, |change| change.price)
    }

    /// This product with `change` scheduled, as of `now_unix`: changes already in effect are
    /// folded into the base price (only the latest matters), one at the same instant is replaced,
    /// and the list stays in order. The result is validated by the caller like any product.
    pub fn with_scheduled_price(mut self, change: ScheduledPrice, now_unix: i64) -> Product {
        self.price = self.price_at(now_unix);
        self.scheduled_prices
            .retain(|c| c.from > now_unix && c.from != change.from);
        if change.from <= now_unix {
            self.price = change.price;
        } else {
            self.scheduled_prices.push(change);
            self.scheduled_prices.sort_by_key(|c| c.from);
        }
        self
    }
}

/// A product name fits a receipt line and a screen; a 1 MB name is refused where it enters.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_CATEGORY_CHARS: usize = 100;
pub const MAX_BARCODES: usize = 32;

/// Refuses text longer than `max` characters.
pub fn bounded_text(text: &str, what: &'static str, max: usize) -> Result<(), DomainError> {
    if text.chars().count() > max {
        Err(DomainError::TextTooLong { what, max })
    } else {
        Ok(())
    }
}

/// A SKU is 1 to 64 printable characters with no white space.
pub fn validate_sku(sku: &str) -> Result<(), DomainError> {
    let ok = !sku.is_empty()
        && sku.chars().count() <= 64
        && sku.chars().all(|c| !c.is_whitespace() && !c.is_control());
    if ok {
        Ok(())
    } else {
        Err(DomainError::InvalidSku(sku.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product() -> Product {
        Product {
            sku: "MILK-1L".into(),
            name: "Whole milk 1 L".into(),
            price: Money::from_minor(129),
            tax_class: "reduced".into(),
            category: Some("Dairy".into()),
            barcodes: vec!["4006381333931".into()],
            active: true,
            scheduled_prices: Vec::new(),
        }
    }

    fn at(from: i64, minor: i64) -> ScheduledPrice {
        ScheduledPrice {
            from,
            price: Money::from_minor(minor),
        }
    }

    #[test]
    fn a_scheduled_price_takes_effect_at_its_instant() {
        let p = product()
            .with_scheduled_price(at(2_000, 149), 1_000)
            .with_scheduled_price(at(3_000, 99), 1_000);
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.price_at(1_999), Money::from_minor(129));
        assert_eq!(p.price_at(2_000), Money::from_minor(149));
        assert_eq!(p.price_at(2_999), Money::from_minor(149));
        assert_eq!(p.price_at(3_000), Money::from_minor(99));
        // Scheduling again later folds what has taken effect into the base price.
        let later = p.clone().with_scheduled_price(at(5_000, 109), 2_500);
        assert_eq!(later.price, Money::from_minor(149));
        assert_eq!(later.scheduled_prices, vec![at(3_000, 99), at(5_000, 109)]);
        // A change at an instant already scheduled replaces it; one in the past applies now.
        let replaced = p.clone().with_scheduled_price(at(3_000, 89), 1_000);
        assert_eq!(replaced.price_at(3_000), Money::from_minor(89));
        assert_eq!(replaced.scheduled_prices.len(), 2);
        let now = p.with_scheduled_price(at(500, 119), 1_000);
        assert_eq!(now.price, Money::from_minor(119));
        assert_eq!(now.scheduled_prices.len(), 2);
    }

    #[test]
    fn scheduled_prices_are_checked_and_bounded() {
        let mut p = product();
        p.scheduled_prices = vec![at(3_000, 99), at(2_000, 149)];
        assert_eq!(p.validate(), Err(DomainError::ScheduledPricesOutOfOrder));
        p.scheduled_prices = vec![at(2_000, 99), at(2_000, 149)];
        assert_eq!(p.validate(), Err(DomainError::ScheduledPricesOutOfOrder));
        p.scheduled_prices = vec![at(2_000, -1)];
        assert_eq!(p.validate(), Err(DomainError::NegativePrice));
        p.scheduled_prices = (1..=MAX_SCHEDULED_PRICES as i64 + 1)
            .map(|i| at(i * 100, 100))
            .collect();
        assert!(matches!(p.validate(), Err(DomainError::TextTooLong { .. })));
        // Old records (without the field) still read.
        let old = r#"{"sku":"A","name":"A","price":1,"tax_class":"standard","category":null,"barcodes":[],"active":true}"#;
        let read: Product = serde_json::from_str(old).unwrap();
        assert!(read.scheduled_prices.is_empty());
        assert!(!serde_json::to_string(&read).unwrap().contains("scheduled"));
    }

    #[test]
    fn validates_fields() {
        assert_eq!(product().validate(), Ok(()));
        let mut p = product();
        p.sku = "has space".into();
        assert!(matches!(p.validate(), Err(DomainError::InvalidSku(_))));
        let mut p = product();
        p.name = "  ".into();
        assert_eq!(p.validate(), Err(DomainError::EmptyName));
        let mut p = product();
        p.price = Money::from_minor(-1);
        assert_eq!(p.validate(), Err(DomainError::NegativePrice));
        let mut p = product();
        p.barcodes.push("4006381333932".into());
        assert!(matches!(
            p.validate(),
            Err(DomainError::InvalidBarcode { .. })
        ));
    }

    #[test]
    fn prices_names_and_lists_are_bounded() {
        let mut p = product();
        p.price = Money::from_minor(i64::MAX);
        assert!(matches!(
            p.validate(),
            Err(DomainError::AmountOutOfRange { .. })
        ));
        p.price = crate::MAX_AMOUNT;
        assert_eq!(p.validate(), Ok(()));
        p.name = "é".repeat(MAX_NAME_CHARS + 1);
        assert!(matches!(p.validate(), Err(DomainError::TextTooLong { .. })));
        p.name = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(p.validate(), Ok(()));
        p.category = Some("c".repeat(MAX_CATEGORY_CHARS + 1));
        assert!(p.validate().is_err());
    }
}
