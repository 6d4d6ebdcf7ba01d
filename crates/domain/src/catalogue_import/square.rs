//! Square's item library export (Items > Actions > Export library, CSV): one row per item
//! variation, the item's name repeated on each; a column per tax the merchant set up, headed
//! `Tax - <name> (<rate>%)`, holding Y or N; and columns per location (quantities, prices) that
//! Kassa does not need.

use super::columns::{barcode, for_each_record, price_text, reader, Columns};
use super::{ExportRow, TaxField};
use crate::catalogue_csv::CsvRowError;
use crate::money::parse_amount;
use crate::tax::TaxRate;
use crate::Product;

const FORMAT: &str = "Square item library export";
/// The tax field of a row that no tax applies to.
const UNTAXED: &str = "square:none";

/// A tax column: its index, its name as Square wrote it, and the rate stated in it.
struct TaxColumn {
    index: usize,
    name: String,
    rate_bp: Option<u32>,
}

pub(crate) fn parse(
    bytes: &[u8],
    minor_digits: u8,
) -> Result<(Vec<ExportRow>, Vec<CsvRowError>), CsvRowError> {
    let mut reader = reader(bytes);
    let columns = Columns::read(&mut reader, FORMAT, &["Item Name", "Price"])?;
    let taxes: Vec<TaxColumn> = columns
        .names
        .iter()
        .enumerate()
        .filter_map(|(index, name)| {
            let tax = name.strip_prefix("Tax - ")?.trim();
            Some(TaxColumn {
                index,
                name: tax.to_string(),
                rate_bp: stated_rate(tax),
            })
        })
        .collect();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for_each_record(&mut reader, |line, record| {
        match record.and_then(|record| row(&columns, &taxes, record, minor_digits)) {
            Ok((product, tax)) => rows.push(ExportRow { line, product, tax }),
            Err(message) => errors.push(CsvRowError { line, message }),
        }
    });
    Ok((rows, errors))
}

/// The rate in a tax's name, "VAT (20%)" or "Sales Tax (6.625%)", in basis points; `None` when
/// it states none or more precision than a basis point.
fn stated_rate(name: &str) -> Option<u32> {
    let inside = name.rsplit_once('(')?.1.strip_suffix("%)")?.trim();
    let (whole, fraction) = inside.split_once('.').unwrap_or((inside, ""));
    if fraction.len() > 2 || whole.is_empty() {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction: u32 = format!("{fraction:0<2}").parse().ok()?;
    let bp = whole.checked_mul(100)?.checked_add(fraction)?;
    TaxRate::from_basis_points(bp)
        .ok()
        .map(|r| r.basis_points())
}

fn row(
    columns: &Columns,
    taxes: &[TaxColumn],
    record: &csv::ByteRecord,
    minor_digits: u8,
) -> Result<(Product, TaxField), String> {
    let field = |name: &str| columns.get(record, name);
    let item = field("Item Name")?;
    if item.is_empty() {
        return Err("Item Name is empty".into());
    }
    let variation = field("Variation Name")?;
    let name = if variation.is_empty() || variation.eq_ignore_ascii_case("Regular") {
        item.to_string()
    } else {
        format!("{item} – {variation}")
    };
    let price = field("Price")?;
    if price.is_empty() || price.eq_ignore_ascii_case("variable") {
        return Err(format!(
            "{name:?} has a variable price in Square; Kassa needs a price"
        ));
    }
    let price =
        parse_amount(&price_text(price), minor_digits).map_err(|e| format!("Price: {e}"))?;
    // Square does not require SKUs; its token names the variation for good.
    let sku = match (field("SKU")?, field("Token")?) {
        ("", "") => return Err(format!("{name:?} has neither a SKU nor a Token")),
        ("", token) => token,
        (sku, _) => sku,
    };
    // Newer exports list categories ("Categories", comma separated), older ones one "Category";
    // the reporting category is the one reports group by.
    let category = [
        field("Reporting Category")?,
        field("Categories")?,
        field("Category")?,
    ]
    .into_iter()
    .find(|c| !c.is_empty())
    .and_then(|c| c.split(',').next())
    .map(|c| c.trim().to_string());
    let yes = |text: &str| text.eq_ignore_ascii_case("Y") || text.eq_ignore_ascii_case("yes");
    let active = !yes(field("Archived")?) && !field("Sellable")?.eq_ignore_ascii_case("N");
    let mut applied = Vec::new();
    for tax in taxes {
        if yes(Columns::at(record, tax.index)?) {
            applied.push(tax);
        }
    }
    let tax = if applied.is_empty() {
        TaxField {
            key: UNTAXED.into(),
            label: "No Square tax applies".into(),
            rate_bp: Some(0),
            rows: 0,
        }
    } else {
        let names: Vec<&str> = applied.iter().map(|t| t.name.as_str()).collect();
        TaxField {
            key: format!("square:{}", names.join(" + ")),
            label: names.join(" + "),
            rate_bp: applied
                .iter()
                .try_fold(0u32, |sum, t| sum.checked_add(t.rate_bp?)),
            rows: 0,
        }
    };
    let product = Product {
        sku: sku.to_string(),
        name,
        price,
        tax_class: tax.key.clone(),
        category: category.filter(|c| !c.is_empty()),
        barcodes: barcode(field("GTIN")?).into_iter().collect(),
        active,
        scheduled_prices: Vec::new(),
    };
    product.validate().map_err(|e| e.to_string())?;
    Ok((product, tax))
}

#[cfg(test)]
mod tests {
    use super::stated_rate;

    #[test]
    fn reads_the_rate_in_a_tax_name() {
        assert_eq!(stated_rate("VAT (20%)"), Some(2000));
        assert_eq!(
            stated_rate("NJ Sales Tax (6.625%)"),
            None,
            "finer than a basis point"
        );
        assert_eq!(stated_rate("Reduced (5.5%)"), Some(550));
        assert_eq!(stated_rate("Zero (0%)"), Some(0));
        assert_eq!(stated_rate("Takeaway"), None);
        assert_eq!(stated_rate("Odd (999999999999%)"), None);
        assert_eq!(stated_rate("Neg (-5%)"), None);
    }
}
