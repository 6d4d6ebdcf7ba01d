//! A till renews its own device token (issue 12): every 30 days, after a good sync, it asks head
//! office for a new one. The old token keeps working until the new one is first used, so an
//! answer lost on the way never locks the till out; then the old one stops. A revoked till cannot
//! renew, and `kassa-hq till rotate` ends every token the till had.

mod support;

use kassa_sync::{renew_token, sync_once, HqClient, SyncError, TOKEN_RENEWAL_DAYS};
use support::{cash_sale, clock, HqServer};

fn token(till: &kassa_store::Till) -> String {
    till.device().unwrap().device_token.unwrap()
}

/// Whether head office lets `token` sync (an empty sync request).
async fn works(hq: &HqServer, token: &str) -> bool {
    hq.hq.authenticate(Some(token)).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_renews_its_token_and_the_old_one_stops_once_the_new_one_is_used() {
    let hq = HqServer::start().await;
    let till = hq.enrolled_till("AMS1", 1).await;
    let first = token(&till);

    // Within 30 days nothing is renewed.
    let mut till = till.with_clock(clock("2026-12-20T09:00:00+01:00"));
    assert!(!sync_once(&mut till).await.unwrap().token_renewed);
    assert_eq!(token(&till), first);

    // Past 30 days the round renews it; the old token still works until the new one is used.
    let mut till = till.with_clock(clock("2026-12-24T09:00:00+01:00"));
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    let report = sync_once(&mut till).await.unwrap();
    assert!(report.token_renewed, "{report:?}");
    let second = token(&till);
    assert_ne!(second, first);
    assert!(
        works(&hq, &first).await,
        "the old token stopped before the new one was used"
    );
    sync_once(&mut till).await.unwrap();
    assert!(
        !works(&hq, &first).await,
        "the old token works after the new one was used"
    );
    assert!(works(&hq, &second).await);
    assert_eq!(hq.sales_at_hq("AMS1", "2026-12-24").await, 1);
    assert!(
        !till.token_older_than(TOKEN_RENEWAL_DAYS).unwrap(),
        "the renewal time was not kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_never_locks_the_till_out() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let old = token(&till);
    let client = HqClient::for_device(&till.device().unwrap()).unwrap();

    // Head office renews, but the answer never reaches the till: it still has the old token,
    // which still works, and renews again with it.
    let lost: kassa_protocol::RenewedToken = client.post("/v1/device/token", &()).await.unwrap();
    assert!(works(&hq, &old).await);
    sync_once(&mut till).await.unwrap();
    renew_token(&mut till, &client).await.unwrap();
    let kept = token(&till);
    assert_ne!(kept, old);
    assert!(
        !works(&hq, &lost.device_token).await,
        "the lost token was not replaced"
    );
    sync_once(&mut till).await.unwrap();
    assert!(!works(&hq, &old).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_or_rotated_till_cannot_renew() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let client = HqClient::for_device(&till.device().unwrap()).unwrap();
    renew_token(&mut till, &client).await.unwrap();
    let (old, renewed) = (client, token(&till));

    // Head office rotates the token (it suspects a copy): old, renewed and previous all stop.
    let rotated = hq.hq.rotate_till_token("AMS1", 1).await.unwrap();
    assert!(!works(&hq, &renewed).await);
    let refused = old
        .post::<_, kassa_protocol::RenewedToken>("/v1/device/token", &())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, SyncError::Rejected { status: 401, .. }),
        "{refused:?}"
    );
    assert!(works(&hq, &rotated).await);

    hq.hq.revoke_till("AMS1", 1).await.unwrap();
    let revoked = HqClient::new(&hq.url(), Some(rotated.clone())).unwrap();
    let refused = revoked
        .post::<_, kassa_protocol::RenewedToken>("/v1/device/token", &())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, SyncError::Rejected { status: 401, .. }),
        "{refused:?}"
    );
}
