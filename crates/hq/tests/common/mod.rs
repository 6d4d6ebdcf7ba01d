//! What head office's integration tests share: a store as the admin API takes it.

pub mod console;

use kassa_protocol::{StoreInfo, TaxClassInfo};

/// Store `code` in euros, prices with tax included, one standard rate of 21 %.
pub fn store(code: &str) -> StoreInfo {
    StoreInfo {
        code: code.into(),
        name: format!("Store {code}"),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: vec![TaxClassInfo {
            code: "standard".into(),
            name: "standard".into(),
            rate_bp: 2100,
        }],
    }
}
