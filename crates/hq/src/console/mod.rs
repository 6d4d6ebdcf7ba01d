//! Head office's web console (issue 14, ADR 0015): pages rendered here from the same services the
//! JSON API calls, under `/console` on the API's address. This module holds the routes, the
//! session cookie and what every page answers with; each page has its own file.

mod catalogue;
mod change_log;
mod exceptions;
mod layout;
mod orders;
mod overview;
mod reports;
mod sales_chart;
mod sign_in;
mod staff;
mod stock;
mod stores;

use crate::console_users::{same_secret, ConsoleSession, ConsoleUser};
use crate::hq::Hq;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use std::sync::Arc;

/// The session cookie's name.
const SESSION_COOKIE: &str = "kassa_console";
/// Largest console form body: names, notes and passwords, never files (imports have their own).
const MAX_FORM_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub(crate) struct ConsoleState {
    hq: Arc<Hq>,
    /// Cookies say `Secure` when head office serves TLS (browsers then never send them in clear).
    secure_cookies: bool,
}

/// The console's routes, to merge into head office's router.
pub(crate) fn routes(hq: Arc<Hq>, secure_cookies: bool) -> Router {
    let state = ConsoleState { hq, secure_cookies };
    Router::new()
        .route("/console", get(overview::page_handler))
        .route("/console/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/console/sign-out", post(sign_in::sign_out))
        .route("/console/exceptions", get(exceptions::list))
        .route("/console/stores", get(stores::list).post(stores::add))
        .route("/console/stores/enroll-code", post(stores::enroll_code))
        .route("/console/stores/revoke", post(stores::revoke))
        .route("/console/stores/rotate", post(stores::rotate))
        .route("/console/exceptions/resolve", post(exceptions::resolve))
        .route("/console/catalogue", get(catalogue::list))
        .route(
            "/console/catalogue/import",
            post(catalogue::upload).layer(DefaultBodyLimit::max(catalogue::UPLOAD_LIMIT)),
        )
        .route("/console/catalogue/import/{id}", get(catalogue::preview))
        .route(
            "/console/catalogue/import/{id}/confirm",
            post(catalogue::confirm),
        )
        .route(
            "/console/catalogue/import/{id}/discard",
            post(catalogue::discard),
        )
        .route("/console/catalogue/price", post(catalogue::schedule_price))
        .route("/console/staff", get(staff::list).post(staff::add))
        .route("/console/staff/pin", post(staff::set_pin))
        .route("/console/staff/active", post(staff::set_active))
        .route("/console/orders", get(orders::list))
        .route("/console/orders/cancel", post(orders::cancel))
        .route("/console/orders/expire", post(orders::expire))
        .route("/console/orders/pickup-code", post(orders::pickup_code))
        .route("/console/reports", get(reports::page_handler))
        .route("/console/reports/{section}", get(reports::csv))
        .route("/console/stock", get(stock::page_handler))
        .route("/console/stock/movement", post(stock::movement))
        .route("/console/stock/transfer", post(stock::send))
        .route("/console/stock/receive", post(stock::receive))
        .route("/console/console.css", get(layout::stylesheet))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(axum::middleware::map_response(page_headers))
        .with_state(state)
}

/// Every console answer: never cached (pages show live figures and a CSRF token), never framed,
/// scripts and styles only from head office itself.
async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        axum::http::header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// How recently a till must have synced to count as online: tills sync every few seconds to a
/// minute when they can, so five minutes of silence means they cannot.
const ONLINE_WITHIN: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

fn is_online(last_seen: chrono::DateTime<Utc>, now: chrono::DateTime<Utc>) -> bool {
    now - last_seen <= ONLINE_WITHIN
}

/// A cookie's value from the request's `cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `set-cookie` value: HttpOnly, SameSite=Strict, for `path`, Secure under TLS; `max_age`
/// seconds (0 ends it).
fn set_cookie(
    state: &ConsoleState,
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A 303 to `to` (after a form, so that reloading does not post it again).
pub(super) fn see_other(to: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response()
}

/// The signed-in user of a request, or a redirect to the sign-in page.
pub(crate) struct SignedIn {
    pub user: ConsoleUser,
    pub session: ConsoleSession,
}

impl SignedIn {
    /// Whether a form's CSRF token is this session's.
    fn form_is_ours(&self, csrf: &str) -> bool {
        same_secret(csrf, &self.session.csrf_token)
    }
}

impl FromRequestParts<ConsoleState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ConsoleState,
    ) -> Result<SignedIn, Response> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(see_other("/console/sign-in"));
        };
        match state.hq.console_session(token, Utc::now()).await {
            Ok(Some((user, session))) => Ok(SignedIn { user, session }),
            Ok(None) => Err(see_other("/console/sign-in")),
            Err(e) => Err(layout::error_page(&e)),
        }
    }
}

/// A form posted without this session's CSRF token (a page of another site, or an old page).
fn forged_form() -> Response {
    layout::message_page(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "It did not carry this session's token. Reload the page and try again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_under_tls_and_read_from_any_cookie_header() {
        let state = |secure_cookies| ConsoleState {
            hq: Arc::new(Hq::open_in_memory().unwrap()),
            secure_cookies,
        };
        let tls = set_cookie(&state(true), SESSION_COOKIE, "abc", "/console", 60);
        assert_eq!(
            tls,
            "kassa_console=abc; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        let plain = set_cookie(&state(false), SESSION_COOKIE, "abc", "/console", 60);
        assert!(!plain.to_str().unwrap().contains("Secure"));

        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; kassa_console=tok"));
        headers.append(COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&headers, "b"), Some("2"));
        assert_eq!(cookie(&headers, "kassa"), None);
    }
}
