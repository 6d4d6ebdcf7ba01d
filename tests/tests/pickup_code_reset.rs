//! A new pickup code from head office (the customer lost theirs): after its next sync the till
//! refuses the old code and hands the order over for the new one, offline from then on too; a
//! closed order gets no new code; a store manager of another store cannot reset it.

mod support;

use kassa_hq::viewer::Viewer;
use kassa_hq::HqError;
use kassa_protocol::{OrderIntake, OrderIntakeLine};
use kassa_store::{PickupLineRequest, PickupRequest, StoreError};
use support::HqServer;

fn pickup(order: &str, code: &str) -> PickupRequest {
    PickupRequest {
        order: order.into(),
        code: code.into(),
        lines: vec![PickupLineRequest {
            code: "WINE".into(),
            quantity: 1,
        }],
        tenders: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_code_replaces_the_old_one_at_the_tills() {
    let server = HqServer::start().await;
    let accepted = server
        .hq
        .add_order(&OrderIntake {
            external_id: "W2001".into(),
            store: "AMS1".into(),
            customer_name: "Ada Lovelace".into(),
            lines: vec![OrderIntakeLine {
                sku: "WINE".into(),
                quantity: 1,
                unit_price: None,
            }],
            paid: true,
            pickup_code: Some("482913".into()),
            hold_days: None,
            shipped: false,
        })
        .await
        .unwrap();
    let mut till = server.enrolled_till("AMS1", 1).await;

    // Another store's manager cannot; head office can.
    let rtm = Viewer::of_stores(&["RTM1".into()]);
    assert!(matches!(
        server.hq.reset_pickup_code_for(&rtm, "W2001").await,
        Err(HqError::NotFound(_))
    ));
    let new = server
        .hq
        .reset_pickup_code_for(&Viewer::Chain, &accepted.order_no)
        .await
        .unwrap();
    assert_eq!(new.code.len(), 6);
    assert!(new.code.bytes().all(|b| b.is_ascii_digit()));
    kassa_sync::sync_once(&mut till).await.unwrap();

    // Offline from here: the till decides on what it holds.
    match till.pickup(&pickup("W2001", "482913")) {
        Err(StoreError::WrongPickupCode { .. }) => {}
        other => panic!("the old code must be refused, got {other:?}"),
    }
    let handed = till.pickup(&pickup("W2001", &new.code)).unwrap();
    assert_eq!(handed.order_no, "W2001");
    kassa_sync::sync_once(&mut till).await.unwrap();

    // Handed over in full: closed, no new code.
    assert!(matches!(
        server
            .hq
            .reset_pickup_code_for(&Viewer::Chain, "W2001")
            .await,
        Err(HqError::Conflict(_))
    ));
}
