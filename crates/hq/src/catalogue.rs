//! The catalogue: head office is its one writer; tills get versioned changes on sync.

use crate::error::HqError;
use crate::hq::Hq;
use kassa_domain::{parse_catalogue_csv, Product};
use std::collections::{HashMap, HashSet};

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
    ///
    /// Checked against every store before anything is written, so no till meets a row it cannot
    /// apply: each product's tax class must be set up in every store, and each barcode must name
    /// one product in the whole catalogue as it will be. A barcode moves from one product to
    /// another only when the import also sends the product it leaves.
    pub async fn import_catalogue(&self, products: &[Product]) -> Result<(i64, usize), HqError> {
        let mut seen = HashSet::new();
        for product in products {
            product
                .validate()
                .map_err(|e| HqError::BadRequest(format!("sku {:?}: {e}", product.sku)))?;
            if !seen.insert(product.sku.as_str()) {
                return Err(HqError::BadRequest(format!(
                    "sku {:?} appears twice",
                    product.sku
                )));
            }
        }
        for store in self.storage.stores().await? {
            let classes: HashSet<&str> = store
                .info
                .tax_classes
                .iter()
                .map(|c| c.code.as_str())
                .collect();
            if let Some(product) = products
                .iter()
                .find(|p| !classes.contains(p.tax_class.as_str()))
            {
                return Err(HqError::BadRequest(format!(
                    "sku {:?}: tax class {:?} is not set up in store {}",
                    product.sku, product.tax_class, store.info.code
                )));
            }
        }
        let (_, existing) = self.storage.catalogue_since(0).await?;
        let mut owner: HashMap<&str, &str> = HashMap::new();
        // The catalogue as it will be: the import's products, and the others as they are.
        let kept = existing.iter().filter(|p| !seen.contains(p.sku.as_str()));
        for product in products.iter().chain(kept) {
            for code in &product.barcodes {
                let Some(&other) = owner.get(code.as_str()) else {
                    owner.insert(code.as_str(), product.sku.as_str());
                    continue;
                };
                // Two stored products that already clash (stored before these checks) are not
                // this import's doing, and must not stop the import that fixes them.
                if seen.contains(other) || seen.contains(product.sku.as_str()) {
                    let both_sent = seen.contains(other) && seen.contains(product.sku.as_str());
                    let hint = if both_sent {
                        ""
                    } else {
                        " (to move it, send the product it leaves without it in the same import)"
                    };
                    return Err(HqError::BadRequest(format!(
                        "barcode {code:?} is on sku {:?} and sku {other:?}{hint}",
                        product.sku
                    )));
                }
            }
        }
        let version = self.storage.put_catalogue(products).await?;
        Ok((version, products.len()))
    }

    /// Prices are in the stores' currency; the catalogue follows the first store's minor digits
    /// (two when there is no store yet).
    pub(crate) async fn catalogue_minor_digits(&self) -> Result<u8, HqError> {
        let stores = self.storage.stores().await?;
        Ok(stores
            .first()
            .and_then(|s| kassa_domain::Currency::from_iso(&s.info.currency).ok())
            .map_or(2, |c| c.minor_digits))
    }
}
