//! The console's staff page over real HTTP: an admin adds someone, sets their PIN and deactivates
//! them (the PIN never in the page or the admin log); a store manager changes only people of
//! their own stores (the service refuses the rest, as the API would); an analyst only reads; a
//! form without the session's token changes nothing.

mod common;

use common::console::{csrf_of, head_office, post_form, signed_in, Browser};
use kassa_domain::Role;
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::Hq;
use kassa_protocol::NewStaff;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

async fn page(browser: &Browser, session: &str, path: &str) -> String {
    browser.get(path, session).await.text().await.unwrap()
}

async fn person(hq: &Hq, name: &str) -> kassa_protocol::StaffSummary {
    hq.staff()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap()
}

#[tokio::test]
async fn staff_are_changed_by_whoever_may_and_only_them() {
    let (url, hq) = head_office().await;
    let browser = Browser {
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        url,
    };
    let admin = signed_in(&browser, &hq, "ann", ConsoleRole::Admin, &[]).await;
    let csrf = csrf_of(&page(&browser, &admin, "/console/staff").await);

    // An admin adds Carl to AMS1, sets a new PIN, deactivates him.
    let added = post_form(
        &browser,
        &admin,
        "/console/staff",
        &[
            ("csrf", &csrf),
            ("name", "Carl"),
            ("role", "cashier"),
            ("pin", "482193"),
            ("store", "AMS1"),
        ],
    )
    .await;
    assert_eq!(added, StatusCode::SEE_OTHER);
    let carl = person(&hq, "Carl").await;
    assert_eq!(
        (carl.stores.clone(), carl.active),
        (vec!["AMS1".to_string()], true)
    );
    let listed = page(&browser, &admin, "/console/staff?store=AMS1").await;
    assert!(listed.contains("data-staff=\"Carl\""), "{listed}");
    // (Not a plain search for the digits: the page's CSRF token is hex and may hold them. Six
    // digits: no group of a UUID in the log is six characters long.)
    assert!(
        !listed.contains("value=\"482193\"") && !listed.contains(">482193<"),
        "a PIN is never shown"
    );
    let before = hq
        .storage()
        .staff_member(&carl.id)
        .await
        .unwrap()
        .unwrap()
        .member
        .pin_hash;
    assert_eq!(
        post_form(
            &browser,
            &admin,
            "/console/staff/pin",
            &[("csrf", &csrf), ("id", &carl.id), ("pin", "735012")]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let after = hq
        .storage()
        .staff_member(&carl.id)
        .await
        .unwrap()
        .unwrap()
        .member
        .pin_hash;
    assert_ne!(before, after);
    // A PIN too short is refused with nothing changed.
    assert_eq!(
        post_form(
            &browser,
            &admin,
            "/console/staff/pin",
            &[("csrf", &csrf), ("id", &carl.id), ("pin", "1")]
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        hq.storage()
            .staff_member(&carl.id)
            .await
            .unwrap()
            .unwrap()
            .member
            .pin_hash,
        after
    );
    assert_eq!(
        post_form(
            &browser,
            &admin,
            "/console/staff/active",
            &[("csrf", &csrf), ("id", &carl.id), ("active", "false")]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert!(!person(&hq, "Carl").await.active);
    let log = hq.admin_log(20).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.actor == "console:ann" && e.action == "deactivate staff Carl"),
        "{log:?}"
    );
    assert!(
        log.iter().all(|e| e
            .action
            .split(|c: char| !c.is_ascii_alphanumeric())
            .all(|word| word != "482193" && word != "735012")),
        "{log:?}"
    );

    // Without the session's token: refused, nothing changed.
    assert_eq!(
        post_form(
            &browser,
            &admin,
            "/console/staff/active",
            &[("csrf", "x"), ("id", &carl.id), ("active", "true")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert!(!person(&hq, "Carl").await.active);

    // Dora works in RTM1 only, Eve in both stores.
    for (name, stores) in [
        ("Dora", vec!["RTM1".to_string()]),
        ("Eve", vec!["AMS1".to_string(), "RTM1".to_string()]),
    ] {
        hq.add_staff(&NewStaff {
            name: name.into(),
            role: Role::Cashier,
            pin: "5555".into(),
            stores,
        })
        .await
        .unwrap();
    }
    let marie = signed_in(&browser, &hq, "marie", ConsoleRole::StoreManager, &["AMS1"]).await;
    let theirs = page(&browser, &marie, "/console/staff").await;
    assert!(
        theirs.contains("Carl") && theirs.contains("Eve") && !theirs.contains("Dora"),
        "{theirs}"
    );
    let csrf = csrf_of(&theirs);
    let dora = person(&hq, "Dora").await;
    let eve = person(&hq, "Eve").await;
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/staff/active",
            &[("csrf", &csrf), ("id", &dora.id), ("active", "false")]
        )
        .await,
        StatusCode::NOT_FOUND,
        "another store's: as if absent"
    );
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/staff/pin",
            &[("csrf", &csrf), ("id", &eve.id), ("pin", "9999")]
        )
        .await,
        StatusCode::FORBIDDEN,
        "also works elsewhere"
    );
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/staff",
            &[
                ("csrf", &csrf),
                ("name", "Finn"),
                ("role", "cashier"),
                ("pin", "1234"),
                ("store", "RTM1")
            ]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/staff/active",
            &[("csrf", &csrf), ("id", &carl.id), ("active", "true")]
        )
        .await,
        StatusCode::SEE_OTHER,
        "their own store's"
    );
    assert!(person(&hq, "Carl").await.active);
    assert!(
        person(&hq, "Dora").await.active
            && hq.staff().await.unwrap().iter().all(|s| s.name != "Finn")
    );

    // An analyst reads, with no form; a change is refused.
    let cleo = signed_in(&browser, &hq, "cleo", ConsoleRole::Analyst, &[]).await;
    let read = page(&browser, &cleo, "/console/staff").await;
    assert!(read.contains("Dora") && !read.contains("Set PIN") && !read.contains("Add someone"));
    let csrf = csrf_of(&read);
    assert_eq!(
        post_form(
            &browser,
            &cleo,
            "/console/staff/active",
            &[("csrf", &csrf), ("id", &dora.id), ("active", "false")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert!(person(&hq, "Dora").await.active);
}
