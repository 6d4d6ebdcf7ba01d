//! A command that panics halfway leaves nothing behind: no record in the documents, no row, no
//! receipt number used, and the next command writes only its own changes.

use crate::{LineRequest, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till};
use kassa_domain::{Currency, TaxMode, TaxRate, TenderKind};
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub(super) enum Fire {
    Panic,
    Error,
}

thread_local! {
    /// The failpoint armed in this thread, if any, and how it fires (once).
    pub(super) static FAILPOINT: RefCell<Option<(String, Fire)>> = const { RefCell::new(None) };
}

fn arm(name: &str, fire: Fire) {
    FAILPOINT.with(|f| *f.borrow_mut() = Some((name.to_string(), fire)));
}

fn till_at(path: &std::path::Path) -> Till {
    let mut till = Till::open(path).unwrap();
    if till.config().is_err() {
        till.init(&StoreSetup {
            store_code: "AMS1".into(),
            till_no: 1,
            currency: Currency::from_iso("EUR").unwrap(),
            tax_mode: TaxMode::Inclusive,
            cash_increment: 1,
            tax_classes: vec![TaxClass {
                code: "reduced".into(),
                name: "reduced".into(),
                rate: TaxRate::from_basis_points(900).unwrap(),
            }],
        })
        .unwrap();
        till.import_catalogue_csv(
            b"sku,name,price,tax_class\nMILK,Whole milk 1 L,1.29,reduced\n",
            false,
        )
        .unwrap();
    }
    till
}

fn milk() -> SaleRequest {
    SaleRequest {
        lines: vec![LineRequest::new("MILK", 1)],
        discount: None,
        tenders: vec![TenderRequest {
            kind: TenderKind::Cash,
            amount: None,
            reference: None,
        }],
    }
}

fn sales_in_documents(till: &mut Till) -> usize {
    till.rebuild_verify().unwrap().sales_in_documents
}

#[test]
fn a_panic_after_the_record_leaves_no_phantom_sale_and_no_used_receipt_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut till = till_at(&path);
    // Loads the ledger into the cache first, so the panic hits a cached document.
    let first = till.complete_sale(&milk(), None).unwrap();
    assert_eq!(first.receipt_no, "AMS1-1-1");

    for point in ["command.after_record", "command.before_commit"] {
        arm(point, Fire::Panic);
        let panicked = catch_unwind(AssertUnwindSafe(|| till.complete_sale(&milk(), None)));
        assert!(panicked.is_err(), "{point} did not fire");
        assert_eq!(
            sales_in_documents(&mut till),
            1,
            "phantom sale after {point}"
        );
    }

    // The next sale takes number 2 and persists only itself.
    let next = till.complete_sale(&milk(), None).unwrap();
    assert_eq!(next.receipt_no, "AMS1-1-2");
    assert_eq!(sales_in_documents(&mut till), 2);
    let report = till.rebuild_verify().unwrap();
    assert!(report.differences.is_empty(), "{:?}", report.differences);
    assert!(till.verify_audit().unwrap().first_break.is_none());
    drop(till);

    // On disk too: reopened, the documents hold exactly the two committed sales.
    let mut reopened = till_at(&path);
    assert_eq!(sales_in_documents(&mut reopened), 2);
    assert_eq!(
        reopened.last_receipt_no().unwrap().as_deref(),
        Some("AMS1-1-2")
    );
}

#[test]
fn an_error_after_the_record_discards_the_change_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut till = till_at(&dir.path().join("till.db"));
    till.complete_sale(&milk(), None).unwrap();
    for point in ["command.after_record", "command.before_commit"] {
        arm(point, Fire::Error);
        assert!(till.complete_sale(&milk(), None).is_err(), "{point}");
        assert_eq!(
            sales_in_documents(&mut till),
            1,
            "phantom sale after {point}"
        );
    }
    let next = till.complete_sale(&milk(), None).unwrap();
    assert_eq!(next.receipt_no, "AMS1-1-2");
    assert_eq!(sales_in_documents(&mut till), 2);
}

#[test]
fn a_panic_while_writing_documents_leaves_the_queue_whole_and_the_cache_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    let mut till = till_at(&path);
    till.complete_sale(&milk(), None).unwrap();
    till.write_documents().unwrap();
    // Two sales queued; the document write panics after applying them to the cached documents.
    till.complete_sale(&milk(), None).unwrap();
    till.complete_sale(&milk(), None).unwrap();
    arm("command.after_documents_written", Fire::Panic);
    let panicked = catch_unwind(AssertUnwindSafe(|| till.write_documents()));
    assert!(panicked.is_err(), "the failpoint did not fire");
    // The queue is whole and the cache holds nothing half-written: the next write applies each
    // record once (a record left in the cache would be refused as already there).
    assert_eq!(
        till.write_documents().unwrap(),
        6,
        "two sales: each its record, stock movements and audit entry"
    );
    assert_eq!(sales_in_documents(&mut till), 3);
    drop(till);
    let mut reopened = till_at(&path);
    assert_eq!(sales_in_documents(&mut reopened), 3);
    assert!(reopened.rebuild_verify().unwrap().differences.is_empty());
}
