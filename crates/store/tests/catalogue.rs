mod common;

use common::{count, till};
use kassa_store::{StoreError, Till};

#[test]
fn finds_by_barcode_or_sku_exactly() {
    let till = till();
    assert_eq!(
        till.find_by_code("4006381333931").unwrap().unwrap().sku,
        "MILK"
    );
    assert_eq!(
        till.find_by_code("MILK").unwrap().unwrap().name,
        "Whole milk 1 L"
    );
    assert_eq!(
        till.find_by_code(" 96385074 ").unwrap().unwrap().sku,
        "WINE",
        "scanner padding is trimmed"
    );
    assert_eq!(
        till.find_by_code("400638133393").unwrap(),
        None,
        "no partial matches"
    );
    assert_eq!(till.find_by_code("milk").unwrap(), None, "skus are exact");
}

#[test]
fn searches_by_name_prefix_case_and_accent_insensitive() {
    let till = till();
    let skus = |q: &str| {
        till.search(q, 10)
            .unwrap()
            .into_iter()
            .map(|i| i.sku)
            .collect::<Vec<_>>()
    };
    assert_eq!(skus("milk"), ["MILK"]);
    assert_eq!(
        skus("WHO MIL"),
        ["MILK"],
        "several words, each a prefix, any case"
    );
    assert_eq!(
        skus("cotes rhone"),
        ["WINE"],
        "accents are ignored in the query"
    );
    assert_eq!(skus("CÔTES"), ["WINE"]);
    assert_eq!(skus("sour loaf"), ["BREAD"]);
    assert_eq!(skus("bakery"), ["BREAD"], "category matches");
    assert_eq!(
        skus("creme"),
        Vec::<String>::new(),
        "inactive products are not offered"
    );
    assert_eq!(
        skus("milk bread"),
        Vec::<String>::new(),
        "every word must match"
    );
    assert_eq!(
        skus("\" OR *"),
        Vec::<String>::new(),
        "query syntax is not injectable"
    );
    // The word being typed is a prefix; a finished word of one or two letters is a whole word.
    assert_eq!(skus("milk 1"), ["MILK"], "\"1\" as typed last is a prefix");
    assert_eq!(
        skus("whole milk 1 l"),
        ["MILK"],
        "\"1\" and \"l\" are words of the name"
    );
    assert_eq!(
        skus("mi 1 l"),
        Vec::<String>::new(),
        "a finished two-letter word is not a prefix"
    );
}

#[test]
fn a_file_with_a_bad_row_imports_nothing_by_default() {
    let mut till = till();
    let before = count(&till, "products");
    let csv = "sku,name,price,tax_class\nNEW1,New one,1.00,standard\nNEW2,Bad tax,1.00,luxury\nNEW3,New three,2.00,zero\n";
    let err = till
        .import_catalogue_csv(csv.as_bytes(), false)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::CatalogueRow { line: 3, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("luxury"));
    assert_eq!(count(&till, "products"), before, "nothing imported");
    assert_eq!(till.find_by_code("NEW1").unwrap(), None);

    let summary = till.import_catalogue_csv(csv.as_bytes(), true).unwrap();
    assert_eq!((summary.added, summary.updated), (2, 0));
    assert_eq!(
        summary.skipped.iter().map(|e| e.line).collect::<Vec<_>>(),
        [3]
    );
    assert_eq!(count(&till, "products"), before + 2);
}

#[test]
fn malformed_and_non_utf8_files_are_refused_with_the_line() {
    let mut till = till();
    let before = count(&till, "products");
    let mut bytes = b"sku,name,price,tax_class\nA1,Fine,1.00,standard\n".to_vec();
    bytes.extend_from_slice(b"A2,Caf\xe9,1.00,standard\n");
    let err = till.import_catalogue_csv(&bytes, false).unwrap_err();
    assert!(
        matches!(err, StoreError::CatalogueRow { line: 3, .. }),
        "{err}"
    );
    let err = till
        .import_catalogue_csv(
            b"sku,name,price,tax_class\nA1,\"unterminated,1.00,standard\n",
            false,
        )
        .unwrap_err();
    assert!(err.is_bad_input(), "{err}");
    let err = till
        .import_catalogue_csv(b"\x00\x01\x02 not a csv", false)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::CatalogueRow { line: 1, .. }),
        "{err}"
    );
    assert_eq!(count(&till, "products"), before);
}

#[test]
fn huge_names_and_prices_are_refused_where_they_enter() {
    let mut till = till();
    let before = count(&till, "products");
    let long_name = "x".repeat(1_000_000);
    let csv =
        format!("sku,name,price,tax_class\nA1,Fine,1.00,standard\nA2,{long_name},1.00,standard\n");
    let err = till
        .import_catalogue_csv(csv.as_bytes(), false)
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::CatalogueRow { line: 3, message } if message.contains("too long")),
        "{err}"
    );
    let csv = "sku,name,price,tax_class\nA3,Gold bar,999999999999999.00,standard\n";
    let err = till
        .import_catalogue_csv(csv.as_bytes(), false)
        .unwrap_err();
    assert!(err.is_bad_input(), "{err}");
    assert_eq!(count(&till, "products"), before);
}

#[test]
fn reimport_updates_prices_and_barcodes_and_refuses_stolen_barcodes() {
    let mut till = till();
    let summary = till
        .import_catalogue_csv(b"sku,name,price,tax_class,barcodes\nMILK,Whole milk 1 L,1.39,reduced,4006381333931|12345\n", false)
        .unwrap();
    assert_eq!((summary.added, summary.updated), (0, 1));
    assert_eq!(
        till.find_by_code("12345").unwrap().unwrap().price.minor(),
        139
    );
    let err = till
        .import_catalogue_csv(
            b"sku,name,price,tax_class,barcodes\nNEW,Thief,1.00,zero,12345\n",
            false,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("already belongs to sku \"MILK\""),
        "{err}"
    );
    assert_eq!(till.find_by_code("12345").unwrap().unwrap().sku, "MILK");
    assert_eq!(
        till.search("whole", 5).unwrap()[0].price.minor(),
        139,
        "the search index follows updates"
    );
}

