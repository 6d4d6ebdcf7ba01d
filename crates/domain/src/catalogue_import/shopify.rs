//! Shopify's product CSV, as its admin exports it (Products > Export): one row per variant, the
//! product's own fields (Title, Type, Status) on its first row only, rows of one product sharing
//! a Handle, and rows that carry only an extra image. Columns Kassa does not need (Body (HTML),
//! Vendor, images, SEO, Google Shopping, metafields) are ignored.

use super::columns::{barcode, for_each_record, price_text, reader, Columns};
use super::{ExportRow, TaxField};
use crate::catalogue_csv::CsvRowError;
use crate::money::parse_amount;
use crate::Product;

/// Tax field keys: Shopify says only whether a variant is taxable (or, with Shopify Tax or
/// Avalara, gives a tax code).
pub(crate) const TAXABLE: &str = "shopify:taxable";
pub(crate) const NOT_TAXABLE: &str = "shopify:not-taxable";

const FORMAT: &str = "Shopify product export";

/// The product fields a variant row inherits from its product's first row.
#[derive(Default)]
struct Parent {
    handle: String,
    title: String,
    category: Option<String>,
    active: bool,
    gift_card: bool,
}

pub(crate) fn parse(
    bytes: &[u8],
    minor_digits: u8,
) -> Result<(Vec<ExportRow>, Vec<CsvRowError>), CsvRowError> {
    let mut reader = reader(bytes);
    let columns = Columns::read(&mut reader, FORMAT, &["Handle", "Title", "Variant Price"])?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut parent = Parent::default();
    for_each_record(&mut reader, |line, record| {
        match record.and_then(|record| row(&columns, record, &mut parent, minor_digits)) {
            Ok(Some((product, tax))) => rows.push(ExportRow { line, product, tax }),
            Ok(None) => {}
            Err(message) => errors.push(CsvRowError { line, message }),
        }
    });
    Ok((rows, errors))
}

/// One row: a variant (a product for Kassa), or `None` for a row that only adds an image.
fn row(
    columns: &Columns,
    record: &csv::ByteRecord,
    parent: &mut Parent,
    minor_digits: u8,
) -> Result<Option<(Product, TaxField)>, String> {
    let field = |name: &str| columns.get(record, name);
    let handle = field("Handle")?;
    if handle.is_empty() {
        return Err("Handle is empty".into());
    }
    if handle != parent.handle {
        // A product's first row carries its own fields.
        let title = field("Title")?;
        if title.is_empty() {
            return Err(format!("the first row of {handle:?} has no Title"));
        }
        let product_type = field("Type")?;
        let category = if product_type.is_empty() {
            // "Apparel & Accessories > Clothing > Shirts": the last level names it.
            field("Product Category")?
                .rsplit('>')
                .next()
                .map(str::trim)
                .unwrap_or_default()
        } else {
            product_type
        };
        let active = match field("Status")?.to_ascii_lowercase().as_str() {
            "active" => true,
            "draft" | "archived" | "unlisted" => false,
            // Exports from before the Status column say whether the product is published.
            "" => !field("Published")?.eq_ignore_ascii_case("false"),
            other => return Err(format!("Status {other:?} is not active, draft or archived")),
        };
        *parent = Parent {
            handle: handle.to_string(),
            title: title.to_string(),
            category: Some(category.to_string()).filter(|c| !c.is_empty()),
            active,
            gift_card: field("Gift Card")?.eq_ignore_ascii_case("true"),
        };
    }
    let price = field("Variant Price")?;
    let sku = field("Variant SKU")?;
    let options: Vec<&str> = ["Option1 Value", "Option2 Value", "Option3 Value"]
        .iter()
        .map(|c| field(c))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|v| !v.is_empty() && *v != "Default Title")
        .collect();
    if price.is_empty() && sku.is_empty() && options.is_empty() {
        return Ok(None);
    }
    if parent.gift_card {
        return Err(format!(
            "{:?} is a Shopify gift card: gift cards are not catalogue products in Kassa",
            parent.title
        ));
    }
    let price = parse_amount(&price_text(price), minor_digits)
        .map_err(|e| format!("Variant Price: {e}"))?;
    let name = if options.is_empty() {
        parent.title.clone()
    } else {
        format!("{} – {}", parent.title, options.join(" / "))
    };
    // Shopify does not require SKUs; Kassa does. A variant without one is named by its handle
    // and options, which stay the same from one export to the next.
    let sku = if sku.is_empty() {
        let mut made = parent.handle.clone();
        for option in &options {
            made.push('-');
            made.extend(option.chars().filter(|c| !c.is_whitespace()));
        }
        made
    } else {
        sku.to_string()
    };
    let tax_code = field("Variant Tax Code")?;
    let tax = if !tax_code.is_empty() {
        TaxField {
            key: format!("shopify:code:{tax_code}"),
            label: format!("Shopify tax code {tax_code}"),
            rate_bp: None,
            rows: 0,
        }
    } else if field("Variant Taxable")?.eq_ignore_ascii_case("false") {
        TaxField {
            key: NOT_TAXABLE.into(),
            label: "Not taxable (Variant Taxable = FALSE)".into(),
            rate_bp: None,
            rows: 0,
        }
    } else {
        TaxField {
            key: TAXABLE.into(),
            label: "Taxable (Variant Taxable = TRUE)".into(),
            rate_bp: None,
            rows: 0,
        }
    };
    let product = Product {
        sku,
        name,
        price,
        tax_class: tax.key.clone(),
        category: parent.category.clone(),
        barcodes: barcode(field("Variant Barcode")?).into_iter().collect(),
        active: parent.active,
        scheduled_prices: Vec::new(),
    };
    product.validate().map_err(|e| e.to_string())?;
    Ok(Some((product, tax)))
}
