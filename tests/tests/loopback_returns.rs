//! Returns, exchanges and store credit across stores over loopback with a real head office: a
//! sale of one store returned at another (looked up online), over-returns by two stores flagged at
//! head office, an exchange reaching head office whole, and credit issued in one store redeemed in
//! another, with over-redemption by two offline tills flagged.

mod support;

use kassa_domain::{Money, TenderKind};
use kassa_store::{RefundMethod, ReturnOf, ReturnRequest, TenderRequest};
use kassa_sync::{lookup_credit, lookup_order, lookup_sale, sync_once, SyncError};
use support::{cash_sale, HqServer};

fn return_all(receipt_no: &str, refund: RefundMethod) -> ReturnRequest {
    ReturnRequest {
        of: ReturnOf::Receipt {
            receipt_no: receipt_no.into(),
        },
        lines: vec![],
        refund,
        approved_by: None,
        reason: Some("faulty".into()),
        remote_sale: None,
        remote_order: None,
    }
}

fn credit(code: &str, amount: Option<i64>) -> TenderRequest {
    TenderRequest {
        kind: TenderKind::Credit,
        amount: amount.map(Money::from_minor),
        reference: Some(code.into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_is_returned_at_another_store_and_over_returns_are_flagged_at_head_office() {
    let hq = HqServer::start().await;
    let mut amsterdam = hq.enrolled_till("AMS1", 1).await;
    let mut rotterdam = hq.enrolled_till("RTM1", 1).await;
    let sold = amsterdam
        .complete_sale(&cash_sale(&[("WINE", 1)]), None)
        .unwrap();
    sync_once(&mut amsterdam).await.unwrap();

    // Rotterdam does not hold Amsterdam's sales: without head office it cannot take it back.
    let local_only =
        rotterdam.return_goods(&return_all(&sold.receipt_no, RefundMethod::Cash), None);
    assert!(local_only
        .unwrap_err()
        .to_string()
        .contains("looked up at head office"));
    assert_eq!(rotterdam.stock_on_hand("WINE").unwrap(), 0);

    let remote = lookup_sale(rotterdam.device().unwrap(), &sold.receipt_no)
        .await
        .unwrap();
    assert_eq!(
        (remote.sale.id.as_str(), remote.voided),
        (sold.id.as_str(), false)
    );
    let mut request = return_all(&sold.receipt_no, RefundMethod::Cash);
    request.remote_sale = Some(remote);
    let back = rotterdam.return_goods(&request, None).unwrap();
    assert_eq!(back.total.minor(), 899);
    assert_eq!(
        rotterdam.stock_on_hand("WINE").unwrap(),
        1,
        "back on Rotterdam's shelf"
    );
    assert_eq!(rotterdam.sync_status().unwrap().pending_other, 1);
    sync_once(&mut rotterdam).await.unwrap();
    assert_eq!(
        rotterdam.sync_status().unwrap().pending_other,
        0,
        "head office has the return"
    );

    // Head office now knows of the return: a second lookup refuses a second return.
    let remote = lookup_sale(rotterdam.device().unwrap(), &sold.receipt_no)
        .await
        .unwrap();
    assert_eq!(remote.returns.len(), 1);
    let mut again = return_all(&sold.receipt_no, RefundMethod::Cash);
    again.remote_sale = Some(remote);
    assert!(rotterdam.return_goods(&again, None).is_err());
    assert!(matches!(
        lookup_sale(rotterdam.device().unwrap(), "AMS1-1-999").await,
        Err(SyncError::Rejected { status: 404, .. })
    ));

    // Amsterdam, which never heard of Rotterdam's return, takes the same bottle back too.
    amsterdam
        .return_goods(&return_all(&sold.receipt_no, RefundMethod::Cash), None)
        .unwrap();
    sync_once(&mut amsterdam).await.unwrap();
    let inbox = hq.hq.exceptions().await.unwrap();
    let over: Vec<_> = inbox
        .iter()
        .filter(|e| e.kind.as_str() == "over_return")
        .collect();
    assert_eq!(over.len(), 1, "{inbox:?}");
    assert_eq!(
        over[0].tills,
        vec!["AMS1-1".to_string(), "RTM1-1".to_string()]
    );
    assert!(
        over[0].message.contains("WINE: 2 returned, 1 sold"),
        "{}",
        over[0].message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exchange_reaches_head_office_as_one_return_and_one_sale() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let sold = till
        .complete_sale(&cash_sale(&[("WINE", 1)]), None)
        .unwrap();
    let (back, new_sale) = till
        .exchange(
            &return_all(&sold.receipt_no, RefundMethod::Original),
            &kassa_store::SaleRequest {
                tenders: vec![],
                ..cash_sale(&[("BREAD", 2)])
            },
            None,
        )
        .unwrap();
    assert_eq!(back.exchange_sale_id.as_deref(), Some(new_sale.id.as_str()));
    // 8.99 returned, 4.98 taken: 4.01 back in cash, rounded to 4.00.
    assert_eq!(back.refunds.last().unwrap().amount.minor(), 400);
    sync_once(&mut till).await.unwrap();
    let feed = hq.hq.sales_feed("AMS1", "2026-11-23").await.unwrap();
    let exchanged = feed.sales.iter().find(|s| s.id == new_sale.id).unwrap();
    assert_eq!(exchanged.tenders[0].kind, TenderKind::Exchange);
    let remote = lookup_sale(till.device().unwrap(), &sold.receipt_no)
        .await
        .unwrap();
    assert_eq!(remote.returns, vec![back]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_issued_in_one_store_is_redeemed_in_another_and_over_redemption_is_flagged() {
    let mut hq = HqServer::start().await;
    let mut amsterdam = hq.enrolled_till("AMS1", 1).await;
    let mut rotterdam_1 = hq.enrolled_till("RTM1", 1).await;
    let mut rotterdam_2 = hq.enrolled_till("RTM1", 2).await;
    let sold = amsterdam
        .complete_sale(&cash_sale(&[("WINE", 2)]), None)
        .unwrap();
    let back = amsterdam
        .return_goods(&return_all(&sold.receipt_no, RefundMethod::Credit), None)
        .unwrap();
    let code = back.refunds[0].reference.clone().unwrap();
    sync_once(&mut amsterdam).await.unwrap();

    // Rotterdam has never seen the credit: a sale with it is refused until head office vouches.
    let sale_with_credit = kassa_store::SaleRequest {
        tenders: vec![credit(&code, None)],
        ..cash_sale(&[("WINE", 1)])
    };
    assert!(rotterdam_1.complete_sale(&sale_with_credit, None).is_err());
    for till in [&mut rotterdam_1, &mut rotterdam_2] {
        let balance = lookup_credit(till.device().unwrap(), &code.to_lowercase())
            .await
            .unwrap();
        assert_eq!(balance.balance.minor(), 1798);
        till.remember_remote_credit(&code, &balance).unwrap();
    }
    // Offline, both Rotterdam tills sell wine and bread (11.48) on the same credit of 17.98.
    hq.stop().await;
    let basket = kassa_store::SaleRequest {
        tenders: vec![credit(&code, None)],
        ..cash_sale(&[("WINE", 1), ("BREAD", 1)])
    };
    for till in [&mut rotterdam_1, &mut rotterdam_2] {
        let receipt = till.complete_sale(&basket, None).unwrap();
        assert_eq!(receipt.tenders[0].amount.minor(), 1148);
        let more = till.complete_sale(
            &kassa_store::SaleRequest {
                tenders: vec![credit(&code, Some(700)), cash_sale(&[]).tenders[0].clone()],
                ..cash_sale(&[("WINE", 1)])
            },
            None,
        );
        let refused = more
            .unwrap_err()
            .public(Some(&kassa_domain::Currency::from_iso("EUR").unwrap()))
            .message;
        assert!(
            refused.contains("has 6.50 EUR left"),
            "each till refuses what it can see is over the balance: {refused}"
        );
    }
    hq.restart().await;
    sync_once(&mut rotterdam_1).await.unwrap();
    sync_once(&mut rotterdam_2).await.unwrap();
    let balance = hq.hq.credit_balance(&code).await.unwrap();
    assert_eq!(
        (
            balance.issued.minor(),
            balance.redeemed.minor(),
            balance.balance.minor()
        ),
        (1798, 2296, -498)
    );
    let inbox = hq.hq.exceptions().await.unwrap();
    let over: Vec<_> = inbox
        .iter()
        .filter(|e| e.kind.as_str() == "over_redeemed_credit")
        .collect();
    assert_eq!(over.len(), 1, "{inbox:?}");
    // The inbox names the credit by its key and label: the code stays on the customer's receipt.
    let key = kassa_domain::credit_key_of_code(&code);
    assert_eq!(over[0].id, format!("over-redeemed-credit/{key}"));
    assert!(over[0].message.contains(&format!("#{}", &key[..8])));
    assert!(!serde_json::to_string(&inbox).unwrap().contains(&code[3..]));
    assert_eq!(
        over[0].tills,
        vec!["RTM1-1".to_string(), "RTM1-2".to_string()]
    );
    // Head office's answer now says nothing is left, and the till will not take it.
    let balance = lookup_credit(rotterdam_1.device().unwrap(), &code)
        .await
        .unwrap();
    assert!(rotterdam_1.remember_remote_credit(&code, &balance).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipped_order_is_returned_at_any_store_and_a_double_return_is_flagged() {
    let hq = HqServer::start().await;
    let mut amsterdam = hq.enrolled_till("AMS1", 1).await;
    let mut rotterdam = hq.enrolled_till("RTM1", 1).await;
    let shipped = hq
        .hq
        .add_order(&kassa_protocol::OrderIntake {
            external_id: "#9001".into(),
            store: "AMS1".into(),
            customer_name: "Ada Lovelace".into(),
            lines: vec![kassa_protocol::OrderIntakeLine {
                sku: "WINE".into(),
                quantity: 1,
                unit_price: None,
            }],
            paid: true,
            pickup_code: None,
            hold_days: None,
            shipped: true,
        })
        .await
        .unwrap();
    sync_once(&mut amsterdam).await.unwrap();
    assert!(
        amsterdam.find_orders("").unwrap().is_empty(),
        "a shipped order never waits at a store"
    );
    assert_eq!(amsterdam.stock_position("WINE").unwrap().reserved, 0);
    assert_eq!(
        hq.hq.orders(None).await.unwrap()[0].status.as_str(),
        "shipped"
    );

    let of = ReturnOf::Order {
        order: shipped.qr_payload.clone(),
    };
    let request = |remote| ReturnRequest {
        of: of.clone(),
        lines: vec![],
        refund: RefundMethod::Original,
        approved_by: None,
        reason: None,
        remote_sale: None,
        remote_order: Some(remote),
    };
    let offline_refusal = amsterdam.return_goods(
        &ReturnRequest {
            remote_order: None,
            ..request(
                lookup_order(amsterdam.device().unwrap(), "#9001")
                    .await
                    .unwrap(),
            )
        },
        None,
    );
    assert!(offline_refusal
        .unwrap_err()
        .to_string()
        .contains("looked up at head office"));
    // Both stores look it up before either return reaches head office, and both take it back.
    let for_amsterdam = lookup_order(amsterdam.device().unwrap(), "#9001")
        .await
        .unwrap();
    let for_rotterdam = lookup_order(rotterdam.device().unwrap(), "#9001")
        .await
        .unwrap();
    // Never the pickup code's hash: six digits are quickly guessed from it.
    assert!(for_rotterdam.order.pickup_code_hash.is_empty());
    let back = amsterdam
        .return_goods(&request(for_amsterdam), None)
        .unwrap();
    assert_eq!(
        back.refunds[0].kind,
        TenderKind::Online,
        "paid online, refunded online"
    );
    assert_eq!(back.refunds[0].amount.minor(), 899);
    rotterdam
        .return_goods(&request(for_rotterdam), None)
        .unwrap();
    sync_once(&mut amsterdam).await.unwrap();
    sync_once(&mut rotterdam).await.unwrap();
    let remote = lookup_order(rotterdam.device().unwrap(), "#9001")
        .await
        .unwrap();
    assert_eq!(remote.returns.len(), 2);
    assert!(
        rotterdam.return_goods(&request(remote), None).is_err(),
        "now it can see both"
    );
    let inbox = hq.hq.exceptions().await.unwrap();
    let over: Vec<_> = inbox
        .iter()
        .filter(|e| e.kind.as_str() == "over_return")
        .collect();
    assert_eq!(over.len(), 1, "{inbox:?}");
    assert_eq!(
        over[0].tills,
        vec!["AMS1-1".to_string(), "RTM1-1".to_string()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_from_another_store_is_checked_offline() {
    let mut hq = HqServer::start().await;
    let mut ams = hq.enrolled_till("AMS1", 1).await;
    let rtm = hq.enrolled_till("RTM1", 1).await;
    let sold = ams
        .complete_sale(&support::cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    let code = ams.receipt_code(&sold).unwrap();
    // Head office is gone: RTM1's till checks AMS1's receipt with the key its sync brought,
    // which proves AMS1's till signs with the key head office gave it.
    hq.stop().await;
    let checked = rtm.check_receipt_code(&code).unwrap();
    assert_eq!(
        (
            checked.store.as_str(),
            checked.sale_id.as_str(),
            checked.total
        ),
        ("AMS1", sold.id.as_str(), sold.total.minor())
    );
    let forged = code.replace("AMS1-1-1", "AMS1-1-9");
    let refused = rtm.check_receipt_code(&forged).unwrap_err();
    assert!(refused.to_string().contains("not genuine"), "{refused}");
    assert_eq!(rtm.receipt_keys().unwrap().len(), 2);
}
