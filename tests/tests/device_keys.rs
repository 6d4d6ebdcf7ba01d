//! Each till's own key (issue 12): made on the till at enrollment, certified by its store's key
//! at head office, and used to sign receipt codes, so the store's secret key never leaves head
//! office. A till renews its key every 30 days (a till enrolled before device keys gets one at
//! its next sync); receipts signed with an earlier key stay genuine everywhere.

mod support;

use kassa_store::{NewDeviceKey, Till};
use kassa_sync::{sync_once, HqClient, SyncError, DEVICE_KEY_DAYS};
use support::{cash_sale, clock, HqServer};

fn device_columns(till: &Till) -> (Option<String>, Option<String>, Option<String>) {
    till.connection()
        .query_row(
            "SELECT receipt_key, device_key, device_certificate FROM device",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn sell_and_sign(till: &mut Till) -> (kassa_store::Receipt, String) {
    let sold = till
        .complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    let code = till.receipt_code(&sold).unwrap();
    (sold, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolled_till_signs_with_its_own_certified_key_and_holds_no_store_secret() {
    let hq = HqServer::start().await;
    let mut till1 = hq.enrolled_till("AMS1", 1).await;
    let till2 = hq.enrolled_till("AMS1", 2).await;
    let rtm = hq.enrolled_till("RTM1", 1).await;

    let (store_secret, device_key, certificate) = device_columns(&till1);
    assert_eq!(
        store_secret, None,
        "an enrolled till holds its store's secret key"
    );
    assert!(device_key.is_some() && certificate.is_some());
    let public = till1.device_public_key().unwrap().unwrap();
    assert_ne!(Some(&public), till2.device_public_key().unwrap().as_ref());

    // The code carries till 1's key and certificate; a till of the same store and one of
    // another store check it offline with the store's public key.
    let (sold, code) = sell_and_sign(&mut till1);
    assert!(code.contains(&public), "{code}");
    for checker in [&till1, &till2, &rtm] {
        let checked = checker.check_receipt_code(&code).unwrap();
        assert_eq!(
            (checked.receipt_no.as_str(), checked.total),
            (sold.receipt_no.as_str(), sold.total.minor())
        );
    }
    // Till 1's key does not sign till 2's receipts, nor an altered total.
    let as_till2 = code.replace("AMS1-1-", "AMS1-2-");
    let altered = code.replace(&format!(":{}:", sold.total.minor()), ":1:");
    for forged in [as_till2, altered] {
        let refused = rtm.check_receipt_code(&forged).unwrap_err();
        assert!(refused.to_string().contains("not genuine"), "{refused}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_renews_its_key_and_receipts_signed_before_stay_genuine() {
    let hq = HqServer::start().await;
    let till = hq.enrolled_till("AMS1", 1).await;
    let rtm = hq.enrolled_till("RTM1", 1).await;
    let first = till.device_public_key().unwrap().unwrap();

    let mut till = till.with_clock(clock("2026-12-10T09:00:00+01:00"));
    let (_, old_code) = sell_and_sign(&mut till);
    assert!(!sync_once(&mut till).await.unwrap().device_key_renewed);
    assert!(!till.device_key_older_than(DEVICE_KEY_DAYS).unwrap());

    let mut till = till.with_clock(clock("2026-12-24T09:00:00+01:00"));
    let report = sync_once(&mut till).await.unwrap();
    assert!(report.device_key_renewed, "{report:?}");
    let second = till.device_public_key().unwrap().unwrap();
    assert_ne!(first, second);
    let (_, new_code) = sell_and_sign(&mut till);
    assert!(new_code.contains(&second));
    for code in [&old_code, &new_code] {
        rtm.check_receipt_code(code).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_enrolled_before_device_keys_gets_one_and_drops_the_store_secret() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    // As an older till: the store's secret key, no key of its own.
    till.connection()
        .execute(
            "UPDATE device SET receipt_key = ?1, device_key = NULL, device_certificate = NULL",
            [kassa_domain::receipt_code::secret_key(&[9; 32])],
        )
        .unwrap();
    assert!(till.device_key_older_than(DEVICE_KEY_DAYS).unwrap());
    let report = sync_once(&mut till).await.unwrap();
    assert!(report.device_key_renewed, "{report:?}");
    let (store_secret, device_key, _) = device_columns(&till);
    assert_eq!(store_secret, None);
    assert!(device_key.is_some());
    let (_, code) = sell_and_sign(&mut till);
    till.check_receipt_code(&code).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_key_or_certificate_is_refused_and_nothing_changes() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let before = device_columns(&till);
    let client = HqClient::for_device(&till.device().unwrap()).unwrap();
    for bad in ["", "zz", &"ab".repeat(33), &"g".repeat(64)] {
        let refused = client
            .post::<_, kassa_protocol::DeviceCertificate>(
                "/v1/device/key",
                &kassa_protocol::DeviceKeyRequest {
                    public_key: bad.to_string(),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(refused, SyncError::Rejected { status: 400, .. }),
            "{bad:?}: {refused:?}"
        );
    }

    // A certificate that is not the store's, or is for another key, is not installed.
    let store_key: String = till
        .connection()
        .query_row(
            "SELECT public_key FROM receipt_keys WHERE store = 'AMS1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let key = NewDeviceKey::generate();
    let (_, _, certificate) = before.clone();
    let refused = till
        .install_device_key(&key, &certificate.clone().unwrap(), &store_key)
        .unwrap_err();
    assert!(
        refused.to_string().contains("bad device certificate"),
        "{refused}"
    );
    let other_store =
        kassa_domain::receipt_code::public_key(&kassa_domain::receipt_code::secret_key(&[4; 32]))
            .unwrap();
    let forged = kassa_domain::receipt_code::certify_till(
        &kassa_domain::receipt_code::secret_key(&[4; 32]),
        "AMS1",
        1,
        &key.public_hex,
    )
    .unwrap();
    let refused = till
        .install_device_key(&key, &forged, &other_store)
        .unwrap_err();
    assert!(refused.to_string().contains("another key"), "{refused}");
    assert_eq!(device_columns(&till), before);
    let (_, code) = sell_and_sign(&mut till);
    till.check_receipt_code(&code).unwrap();

    // A bad key at enrollment is refused and the code is not spent.
    let code = hq.enroll_code("AMS1", 2).await;
    let parsed = kassa_protocol::EnrollmentCode::parse(&code).unwrap();
    let anonymous = HqClient::new(&hq.url(), None).unwrap();
    let refused = anonymous
        .post::<_, kassa_protocol::EnrollResponse>(
            "/v1/enroll",
            &kassa_protocol::EnrollRequest {
                code: parsed.secret.clone(),
                actor_id: "00112233445566778899".into(),
                device_key: "not a key".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(refused, SyncError::Rejected { status: 400, .. }),
        "{refused:?}"
    );
    let mut fresh = Till::open_in_memory().unwrap();
    kassa_sync::enroll(&mut fresh, &hq.url(), &code)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_store_key_certifies_its_tills_anew_and_old_receipts_check_until_distrusted() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let mut rtm = hq.enrolled_till("RTM1", 1).await;
    sync_once(&mut rtm).await.unwrap();
    let (_, before) = sell_and_sign(&mut till);
    rtm.check_receipt_code(&before).unwrap();
    let first_certificate = device_columns(&till).2;
    assert!(hq.hq.rotate_store_key("NOPE", false).await.is_err());

    hq.hq.rotate_store_key("AMS1", false).await.unwrap();
    assert!(!till.device_certificate_outdated().unwrap());
    let report = sync_once(&mut till).await.unwrap();
    assert!(report.device_key_renewed, "{report:?}");
    assert!(!till.device_certificate_outdated().unwrap());
    assert_ne!(device_columns(&till).2, first_certificate);
    sync_once(&mut rtm).await.unwrap();
    let ams: Vec<_> = rtm
        .receipt_keys()
        .unwrap()
        .into_iter()
        .filter(|k| k.store == "AMS1")
        .collect();
    assert_eq!(ams.len(), 2, "{ams:?}");
    assert_eq!(ams.iter().filter(|k| k.current).count(), 1, "{ams:?}");
    // A receipt printed before the rotation and one after both check, at every till.
    let (_, after) = sell_and_sign(&mut till);
    for checker in [&till, &rtm] {
        checker.check_receipt_code(&before).unwrap();
        checker.check_receipt_code(&after).unwrap();
    }
    // Nothing changed since: the next round neither renews nor changes the set.
    assert!(!sync_once(&mut till).await.unwrap().device_key_renewed);
    assert_eq!(rtm.receipt_keys().unwrap().len(), 3);

    // A key thought stolen: every earlier key stops being trusted once a till has synced.
    hq.hq.rotate_store_key("AMS1", true).await.unwrap();
    sync_once(&mut rtm).await.unwrap();
    for code in [&before, &after] {
        let refused = rtm.check_receipt_code(code).unwrap_err();
        assert!(refused.to_string().contains("not genuine"), "{refused}");
    }
    assert!(sync_once(&mut till).await.unwrap().device_key_renewed);
    let (_, newest) = sell_and_sign(&mut till);
    rtm.check_receipt_code(&newest).unwrap();
    assert!(till.check_receipt_code(&before).is_err());
}

/// Posts a sync request with `signed` heads, carrying a sync message for each of `carried`, as
/// the till's device.
async fn post_signed_heads(
    hq: &HqServer,
    till: &mut Till,
    carried: &[&str],
    signed: Vec<kassa_protocol::SignedHeads>,
) -> u16 {
    let docs = carried
        .iter()
        .map(|id| kassa_protocol::DocMessage {
            doc_id: id.to_string(),
            message: till
                .generate_sync_message(id, &mut kassa_replica::SyncState::new())
                .unwrap()
                .expect("a first message"),
        })
        .collect();
    let body = kassa_protocol::SyncRequest {
        signed_heads: signed,
        ..kassa_protocol::SyncRequest::new(docs)
    };
    reqwest::Client::new()
        .post(format!("{}/v1/sync", hq.url()))
        .bearer_auth(till.device().unwrap().device_token.unwrap())
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_signs_the_heads_it_writes_and_head_office_keeps_only_genuine_signatures() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let other = hq.enrolled_till("AMS1", 2).await;
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    sync_once(&mut till).await.unwrap();
    let ledger = till
        .document_ids()
        .unwrap()
        .into_iter()
        .find(|d| d.starts_with("ledger/"))
        .unwrap();
    let heads = till.document_heads(&ledger).unwrap();
    let kept = hq.hq.signed_heads("AMS1").await.unwrap();
    let (_, signed) = kept
        .iter()
        .find(|(till_no, s)| *till_no == 1 && s.doc_id == ledger)
        .unwrap_or_else(|| panic!("the ledger's heads were not kept: {kept:?}"));
    assert_eq!(signed.heads, heads);
    let public = till.device_public_key().unwrap().unwrap();
    kassa_domain::heads_signature::verify_heads(&public, &ledger, &heads, &signed.signature)
        .unwrap();

    // Heads signed by another till's key, or altered, are not kept, and the sync goes on.
    let mut forged = signed.clone();
    forged.heads = vec!["ab".repeat(32)];
    let (_, other_secret, _) = device_columns(&other);
    let mut stolen = signed.clone();
    stolen.signature =
        kassa_domain::heads_signature::sign_heads(&other_secret.unwrap(), &ledger, &heads).unwrap();
    for bad in [forged, stolen] {
        assert_eq!(
            post_signed_heads(&hq, &mut till, &[&ledger], vec![bad]).await,
            200
        );
        let now = hq.hq.signed_heads("AMS1").await.unwrap();
        assert_eq!(now, kept, "a bad signature replaced a good one");
    }
    // Genuine heads of a document the request does not carry are not kept.
    let mut not_carried = signed.clone();
    not_carried.doc_id = ledger.replace("2026", "2025");
    not_carried.signature = kassa_domain::heads_signature::sign_heads(
        &device_columns(&till).1.unwrap(),
        &not_carried.doc_id,
        &heads,
    )
    .unwrap();
    assert_eq!(
        post_signed_heads(&hq, &mut till, &[&ledger], vec![not_carried]).await,
        200
    );
    assert_eq!(hq.hq.signed_heads("AMS1").await.unwrap(), kept);
    // Another store's document is refused, like a message for it.
    let mut elsewhere = signed.clone();
    elsewhere.doc_id = ledger.replace("AMS1", "RTM1");
    assert_eq!(
        post_signed_heads(&hq, &mut till, &[&ledger], vec![elsewhere]).await,
        403
    );
    assert_eq!(hq.hq.signed_heads("RTM1").await.unwrap(), vec![]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_enrolled_again_after_its_stores_key_was_rotated_takes_the_new_key() {
    let hq = HqServer::start().await;
    let mut till = hq.enrolled_till("AMS1", 1).await;
    let mut rtm = hq.enrolled_till("RTM1", 1).await;
    // The incident: the store's key is distrusted and the till is enrolled again (its old
    // device revoked by the new enrollment), before it ever synced with the new key.
    hq.hq.rotate_store_key("AMS1", true).await.unwrap();
    let code = hq.enroll_code("AMS1", 1).await;
    kassa_sync::enroll(&mut till, &hq.url(), &code)
        .await
        .unwrap();
    assert!(!till.device_certificate_outdated().unwrap());
    sync_once(&mut till).await.unwrap();
    sync_once(&mut rtm).await.unwrap();
    let (_, code) = sell_and_sign(&mut till);
    rtm.check_receipt_code(&code).unwrap();
    till.check_receipt_code(&code).unwrap();
}
