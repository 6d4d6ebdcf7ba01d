//! The console's stock page over real HTTP: goods received and counts at a store; a transfer sent
//! by one store (its stock down at once) and received by the other with what was counted (its
//! stock up by that), flagged when the counts differ, received once; each store's managers may
//! only act for their own end; an analyst reads; figures per store with "as of".

mod common;

use common::console::{csrf_of, head_office, post_form, signed_in, Browser};
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::Hq;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

async fn on_hand(hq: &Hq, store: &str) -> i64 {
    let availability = hq.stock_availability("MUG").await.unwrap();
    availability
        .stores
        .iter()
        .find(|s| s.store == store)
        .map_or(0, |s| s.on_hand)
}

#[tokio::test]
async fn stock_is_received_counted_and_transferred_by_whoever_may() {
    let (url, hq) = head_office().await;
    hq.import_catalogue_csv(b"sku,name,price,tax_class\nMUG,Mug,12.50,standard\n")
        .await
        .unwrap();
    let browser = Browser {
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        url,
    };
    let ann = signed_in(&browser, &hq, "ann", ConsoleRole::Admin, &[]).await;
    let page = browser
        .get("/console/stock", &ann)
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);

    // Goods received at AMS1, then a count that finds 3 fewer.
    let movement = |store: &'static str, kind: &'static str, quantity: &'static str| {
        [
            ("store", store),
            ("kind", kind),
            ("sku", "MUG"),
            ("quantity", quantity),
            ("note", ""),
        ]
    };
    for (kind, quantity) in [("receipt", "30"), ("count", "27")] {
        let mut form = movement("AMS1", kind, quantity).to_vec();
        form.push(("csrf", &csrf));
        assert_eq!(
            post_form(&browser, &ann, "/console/stock/movement", &form).await,
            StatusCode::SEE_OTHER
        );
    }
    assert_eq!(on_hand(&hq, "AMS1").await, 27);

    // AMS1 sends 10 to RTM1: down at AMS1 at once, in transit.
    let send = |from: &'static str, to: &'static str, quantity: &'static str| {
        [
            ("from", from),
            ("to", to),
            ("sku", "MUG"),
            ("quantity", quantity),
            ("note", "for the weekend"),
        ]
    };
    let mut form = send("AMS1", "RTM1", "10").to_vec();
    form.push(("csrf", &csrf));
    assert_eq!(
        post_form(&browser, &ann, "/console/stock/transfer", &form).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        (on_hand(&hq, "AMS1").await, on_hand(&hq, "RTM1").await),
        (17, 0)
    );
    let transfers = hq
        .transfers_for(&kassa_hq::viewer::Viewer::Chain, 10)
        .await
        .unwrap();
    assert_eq!(transfers.len(), 1);
    let id = transfers[0].id.clone();
    let page = browser
        .get("/console/stock?sku=MUG", &ann)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-state=\"in-transit\""), "{page}");
    assert!(page.contains("data-figure=\"on-hand\">17<"), "{page}");

    // Hostile or wrong input: to itself, a negative quantity, an unknown SKU: refused, unchanged.
    for form in [send("AMS1", "AMS1", "1"), send("AMS1", "RTM1", "-4")] {
        let mut form = form.to_vec();
        form.push(("csrf", &csrf));
        assert_eq!(
            post_form(&browser, &ann, "/console/stock/transfer", &form).await,
            StatusCode::BAD_REQUEST
        );
    }
    assert_eq!(on_hand(&hq, "AMS1").await, 17);

    // The managers: AMS1's may not receive at RTM1, RTM1's may not send from AMS1.
    let marie = signed_in(&browser, &hq, "marie", ConsoleRole::StoreManager, &["AMS1"]).await;
    let rob = signed_in(&browser, &hq, "rob", ConsoleRole::StoreManager, &["RTM1"]).await;
    let marie_csrf = csrf_of(
        &browser
            .get("/console/stock", &marie)
            .await
            .text()
            .await
            .unwrap(),
    );
    let rob_csrf = csrf_of(
        &browser
            .get("/console/stock", &rob)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/stock/receive",
            &[("csrf", &marie_csrf), ("id", &id), ("counted", "10")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    let mut form = send("AMS1", "RTM1", "1").to_vec();
    form.push(("csrf", &rob_csrf));
    assert_eq!(
        post_form(&browser, &rob, "/console/stock/transfer", &form).await,
        StatusCode::FORBIDDEN
    );
    let mut form = movement("AMS1", "receipt", "5").to_vec();
    form.push(("csrf", &rob_csrf));
    assert_eq!(
        post_form(&browser, &rob, "/console/stock/movement", &form).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(on_hand(&hq, "AMS1").await, 17);

    // RTM1 counts 8 on arrival: up by 8, flagged 2 short; a second receipt is refused.
    assert_eq!(
        post_form(
            &browser,
            &rob,
            "/console/stock/receive",
            &[("csrf", &rob_csrf), ("id", &id), ("counted", "8")]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(on_hand(&hq, "RTM1").await, 8);
    assert_eq!(
        post_form(
            &browser,
            &rob,
            "/console/stock/receive",
            &[("csrf", &rob_csrf), ("id", &id), ("counted", "10")]
        )
        .await,
        StatusCode::CONFLICT
    );
    assert_eq!(on_hand(&hq, "RTM1").await, 8);
    let page = browser
        .get("/console/stock?sku=MUG", &rob)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("flagged: 2 short"), "{page}");
    assert!(
        !page.contains("data-store=\"AMS1\""),
        "another store's figure: {page}"
    );

    // An analyst reads only.
    let cleo = signed_in(&browser, &hq, "cleo", ConsoleRole::Analyst, &[]).await;
    let page = browser
        .get("/console/stock?sku=MUG", &cleo)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("data-store=\"AMS1\"") && !page.contains("Send a transfer"),
        "{page}"
    );
    let mut form = movement("AMS1", "receipt", "5").to_vec();
    let cleo_csrf = csrf_of(&page);
    form.push(("csrf", &cleo_csrf));
    assert_eq!(
        post_form(&browser, &cleo, "/console/stock/movement", &form).await,
        StatusCode::FORBIDDEN
    );
    let log = hq.admin_log(30).await.unwrap();
    assert!(
        log.iter().any(|e| e.actor == "console:rob"
            && e.action.starts_with("receive transfer")
            && e.outcome == "ok"),
        "{log:?}"
    );
}
