//! The console over real HTTP: signing in (a wrong password refused, a form without its token
//! refused), the session cookie's flags, a store manager seeing only their stores, signing out
//! (the session ends, a sign-out without the session's token changes nothing).

mod common;

use common::console::{csrf_of, head_office, set_cookie, Browser};
use kassa_hq::console_users::ConsoleRole;
use reqwest::header::{COOKIE, LOCATION};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

#[tokio::test]
async fn sign_in_sessions_and_sign_out_over_http() {
    let (url, hq) = head_office().await;
    let (_, password) = hq
        .add_console_user("marie", ConsoleRole::StoreManager, &["RTM1".into()], None)
        .await
        .unwrap();
    let browser = Browser {
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        url,
    };

    // Not signed in: every page sends to the sign-in form.
    let overview = browser.get("/console", "").await;
    assert_eq!(overview.status(), StatusCode::SEE_OTHER);
    assert_eq!(overview.headers()[LOCATION], "/console/sign-in");
    let forged = browser.get("/console", &"0".repeat(64)).await;
    assert_eq!(
        forged.status(),
        StatusCode::SEE_OTHER,
        "a made-up session is none"
    );

    // A wrong password: refused, said, and no session.
    let wrong = browser.sign_in("marie", "not her password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&wrong, "kassa_console").is_none());
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("Wrong name or password."));

    // The sign-in form posted without its token, or with another form's: refused.
    let (csrf, _) = browser.sign_in_form().await;
    let (_, other_cookie) = browser.sign_in_form().await;
    for cookie in [String::new(), format!("kassa_sign_in={other_cookie}")] {
        let response = browser
            .client
            .post(format!("{}/console/sign-in", browser.url))
            .header(COOKIE, cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "marie"),
                ("password", password.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(set_cookie(&response, "kassa_console").is_none());
    }

    // The right password: a session cookie only scripts cannot read and no other site sends.
    let signed_in = browser.sign_in("marie", &password).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[LOCATION], "/console");
    let (session, header) = set_cookie(&signed_in, "kassa_console").expect("a session");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(header.contains(flag), "{header}");
    }
    assert!(
        !header.contains("Secure"),
        "plain HTTP on loopback: {header}"
    );

    let overview = browser.get("/console", &session).await;
    assert_eq!(overview.status(), StatusCode::OK);
    assert_eq!(overview.headers()["cache-control"], "no-store");
    assert!(overview.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    let page = overview.text().await.unwrap();
    assert!(page.contains("marie") && page.contains("RTM1"), "{page}");
    assert!(
        !page.contains("AMS1"),
        "a store manager sees only their stores"
    );
    let csrf = csrf_of(&page);

    // Signing out without the session's token changes nothing; with it, the session ends.
    let sign_out = |token: String| {
        browser
            .client
            .post(format!("{}/console/sign-out", browser.url))
            .header(COOKIE, format!("kassa_console={session}"))
            .form(&[("csrf", token)])
            .send()
    };
    assert_eq!(
        sign_out("f".repeat(64)).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        browser.get("/console", &session).await.status(),
        StatusCode::OK
    );
    let out = sign_out(csrf).await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let (ended, _) = set_cookie(&out, "kassa_console").expect("the cookie is cleared");
    assert!(ended.is_empty());
    assert_eq!(
        browser.get("/console", &session).await.status(),
        StatusCode::SEE_OTHER,
        "the session ended at head office, not just in the browser"
    );

    // Sign-ins are in head office's admin log, refused ones too.
    let log = hq.admin_log(20).await.unwrap();
    let sign_ins: Vec<_> = log
        .iter()
        .filter(|e| e.action == "console sign in")
        .map(|e| (e.actor.as_str(), e.outcome.as_str()))
        .collect();
    assert!(sign_ins.contains(&("console:marie", "ok")), "{sign_ins:?}");
    assert!(sign_ins.contains(&("console:marie", "401 wrong name or password")));
}

#[tokio::test]
async fn an_admin_sees_every_store_and_the_stylesheet_is_served_here() {
    let (url, hq) = head_office().await;
    let password = hq.first_console_admin().await.unwrap().unwrap();
    let browser = Browser {
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        url,
    };
    let signed_in = browser.sign_in("admin", &password).await;
    let (session, _) = set_cookie(&signed_in, "kassa_console").unwrap();
    let page = browser
        .get("/console", &session)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("AMS1") && page.contains("RTM1"), "{page}");
    assert!(page.contains("href=\"/console/console.css\""));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing from elsewhere"
    );
    let css = browser.get("/console/console.css", "").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

#[tokio::test]
async fn an_analyst_reads_exceptions_and_may_not_resolve_them() {
    let (url, hq) = head_office().await;
    let (_, password) = hq
        .add_console_user("ana", ConsoleRole::Analyst, &[], None)
        .await
        .unwrap();
    let browser = Browser {
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        url,
    };
    let signed_in = browser.sign_in("ana", &password).await;
    let (session, _) = set_cookie(&signed_in, "kassa_console").unwrap();
    let page = browser.get("/console/exceptions", &session).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("0 of 0 exceptions"), "{page}");
    let csrf = csrf_of(&page);
    let refused = browser
        .client
        .post(format!("{}/console/exceptions/resolve", browser.url))
        .header(COOKIE, format!("kassa_console={session}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("id", "negative-stock/AMS1/MILK"),
            ("note", "mine"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("An analyst reads"));
}

#[tokio::test]
async fn only_an_admin_adds_stores_or_makes_enrollment_codes() {
    let (url, hq) = head_office().await;
    let (_, password) = hq
        .add_console_user("marie", ConsoleRole::StoreManager, &["AMS1".into()], None)
        .await
        .unwrap();
    let browser = Browser {
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        url,
    };
    let signed_in = browser.sign_in("marie", &password).await;
    let (session, _) = set_cookie(&signed_in, "kassa_console").unwrap();
    let page = browser
        .get("/console/stores", &session)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("AMS1") && !page.contains("RTM1"), "{page}");
    assert!(
        !page.contains("Add a store"),
        "no form for what they may not do"
    );
    let csrf = csrf_of(&page);
    for (path, form) in [
        (
            "/console/stores",
            vec![
                ("code", "UTR1"),
                ("currency", "EUR"),
                ("tax_mode", "inclusive"),
            ],
        ),
        (
            "/console/stores/enroll-code",
            vec![("store", "AMS1"), ("till", "7")],
        ),
        (
            "/console/stores/revoke",
            vec![("store", "AMS1"), ("till", "1")],
        ),
    ] {
        let mut fields = form.clone();
        fields.push(("csrf", csrf.as_str()));
        let refused = browser
            .client
            .post(format!("{}{path}", browser.url))
            .header(COOKIE, format!("kassa_console={session}"))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert!(
        hq.storage().store("UTR1").await.unwrap().is_none(),
        "nothing added"
    );
}
