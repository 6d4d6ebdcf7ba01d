//! Receipt codes: every receipt's QR code is signed with the store's key; a till checks a scanned
//! code offline, takes a return by it, and refuses a code that was altered or that it has no key
//! for.

mod common;

use common::{cash, count, sale, setup, till};
use kassa_domain::TaxMode;
use kassa_store::{RefundMethod, ReturnOf, ReturnRequest, Till};

fn return_by(code: &str) -> ReturnRequest {
    ReturnRequest {
        of: ReturnOf::Receipt {
            receipt_no: code.into(),
        },
        lines: vec![],
        refund: RefundMethod::Original,
        approved_by: None,
        reason: None,
        remote_sale: None,
        remote_order: None,
    }
}

#[test]
fn a_scanned_receipt_code_is_checked_and_a_forged_one_refused() {
    let mut till = till();
    let sold = till
        .complete_sale(&sale(&[("MILK", 2)], vec![cash(None)]), None)
        .unwrap();
    let code = till.receipt_code(&sold).unwrap();
    let checked = till.check_receipt_code(&code).unwrap();
    assert_eq!(
        (
            checked.store.as_str(),
            checked.receipt_no.as_str(),
            checked.total
        ),
        ("AMS1", sold.receipt_no.as_str(), sold.total.minor())
    );

    let forged = code.replace(&format!(":{}:", sold.total.minor()), ":99999:");
    let refused = till.return_goods(&return_by(&forged), None).unwrap_err();
    assert!(refused.to_string().contains("not genuine"), "{refused}");
    assert_eq!(count(&till, "returns"), 0);

    let back = till.return_goods(&return_by(&code), None).unwrap();
    assert_eq!(back.total, sold.total);
}

#[test]
fn another_stores_till_needs_that_stores_public_key() {
    let mut ams = till();
    let sold = ams
        .complete_sale(&sale(&[("WINE", 1)], vec![cash(None)]), None)
        .unwrap();
    let code = ams.receipt_code(&sold).unwrap();

    let mut rtm = Till::open_in_memory().unwrap();
    let mut other = setup(TaxMode::Inclusive, 5);
    other.store_code = "RTM1".into();
    rtm.init(&other).unwrap();
    let unknown = rtm.check_receipt_code(&code).unwrap_err();
    assert!(
        unknown.to_string().contains("no key for store AMS1"),
        "{unknown}"
    );

    // Head office sends every store's public key; only AMS1's own tills hold its secret.
    let secret: String = ams
        .connection()
        .query_row("SELECT receipt_key FROM device", [], |r| r.get(0))
        .unwrap();
    let public = kassa_domain::receipt_code::public_key(&secret).unwrap();
    assert_ne!(public, secret);
    rtm.apply_receipt_keys(&[kassa_store::TrustedKey {
        store: "AMS1".into(),
        public_key: public,
        current: true,
    }])
    .unwrap();
    assert_eq!(rtm.check_receipt_code(&code).unwrap().sale_id, sold.id);
    assert_eq!(rtm.receipt_keys().unwrap().len(), 1);
}
