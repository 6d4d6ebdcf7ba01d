//! A till tells head office its version and what head office had not confirmed when its last
//! round ended: after a round that could not reach head office, the sale rung meanwhile is
//! reported as waiting (by the request that then carries it); after a round that went through,
//! nothing is.

mod support;

use support::{cash_sale, HqServer};

#[tokio::test]
async fn head_office_sees_what_was_waiting_at_a_till_and_its_version() {
    let server = HqServer::start().await;
    let mut till = server.enrolled_till("AMS1", 1).await;
    let device = till.device().unwrap();
    let token = device.device_token.clone().unwrap();
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();

    // Head office out of reach: the round fails and the sale waits at the till.
    till.set_enrollment("http://127.0.0.1:9", &token, device.hq_pin.as_deref())
        .unwrap();
    assert!(kassa_sync::sync_once(&mut till).await.is_err());
    till.set_enrollment(&server.url(), &token, device.hq_pin.as_deref())
        .unwrap();

    let reported = |server: &HqServer| {
        let hq = server.hq.clone();
        async move {
            let contacts = hq.storage().till_contacts().await.unwrap();
            assert_eq!(contacts.len(), 1, "{contacts:?}");
            contacts[0].report.clone().expect("a report")
        }
    };
    kassa_sync::sync_once(&mut till).await.unwrap();
    let report = reported(&server).await;
    assert_eq!(report.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (report.pending_sales, report.pending_amount),
        (1, 130),
        "waiting when the last round ended (1.29, paid in cash: 1.30)"
    );
    kassa_sync::sync_once(&mut till).await.unwrap();
    let report = reported(&server).await;
    assert_eq!((report.pending_sales, report.pending_amount), (0, 0));
}
