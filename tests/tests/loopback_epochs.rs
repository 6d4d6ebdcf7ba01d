//! Stock epochs over loopback: head office closes an epoch while a till is offline; the till's
//! movements in the old epoch arrive late and are carried into the new one, counted once.

mod support;

use kassa_sync::sync_once;
use support::{cash_sale, HqServer};

async fn hq_on_hand(hq: &HqServer, store: &str, sku: &str) -> i64 {
    hq.hq
        .stock_availability(sku)
        .await
        .unwrap()
        .stores
        .into_iter()
        .find(|s| s.store == store)
        .unwrap()
        .on_hand
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_movements_in_a_closed_epoch_are_carried_once() {
    let mut hq = HqServer::start().await;
    hq.receive("AMS1", "MILK", 100).await;
    let mut one = hq.enrolled_till("AMS1", 1).await;
    let mut two = hq.enrolled_till("AMS1", 2).await;
    assert_eq!(one.device().unwrap().stock_epoch, 0);

    // Till 1 sells 10 while cut off; meanwhile head office closes epoch 0.
    hq.stop().await;
    for _ in 0..10 {
        one.complete_sale(&cash_sale(&[("MILK", 1)]), None).unwrap();
    }
    hq.restart().await;
    assert_eq!(hq.hq.open_stock_epoch("AMS1").await.unwrap(), 1);
    assert_eq!(
        hq_on_hand(&hq, "AMS1", "MILK").await,
        100,
        "the new baseline is what head office knew"
    );

    // Till 2 moves to epoch 1 and sells 5 there.
    sync_once(&mut two).await.unwrap();
    assert_eq!(two.device().unwrap().stock_epoch, 1);
    two.complete_sale(&cash_sale(&[("MILK", 5)]), None).unwrap();
    sync_once(&mut two).await.unwrap();
    assert_eq!(hq_on_hand(&hq, "AMS1", "MILK").await, 95);

    // Till 1 comes back: its 10 sales in epoch 0 are carried into epoch 1.
    sync_once(&mut one).await.unwrap();
    assert_eq!(hq_on_hand(&hq, "AMS1", "MILK").await, 85);
    sync_once(&mut one).await.unwrap();
    assert_eq!(one.device().unwrap().stock_epoch, 1);
    assert_eq!(
        one.stock_on_hand("MILK").unwrap(),
        85,
        "till 1 reads the current epoch"
    );
    one.complete_sale(&cash_sale(&[("MILK", 1)]), None).unwrap();
    sync_once(&mut one).await.unwrap();
    sync_once(&mut two).await.unwrap();
    assert_eq!(hq_on_hand(&hq, "AMS1", "MILK").await, 84);
    assert_eq!(two.stock_on_hand("MILK").unwrap(), 84);
    // Syncing again carries nothing twice.
    sync_once(&mut one).await.unwrap();
    assert_eq!(hq_on_hand(&hq, "AMS1", "MILK").await, 84);
    assert_eq!(hq.sales_at_hq("AMS1", "2026-11-23").await, 12);
}
