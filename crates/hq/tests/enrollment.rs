//! Enrollment and device tokens at head office: a code is taken in the transaction that makes
//! the device, expires after 24 hours, and a failed enrollment keeps it; enrolling a till number
//! again revokes the device before it; a token can be rotated, the old one stopping at once.

mod common;

use chrono::{TimeDelta, Utc};
use common::store;
use kassa_hq::{Hq, HqError};
use kassa_protocol::EnrollRequest;

async fn head_office() -> Hq {
    let hq = Hq::open_in_memory().unwrap();
    hq.create_store(&store("AMS1")).await.unwrap();
    hq.create_store(&store("RTM1")).await.unwrap();
    hq
}

fn request(code: &str, actor: &str) -> EnrollRequest {
    EnrollRequest {
        code: code.into(),
        actor_id: actor.into(),
        device_key: kassa_domain::receipt_code::public_key(
            &kassa_domain::receipt_code::secret_key(&[5; 32]),
        )
        .unwrap(),
    }
}

#[tokio::test]
async fn enrolling_a_till_number_again_revokes_the_device_before_it() {
    let hq = head_office().await;
    let code = hq.create_enroll_code("AMS1", 1).await.unwrap().code;
    let first = hq
        .enroll(&request(&code, "aa01aa01aa01aa01"))
        .await
        .unwrap();
    assert_eq!(
        hq.authenticate(Some(&first.device_token))
            .await
            .unwrap()
            .till_no,
        1
    );

    // The same code twice: refused, and the first device still works.
    assert!(matches!(
        hq.enroll(&request(&code, "bb02bb02bb02bb02")).await,
        Err(HqError::Unauthorized)
    ));
    assert!(hq.authenticate(Some(&first.device_token)).await.is_ok());

    // A replacement till enrolled as till 1: the old token stops working.
    let again = hq.create_enroll_code("AMS1", 1).await.unwrap().code;
    let second = hq
        .enroll(&request(&again, "bb02bb02bb02bb02"))
        .await
        .unwrap();
    assert!(matches!(
        hq.authenticate(Some(&first.device_token)).await,
        Err(HqError::Unauthorized)
    ));
    let device = hq.authenticate(Some(&second.device_token)).await.unwrap();
    assert_eq!((device.store.as_str(), device.till_no), ("AMS1", 1));
    // Another till number is another device: both live.
    let other = hq.create_enroll_code("AMS1", 2).await.unwrap().code;
    let third = hq
        .enroll(&request(&other, "cc03cc03cc03cc03"))
        .await
        .unwrap();
    assert!(hq.authenticate(Some(&second.device_token)).await.is_ok());
    assert!(hq.authenticate(Some(&third.device_token)).await.is_ok());
}

#[tokio::test]
async fn a_code_expires_after_a_day_and_a_failed_enrollment_keeps_it() {
    let hq = head_office().await;
    // A code made 25 hours ago (written as head office writes one, with an older clock).
    let storage = hq.storage();
    storage
        .add_enroll_code(
            &kassa_hq::tokens::hash_secret("OLD-CODE-0001"),
            "AMS1",
            3,
            Utc::now() - TimeDelta::hours(25),
        )
        .await
        .unwrap();
    assert!(matches!(
        hq.enroll(&request("OLD-CODE-0001", "dd04dd04dd04dd04"))
            .await,
        Err(HqError::Unauthorized)
    ));
    assert!(hq.storage().store_devices("AMS1").await.unwrap().is_empty());

    // A till database already enrolled as a till of another store cannot take this code; the
    // code is not used up by the refusal.
    let rotterdam = hq.create_enroll_code("RTM1", 1).await.unwrap().code;
    hq.enroll(&request(&rotterdam, "ee05ee05ee05ee05"))
        .await
        .unwrap();
    let code = hq.create_enroll_code("AMS1", 4).await.unwrap().code;
    let refused = hq
        .enroll(&request(&code, "ee05ee05ee05ee05"))
        .await
        .unwrap_err();
    assert!(matches!(refused, HqError::BadRequest(_)), "{refused}");
    assert!(hq.storage().store_devices("AMS1").await.unwrap().is_empty());
    let enrolled = hq
        .enroll(&request(&code, "ff06ff06ff06ff06"))
        .await
        .unwrap();
    assert_eq!(enrolled.till_no, 4);
}

#[tokio::test]
async fn a_rotated_token_replaces_the_old_one_at_once() {
    let hq = head_office().await;
    let code = hq.create_enroll_code("AMS1", 1).await.unwrap().code;
    let enrolled = hq
        .enroll(&request(&code, "aa01aa01aa01aa01"))
        .await
        .unwrap();
    let rotated = hq.rotate_till_token("AMS1", 1).await.unwrap();
    assert_ne!(rotated, enrolled.device_token);
    assert!(matches!(
        hq.authenticate(Some(&enrolled.device_token)).await,
        Err(HqError::Unauthorized)
    ));
    let device = hq.authenticate(Some(&rotated)).await.unwrap();
    assert_eq!((device.store.as_str(), device.till_no), ("AMS1", 1));
    // Nothing to rotate for a till never enrolled (or revoked).
    assert!(matches!(
        hq.rotate_till_token("AMS1", 9).await,
        Err(HqError::NotFound(_))
    ));
    hq.revoke_till("AMS1", 1).await.unwrap();
    assert!(matches!(
        hq.rotate_till_token("AMS1", 1).await,
        Err(HqError::NotFound(_))
    ));
    assert!(hq.authenticate(Some(&rotated)).await.is_err());
}
