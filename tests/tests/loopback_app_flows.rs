//! The application layer (kassa-app) that the CLI and the desktop both call, over loopback with a
//! real head office: a return of another store's sale looked up online, another store's credit
//! learned before a sale, and the clear refusals when the till cannot ask (not enrolled, offline).

mod support;

use kassa_domain::{Money, TenderKind};
use kassa_store::{RefundMethod, ReturnOf, ReturnRequest, SaleRequest, StoreError, TenderRequest};
use kassa_sync::{sync_once, SyncError};
use std::sync::Mutex;
use support::{cash_sale, HqServer};

fn receipt(receipt_no: &str) -> ReturnOf {
    ReturnOf::Receipt {
        receipt_no: receipt_no.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_stores_sale_is_found_at_head_office_and_returned() {
    let hq = HqServer::start().await;
    let mut amsterdam = hq.enrolled_till("AMS1", 1).await;
    let rotterdam = Mutex::new(hq.enrolled_till("RTM1", 1).await);
    let sold = amsterdam
        .complete_sale(&cash_sale(&[("WINE", 2)]), None)
        .unwrap();

    // Not at head office yet: head office says so, and nothing changes at the till.
    let unknown = kassa_app::find_returnable(&rotterdam, receipt(&sold.receipt_no))
        .await
        .unwrap_err();
    assert_eq!(unknown.code().as_str(), "not_found", "{unknown}");

    sync_once(&mut amsterdam).await.unwrap();
    // The signed code printed on the receipt is read as its receipt number, then looked up.
    let found = kassa_app::find_returnable(&rotterdam, receipt(&sold.receipt_no))
        .await
        .unwrap();
    assert_eq!(found.of, receipt(&sold.receipt_no));
    assert!(
        found.remote_sale.is_some(),
        "priced from head office's copy"
    );
    assert_eq!(found.returnable.lines[0].returnable, 2);
    let back = rotterdam
        .lock()
        .unwrap()
        .return_goods(
            &ReturnRequest {
                of: found.of,
                lines: vec![],
                refund: RefundMethod::Cash,
                approved_by: None,
                reason: Some("faulty".into()),
                remote_sale: found.remote_sale,
                remote_order: found.remote_order,
            },
            None,
        )
        .unwrap();
    assert_eq!(back.total, Money::from_minor(2 * 899));

    // The same flow for a sale this till holds never asks head office: it works offline.
    let local = rotterdam
        .lock()
        .unwrap()
        .complete_sale(&cash_sale(&[("WINE", 1)]), None)
        .unwrap();
    let mut hq = hq;
    hq.stop().await;
    let found = kassa_app::find_returnable(&rotterdam, receipt(&local.receipt_no))
        .await
        .unwrap();
    assert!(found.remote_sale.is_none());
    // Another store's sale offline: the offline code, which the CLI turns into exit status 3.
    let offline = kassa_app::find_returnable(&rotterdam, receipt("AMS1-1-77"))
        .await
        .unwrap_err();
    assert!(matches!(offline, SyncError::Offline(_)), "{offline}");
    assert_eq!(offline.code().as_str(), "offline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_from_another_store_is_learned_before_the_sale_takes_it() {
    let hq = HqServer::start().await;
    let mut amsterdam = hq.enrolled_till("AMS1", 1).await;
    let rotterdam = Mutex::new(hq.enrolled_till("RTM1", 1).await);
    let sold = amsterdam
        .complete_sale(&cash_sale(&[("WINE", 1)]), None)
        .unwrap();
    let back = amsterdam
        .return_goods(
            &ReturnRequest {
                of: receipt(&sold.receipt_no),
                lines: vec![],
                refund: RefundMethod::Credit,
                approved_by: None,
                reason: Some("changed mind".into()),
                remote_sale: None,
                remote_order: None,
            },
            None,
        )
        .unwrap();
    let code = back.refunds[0].reference.clone().unwrap();
    sync_once(&mut amsterdam).await.unwrap();

    let paying = SaleRequest {
        tenders: vec![TenderRequest {
            kind: TenderKind::Credit,
            amount: None,
            reference: Some(code.clone()),
        }],
        ..cash_sale(&[("BREAD", 1)])
    };
    // The till alone does not know Amsterdam's credit.
    assert!(matches!(
        rotterdam.lock().unwrap().complete_sale(&paying, None),
        Err(StoreError::UnknownCredit(_))
    ));
    let receipt = kassa_app::complete_sale(&rotterdam, &paying, None)
        .await
        .unwrap();
    assert_eq!(receipt.tenders[0].kind, TenderKind::Credit);
    // What was redeemed here counts against the credit before head office hears of it: a second
    // sale for more than is left is refused.
    let too_much = SaleRequest {
        tenders: vec![TenderRequest {
            kind: TenderKind::Credit,
            amount: Some(Money::from_minor(899)),
            reference: Some(code.clone()),
        }],
        ..cash_sale(&[("WINE", 1)])
    };
    let refused = kassa_app::complete_sale(&rotterdam, &too_much, None)
        .await
        .unwrap_err();
    assert_eq!(refused.code().as_str(), "bad_input", "{refused}");
    let balance = kassa_app::credit_balance(&rotterdam, &code).await.unwrap();
    assert_eq!(balance.issued, Money::from_minor(899));

    // A look-up by another store's till answers what a return needs, never a credit code: not
    // the one a sale redeemed, not the one a return issued.
    let mut rotterdam = rotterdam.into_inner().unwrap();
    sync_once(&mut rotterdam).await.unwrap();
    let redeeming = kassa_sync::lookup_sale(amsterdam.device().unwrap(), &receipt.receipt_no)
        .await
        .unwrap();
    assert_eq!(redeeming.sale.tenders[0].kind, TenderKind::Credit);
    assert_eq!(redeeming.sale.tenders[0].reference, None);
    let issuing = kassa_sync::lookup_sale(rotterdam.device().unwrap(), &sold.receipt_no)
        .await
        .unwrap();
    assert_eq!(issuing.returns[0].refunds[0].kind, TenderKind::Credit);
    assert_eq!(issuing.returns[0].refunds[0].reference, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_that_is_not_enrolled_says_why_it_cannot_look_up() {
    let till = Mutex::new(standalone_till());
    let refused = kassa_app::find_returnable(&till, receipt("AMS1-3-77"))
        .await
        .unwrap_err();
    assert_eq!(refused.code().as_str(), "bad_input");
    assert!(
        refused
            .to_string()
            .contains("not enrolled with head office"),
        "{refused}"
    );
    let unknown = kassa_app::credit_balance(&till, "CR-NOPE")
        .await
        .unwrap_err();
    assert_eq!(unknown.code().as_str(), "not_found", "{unknown}");
}

/// A till set up by hand, never enrolled with head office.
fn standalone_till() -> kassa_store::Till {
    let mut till = kassa_store::Till::open_in_memory().unwrap();
    till.init(&kassa_store::StoreSetup {
        store_code: "AMS1".into(),
        till_no: 3,
        currency: kassa_domain::Currency::from_iso("EUR").unwrap(),
        tax_mode: kassa_domain::TaxMode::Inclusive,
        cash_increment: 5,
        tax_classes: vec![kassa_store::TaxClass {
            code: "standard".into(),
            name: "standard".into(),
            rate: kassa_domain::TaxRate::from_basis_points(2100).unwrap(),
        }],
    })
    .unwrap();
    till
}
