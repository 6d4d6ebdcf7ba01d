//! Catalogue changes made in the console: a file uploaded, previewed with every bad row and its
//! tax fields mapped, then applied only when confirmed; prices scheduled for a later instant; and
//! the catalogue search. The same checks as every import (`Hq::import_catalogue`) apply.

use crate::error::HqError;
use crate::hq::Hq;
use crate::storage::{PendingImport, PENDING_IMPORT_LIFETIME};
use crate::tokens::random_secret;
use chrono::{DateTime, Utc};
use kassa_domain::{
    parse_catalogue_import, CatalogueFormat, CsvRowError, Money, ParsedImport, Product,
    ScheduledPrice,
};
use std::collections::{HashMap, HashSet};

/// Largest catalogue file the console takes: 300,000 products in Kassa's format, or a Shopify
/// export of some 50,000 variants with its many columns.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// An uploaded file as its preview shows it.
#[derive(Debug)]
pub struct ImportPreview {
    pub id: String,
    pub format: CatalogueFormat,
    pub parsed: ParsedImport,
    /// Of the good rows: how many add a product, change one, or leave it as it is.
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// SKUs of the good rows that change or add a product (to mark them in the preview).
    pub changes: HashSet<String>,
    /// The tax classes a product may take: those set up in every store, with their rates.
    pub classes: Vec<(String, u32)>,
    pub minor_digits: u8,
}

/// What a confirmed import did.
#[derive(Debug, PartialEq, Eq)]
pub struct ImportApplied {
    pub version: i64,
    pub products: usize,
    pub skipped: Vec<CsvRowError>,
}

impl Hq {
    /// Keeps an uploaded file for its preview; nothing in the catalogue changes. The id names it
    /// in the preview and the confirmation.
    pub async fn upload_catalogue_import(
        &self,
        user_name: &str,
        format: CatalogueFormat,
        file: Vec<u8>,
    ) -> Result<String, HqError> {
        if file.is_empty() {
            return Err(HqError::BadRequest("the file is empty".into()));
        }
        if file.len() > MAX_IMPORT_BYTES {
            return Err(HqError::BadRequest(format!(
                "the file is larger than {} MB",
                MAX_IMPORT_BYTES / (1024 * 1024)
            )));
        }
        let id = random_secret(16);
        self.storage
            .add_pending_import(&PendingImport {
                id: id.clone(),
                user_name: user_name.to_string(),
                format: format.as_str().to_string(),
                file,
                created_at: Utc::now(),
            })
            .await?;
        Ok(id)
    }

    /// An uploaded file read as it would be applied, compared with the catalogue as it is. Only
    /// the user who uploaded it sees it.
    pub async fn preview_catalogue_import(
        &self,
        user_name: &str,
        id: &str,
    ) -> Result<ImportPreview, HqError> {
        let pending = self.pending_import_of(user_name, id).await?;
        let format = CatalogueFormat::parse(&pending.format)
            .ok_or_else(|| HqError::Corrupt(format!("import format {:?}", pending.format)))?;
        let minor_digits = self.catalogue_minor_digits().await?;
        let parsed = parse_catalogue_import(format, &pending.file, minor_digits)
            .map_err(|e| HqError::BadRequest(format!("line {}: {}", e.line, e.message)))?;
        let (_, existing) = self.storage.catalogue_since(0).await?;
        let existing: HashMap<&str, &Product> =
            existing.iter().map(|p| (p.sku.as_str(), p)).collect();
        let (mut new, mut changed, mut unchanged) = (0, 0, 0);
        let mut changes = HashSet::new();
        for row in &parsed.products {
            match existing.get(row.product.sku.as_str()) {
                None => new += 1,
                // An export's row carries its tax field, not a class: compare the rest.
                Some(old) if same_but_tax(old, &row.product, parsed.tax_fields.is_empty()) => {
                    unchanged += 1;
                    continue;
                }
                Some(_) => changed += 1,
            }
            changes.insert(row.product.sku.clone());
        }
        Ok(ImportPreview {
            id: pending.id,
            format,
            parsed,
            new,
            changed,
            unchanged,
            changes,
            classes: self.chain_tax_classes().await?,
            minor_digits,
        })
    }