/// The name index checked against the products table by FTS5 itself.
fn name_index_is_whole(till: &Till) -> bool {
    till.connection()
        .execute(
            "INSERT INTO products_fts (products_fts) VALUES ('integrity-check')",
            [],
        )
        .is_ok()
}

#[test]
fn an_import_indexes_its_names_once_and_leaves_the_index_whole() {
    let mut till = till();
    assert!(name_index_is_whole(&till));
    let mut csv = String::from("sku,name,price,tax_class,barcodes\n");
    // New products, a renamed one, and a row refused (a stolen barcode) whose product keeps
    // its name.
    for i in 0..300 {
        csv.push_str(&format!("BULK{i},Bulkware item {i},1.00,standard,\n"));
    }
    csv.push_str("MILK,Oat drink 1 L,1.49,reduced,4006381333931\n");
    csv.push_str("NEW,Thief,1.00,zero,4006381333931\n");
    let summary = till.import_catalogue_csv(csv.as_bytes(), true).unwrap();
    assert_eq!((summary.added, summary.updated), (300, 1));
    assert_eq!(summary.skipped.len(), 1);
    assert!(name_index_is_whole(&till), "every row indexed as it is now");
    let indexed: i64 = till
        .connection()
        .query_row(
            "SELECT count(*) FROM products_fts WHERE products_fts MATCH 'bulkware'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, 300);
    assert_eq!(
        till.search("bulkware item 299", 5).unwrap()[0].sku,
        "BULK299"
    );
    assert_eq!(till.search("oat", 5).unwrap()[0].sku, "MILK");
    assert!(till
        .search("whole", 5)
        .unwrap()
        .iter()
        .all(|p| p.sku != "MILK"));
    assert!(till.search("thief", 5).unwrap().is_empty());

    // An import refused half-way rolls back, index included.
    let bad =
        "sku,name,price,tax_class\nMILK,Renamed milk,1.49,reduced\nX,Bad,notaprice,standard\n";
    assert!(till.import_catalogue_csv(bad.as_bytes(), false).is_err());
    assert!(name_index_is_whole(&till));
    assert_eq!(till.search("oat", 5).unwrap()[0].sku, "MILK");
    assert!(till.search("renamed", 5).unwrap().is_empty());

    // Outside an import the triggers index row by row again.
    till.connection()
        .execute(
            "UPDATE products SET name = 'Soy drink' WHERE sku = 'MILK'",
            [],
        )
        .unwrap();
    assert_eq!(till.search("soy", 5).unwrap()[0].sku, "MILK");
    assert!(name_index_is_whole(&till));
}

/// A price head office scheduled switches at its instant by the till's own clock, offline,
/// in lookups, search and the sale itself; sending the product again replaces the schedule.
#[test]
fn scheduled_prices_switch_at_their_instant_by_the_tills_clock() {
    use kassa_domain::{CsvProduct, Money, Product, ScheduledPrice};
    let switch = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00+01:00")
        .unwrap()
        .timestamp();
    let milk = |scheduled: Vec<ScheduledPrice>| CsvProduct {
        line: 0,
        product: Product {
            sku: "MILK".into(),
            name: "Whole milk 1 L".into(),
            price: Money::from_minor(129),
            tax_class: "reduced".into(),
            category: Some("Dairy".into()),
            barcodes: vec!["4006381333931".into()],
            active: true,
            scheduled_prices: scheduled,
        },
    };
    let at_switch = ScheduledPrice {
        from: switch,
        price: Money::from_minor(149),
    };
    let mut till = till();
    till.import_products(&[milk(vec![at_switch])], Vec::new(), false)
        .unwrap();
    let price_now = |till: &Till| till.find_by_code("4006381333931").unwrap().unwrap().price;
    assert_eq!(price_now(&till), Money::from_minor(129), "not yet");

    let mut till = till.with_clock(common::at("2026-11-30T23:59:59+01:00"));
    assert_eq!(
        price_now(&till),
        Money::from_minor(129),
        "one second before"
    );
    till = till.with_clock(common::at("2026-12-01T00:00:00+01:00"));
    assert_eq!(price_now(&till), Money::from_minor(149), "at the instant");
    assert_eq!(
        till.search("whole milk", 5).unwrap()[0].price,
        Money::from_minor(149)
    );
    // The same instant in another time zone: tills anywhere switch together.
    till = till.with_clock(common::at("2026-11-30T23:30:00+00:00"));
    assert_eq!(price_now(&till), Money::from_minor(149));
    let priced = till
        .price(&common::sale(&[("MILK", 2)], vec![common::cash(None)]))
        .unwrap();
    assert_eq!(priced.total, Money::from_minor(298), "the sale uses it");

    // Head office sends the product again without the change: the schedule is what it sends.
    till.import_products(&[milk(Vec::new())], Vec::new(), false)
        .unwrap();
    assert_eq!(price_now(&till), Money::from_minor(129));
    assert_eq!(count(&till, "scheduled_prices"), 0);
    // A hostile schedule (out of order) is refused with the row, nothing written.
    let mut bad = milk(vec![
        at_switch,
        ScheduledPrice {
            from: switch - 10,
            ..at_switch
        },
    ]);
    bad.line = 7;
    assert!(till.import_products(&[bad], Vec::new(), false).is_err());
    assert_eq!(count(&till, "scheduled_prices"), 0);
}
