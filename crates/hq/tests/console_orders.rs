//! The console's online orders over real HTTP: each store's orders with their status; a store
//! manager cancels their store's order (the tills see the cancellation) and not another store's;
//! an analyst only reads; only an admin expires; a form without the session's token changes
//! nothing.

mod common;

use common::console::{csrf_of, head_office, post_form, signed_in, Browser};
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::Hq;
use kassa_protocol::{OrderIntake, OrderIntakeLine};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

async fn status_of(hq: &Hq, order_no: &str) -> String {
    let orders = hq.orders(None).await.unwrap();
    orders
        .iter()
        .find(|o| o.order_no == order_no)
        .unwrap()
        .status
        .as_str()
        .to_string()
}

#[tokio::test]
async fn orders_are_listed_and_cancelled_by_whoever_may() {
    let (url, hq) = head_office().await;
    hq.import_catalogue_csv(b"sku,name,price,tax_class\nMUG,Mug,12.50,standard\n")
        .await
        .unwrap();
    let mut numbers = Vec::new();
    for (n, store) in ["AMS1", "RTM1"].into_iter().enumerate() {
        let accepted = hq
            .add_order(&OrderIntake {
                external_id: format!("web-{n}"),
                store: store.into(),
                customer_name: format!("Customer {n}"),
                lines: vec![OrderIntakeLine {
                    sku: "MUG".into(),
                    quantity: 2,
                    unit_price: None,
                }],
                paid: true,
                pickup_code: None,
                hold_days: None,
                shipped: false,
            })
            .await
            .unwrap();
        numbers.push(accepted.order_no);
    }
    let browser = Browser {
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        url,
    };

    let marie = signed_in(&browser, &hq, "marie", ConsoleRole::StoreManager, &["AMS1"]).await;
    let page = browser
        .get("/console/orders", &marie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&numbers[0]) && !page.contains(&numbers[1]),
        "{page}"
    );
    assert!(page.contains("25.00") && page.contains("0 of 2"), "{page}");
    let csrf = csrf_of(&page);
    // A new pickup code for their store's order, shown once and never logged; another store's
    // order is as if it did not exist.
    let reset = browser
        .client
        .post(format!("{}/console/orders/pickup-code", browser.url))
        .header(reqwest::header::COOKIE, format!("kassa_console={marie}"))
        .form(&[("csrf", csrf.as_str()), ("order", numbers[0].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    let shown = reset.text().await.unwrap();
    let needle = "id=\"pickup-code\">";
    let at = shown.find(needle).expect("the code") + needle.len();
    let code: String = shown[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(code.len(), 6, "{shown}");
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/orders/pickup-code",
            &[("csrf", &csrf), ("order", &numbers[1])]
        )
        .await,
        StatusCode::NOT_FOUND
    );
    let log = hq.admin_log(10).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == format!("new pickup code for order {}", numbers[0])));
    assert!(log.iter().all(|e| e
        .action
        .split(|c: char| !c.is_ascii_alphanumeric())
        .all(|word| word != code)));
    // Another store's order: as if it did not exist.
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/orders/cancel",
            &[("csrf", &csrf), ("order", &numbers[1]), ("note", "x")]
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(status_of(&hq, &numbers[1]).await, "open");
    // Without the session's token: refused.
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/orders/cancel",
            &[("csrf", "x"), ("order", &numbers[0])]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(status_of(&hq, &numbers[0]).await, "open");
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/orders/cancel",
            &[
                ("csrf", &csrf),
                ("order", &numbers[0]),
                ("note", "Customer called")
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&hq, &numbers[0]).await, "cancelled");
    // Twice: refused, it is closed.
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/orders/cancel",
            &[("csrf", &csrf), ("order", &numbers[0])]
        )
        .await,
        StatusCode::CONFLICT
    );
    // Only an admin expires across the chain.
    assert_eq!(
        post_form(
            &browser,
            &marie,
            "/console/orders/expire",
            &[("csrf", &csrf)]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    let filtered = browser
        .get("/console/orders?status=cancelled", &marie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        filtered.contains("data-status=\"cancelled\"")
            && !filtered.contains("data-status=\"open\""),
        "{filtered}"
    );

    let cleo = signed_in(&browser, &hq, "cleo", ConsoleRole::Analyst, &[]).await;
    let page = browser
        .get("/console/orders", &cleo)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&numbers[1]) && !page.contains(">Cancel<"),
        "{page}"
    );
    let csrf = csrf_of(&page);
    assert_eq!(
        post_form(
            &browser,
            &cleo,
            "/console/orders/cancel",
            &[("csrf", &csrf), ("order", &numbers[1])]
        )
        .await,
        StatusCode::FORBIDDEN
    );

    let ann = signed_in(&browser, &hq, "ann", ConsoleRole::Admin, &[]).await;
    let csrf = csrf_of(
        &browser
            .get("/console/orders", &ann)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        post_form(&browser, &ann, "/console/orders/expire", &[("csrf", &csrf)]).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        status_of(&hq, &numbers[1]).await,
        "open",
        "not past its pickup date"
    );
    let log = hq.admin_log(10).await.unwrap();
    assert!(
        log.iter().any(|e| e.actor == "console:marie"
            && e.action == format!("cancel order {}", numbers[0])
            && e.outcome == "ok"),
        "{log:?}"
    );
}