    /// Applies an uploaded file's good rows, each tax field as `mapping` says, as one catalogue
    /// version; its bad rows are left out (the preview listed them). Refused whole, changing
    /// nothing, when a mapped class is not set up in every store or a row clashes with the
    /// catalogue.
    pub async fn confirm_catalogue_import(
        &self,
        user_name: &str,
        id: &str,
        mapping: &HashMap<String, String>,
    ) -> Result<ImportApplied, HqError> {
        let preview = self.preview_catalogue_import(user_name, id).await?;
        let skipped = preview.parsed.errors.clone();
        let rows = preview
            .parsed
            .with_tax_classes(mapping)
            .map_err(HqError::BadRequest)?;
        if rows.is_empty() {
            return Err(HqError::BadRequest(
                "the file has no good row to import".into(),
            ));
        }
        let products: Vec<Product> = rows.into_iter().map(|row| row.product).collect();
        let (version, count) = self.import_catalogue(&products).await?;
        // Confirming twice (a double click, two tabs) imports the same products again: a version
        // with nothing new, never anything else.
        self.storage.end_pending_import(id).await?;
        Ok(ImportApplied {
            version,
            products: count,
            skipped,
        })
    }

    /// Drops an uploaded file without applying it.
    pub async fn discard_catalogue_import(&self, user_name: &str, id: &str) -> Result<(), HqError> {
        self.pending_import_of(user_name, id).await?;
        self.storage.end_pending_import(id).await?;
        Ok(())
    }

    async fn pending_import_of(&self, user_name: &str, id: &str) -> Result<PendingImport, HqError> {
        let gone = || {
            HqError::NotFound(
                "this import (it was applied, discarded, or is older than an hour)".into(),
            )
        };
        let pending = self
            .storage
            .pending_import(id, Utc::now() - PENDING_IMPORT_LIFETIME)
            .await?
            .ok_or_else(gone)?;
        // Another user's upload is as good as absent: its id proves nothing about who asks.
        if pending.user_name != user_name {
            return Err(gone());
        }
        Ok(pending)
    }

    /// Schedules `price` for `sku` from `from` on: a new catalogue version, which tills receive
    /// ahead and apply at that instant on their own clock. An instant already past applies now.
    pub async fn schedule_price(
        &self,
        sku: &str,
        price: Money,
        from: DateTime<Utc>,
    ) -> Result<Product, HqError> {
        let product = self
            .storage
            .product(sku)
            .await?
            .ok_or_else(|| HqError::NotFound(format!("product {sku:?}")))?;
        let change = ScheduledPrice {
            from: from.timestamp(),
            price,
        };
        let product = product.with_scheduled_price(change, Utc::now().timestamp());
        self.import_catalogue(std::slice::from_ref(&product))
            .await?;
        Ok(product)
    }

    /// Products whose SKU starts with `text` or whose name holds it, at most `limit`.
    pub async fn search_catalogue(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<Product>, HqError> {
        let text: String = text.trim().chars().take(100).collect();
        self.storage
            .search_catalogue(&text, limit.clamp(1, 500))
            .await
    }

    /// The tax classes set up in every store (what a product may take), with their rates as the
    /// first store has them.
    pub async fn chain_tax_classes(&self) -> Result<Vec<(String, u32)>, HqError> {
        let stores = self.storage.stores().await?;
        let Some(first) = stores.first() else {
            return Ok(Vec::new());
        };
        Ok(first
            .info
            .tax_classes
            .iter()
            .filter(|class| {
                stores
                    .iter()
                    .all(|s| s.info.tax_classes.iter().any(|c| c.code == class.code))
            })
            .map(|c| (c.code.clone(), c.rate_bp))
            .collect())
    }
}

/// Whether an import's row leaves a stored product as it is (its tax class compared only when the
/// file names classes).
fn same_but_tax(old: &Product, new: &Product, compare_tax: bool) -> bool {
    old.name == new.name
        && old.price == new.price
        && old.category == new.category
        && old.barcodes == new.barcodes
        && old.active == new.active
        && (!compare_tax || old.tax_class == new.tax_class)
}
