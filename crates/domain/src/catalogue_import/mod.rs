//! Catalogues from other tills' exports: a Shopify product CSV and a Square item library CSV, as
//! those tools write them (their columns are described in `samples/imports/README.md`), beside
//! Kassa's own CSV format. A store moving to Kassa brings its catalogue in one step.
//!
//! Neither export names Kassa's tax classes: a Shopify row says only whether it is taxable (or a
//! tax code), a Square row which of the merchant's taxes apply. Each distinct answer is a
//! [`TaxField`]; the person importing maps every one to a store tax class before anything is
//! applied ([`ParsedImport::with_tax_classes`]). Parsing never stops at a bad row: every one is
//! listed with its line, so a preview can show them all.

mod columns;
mod shopify;
mod square;

use crate::catalogue_csv::{parse_catalogue_csv, CsvProduct, CsvRowError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The layout of a file to import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CatalogueFormat {
    /// Kassa's own CSV (the README's format), tax classes named in the file.
    Kassa,
    /// A Shopify product export (Products > Export > CSV for Excel or plain CSV).
    Shopify,
    /// A Square item library export (Items > Actions > Export library > CSV).
    Square,
}

impl CatalogueFormat {
    pub fn parse(text: &str) -> Option<CatalogueFormat> {
        match text {
            "kassa" => Some(CatalogueFormat::Kassa),
            "shopify" => Some(CatalogueFormat::Shopify),
            "square" => Some(CatalogueFormat::Square),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CatalogueFormat::Kassa => "kassa",
            CatalogueFormat::Shopify => "shopify",
            CatalogueFormat::Square => "square",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CatalogueFormat::Kassa => "Kassa CSV",
            CatalogueFormat::Shopify => "Shopify product export",
            CatalogueFormat::Square => "Square item library export",
        }
    }
}

/// One answer an export gives about tax, to be mapped to a store tax class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaxField {
    /// What the rows carry in place of a tax class until they are mapped.
    pub key: String,
    /// What the export said, for the person choosing the class.
    pub label: String,
    /// The rate the export states, in basis points (Square names its taxes with their rate;
    /// Shopify states none).
    pub rate_bp: Option<u32>,
    /// How many of the file's good rows carry it.
    pub rows: usize,
}

/// A file read for import: its good rows, every bad row, and the tax answers to map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedImport {
    /// Good rows. For an export, each product's `tax_class` holds its [`TaxField::key`] until
    /// mapped.
    pub products: Vec<CsvProduct>,
    pub errors: Vec<CsvRowError>,
    /// Empty for Kassa's format, whose rows name their class.
    pub tax_fields: Vec<TaxField>,
}

/// Reads `bytes` as `format`. A header that is not the format's is an error for the whole file
/// (line 1); bad rows are listed in `errors` and left out.
pub fn parse_catalogue_import(
    format: CatalogueFormat,
    bytes: &[u8],
    minor_digits: u8,
) -> Result<ParsedImport, CsvRowError> {
    let (products, errors) = match format {
        CatalogueFormat::Kassa => {
            let parsed = parse_catalogue_csv(bytes, minor_digits)?;
            return Ok(ParsedImport {
                products: parsed.products,
                errors: parsed.errors,
                tax_fields: Vec::new(),
            });
        }
        CatalogueFormat::Shopify => shopify::parse(bytes, minor_digits)?,
        CatalogueFormat::Square => square::parse(bytes, minor_digits)?,
    };
    Ok(checked(products, errors))
}

/// A row of an export, before the file-wide checks: the product with its tax field.
pub(crate) struct ExportRow {
    pub line: u64,
    pub product: crate::Product,
    pub tax: TaxField,
}

/// The file-wide checks every format gets (one SKU once, one barcode on one product), and the
/// tax fields the good rows carry.
fn checked(rows: Vec<ExportRow>, mut errors: Vec<CsvRowError>) -> ParsedImport {
    let mut seen_skus: HashMap<String, u64> = HashMap::new();
    let mut seen_barcodes: HashMap<String, u64> = HashMap::new();
    let mut fields: BTreeMap<String, TaxField> = BTreeMap::new();
    let mut products = Vec::new();
    for row in rows {
        if let Some(first) = seen_skus.get(&row.product.sku) {
            errors.push(CsvRowError {
                line: row.line,
                message: format!("sku {:?} already on line {first}", row.product.sku),
            });
            continue;
        }
        if let Some((code, first)) = row
            .product
            .barcodes
            .iter()
            .find_map(|c| seen_barcodes.get(c).map(|l| (c, *l)))
        {
            errors.push(CsvRowError {
                line: row.line,
                message: format!("barcode {code:?} already on line {first}"),
            });
            continue;
        }
        seen_skus.insert(row.product.sku.clone(), row.line);
        for code in &row.product.barcodes {
            seen_barcodes.insert(code.clone(), row.line);
        }
        fields
            .entry(row.tax.key.clone())
            .or_insert(TaxField { rows: 0, ..row.tax })
            .rows += 1;
        products.push(CsvProduct {
            line: row.line,
            product: row.product,
        });
    }
    errors.sort_by_key(|e| e.line);
    ParsedImport {
        products,
        errors,
        tax_fields: fields.into_values().collect(),
    }
}

impl ParsedImport {
    /// The products with each tax field replaced by the store tax class `mapping` names for it.
    /// Every field of the file must be mapped (an unmapped one is an error naming it).
    pub fn with_tax_classes(
        self,
        mapping: &HashMap<String, String>,
    ) -> Result<Vec<CsvProduct>, String> {
        if self.tax_fields.is_empty() {
            return Ok(self.products);
        }
        if let Some(field) = self
            .tax_fields
            .iter()
            .find(|f| mapping.get(&f.key).is_none_or(|c| c.is_empty()))
        {
            return Err(format!("choose a tax class for {:?}", field.label));
        }
        Ok(self
            .products
            .into_iter()
            .map(|mut row| {
                if let Some(class) = mapping.get(&row.product.tax_class) {
                    row.product.tax_class = class.clone();
                }
                row
            })
            .collect())
    }
}

/// The store class a tax field most likely means, for the preview's first choice (a person
/// confirms it): a class of the stated rate; for "not taxable", a zero-rate class; otherwise the
/// class called `standard`, or the highest rate.
pub fn suggested_tax_class<'a>(field: &TaxField, classes: &'a [(String, u32)]) -> Option<&'a str> {
    let of_rate = |rate: u32| {
        classes
            .iter()
            .find(|(_, r)| *r == rate)
            .map(|(c, _)| c.as_str())
    };
    if let Some(rate) = field.rate_bp {
        return of_rate(rate);
    }
    if field.key == shopify::NOT_TAXABLE {
        return of_rate(0);
    }
    classes
        .iter()
        .find(|(code, _)| code == "standard")
        .or_else(|| classes.iter().max_by_key(|(_, rate)| *rate))
        .map(|(code, _)| code.as_str())
}

#[cfg(test)]
mod tests;
