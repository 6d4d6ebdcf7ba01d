//! The catalogue: head office is its one writer; tills get versioned changes on sync.

use crate::error::HqError;
use crate::hq::Hq;
use kassa_domain::{parse_catalogue_csv, Product};

impl Hq {
    /// Imports a catalogue CSV (the README's format). Any bad row refuses the whole file.
    pub async fn import_catalogue_csv(&self, bytes: &[u8]) -> Result<(i64, usize), HqError> {
        let minor_digits = self.catalogue_minor_digits().await?;
        let parsed = parse_catalogue_csv(bytes, minor_digits)
            .map_err(|e| HqError::BadRequest(format!("line {}: {}", e.line, e.message)))?;
        if let Some(first) = parsed.errors.first() {
            return Err(HqError::BadRequest(format!(
                "line {}: {}",
                first.line, first.message
            )));
        }
        let products: Vec<Product> = parsed.products.into_iter().map(|p| p.product).collect();
        self.import_catalogue(&products).await
    }

    /// Stores products as the next catalogue version. Returns (version, number of products).
    pub async fn import_catalogue(&self, products: &[Product]) -> Result<(i64, usize), HqError> {
        let mut seen = std::collections::HashSet::new();
        for product in products {
            product
                .validate()
                .map_err(|e| HqError::BadRequest(format!("sku {:?}: {e}", product.sku)))?;
            if !seen.insert(&product.sku) {
                return Err(HqError::BadRequest(format!(
                    "sku {:?} appears twice",
                    product.sku
                )));
            }
        }
        let version = self.storage.put_catalogue(products).await?;
        Ok((version, products.len()))
    }

    /// Prices are in the stores' currency; the catalogue follows the first store's minor digits
    /// (two when there is no store yet).
    async fn catalogue_minor_digits(&self) -> Result<u8, HqError> {
        let stores = self.storage.stores().await?;
        Ok(stores
            .first()
            .and_then(|s| kassa_domain::Currency::from_iso(&s.info.currency).ok())
            .map_or(2, |c| c.minor_digits))
    }
}
