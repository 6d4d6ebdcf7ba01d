//! A bad catalogue row never stops sales from reaching head office. Head office checks an import
//! against every store before storing it (tax classes set up in each store, each barcode on one
//! product in the whole catalogue, a barcode moved only with the product it leaves); a till that
//! still meets a row it cannot apply (stored by an older head office) skips it, keeps it for
//! staff to see, applies the rest, and its sales go on reaching head office.

mod support;

use kassa_domain::{Money, Product};
use kassa_hq::HqError;
use kassa_sync::sync_once;
use support::{cash_sale, HqServer};

fn product(sku: &str, tax_class: &str, barcodes: &[&str]) -> Product {
    Product {
        sku: sku.into(),
        name: format!("{sku} product"),
        price: Money::from_minor(250),
        tax_class: tax_class.into(),
        category: None,
        barcodes: barcodes.iter().map(|b| b.to_string()).collect(),
        active: true,
        scheduled_prices: Vec::new(),
    }
}

fn refused(result: Result<(i64, usize), HqError>, wanted: &str) {
    match result {
        Err(HqError::BadRequest(message)) => {
            assert!(message.contains(wanted), "{message:?} lacks {wanted:?}")
        }
        other => panic!("not refused: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_office_checks_an_import_against_every_store_and_the_whole_catalogue() {
    let hq = HqServer::start().await;
    let (version_before, catalogue_before) = hq.hq.storage().catalogue_since(0).await.unwrap();

    refused(
        hq.hq
            .import_catalogue(&[product("TEA", "luxury", &["5000000000012"])])
            .await,
        "tax class \"luxury\" is not set up in store AMS1",
    );
    // MILK holds 4006381333931 and is not in the import: the barcode cannot be taken from it.
    refused(
        hq.hq
            .import_catalogue(&[product("OAT", "reduced", &["4006381333931"])])
            .await,
        "send the product it leaves without it",
    );
    refused(
        hq.hq
            .import_catalogue(&[
                product("OAT", "reduced", &["5000000000029"]),
                product("SOY", "reduced", &["5000000000029"]),
            ])
            .await,
        "barcode \"5000000000029\" is on sku",
    );
    assert_eq!(
        hq.hq.storage().catalogue_since(0).await.unwrap(),
        (version_before, catalogue_before),
        "a refused import wrote something"
    );

    // Moving a barcode with the product it leaves is one import, and a till follows it.
    let mut till = hq.enrolled_till("AMS1", 1).await;
    hq.hq
        .import_catalogue(&[
            product("MILK", "reduced", &[]),
            product("OAT", "reduced", &["4006381333931"]),
        ])
        .await
        .unwrap();
    sync_once(&mut till).await.unwrap();
    let found = till.find_by_code("4006381333931").unwrap().unwrap();
    assert_eq!(found.sku, "OAT");
    assert!(till.catalogue_skips().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_skips_a_row_it_cannot_apply_and_its_sales_still_arrive() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();

    // Rows an older head office stored without checking: a tax class no store has, and a
    // barcode already on MILK. Beside them, a good new product.
    hq.hq
        .storage()
        .put_catalogue(&[
            product("CAVIAR", "luxury", &[]),
            product("FAKE", "reduced", &["4006381333931"]),
            product("TEA", "standard", &["5000000000012"]),
        ])
        .await
        .unwrap();
    let report = sync_once(&mut till).await.unwrap();
    assert_eq!(
        hq.sales_at_hq("AMS1", "2026-11-23").await,
        1,
        "the sale arrived"
    );
    assert_eq!(till.sync_status().unwrap().pending_sales, 0);
    let skipped: Vec<&str> = report
        .catalogue_skipped
        .iter()
        .map(|s| s.sku.as_str())
        .collect();
    assert_eq!(skipped, ["CAVIAR", "FAKE"]);
    let kept = till.catalogue_skips().unwrap();
    assert_eq!(kept, report.catalogue_skipped);
    assert!(kept[0].message.contains("luxury"), "{:?}", kept[0]);
    assert!(
        kept[1].message.contains("already belongs to sku \"MILK\""),
        "{:?}",
        kept[1]
    );
    assert_eq!(till.sync_status().unwrap().catalogue_skipped, 2);
    assert!(
        till.find_by_code("TEA").unwrap().is_some(),
        "the good row applied"
    );
    assert_eq!(
        till.find_by_code("4006381333931").unwrap().unwrap().sku,
        "MILK",
        "the bad row took nothing"
    );
    let (version, _) = hq.hq.storage().catalogue_since(0).await.unwrap();
    assert_eq!(till.device().unwrap().catalogue_version, version);

    // The next rounds do not stumble on it; once head office fixes the row, it applies.
    till.complete_sale(&cash_sale(&[("TEA", 2)]), None).unwrap();
    sync_once(&mut till).await.unwrap();
    assert_eq!(hq.sales_at_hq("AMS1", "2026-11-23").await, 2);
    hq.hq
        .import_catalogue(&[product("CAVIAR", "standard", &[])])
        .await
        .unwrap();
    sync_once(&mut till).await.unwrap();
    let left: Vec<String> = till
        .catalogue_skips()
        .unwrap()
        .into_iter()
        .map(|s| s.sku)
        .collect();
    assert_eq!(left, ["FAKE"]);
    assert!(till.find_by_code("CAVIAR").unwrap().is_some());
}
