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
}

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
        Ok(())
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
        }
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
