//! A console user's browser over plain HTTP (cookies and forms by hand), and a head office with
//! two stores to point it at. Each test binary uses part of it.
#![allow(dead_code)]

use super::store;
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::Hq;
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use std::sync::Arc;

pub async fn head_office() -> (String, Arc<Hq>) {
    let hq = Arc::new(Hq::open_in_memory().unwrap());
    for code in ["AMS1", "RTM1"] {
        hq.create_store(&store(code)).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = hq.clone();
    tokio::spawn(async move { kassa_hq::serve(listener, served, "admin-token".into()).await });
    (url, hq)
}

/// The value a `set-cookie` header gives `name`, and the whole header.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let value = v[name.len() + 1..].split(';').next().unwrap().to_string();
            (value, v.to_string())
        })
}

/// The value of a hidden `csrf` field in a page.
pub fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().unwrap().to_string()
}

pub struct Browser {
    pub client: Client,
    pub url: String,
}

impl Browser {
    /// Opens the sign-in form: its token and the cookie that goes with it.
    pub async fn sign_in_form(&self) -> (String, String) {
        let response = self
            .client
            .get(format!("{}/console/sign-in", self.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let (cookie, _) = set_cookie(&response, "kassa_sign_in").expect("the form's cookie");
        (csrf_of(&response.text().await.unwrap()), cookie)
    }

    pub async fn sign_in(&self, name: &str, password: &str) -> reqwest::Response {
        let (csrf, cookie) = self.sign_in_form().await;
        self.client
            .post(format!("{}/console/sign-in", self.url))
            .header(COOKIE, format!("kassa_sign_in={cookie}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", name),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, session: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.url))
            .header(COOKIE, format!("kassa_console={session}"))
            .send()
            .await
            .unwrap()
    }
}

/// Adds a console user and signs them in: the session cookie's value.
pub async fn signed_in(
    browser: &Browser,
    hq: &Hq,
    name: &str,
    role: ConsoleRole,
    stores: &[&str],
) -> String {
    let stores: Vec<String> = stores.iter().map(|s| s.to_string()).collect();
    let (_, password) = hq
        .add_console_user(name, role, &stores, None)
        .await
        .unwrap();
    set_cookie(&browser.sign_in(name, &password).await, "kassa_console")
        .unwrap()
        .0
}

/// Posts a form with a session, as the page's form would: the answer's status.
pub async fn post_form(
    browser: &Browser,
    session: &str,
    path: &str,
    form: &[(&str, &str)],
) -> StatusCode {
    browser
        .client
        .post(format!("{}{path}", browser.url))
        .header(COOKIE, format!("kassa_console={session}"))
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
}
