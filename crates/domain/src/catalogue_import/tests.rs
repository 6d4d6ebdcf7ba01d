use super::*;
use crate::Money;

const SHOPIFY: &[u8] = include_bytes!("../../../../samples/imports/shopify_products_export.csv");
const SQUARE: &[u8] = include_bytes!("../../../../samples/imports/square_item_library_export.csv");

fn store_classes() -> Vec<(String, u32)> {
    vec![
        ("standard".into(), 2100),
        ("reduced".into(), 900),
        ("zero".into(), 0),
    ]
}

fn by_sku<'a>(parsed: &'a ParsedImport, sku: &str) -> &'a crate::Product {
    &parsed
        .products
        .iter()
        .find(|p| p.product.sku == sku)
        .unwrap_or_else(|| panic!("{sku} not imported: {:?}", parsed.errors))
        .product
}

#[test]
fn reads_the_sample_shopify_export() {
    let parsed = parse_catalogue_import(CatalogueFormat::Shopify, SHOPIFY, 2).unwrap();
    let skus: Vec<&str> = parsed
        .products
        .iter()
        .map(|p| p.product.sku.as_str())
        .collect();
    assert_eq!(
        skus,
        [
            "TEE-ORG-S",
            "TEE-ORG-M",
            "ceramic-mug",
            "BOOK-CITYWALKS",
            "SCARF-GRN"
        ],
        "one product per variant; the image-only row is none"
    );
    let tee = by_sku(&parsed, "TEE-ORG-M");
    assert_eq!(
        tee.name, "Organic cotton tee – M",
        "variant rows inherit the title"
    );
    assert_eq!(tee.price, Money::from_minor(2495));
    assert_eq!(tee.category.as_deref(), Some("T-shirts"));
    assert_eq!(
        tee.barcodes,
        ["8712345000028"],
        "Excel's text mark is dropped"
    );
    let mug = by_sku(&parsed, "ceramic-mug");
    assert_eq!(
        mug.name, "Ceramic mug, 350 ml",
        "no variant name for Default Title"
    );
    assert_eq!(
        mug.category.as_deref(),
        Some("Mugs"),
        "the last level of the category"
    );
    assert!(!by_sku(&parsed, "SCARF-GRN").active, "a draft is inactive");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert!(parsed.errors[0].message.contains("gift card"));
    assert_eq!(parsed.errors[0].line, 8);

    let keys: Vec<(&str, usize)> = parsed
        .tax_fields
        .iter()
        .map(|f| (f.key.as_str(), f.rows))
        .collect();
    assert_eq!(keys, [(shopify::NOT_TAXABLE, 1), (shopify::TAXABLE, 4)]);
    let classes = store_classes();
    let suggested: Vec<_> = parsed
        .tax_fields
        .iter()
        .map(|f| suggested_tax_class(f, &classes))
        .collect();
    assert_eq!(suggested, [Some("zero"), Some("standard")]);

    let mapping: HashMap<String, String> = [
        (shopify::TAXABLE.to_string(), "standard".to_string()),
        (shopify::NOT_TAXABLE.to_string(), "zero".to_string()),
    ]
    .into();
    let unmapped = parsed
        .clone()
        .with_tax_classes(&HashMap::new())
        .unwrap_err();
    assert!(unmapped.contains("Taxable"), "{unmapped}");
    let products = parsed.with_tax_classes(&mapping).unwrap();
    let class_of = |sku: &str| {
        products
            .iter()
            .find(|p| p.product.sku == sku)
            .map(|p| p.product.tax_class.clone())
    };
    assert_eq!(class_of("BOOK-CITYWALKS").as_deref(), Some("zero"));
    assert_eq!(class_of("TEE-ORG-S").as_deref(), Some("standard"));
}

#[test]
fn reads_the_sample_square_export() {
    let parsed = parse_catalogue_import(CatalogueFormat::Square, SQUARE, 2).unwrap();
    let coffee = by_sku(&parsed, "COF-FILTER-1000");
    assert_eq!(coffee.name, "Filter coffee beans – 1 kg");
    assert_eq!(
        coffee.price,
        Money::from_minor(2900),
        "the currency sign goes"
    );
    assert_eq!(coffee.category.as_deref(), Some("Coffee"));
    let kettle = by_sku(&parsed, "KETTLE-PO");
    assert_eq!(
        kettle.name, "Pour-over kettle",
        "the Regular variation adds nothing"
    );
    assert_eq!(
        kettle.price,
        Money::from_minor(104_900),
        "thousands separators go"
    );
    let filters = by_sku(&parsed, "7QZJXWUGCJ4KZ3L6XQO2Y6JD");
    assert_eq!(filters.name, "Paper filters", "no SKU: the token names it");
    assert!(!by_sku(&parsed, "MUG-OLD").active, "archived is inactive");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert!(parsed.errors[0].message.contains("variable price"));

    let classes = store_classes();
    let fields: Vec<(&str, Option<u32>, Option<&str>)> = parsed
        .tax_fields
        .iter()
        .map(|f| {
            (
                f.label.as_str(),
                f.rate_bp,
                suggested_tax_class(f, &classes),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("BTW hoog (21%)", Some(2100), Some("standard")),
            ("BTW laag (9%)", Some(900), Some("reduced")),
            ("No Square tax applies", Some(0), Some("zero")),
        ]
    );
}

#[test]
fn bad_rows_are_all_listed_and_never_stop_the_file() {
    let header = "Handle,Title,Variant SKU,Variant Price,Variant Barcode,Status\n";
    let file = format!(
        "{header}\
         ok,Fine,OK-1,1.00,,active\n\
         neg,Negative,NEG,-5.00,,active\n\
         ,No handle,NH,1.00,,active\n\
         bar,Bad barcode,BAR,1.00,4006381333932,active\n\
         dup,Duplicate,OK-1,1.00,,active\n\
         odd,Odd status,ODD,1.00,,sold-out\n\
         big,Huge,BIG,99999999999999999.00,,active\n"
    );
    let parsed = parse_catalogue_import(CatalogueFormat::Shopify, file.as_bytes(), 2).unwrap();
    let lines: Vec<u64> = parsed.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8], "{:?}", parsed.errors);
    assert_eq!(parsed.products.len(), 1);
    assert!(parsed.errors[3].message.contains("already on line 2"));

    // A file of the other tool, or not a CSV at all, is refused at its header.
    let wrong = parse_catalogue_import(CatalogueFormat::Square, SHOPIFY, 2).unwrap_err();
    assert!(wrong.message.contains("Item Name"), "{}", wrong.message);
    assert!(parse_catalogue_import(CatalogueFormat::Shopify, b"\xff\xfe", 2).is_err());
    // An unterminated quote ends the file at its line, after the rows before it.
    let cut = format!("{header}ok,Fine,OK-1,1.00,,active\nq,\"Unclosed,Q,1.00,,active\n");
    let parsed = parse_catalogue_import(CatalogueFormat::Shopify, cut.as_bytes(), 2).unwrap();
    assert_eq!(parsed.products.len(), 1);
}

#[test]
fn kassa_files_need_no_mapping() {
    let csv = b"sku,name,price,tax_class\nA,Apple,0.50,reduced\nB,Bad,x,reduced\n";
    let parsed = parse_catalogue_import(CatalogueFormat::Kassa, csv, 2).unwrap();
    assert!(parsed.tax_fields.is_empty());
    assert_eq!(parsed.errors.len(), 1);
    let products = parsed.with_tax_classes(&HashMap::new()).unwrap();
    assert_eq!(products[0].product.tax_class, "reduced");
}
