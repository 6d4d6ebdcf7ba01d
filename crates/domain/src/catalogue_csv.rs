//! The catalogue CSV format (documented in the README): parsing and row validation.
//!
//! Columns, by header name in any order: `sku`, `name`, `price`, `tax_class` (required),
//! `barcodes` (several separated by `|`), `category`, `active` (`true`/`false`, default true).
//! Every problem is reported with its line number; the caller decides whether a file with bad
//! rows is refused whole (the default) or its good rows imported.

use crate::catalogue::Product;
use crate::money::parse_amount;
use serde::Serialize;
use std::collections::HashMap;

const REQUIRED: [&str; 4] = ["sku", "name", "price", "tax_class"];
const KNOWN: [&str; 7] = [
    "sku",
    "name",
    "price",
    "tax_class",
    "barcodes",
    "category",
    "active",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvProduct {
    /// 1-based line of the file this product came from.
    pub line: u64,
    pub product: Product,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CsvRowError {
    pub line: u64,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogueCsv {
    pub products: Vec<CsvProduct>,
    pub errors: Vec<CsvRowError>,
}

/// Parses a catalogue file. A bad header is an error for the whole file (line 1); bad rows are
/// collected in `errors` and left out of `products`.
pub fn parse_catalogue_csv(bytes: &[u8], minor_digits: u8) -> Result<CatalogueCsv, CsvRowError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header_error = |message: String| CsvRowError { line: 1, message };
    let headers = reader
        .byte_headers()
        .map_err(|e| header_error(format!("cannot read the header: {e}")))?
        .clone();
    let mut columns: HashMap<String, usize> = HashMap::new();
    for (index, raw) in headers.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| header_error("header is not valid UTF-8".into()))?;
        let name = name
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        if !KNOWN.contains(&name.as_str()) {
            return Err(header_error(format!(
                "unknown column {name:?} (known: {})",
                KNOWN.join(", ")
            )));
        }
        if columns.insert(name.clone(), index).is_some() {
            return Err(header_error(format!("column {name:?} appears twice")));
        }
    }
    for required in REQUIRED {
        if !columns.contains_key(required) {
            return Err(header_error(format!("missing column {required:?}")));
        }
    }

    let mut out = CatalogueCsv::default();
    let mut seen_skus: HashMap<String, u64> = HashMap::new();
    let mut seen_barcodes: HashMap<String, u64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                out.errors.push(CsvRowError {
                    line,
                    message: malformed_message(&e),
                });
                // A structural CSV error (an unterminated quote) may leave the reader unable to go
                // on; stop at the first one rather than guess.
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        match parse_row(&record, &columns, minor_digits) {
            Ok(product) => {
                if let Some(first) = seen_skus.insert(product.sku.clone(), line) {
                    out.errors.push(CsvRowError {
                        line,
                        message: format!("sku {:?} already on line {first}", product.sku),
                    });
                    continue;
                }
                if let Some((code, first)) = product
                    .barcodes
                    .iter()
                    .find_map(|c| seen_barcodes.get(c).map(|l| (c, *l)))
                {
                    out.errors.push(CsvRowError {
                        line,
                        message: format!("barcode {code:?} already on line {first}"),
                    });
                    continue;
                }
                for code in &product.barcodes {
                    seen_barcodes.insert(code.clone(), line);
                }
                out.products.push(CsvProduct { line, product });
            }
            Err(message) => out.errors.push(CsvRowError { line, message }),
        }
    }
    Ok(out)
}

fn malformed_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields, found {len}")
        }
        _ => format!("malformed CSV: {e}"),
    }
}

fn parse_row(
    record: &csv::ByteRecord,
    columns: &HashMap<String, usize>,
    minor_digits: u8,
) -> Result<Product, String> {
    let field = |name: &str| -> Result<&str, String> {
        match columns.get(name).and_then(|&i| record.get(i)) {
            Some(raw) => std::str::from_utf8(raw)
                .map(str::trim)
                .map_err(|_| format!("column {name:?} is not valid UTF-8")),
            None => Ok(""),
        }
    };
    let price_text = field("price")?;
    let price = parse_amount(price_text, minor_digits).map_err(|e| format!("price: {e}"))?;
    let barcodes: Vec<String> = field("barcodes")?
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let category = Some(field("category")?.to_string()).filter(|c| !c.is_empty());
    let active = match field("active")?.to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" => true,
        "false" | "0" | "no" => false,
        other => return Err(format!("active must be true or false, got {other:?}")),
    };
    let tax_class = field("tax_class")?.to_string();
    if tax_class.is_empty() {
        return Err("tax_class is empty".into());
    }
    let product = Product {
        sku: field("sku")?.to_string(),
        name: field("name")?.to_string(),
        price,
        tax_class,
        category,
        barcodes,
        active,
        scheduled_prices: Vec::new(),
    };
    product.validate().map_err(|e| e.to_string())?;
    Ok(product)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_good_file() {
        let csv = "sku,name,price,tax_class,barcodes,category,active\n\
                   MILK,Whole milk 1 L,1.29,reduced,4006381333931|96385074,Dairy,true\n\
                   \"BAG\",\"Bag, paper\",0.10,standard,,,false\n";
        let parsed = parse_catalogue_csv(csv.as_bytes(), 2).unwrap();
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.products.len(), 2);
        let milk = &parsed.products[0];
        assert_eq!(
            (
                milk.line,
                milk.product.price.minor(),
                milk.product.barcodes.len()
            ),
            (2, 129, 2)
        );
        let bag = &parsed.products[1].product;
        assert_eq!(
            (bag.name.as_str(), bag.active, bag.category.clone()),
            ("Bag, paper", false, None)
        );
    }

    #[test]
    fn reports_bad_rows_with_line_numbers() {
        let mut csv = b"sku,name,price,tax_class,barcodes\n\
                    OK1,Fine,1.00,standard,\n\
                    BAD1,Price,1.005,standard,\n\
                    BAD2,Barcode,1.00,standard,4006381333932\n\
                    BAD3,Fields,1.00\n\
                    OK1,Duplicate,1.00,standard,\n"
            .to_vec();
        csv.extend_from_slice(b"BAD4,Caf\xe9,1.00,standard,\n");
        let parsed = parse_catalogue_csv(&csv, 2).unwrap();
        let lines: Vec<u64> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{:?}", parsed.errors);
        assert!(
            parsed.errors[4].message.contains("UTF-8"),
            "{:?}",
            parsed.errors[4]
        );
        assert_eq!(parsed.products.len(), 1);
    }

    #[test]
    fn refuses_bad_headers() {
        assert!(parse_catalogue_csv(b"sku,name,price\n", 2)
            .unwrap_err()
            .message
            .contains("tax_class"));
        assert!(parse_catalogue_csv(b"sku,name,price,tax_class,colour\n", 2)
            .unwrap_err()
            .message
            .contains("colour"));
        assert!(parse_catalogue_csv(b"sku,sku,name,price,tax_class\n", 2).is_err());
    }
}
