//! The HTTP API (axum). Handlers are thin: authenticate (extractors), parse, call [`Hq`] (whose
//! storage runs its queries off the server's threads), map the result. Every error is
//! `{ code, message }` with its status.

use crate::api_tokens::{ApiCaller, Scope, FIRST_ADMIN_TOKEN};
use crate::error::HqError;
use crate::hq::Hq;
use crate::listener::{Limits, ListenerStats};
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::stock::MovementKind;
use crate::storage::Device;
use crate::tokens::hash_secret;
use crate::viewer::Viewer;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kassa_domain::Product;
use kassa_protocol::{
    wire, CancelOrderRequest, CreateStore, EnrollCodeRequest, EnrollRequest, ErrorBody,
    FindingDecision, NewStaff, OrderIntake, ResolveRequest, SetActive, SetPin, SetStores,
    StockMovementRequest, SyncRequest, MAX_SYNC_BODY_BYTES,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::decompression::RequestDecompressionLayer;

#[derive(Clone)]
struct AppState {
    hq: Arc<Hq>,
    admin_token: Arc<String>,
    limiter: Arc<RateLimiter>,
}

impl AppState {
    /// Counts a request against the caller's rate limit.
    fn within_limit(&self, caller: &str) -> Result<(), HqError> {
        if self.limiter.allow(caller) {
            Ok(())
        } else {
            Err(HqError::RateLimited)
        }
    }

    /// The enrolled till a device token belongs to, within its rate limit.
    async fn till(&self, token: Option<&str>) -> Result<Device, HqError> {
        let device = self.hq.authenticate(token).await?;
        self.within_limit(&format!("device:{}", device.id))?;
        Ok(device)
    }
}

impl IntoResponse for HqError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // An internal failure's text (SQL, file paths, document internals) is for the operator's
        // log, never for whoever sent the request.
        let message = if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            eprintln!("kassa-hq: internal error: {self}");
            "internal error at head office; the operator's log has the details".to_string()
        } else {
            if let HqError::DatabaseUnavailable { detail } = &self {
                eprintln!("kassa-hq: database unavailable: {detail}");
            }
            self.to_string()
        };
        let mut response = (
            status,
            Json(ErrorBody {
                code: self.code().into(),
                message,
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The API token a request carries, if it is one: the data directory's admin token, or a live
/// scoped token. `None` for no token or one that is not an API token (a till's, or garbage).
async fn api_caller(state: &AppState, headers: &HeaderMap) -> Result<Option<ApiCaller>, HqError> {
    let Some(given) = bearer(headers) else {
        return Ok(None);
    };
    // Compare hashes so the time taken does not depend on how much of the token matched.
    if hash_secret(given) == hash_secret(&state.admin_token) {
        return Ok(Some(ApiCaller {
            name: FIRST_ADMIN_TOKEN.into(),
            scope: Scope::Admin,
            viewer: Viewer::Chain,
        }));
    }
    state.hq.api_caller(given).await
}

/// Lets the request through when it carries an API token of one of `scopes`, or (with
/// `tills`) an enrolled till's device token. A token that is known but of another scope is
/// refused with 403; anything else with 401. The API caller is noted for the admin log. What
/// the caller may read: its token's stores, or the whole chain (admin tokens, tills' look-ups).
async fn authorize(
    parts: &Parts,
    state: &AppState,
    scopes: &[Scope],
    tills: bool,
) -> Result<Viewer, HqError> {
    if let Some(caller) = api_caller(state, &parts.headers).await? {
        state.within_limit(&format!("token:{}", caller.name))?;
        if !scopes.contains(&caller.scope) {
            return Err(HqError::Forbidden(format!(
                "a token of scope {} may not do this",
                caller.scope.as_str()
            )));
        }
        let viewer = caller.viewer.clone();
        if let Some(slot) = parts.extensions.get::<LogSlot>() {
            *slot.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(caller);
        }
        return Ok(viewer);
    }
    if tills {
        state.till(bearer(&parts.headers)).await?;
        return Ok(Viewer::Chain);
    }
    Err(HqError::Unauthorized)
}

/// Declares an extractor that lets a request through by [`authorize`].
macro_rules! caller_kind {
    ($(#[$doc:meta])* $name:ident, [$($scope:ident),*], tills: $tills:expr) => {
        $(#[$doc])*
        // What the caller may read; extractors of callers that only write leave it unread.
        #[allow(dead_code)]
        struct $name(Viewer);

        impl FromRequestParts<AppState> for $name {
            type Rejection = HqError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<$name, HqError> {
                Ok($name(authorize(parts, state, &[$(Scope::$scope),*], $tills).await?))
            }
        }
    };
}

caller_kind!(
    /// An operator: an admin token.
    Admin, [Admin], tills: false
);
caller_kind!(
    /// The web shop's order desk: order intake and order status (admin or orders token).
    OrderDesk, [Admin, Orders], tills: false
);
caller_kind!(
    /// Reports: reads only (admin or read token).
    Reader, [Admin, Read], tills: false
);
caller_kind!(
    /// Order status for the web shop, and reports.
    OrderOrReader, [Admin, Orders, Read], tills: false
);
caller_kind!(
    /// Reports or a till (stock in every store).
    ReaderOrTill, [Admin, Read], tills: true
);
caller_kind!(
    /// An operator or an enrolled till (look-ups any till may make).
    AdminOrTill, [Admin], tills: true
);

/// An enrolled, live till, authenticated by its device token from the headers, so a request
/// that is not one is refused before its body (up to 16 MB for a sync) is read. Keeps the token
/// it presented (a renewal names it).
struct AuthenticatedTill {
    device: Device,
    token: String,
}

impl FromRequestParts<AppState> for AuthenticatedTill {
    type Rejection = HqError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<AuthenticatedTill, HqError> {
        let token = bearer(&parts.headers);
        let device = state.till(token).await?;
        Ok(AuthenticatedTill {
            device,
            token: token.unwrap_or_default().to_string(),
        })
    }
}

/// Where [`authorize`] notes the API caller, for the admin log written after the response.
#[derive(Clone, Default)]
struct LogSlot(Arc<Mutex<Option<ApiCaller>>>);

/// Writes every change made with an API token to the admin log: who, what (method and path,
/// never the body), the outcome. Tills' requests and reads are not logged.
async fn admin_log(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let changes = request.method() != Method::GET && request.method() != Method::HEAD;
    let action = format!("{} {}", request.method(), request.uri().path());
    let slot = LogSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    let caller = slot.0.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let (true, Some(caller)) = (changes, caller) {
        let status = response.status();
        let outcome = if status.is_success() {
            "ok".to_string()
        } else {
            status.as_u16().to_string()
        };
        let actor = format!("token:{} ({})", caller.name, caller.scope.as_str());
        if let Err(e) = state.hq.log_admin_action(&actor, &action, &outcome).await {
            eprintln!("kassa-hq: the admin log could not be written ({actor} {action}): {e}");
        }
    }
    response
}

/// The request body, bounded by the router's limit. Unlike axum's own extractor, a refused body
/// is answered with the API's `{ code, message }` (413 when too large).
struct Body(Bytes);

impl FromRequest<AppState> for Body {
    type Rejection = HqError;

    async fn from_request(request: Request, state: &AppState) -> Result<Body, HqError> {
        // Read up to the limit, not refused by its announced length: an authenticated caller
        // that sends too much reads a clear 413 instead of a connection closed under its write.
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(Body(bytes)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(HqError::TooLarge(
                format!("the body is over {MAX_SYNC_BODY_BYTES} bytes"),
            )),
            Err(e) => Err(HqError::BadRequest(e.body_text())),
        }
    }
}

/// Refuses a body whose announced length is over `max` before a byte of it is read (the body
/// limit alone would stop it only once that much had arrived). For requests anyone may send.
fn refuse_announced_over(request: &Request, max: usize) -> Result<(), HqError> {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match announced {
        Some(length) if length > max as u64 => {
            Err(HqError::TooLarge(format!("the body is over {max} bytes")))
        }
        _ => Ok(()),
    }
}

/// An enrollment's body: a code, an actor id and a public key. Anyone may send one, so it is
/// kept small (the route's body limit is the same).
struct EnrollBody(Bytes);

impl FromRequest<AppState> for EnrollBody {
    type Rejection = HqError;

    async fn from_request(request: Request, state: &AppState) -> Result<EnrollBody, HqError> {
        refuse_announced_over(&request, MAX_ENROLL_BODY_BYTES)?;
        Ok(EnrollBody(Body::from_request(request, state).await?.0))
    }
}

fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, HqError> {
    serde_json::from_slice(body).map_err(|e| HqError::BadRequest(format!("malformed JSON: {e}")))
}

/// A sync body in JSON, or in CBOR when its `content-type` says so; answered in CBOR when the
/// till's `accept` asks for it (kassa_protocol::wire: tills of the release before ask for
/// neither and get JSON both ways).
async fn sync(
    State(state): State<AppState>,
    AuthenticatedTill { device, .. }: AuthenticatedTill,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, HqError> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let request: SyncRequest =
        if header(axum::http::header::CONTENT_TYPE).is_some_and(wire::is_cbor) {
            wire::from_cbor(&body).map_err(HqError::BadRequest)?
        } else {
            parse_json(&body)?
        };
    let response = state.hq.sync(&device, request).await?;
    if header(axum::http::header::ACCEPT).is_some_and(wire::accepts_cbor) {
        let bytes = wire::to_cbor(&response).map_err(HqError::Corrupt)?;
        return Ok(([(axum::http::header::CONTENT_TYPE, wire::CBOR)], bytes).into_response());
    }
    Ok(Json(response).into_response())
}

async fn renew_token(
    State(state): State<AppState>,
    till: AuthenticatedTill,
) -> Result<Response, HqError> {
    let device_token = state
        .hq
        .renew_device_token(&till.device, &till.token)
        .await?;
    Ok(Json(kassa_protocol::RenewedToken { device_token }).into_response())
}

async fn rotate_device_key(
    State(state): State<AppState>,
    AuthenticatedTill { device, .. }: AuthenticatedTill,
    Body(body): Body,
) -> Result<Response, HqError> {
    let request = parse_json::<kassa_protocol::DeviceKeyRequest>(&body)?;
    let certificate = state
        .hq
        .rotate_device_key(&device, &request.public_key)
        .await?;
    Ok(Json(certificate).into_response())
}

async fn enroll(
    State(state): State<AppState>,
    EnrollBody(body): EnrollBody,
) -> Result<Response, HqError> {
    let response = state
        .hq
        .enroll(&parse_json::<EnrollRequest>(&body)?)
        .await?;
    Ok(Json(response).into_response())
}

async fn create_store(
    State(state): State<AppState>,
    _admin: Admin,
    Body(body): Body,
) -> Result<Response, HqError> {
    let store = state
        .hq
        .create_store(&parse_json::<CreateStore>(&body)?)
        .await?;
    Ok((StatusCode::CREATED, Json(store)).into_response())
}

async fn enroll_code(
    State(state): State<AppState>,
    _admin: Admin,
    Path(store): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    let till_no = parse_json::<EnrollCodeRequest>(&body)?.till_no;
    let code = state.hq.create_enroll_code(&store, till_no).await?;
    Ok((StatusCode::CREATED, Json(code)).into_response())
}

async fn catalogue(
    State(state): State<AppState>,
    _admin: Admin,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response, HqError> {
    let is_csv = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let (version, products) = if is_csv {
        state.hq.import_catalogue_csv(&body).await?
    } else {
        let products: Vec<Product> = parse_json(&body)?;
        state.hq.import_catalogue(&products).await?
    };
    Ok(Json(serde_json::json!({ "version": version, "products": products })).into_response())
}

async fn stock_movement(
    state: AppState,
    store: String,
    body: Bytes,
    kind: MovementKind,
) -> Result<Response, HqError> {
    let request: StockMovementRequest = parse_json(&body)?;
    let record = state
        .hq
        .record_stock(&store, kind, &request.lines, request.note)
        .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

async fn stock_receipt(
    State(state): State<AppState>,
    _admin: Admin,
    Path(store): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    stock_movement(state, store, body, MovementKind::Receipt).await
}

async fn stock_count(
    State(state): State<AppState>,
    _admin: Admin,
    Path(store): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    stock_movement(state, store, body, MovementKind::Count).await
}

/// Stock of a SKU in every store: for head office, and for enrolled tills (stock lookup).
async fn stock_of(
    State(state): State<AppState>,
    ReaderOrTill(viewer): ReaderOrTill,
    Path(sku): Path<String>,
) -> Result<Response, HqError> {
    let availability = state.hq.stock_availability_for(&viewer, &sku).await?;
    Ok(Json(availability).into_response())
}

#[derive(Deserialize)]
struct DayQuery {
    day: String,
}

async fn sales(
    State(state): State<AppState>,
    Reader(viewer): Reader,
    Path(store): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<Response, HqError> {
    Ok(Json(state.hq.sales_feed_for(&viewer, &store, &q.day).await?).into_response())
}

async fn exceptions(
    State(state): State<AppState>,
    Reader(viewer): Reader,
) -> Result<Response, HqError> {
    Ok(Json(state.hq.exceptions_for(&viewer).await?).into_response())
}

async fn resolve_exception(
    State(state): State<AppState>,
    _admin: Admin,
    Body(body): Body,
) -> Result<Response, HqError> {
    let record = state
        .hq
        .resolve_exception(&parse_json::<ResolveRequest>(&body)?)
        .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

async fn findings(
    State(state): State<AppState>,
    Reader(viewer): Reader,
) -> Result<Response, HqError> {
    Ok(Json(state.hq.findings_for(&viewer).await?).into_response())
}

async fn decide_finding(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    let id: i64 = id
        .parse()
        .map_err(|_| HqError::BadRequest("a finding id is a number".into()))?;
    let decision = parse_json::<FindingDecision>(&body)?;
    let decided = state
        .hq
        .decide_held(id, decision.accept, &decision.by)
        .await?;
    Ok(Json(decided).into_response())
}

/// The web shop's order intake: 201 for a new order, 200 for an external id seen before.
async fn add_order(
    State(state): State<AppState>,
    _desk: OrderDesk,
    Body(body): Body,
) -> Result<Response, HqError> {
    let accepted = state
        .hq
        .add_order(&parse_json::<OrderIntake>(&body)?)
        .await?;
    let status = if accepted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(accepted)).into_response())
}

#[derive(Deserialize)]
struct StoreQuery {
    store: Option<String>,
}

async fn list_orders(
    State(state): State<AppState>,
    OrderOrReader(viewer): OrderOrReader,
    Query(q): Query<StoreQuery>,
) -> Result<Response, HqError> {
    Ok(Json(state.hq.orders_for(&viewer, q.store.as_deref()).await?).into_response())
}

async fn audit_check(
    State(state): State<AppState>,
    Reader(viewer): Reader,
    Path(till): Path<String>,
) -> Result<Response, HqError> {
    Ok(Json(state.hq.verify_audit_for(&viewer, &till).await?).into_response())
}

async fn list_shifts(
    State(state): State<AppState>,
    Reader(viewer): Reader,
    Path(store): Path<String>,
) -> Result<Response, HqError> {
    Ok(Json(state.hq.shifts_for(&viewer, &store).await?).into_response())
}

async fn list_staff(State(state): State<AppState>, _reader: Reader) -> Result<Response, HqError> {
    Ok(Json(state.hq.staff().await?).into_response())
}

async fn add_staff(
    State(state): State<AppState>,
    _admin: Admin,
    Body(body): Body,
) -> Result<Response, HqError> {
    let added = state.hq.add_staff(&parse_json::<NewStaff>(&body)?).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

async fn set_staff_pin(
    State(state): State<AppState>,
    _admin: Admin,
    Path(who): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    let changed = state
        .hq
        .set_staff_pin(&who, &parse_json::<SetPin>(&body)?.pin)
        .await?;
    Ok(Json(changed).into_response())
}

async fn set_staff_active(
    State(state): State<AppState>,
    _admin: Admin,
    Path(who): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    let changed = state
        .hq
        .set_staff_active(&who, parse_json::<SetActive>(&body)?.active)
        .await?;
    Ok(Json(changed).into_response())
}

async fn set_staff_stores(
    State(state): State<AppState>,
    _admin: Admin,
    Path(who): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    let changed = state
        .hq
        .set_staff_stores(&who, &parse_json::<SetStores>(&body)?.stores)
        .await?;
    Ok(Json(changed).into_response())
}

async fn cancel_order(
    State(state): State<AppState>,
    _admin: Admin,
    Path(order_no): Path<String>,
    Body(body): Body,
) -> Result<Response, HqError> {
    let request: CancelOrderRequest = if body.is_empty() {
        CancelOrderRequest::default()
    } else {
        parse_json(&body)?
    };
    let record = state.hq.cancel_order(&order_no, request.note).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

async fn expire_orders(State(state): State<AppState>, _admin: Admin) -> Result<Response, HqError> {
    Ok(Json(state.hq.expire_orders().await?).into_response())
}

/// A till (device token) or head office looks up a sale of any store, to take it back.
async fn lookup_sale(
    State(state): State<AppState>,
    _caller: AdminOrTill,
    Path(receipt_no): Path<String>,
) -> Result<Response, HqError> {
    let sale = state.hq.lookup_sale(&receipt_no).await?;
    Ok(Json(sale.for_another_till()).into_response())
}

async fn lookup_order(
    State(state): State<AppState>,
    _caller: AdminOrTill,
    Path(order_no): Path<String>,
) -> Result<Response, HqError> {
    let order = state.hq.lookup_order(&order_no).await?;
    Ok(Json(order.for_another_till()).into_response())
}

async fn lookup_credit(
    State(state): State<AppState>,
    _caller: AdminOrTill,
    Path(code): Path<String>,
) -> Result<Response, HqError> {
    let balance = state.hq.credit_balance(&code).await?;
    Ok(Json(balance).into_response())
}

/// Up when this node can reach its database: a load balancer sends tills elsewhere otherwise.
async fn health(State(state): State<AppState>) -> Result<&'static str, HqError> {
    state.hq.storage.ping().await?;
    Ok("ok")
}

async fn metrics(State(state): State<AppState>, _caller: Reader) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.hq.metrics_text(),
    )
        .into_response()
}

/// Counts every answer, and times sync rounds, for `/metrics`.
async fn count_requests(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_sync = request.uri().path() == "/v1/sync";
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state
        .hq
        .metrics
        .observe(is_sync, response.status().as_u16(), started.elapsed());
    response
}

/// The API, for embedding in tests or another server.
pub fn router(hq: Arc<Hq>, admin_token: String) -> Router {
    router_with(hq, admin_token, RateLimit::default())
}

/// An enrollment request is a code, an actor id and a public key: anyone may send one, so its
/// body is kept small.
const MAX_ENROLL_BODY_BYTES: usize = 4 * 1024;

/// A request not answered by then (a body sent a byte at a time, a handler stuck) gets 408.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// [`router`] with a given rate limit per caller.
pub fn router_with(hq: Arc<Hq>, admin_token: String, limit: RateLimit) -> Router {
    router_for(hq, admin_token, limit, false)
}

/// [`router_with`], saying whether head office serves TLS (the console's cookies are `Secure`
/// then).
pub fn router_for(
    hq: Arc<Hq>,
    admin_token: String,
    limit: RateLimit,
    secure_cookies: bool,
) -> Router {
    let state = AppState {
        hq,
        admin_token: Arc::new(admin_token),
        limiter: Arc::new(RateLimiter::new(limit)),
    };
    Router::new()
        .route("/v1/health", get(health))
        .route("/metrics", get(metrics))
        .route("/v1/sync", post(sync))
        .route(
            "/v1/enroll",
            post(enroll).layer(DefaultBodyLimit::max(MAX_ENROLL_BODY_BYTES)),
        )
        .route("/v1/device/token", post(renew_token))
        .route("/v1/device/key", post(rotate_device_key))
        .route("/v1/admin/stores", post(create_store))
        .route("/v1/admin/stores/{store}/enroll-codes", post(enroll_code))
        .route("/v1/admin/catalogue", post(catalogue))
        .route(
            "/v1/admin/stores/{store}/stock/receipts",
            post(stock_receipt),
        )
        .route("/v1/admin/stores/{store}/stock/counts", post(stock_count))
        .route("/v1/stock/{sku}", get(stock_of))
        .route("/v1/stores/{store}/sales", get(sales))
        .route("/v1/exceptions", get(exceptions))
        .route("/v1/exceptions/resolve", post(resolve_exception))
        .route("/v1/admin/findings", get(findings))
        .route("/v1/admin/findings/{id}/decision", post(decide_finding))
        .route("/v1/orders", post(add_order).get(list_orders))
        .route("/v1/admin/staff", post(add_staff).get(list_staff))
        .route("/v1/admin/audit/{till}", get(audit_check))
        .route("/v1/stores/{store}/shifts", get(list_shifts))
        .route("/v1/admin/staff/{who}/pin", post(set_staff_pin))
        .route("/v1/admin/staff/{who}/active", post(set_staff_active))
        .route("/v1/admin/staff/{who}/stores", post(set_staff_stores))
        .route("/v1/orders/expire", post(expire_orders))
        .route("/v1/orders/{order_no}/cancel", post(cancel_order))
        .route("/v1/lookup/sales/{receipt_no}", get(lookup_sale))
        .route("/v1/lookup/orders/{order_no}", get(lookup_order))
        .route("/v1/lookup/credit/{code}", get(lookup_credit))
        .with_state(state.clone())
        // The console's pages, under the same limits, log and metrics as the API.
        .merge(crate::console::routes(state.hq.clone(), secure_cookies))
        // The limit counts a compressed body unpacked (the decompression layer is outside it).
        .layer(DefaultBodyLimit::max(MAX_SYNC_BODY_BYTES))
        .layer(RequestDecompressionLayer::new().gzip(true))
        .layer(axum::middleware::map_response(say_gzip_is_read))
        // Answers of a kilobyte or more go gzip-compressed to a caller that asks (tills from
        // this release on; older ones do not ask and get plain JSON).
        .layer(
            CompressionLayer::new()
                .gzip(true)
                // Not the fastest level: it cannot shrink base64 (see kassa-sync's compression).
                .quality(CompressionLevel::Default)
                .compress_when(SizeAbove::new(1024)),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            admin_log,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
}

/// Tells callers head office reads gzip request bodies (RFC 7694: `accept-encoding` in a
/// response), so a till compresses its next request without first guessing.
async fn say_gzip_is_read(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::ACCEPT_ENCODING,
        axum::http::HeaderValue::from_static("gzip"),
    );
    response
}

/// Serves the API on `listener` until the process ends.
pub async fn serve(listener: TcpListener, hq: Arc<Hq>, admin_token: String) -> std::io::Result<()> {
    serve_with(listener, hq, admin_token, ServeOptions::default()).await
}

/// [`serve`] over TLS with the given server settings ([`crate::tls::server_config`]).
pub async fn serve_tls(
    listener: TcpListener,
    hq: Arc<Hq>,
    admin_token: String,
    tls: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let options = ServeOptions {
        tls: Some(tls),
        ..ServeOptions::default()
    };
    serve_with(listener, hq, admin_token, options).await
}

/// How head office serves: TLS or not, the connection limits, and where it counts what it did.
#[derive(Default)]
pub struct ServeOptions {
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub limits: Limits,
    pub rate_limit: RateLimit,
    pub stats: Arc<ListenerStats>,
}

pub async fn serve_with(
    listener: TcpListener,
    hq: Arc<Hq>,
    admin_token: String,
    options: ServeOptions,
) -> std::io::Result<()> {
    let secure_cookies = options.tls.is_some();
    let acceptor = options.tls.map(tokio_rustls::TlsAcceptor::from);
    // Stops with the server (dropped when this future is).
    struct AbortOnDrop(tokio::task::JoinHandle<()>);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let _compaction = AbortOnDrop(crate::compaction::spawn_compaction(hq.clone()));
    crate::listener::accept_loop(
        listener,
        router_for(hq, admin_token, options.rate_limit, secure_cookies),
        acceptor,
        options.limits,
        options.stats,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(error: HqError) -> (u16, ErrorBody) {
        let response = error.into_response();
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn an_internal_error_body_carries_no_database_text() {
        let (status, body) = body_of(HqError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(11),
            Some("database disk image is malformed in table documents".into()),
        )))
        .await;
        assert_eq!(status, 500);
        assert_eq!(body.code, "internal");
        assert!(!body.message.contains("documents"), "{}", body.message);
        assert!(!body.message.contains("malformed"), "{}", body.message);
        let (_, body) = body_of(HqError::Corrupt("/var/lib/kassa/hq.db: bad chunk".into())).await;
        assert!(!body.message.contains("/var/lib"), "{}", body.message);
        // A refusal still says what was wrong with the request.
        let (status, body) =
            body_of(HqError::BadRequest("till number 0 must be 1 to 999".into())).await;
        assert_eq!(status, 400);
        assert!(body.message.contains("till number 0"), "{}", body.message);
    }
}
