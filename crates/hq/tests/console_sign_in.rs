//! Console sign-in through head office's service: the right password lets a user in, wrong ones
//! are counted until the name is locked (the right password refused too), the lock ends, and a
//! name that does not exist is refused like a wrong password.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::store;
use kassa_hq::console_users::{ConsoleRole, SignInRefused, LOCK_AFTER_FAILURES};
use kassa_hq::{Hq, HqError};

#[tokio::test]
async fn wrong_passwords_lock_a_name_and_the_lock_ends() {
    let hq = Hq::open_in_memory().unwrap();
    hq.create_store(&store("AMS1")).await.unwrap();
    let first = hq.first_console_admin().await.unwrap().expect("made once");
    assert_eq!(
        hq.first_console_admin().await.unwrap(),
        None,
        "and only once"
    );
    let now: DateTime<Utc> = "2026-12-05T10:00:00Z".parse().unwrap();
    let admin = hq
        .console_sign_in("admin", &first, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(admin.role, ConsoleRole::Admin);

    let (marie, password) = hq
        .add_console_user("marie", ConsoleRole::StoreManager, &["ams1".into()], None)
        .await
        .unwrap();
    assert_eq!(marie.stores, ["AMS1"]);
    let missing = hq
        .add_console_user("rob", ConsoleRole::StoreManager, &["NOPE".into()], None)
        .await;
    assert!(matches!(missing, Err(HqError::NotFound(_))), "{missing:?}");
    assert!(hq
        .console_users()
        .await
        .unwrap()
        .iter()
        .all(|u| u.name != "rob"));

    for n in 1..LOCK_AFTER_FAILURES {
        let refused = hq
            .console_sign_in("marie", "not her password", now)
            .await
            .unwrap();
        assert_eq!(
            refused,
            Err(SignInRefused::WrongNameOrPassword),
            "attempt {n}"
        );
    }
    let until = now + Duration::minutes(15);
    let refused = hq
        .console_sign_in("marie", "not her password", now)
        .await
        .unwrap();
    assert_eq!(refused, Err(SignInRefused::Locked { until }));
    let refused = hq
        .console_sign_in("marie", &password, now + Duration::minutes(14))
        .await;
    assert_eq!(
        refused.unwrap(),
        Err(SignInRefused::Locked { until }),
        "the right password is refused while locked"
    );
    let signed_in = hq
        .console_sign_in("marie", &password, until + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(signed_in, Ok(marie));
    // The count starts again after a right password.
    let refused = hq
        .console_sign_in("marie", "wrong again", until + Duration::seconds(2))
        .await;
    assert_eq!(refused.unwrap(), Err(SignInRefused::WrongNameOrPassword));

    let nobody = hq.console_sign_in("nobody", &password, now).await.unwrap();
    assert_eq!(nobody, Err(SignInRefused::WrongNameOrPassword));
}
