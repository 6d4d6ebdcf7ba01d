#![allow(dead_code)]

use chrono::{DateTime, FixedOffset};
use kassa_domain::{Currency, Money, TaxMode, TaxRate, TenderKind};
use kassa_store::{
    FixedClock, LineRequest, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till,
};
use std::sync::Arc;

pub const CATALOGUE: &str = "sku,name,price,tax_class,barcodes,category,active
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy,true
WINE,Côtes du Rhône rouge 75 cl,8.99,standard,96385074,Wine,true
BREAD,Sourdough loaf,2.49,reduced,036000291452,Bakery,true
STAMP,Postage stamp,1.00,zero,,Post,true
OLD,Discontinued crème brûlée,3.00,reduced,,Dairy,false
";

pub fn setup(mode: TaxMode, cash_increment: i64) -> StoreSetup {
    let class = |code: &str, bp| TaxClass {
        code: code.into(),
        name: code.into(),
        rate: TaxRate::from_basis_points(bp).unwrap(),
    };
    StoreSetup {
        store_code: "AMS1".into(),
        till_no: 2,
        currency: Currency::from_iso("EUR").unwrap(),
        tax_mode: mode,
        cash_increment,
        tax_classes: vec![
            class("standard", 2100),
            class("reduced", 900),
            class("zero", 0),
        ],
    }
}

pub fn at(rfc3339: &str) -> Arc<FixedClock> {
    Arc::new(FixedClock(
        DateTime::<FixedOffset>::parse_from_rfc3339(rfc3339).unwrap(),
    ))
}

/// An initialised in-memory till with the small catalogue above.
pub fn till() -> Till {
    let mut till = Till::open_in_memory()
        .unwrap()
        .with_clock(at("2026-11-23T10:00:00+01:00"));
    till.init(&setup(TaxMode::Inclusive, 5)).unwrap();
    till.import_catalogue_csv(CATALOGUE.as_bytes(), false)
        .unwrap();
    till
}

pub fn cash(minor: Option<i64>) -> TenderRequest {
    TenderRequest {
        kind: TenderKind::Cash,
        amount: minor.map(Money::from_minor),
        reference: None,
    }
}

pub fn card(minor: i64, reference: &str) -> TenderRequest {
    TenderRequest {
        kind: TenderKind::Card,
        amount: Some(Money::from_minor(minor)),
        reference: Some(reference.into()),
    }
}

pub fn sale(lines: &[(&str, i64)], tenders: Vec<TenderRequest>) -> SaleRequest {
    SaleRequest {
        lines: lines
            .iter()
            .map(|(c, q)| LineRequest::new(*c, *q))
            .collect(),
        discount: None,
        tenders,
    }
}

pub fn count(till: &Till, table: &str) -> i64 {
    till.connection()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}
