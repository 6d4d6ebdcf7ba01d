//! Online orders end to end over loopback with a real head office: intake idempotent on the web
//! shop's id (a lost response and a retry make one order), refusals that store nothing, the order
//! reaching the store's tills and reserving stock, partial pickup, and two tills handing one order
//! over offline flagged in the inbox at both tills and at head office, then resolved.

mod support;

use kassa_protocol::{OrderAccepted, OrderIntake, OrderIntakeLine, OrderSummary, ResolveRequest};
use kassa_store::{OrderStatus, PickupLineRequest, PickupRequest};
use kassa_sync::{sync_once, HqClient, SyncError};
use support::{HqServer, ADMIN_TOKEN};

fn intake(external_id: &str, store: &str, paid: bool) -> OrderIntake {
    OrderIntake {
        external_id: external_id.into(),
        store: store.into(),
        customer_name: "Ada Lovelace".into(),
        lines: vec![
            OrderIntakeLine {
                sku: "WINE".into(),
                quantity: 2,
                unit_price: None,
            },
            OrderIntakeLine {
                sku: "BREAD".into(),
                quantity: 1,
                unit_price: None,
            },
        ],
        paid,
        pickup_code: Some("482913".into()),
        hold_days: None,
        shipped: false,
    }
}

fn pickup(order: &str, lines: &[(&str, i64)]) -> PickupRequest {
    PickupRequest {
        order: order.into(),
        code: "482913".into(),
        lines: lines
            .iter()
            .map(|(code, quantity)| PickupLineRequest {
                code: (*code).into(),
                quantity: *quantity,
            })
            .collect(),
        tenders: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_intake_is_idempotent_and_refuses_bad_orders_whole() {
    let hq = HqServer::start().await;
    let admin = HqClient::new(&hq.url(), Some(ADMIN_TOKEN.into())).unwrap();
    // The first answer is lost on the way back; the web shop retries.
    admin.lose_response_of_request(1);
    let lost = admin
        .post::<_, OrderAccepted>("/v1/orders", &intake("W1001", "AMS1", true))
        .await;
    assert!(matches!(lost, Err(SyncError::Offline(_))), "{lost:?}");
    let retried: OrderAccepted = admin
        .post("/v1/orders", &intake("W1001", "AMS1", true))
        .await
        .unwrap();
    assert!(!retried.created, "the first attempt made the order");
    assert_eq!(retried.pickup_code, "482913");
    assert_eq!(retried.qr_payload, "kassa:order:W1001");
    assert_eq!(retried.total.minor(), 2 * 899 + 249);
    let again: OrderAccepted = admin
        .post("/v1/orders", &intake("W1001", "AMS1", true))
        .await
        .unwrap();
    assert_eq!(again.order_id, retried.order_id);
    // Tills find orders by number in any case, so `w1001` is the same order, not a second one.
    let other_case: OrderAccepted = admin
        .post("/v1/orders", &intake("w1001", "AMS1", true))
        .await
        .unwrap();
    assert!(!other_case.created);
    assert_eq!(other_case.order_id, retried.order_id);

    let mut unknown_sku = intake("W1002", "AMS1", true);
    unknown_sku.lines[1].sku = "CAVIAR".into();
    let mut zero = intake("W1003", "AMS1", true);
    zero.lines[0].quantity = 0;
    let mut no_name = intake("W1004", "AMS1", true);
    no_name.customer_name = " ".into();
    let mut shipped_unpaid = intake("W1007", "AMS1", false);
    shipped_unpaid.shipped = true;
    // Two such orders returned at a till once made its day report's refund total wrap negative.
    let mut priceless = intake("W1008", "AMS1", true);
    priceless.lines[0].unit_price = Some(kassa_domain::Money::from_minor(i64::MAX));
    let mut huge_line = intake("W1009", "AMS1", true);
    huge_line.lines[0].unit_price = Some(kassa_domain::MAX_AMOUNT);
    huge_line.lines[0].quantity = 2;
    let cases = [
        (unknown_sku, 400, "unknown sku \"CAVIAR\""),
        (shipped_unpaid, 400, "a shipped order must be paid online"),
        (intake("W1005", "NOPE", true), 404, "no store"),
        (zero, 400, "quantity 0"),
        (no_name, 400, "customer name"),
        (priceless, 400, "out of range"),
        (huge_line, 400, "a line's amount"),
    ];
    for (order, status, message) in cases {
        match admin.post::<_, OrderAccepted>("/v1/orders", &order).await {
            Err(SyncError::Rejected {
                status: s,
                message: m,
                ..
            }) => {
                assert_eq!(s, status, "{m}");
                assert!(m.contains(message), "{m}");
            }
            other => panic!("{} was not refused: {other:?}", order.external_id),
        }
    }
    let till_token = HqClient::new(&hq.url(), Some("not-admin".into())).unwrap();
    assert!(matches!(
        till_token
            .post::<_, OrderAccepted>("/v1/orders", &intake("W1006", "AMS1", true))
            .await,
        Err(SyncError::Rejected { status: 401, .. })
    ));
    let orders: Vec<OrderSummary> = admin.get("/v1/orders").await.unwrap();
    assert_eq!(orders.len(), 1, "only W1001 was stored: {orders:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_reaches_its_store_reserves_stock_and_is_picked_up_in_parts() {
    let hq = HqServer::start().await;
    hq.receive("AMS1", "WINE", 10).await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let mut other_store = hq.enrolled_till("RTM1", 1).await;
    hq.hq
        .add_order(&intake("W2001", "AMS1", false))
        .await
        .unwrap();
    sync_once(&mut till).await.unwrap();
    sync_once(&mut other_store).await.unwrap();
    assert!(
        other_store.find_orders("W2001").unwrap().is_empty(),
        "another store's order stays there"
    );

    let position = till.stock_position("WINE").unwrap();
    assert_eq!(
        (position.on_hand, position.reserved, position.available),
        (10, 2, 8)
    );
    let order = till.order("kassa:order:W2001").unwrap();
    assert_eq!(order.balance.minor(), 2047, "to pay at pickup");

    // Half now: one wine, paid in cash (8.99 rounds to 9.00).
    let mut first = pickup("W2001", &[("WINE", 1)]);
    first.tenders = vec![kassa_store::TenderRequest {
        kind: kassa_domain::TenderKind::Cash,
        amount: Some(kassa_domain::Money::from_minor(1000)),
        reference: None,
    }];
    let record = till.pickup(&first).unwrap();
    assert_eq!(
        (record.amount_due.minor(), record.change.minor()),
        (900, 100)
    );
    assert_eq!(till.sync_status().unwrap().pending_other, 1);
    sync_once(&mut till).await.unwrap();
    assert_eq!(
        till.sync_status().unwrap().pending_other,
        0,
        "head office has the pickup"
    );
    let at_hq = hq.hq.orders(Some("AMS1")).await.unwrap();
    assert_eq!(
        (
            at_hq[0].status.as_str(),
            at_hq[0].picked_up,
            at_hq[0].ordered
        ),
        ("partly_picked_up", 1, 3)
    );
    let position = till.stock_position("WINE").unwrap();
    assert_eq!((position.on_hand, position.reserved), (9, 1));
    let availability = hq.hq.stock_availability("WINE").await.unwrap();
    assert_eq!(
        availability
            .stores
            .iter()
            .find(|s| s.store == "AMS1")
            .unwrap()
            .on_hand,
        9,
        "head office sees the handed-over bottle leave"
    );

    // Head office cancels the rest; the till refuses it after the next sync.
    hq.hq
        .cancel_order("W2001", Some("customer called".into()))
        .await
        .unwrap();
    sync_once(&mut till).await.unwrap();
    assert_eq!(till.order("W2001").unwrap().status, OrderStatus::Cancelled);
    assert_eq!(till.stock_position("WINE").unwrap().reserved, 0);
    let refused = till.pickup(&pickup("W2001", &[])).unwrap_err();
    assert!(refused.to_string().contains("cancelled"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_offline_tills_handing_over_one_order_are_flagged_everywhere_and_resolved_at_hq() {
    let mut hq = HqServer::start().await;
    let mut till_1 = hq.enrolled_till("AMS1", 1).await;
    let mut till_2 = hq.enrolled_till("AMS1", 2).await;
    hq.hq
        .add_order(&intake("W3001", "AMS1", true))
        .await
        .unwrap();
    sync_once(&mut till_1).await.unwrap();
    sync_once(&mut till_2).await.unwrap();

    hq.stop().await;
    till_1.pickup(&pickup("W3001", &[])).unwrap();
    till_2.pickup(&pickup("W3001", &[])).unwrap();
    // Each till refuses a second pickup it can see.
    let again = till_1.pickup(&pickup("W3001", &[])).unwrap_err();
    assert!(again.to_string().contains("handed over already"), "{again}");

    hq.restart().await;
    sync_once(&mut till_1).await.unwrap();
    sync_once(&mut till_2).await.unwrap();
    sync_once(&mut till_1).await.unwrap();
    let at_hq = hq.hq.exceptions().await.unwrap();
    let over: Vec<_> = at_hq
        .iter()
        .filter(|e| e.kind.as_str() == "over_pickup")
        .collect();
    assert_eq!(over.len(), 1, "{at_hq:?}");
    assert_eq!(
        over[0].tills,
        vec!["AMS1-1".to_string(), "AMS1-2".to_string()]
    );
    let inbox_1 = till_1.exceptions().unwrap();
    assert!(inbox_1
        .iter()
        .any(|e| e.id == over[0].id && e.resolution.is_none()));
    assert_eq!(
        till_2.exceptions().unwrap(),
        inbox_1,
        "same documents, same inbox"
    );

    // The HTTP inbox and resolution, as a head office manager uses them.
    let admin = HqClient::new(&hq.url(), Some(ADMIN_TOKEN.into())).unwrap();
    let listed: Vec<kassa_protocol::ExceptionEntry> = admin.get("/v1/exceptions").await.unwrap();
    assert!(listed.iter().any(|e| e.id == over[0].id));
    let bad = admin
        .post::<_, serde_json::Value>(
            "/v1/exceptions/resolve",
            &ResolveRequest {
                id: over[0].id.clone(),
                note: "".into(),
                resolved_by: None,
            },
        )
        .await;
    assert!(
        matches!(bad, Err(SyncError::Rejected { status: 400, .. })),
        "{bad:?}"
    );
    let _: serde_json::Value = admin
        .post(
            "/v1/exceptions/resolve",
            &ResolveRequest {
                id: over[0].id.clone(),
                note: "customer returned the second set".into(),
                resolved_by: Some("Head office".into()),
            },
        )
        .await
        .unwrap();
    sync_once(&mut till_2).await.unwrap();
    let resolved = till_2
        .exceptions()
        .unwrap()
        .into_iter()
        .find(|e| e.id == over[0].id)
        .unwrap();
    assert_eq!(
        resolved.resolution.map(|r| (r.note, r.written_by)),
        Some(("customer returned the second set".into(), "hq".into()))
    );
    assert!(till_2.rebuild_verify().unwrap().differences.is_empty());
}
