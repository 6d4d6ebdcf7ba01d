//! Every route of head office's API, asked by every kind of caller (issue 12): nobody, a garbage
//! token, a revoked API token, a revoked till, a till of store A, a till of store B, the web
//! shop's orders token, a read token and an admin token. Each answer is the one expected, no
//! refused request gets a 2xx, and head office's stored data is byte for byte the same after
//! every refused request as before it.

mod support;

use reqwest::Method;
use support::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Nobody,
    Garbage,
    RevokedToken,
    RevokedTill,
    TillA,
    TillB,
    Orders,
    Read,
    Admin,
}

/// An enrollment with a code nobody was given (and a valid device key).
fn enroll_body() -> &'static str {
    let public = kassa_store::NewDeviceKey::generate().public_hex;
    Box::leak(
        format!(
            r#"{{"code":"AAAA-BBBB-CCCC","actor_id":"00112233445566778899aabbccddeeff","device_key":"{public}"}}"#
        )
        .into_boxed_str(),
    )
}

/// A device key request with a valid Ed25519 public key.
fn device_key_body() -> &'static str {
    let public = kassa_store::NewDeviceKey::generate().public_hex;
    Box::leak(format!(r#"{{"public_key":"{public}"}}"#).into_boxed_str())
}

const EVERYONE: [Who; 9] = [
    Who::Nobody,
    Who::Garbage,
    Who::RevokedToken,
    Who::RevokedTill,
    Who::TillA,
    Who::TillB,
    Who::Orders,
    Who::Read,
    Who::Admin,
];

/// Who a route lets in (see `crates/hq/src/http.rs`'s extractors).
#[derive(Clone, Copy, Debug)]
enum Door {
    Open,
    /// Authenticated by the code in its body: no token opens it.
    EnrollCode,
    Tills,
    Admin,
    OrderDesk,
    OrderOrReader,
    Reader,
    ReaderOrTill,
    AdminOrTill,
}

fn lets_in(door: Door, who: Who) -> bool {
    use Who::*;
    match door {
        Door::Open => true,
        Door::EnrollCode => false,
        Door::Tills => matches!(who, TillA | TillB),
        Door::Admin => who == Admin,
        Door::OrderDesk => matches!(who, Admin | Orders),
        Door::OrderOrReader => matches!(who, Admin | Orders | Read),
        Door::Reader => matches!(who, Admin | Read),
        Door::ReaderOrTill => matches!(who, Admin | Read | TillA | TillB),
        Door::AdminOrTill => matches!(who, Admin | TillA | TillB),
    }
}

/// The refusal expected: 403 for a live API token of the wrong scope, 401 for everyone else.
fn refusal(door: Door, who: Who) -> u16 {
    let api_door = !matches!(door, Door::Tills | Door::EnrollCode);
    if api_door && matches!(who, Who::Orders | Who::Read | Who::Admin) {
        403
    } else {
        401
    }
}

struct Route {
    method: Method,
    /// The path as routed (`{store}`), and as asked.
    pattern: &'static str,
    path: &'static str,
    body: &'static str,
    door: Door,
}

fn routes() -> Vec<Route> {
    let sync = r#"{"protocol":1,"docs":[],"catalogue_since":0}"#;
    let r = |method: Method, pattern, path, body, door| Route {
        method,
        pattern,
        path,
        body,
        door,
    };
    use Method as M;
    vec![
        r(M::GET, "/v1/health", "/v1/health", "", Door::Open),
        r(M::GET, "/metrics", "/metrics", "", Door::Reader),
        r(M::POST, "/v1/sync", "/v1/sync", sync, Door::Tills),
        r(
            M::POST,
            "/v1/enroll",
            "/v1/enroll",
            enroll_body(),
            Door::EnrollCode,
        ),
        r(
            M::POST,
            "/v1/admin/stores",
            "/v1/admin/stores",
            r#"{"code":"UTR1","name":"Utrecht","currency":"EUR","tax_mode":"inclusive","cash_increment":5,"tax_classes":[{"code":"standard","name":"standard","rate_bp":2100}]}"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/admin/stores/{store}/enroll-codes",
            "/v1/admin/stores/AMS1/enroll-codes",
            r#"{"till_no":7}"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/admin/catalogue",
            "/v1/admin/catalogue",
            r#"[]"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/admin/stores/{store}/stock/receipts",
            "/v1/admin/stores/AMS1/stock/receipts",
            r#"{"lines":[{"sku":"MILK","quantity":5}]}"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/admin/stores/{store}/stock/counts",
            "/v1/admin/stores/AMS1/stock/counts",
            r#"{"lines":[{"sku":"MILK","quantity":5}]}"#,
            Door::Admin,
        ),
        r(
            M::GET,
            "/v1/stock/{sku}",
            "/v1/stock/MILK",
            "",
            Door::ReaderOrTill,
        ),
        r(
            M::GET,
            "/v1/stores/{store}/sales",
            "/v1/stores/AMS1/sales?day=2026-11-23",
            "",
            Door::Reader,
        ),
        r(M::GET, "/v1/exceptions", "/v1/exceptions", "", Door::Reader),
        r(
            M::POST,
            "/v1/exceptions/resolve",
            "/v1/exceptions/resolve",
            r#"{"exception_id":"nope","note":"checked"}"#,
            Door::Admin,
        ),
        r(
            M::GET,
            "/v1/admin/findings",
            "/v1/admin/findings",
            "",
            Door::Reader,
        ),
        r(
            M::POST,
            "/v1/admin/findings/{id}/decision",
            "/v1/admin/findings/1/decision",
            r#"{"accept":false,"by":"Mia"}"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/device/token",
            "/v1/device/token",
            "",
            Door::Tills,
        ),
        r(
            M::POST,
            "/v1/device/key",
            "/v1/device/key",
            device_key_body(),
            Door::Tills,
        ),
        r(
            M::POST,
            "/v1/orders",
            "/v1/orders",
            r#"{"external_id":"shop-1","store":"AMS1","customer_name":"Ada","lines":[{"sku":"MILK","quantity":1}],"paid":true}"#,
            Door::OrderDesk,
        ),
        r(M::GET, "/v1/orders", "/v1/orders", "", Door::OrderOrReader),
        r(
            M::POST,
            "/v1/admin/staff",
            "/v1/admin/staff",
            r#"{"name":"Eve","role":"cashier","pin":"1234","stores":["AMS1"]}"#,
            Door::Admin,
        ),
        r(
            M::GET,
            "/v1/admin/staff",
            "/v1/admin/staff",
            "",
            Door::Reader,
        ),
        r(
            M::GET,
            "/v1/admin/audit/{till}",
            "/v1/admin/audit/AMS1-1",
            "",
            Door::Reader,
        ),
        r(
            M::GET,
            "/v1/stores/{store}/shifts",
            "/v1/stores/AMS1/shifts",
            "",
            Door::Reader,
        ),
        r(
            M::POST,
            "/v1/admin/staff/{who}/pin",
            "/v1/admin/staff/Eve/pin",
            r#"{"pin":"4321"}"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/admin/staff/{who}/stores",
            "/v1/admin/staff/Eve/stores",
            r#"{"stores":["AMS1"]}"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/admin/staff/{who}/active",
            "/v1/admin/staff/Eve/active",
            r#"{"active":false}"#,
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/orders/expire",
            "/v1/orders/expire",
            "",
            Door::Admin,
        ),
        r(
            M::POST,
            "/v1/orders/{order_no}/cancel",
            "/v1/orders/W1/cancel",
            "",
            Door::Admin,
        ),
        r(
            M::GET,
            "/v1/lookup/sales/{receipt_no}",
            "/v1/lookup/sales/AMS1-1-1",
            "",
            Door::AdminOrTill,
        ),
        r(
            M::GET,
            "/v1/lookup/orders/{order_no}",
            "/v1/lookup/orders/W1",
            "",
            Door::AdminOrTill,
        ),
        r(
            M::GET,
            "/v1/lookup/credit/{code}",
            "/v1/lookup/credit/SC-NOPE",
            "",
            Door::AdminOrTill,
        ),
    ]
}

/// Every `.route("path", get(..).post(..))` of the router's source, so a route added without a
/// row above fails this test.
fn routed() -> Vec<(String, String)> {
    let source = include_str!("../../crates/hq/src/http.rs");
    let start = source.find("pub fn router(").unwrap();
    let body = &source[start..];
    let mut found = Vec::new();
    for piece in body.split(".route(").skip(1) {
        let path = piece.split('"').nth(1).unwrap().to_string();
        // What follows the path up to the next route: its method router.
        let handlers = piece.split('"').nth(2).unwrap_or("");
        for (needle, method) in [("get(", "GET"), ("post(", "POST")] {
            if handlers.contains(needle) {
                found.push((method.to_string(), path.clone()));
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn every_route_answers_every_caller_as_expected_and_refusals_change_nothing() {
    let hq = HqServer::start().await;
    let mut till_a = hq.enrolled_till("AMS1", 1).await;
    let mut till_b = hq.enrolled_till("RTM1", 1).await;
    let mut revoked_till = hq.enrolled_till("AMS1", 2).await;
    let token = |till: &mut kassa_store::Till| till.device().unwrap().device_token.unwrap();
    let (till_a, till_b, revoked_till) = (
        token(&mut till_a),
        token(&mut till_b),
        token(&mut revoked_till),
    );
    hq.hq.revoke_till("AMS1", 2).await.unwrap();
    let scoped = |scope| {
        let hq = hq.hq.clone();
        async move {
            hq.create_api_token(&format!("{scope:?}").to_lowercase(), scope, &[])
                .await
                .unwrap()
                .1
        }
    };
    use kassa_hq::api_tokens::Scope;
    let orders = scoped(Scope::Orders).await;
    let read = scoped(Scope::Read).await;
    let (_, revoked_token) = hq
        .hq
        .create_api_token("gone", Scope::Admin, &[])
        .await
        .unwrap();
    hq.hq.revoke_api_token("gone").await.unwrap();
    let bearer = |who: Who| -> Option<String> {
        match who {
            Who::Nobody => None,
            Who::Garbage => Some("kassa_admin_0000000000000000".into()),
            Who::RevokedToken => Some(revoked_token.clone()),
            Who::RevokedTill => Some(revoked_till.clone()),
            Who::TillA => Some(till_a.clone()),
            Who::TillB => Some(till_b.clone()),
            Who::Orders => Some(orders.clone()),
            Who::Read => Some(read.clone()),
            Who::Admin => Some(ADMIN_TOKEN.into()),
        }
    };

    let table = routes();
    let mut listed: Vec<(String, String)> = table
        .iter()
        .map(|r| (r.method.to_string(), r.pattern.to_string()))
        .collect();
    listed.sort();
    assert_eq!(listed, routed(), "the matrix must list every route");

    let http = reqwest::Client::new();
    let storage = hq.hq.storage();
    let (mut asked, mut refused, mut unexpected) = (0, 0, Vec::new());
    for route in &table {
        // Everyone else first and the admin last: what an allowed request changes is not
        // what a later refused one is checked against.
        let mut order = EVERYONE.to_vec();
        order.sort_by_key(|who| *who == Who::Admin);
        for who in order {
            let before = storage.content_digest().await.unwrap();
            let mut request = http
                .request(route.method.clone(), format!("{}{}", hq.url(), route.path))
                .header("content-type", "application/json")
                .body(route.body);
            if let Some(token) = bearer(who) {
                request = request.bearer_auth(token);
            }
            let status = request.send().await.unwrap().status().as_u16();
            asked += 1;
            if lets_in(route.door, who) {
                if status == 401 || status == 403 {
                    unexpected.push(format!(
                        "{who:?} {} {}: {status}, let in expected",
                        route.method, route.path
                    ));
                }
            } else {
                refused += 1;
                let expected = refusal(route.door, who);
                if status != expected {
                    unexpected.push(format!(
                        "{who:?} {} {}: {status}, {expected} expected",
                        route.method, route.path
                    ));
                }
                let after = storage.content_digest().await.unwrap();
                if before != after {
                    unexpected.push(format!(
                        "{who:?} {} {}: refused but changed data",
                        route.method, route.path
                    ));
                }
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "{asked} asked:\n{}",
        unexpected.join("\n")
    );
    assert_eq!(asked, table.len() * EVERYONE.len());
    assert!(refused > 150, "{refused} refusals");
    // The admin's and the web shop's changes are in head office's admin log, by name.
    let log = hq.hq.admin_log(100).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.actor == "token:admin-token (admin)" && e.action == "POST /v1/admin/stores"));
    assert!(log
        .iter()
        .any(|e| e.actor == "token:orders (orders)" && e.action == "POST /v1/orders"));
    assert!(log.iter().all(|e| !e.action.contains("1234")));
}

/// A `read` token limited to a store reads that store and is refused the others, by the same
/// rule the console applies to a store manager (kassa_hq::viewer).
#[tokio::test]
async fn a_read_token_limited_to_a_store_sees_that_store_only() {
    use kassa_hq::api_tokens::Scope;
    let hq = HqServer::start().await;
    let refused = hq
        .hq
        .create_api_token("bad", Scope::Admin, &["AMS1".into()])
        .await;
    assert!(refused.is_err(), "only read tokens are limited to stores");
    let missing = hq
        .hq
        .create_api_token("bad", Scope::Read, &["NOPE".into()])
        .await;
    assert!(missing.is_err(), "a store that does not exist");
    let (token, secret) = hq
        .hq
        .create_api_token("ams-reports", Scope::Read, &["ams1".into()])
        .await
        .unwrap();
    assert_eq!(token.stores, ["AMS1"]);
    let http = reqwest::Client::new();
    let get = |path: &str| {
        http.get(format!("{}{path}", hq.url()))
            .bearer_auth(&secret)
            .send()
    };
    for (path, status) in [
        ("/v1/stores/AMS1/sales?day=2026-11-23", 200),
        ("/v1/stores/RTM1/sales?day=2026-11-23", 403),
        ("/v1/stores/AMS1/shifts", 200),
        ("/v1/stores/RTM1/shifts", 403),
        ("/v1/admin/audit/AMS1-1", 200),
        ("/v1/admin/audit/RTM1-1", 403),
        ("/v1/orders?store=RTM1", 403),
    ] {
        assert_eq!(get(path).await.unwrap().status().as_u16(), status, "{path}");
    }
    let stock: serde_json::Value = get("/v1/stock/MILK").await.unwrap().json().await.unwrap();
    let stores: Vec<&str> = stock["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["store"].as_str().unwrap())
        .collect();
    assert_eq!(stores, ["AMS1"], "{stock}");
    let everything: serde_json::Value = http
        .get(format!("{}/v1/stock/MILK", hq.url()))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        everything["stores"].as_array().unwrap().len(),
        2,
        "{everything}"
    );
}
