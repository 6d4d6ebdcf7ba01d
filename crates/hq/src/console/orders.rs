//! Online orders: every order of the stores the user sees, newest first, with its status and
//! how much of it the tills have handed over; filter by store and status. A store manager or an
//! admin cancels an order still waiting (with a note the tills see); an admin expires every
//! order past its pickup date. Changes land in the admin log with the user's name.

use super::change_log::{log_change, logged_redirect, outcome_text};
use super::layout::{error_page, message_page, page};
use super::{forged_form, see_other, ConsoleState, SignedIn};
use crate::console_users::ConsoleRole;
use crate::viewer::Viewer;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use kassa_domain::{format_amount, Currency};
use kassa_replica::orders::OrderStatus;
use maud::html;
use serde::Deserialize;

/// How many orders a page lists.
const SHOWN: usize = 200;

const STATUSES: [OrderStatus; 6] = [
    OrderStatus::Open,
    OrderStatus::PartlyPickedUp,
    OrderStatus::PickedUp,
    OrderStatus::Cancelled,
    OrderStatus::Expired,
    OrderStatus::Shipped,
];

#[derive(Deserialize)]
pub(super) struct OrdersQuery {
    #[serde(default)]
    store: String,
    #[serde(default)]
    status: String,
}

fn status_name(status: OrderStatus) -> String {
    status.as_str().replace('_', " ")
}

pub(super) async fn list(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(query): Query<OrdersQuery>,
) -> Response {
    let viewer = Viewer::from(&signed_in.user);
    let store = Some(query.store.as_str()).filter(|s| !s.is_empty());
    let status = STATUSES.into_iter().find(|s| s.as_str() == query.status);
    let (orders, stores) = match tokio::try_join!(
        state.hq.recent_orders_for(&viewer, store, status, SHOWN),
        state.hq.stores()
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&e),
    };
    let digits: std::collections::HashMap<String, u8> = stores
        .iter()
        .map(|s| {
            let digits = Currency::from_iso(&s.currency).map_or(2, |c| c.minor_digits);
            (s.code.clone(), digits)
        })
        .collect();
    let matching = &orders;
    let may_change = signed_in.user.may_change();
    let admin = signed_in.user.role == ConsoleRole::Admin;
    let csrf = &signed_in.session.csrf_token;
    let markup = page(
        "Orders",
        Some(&signed_in),
        html! {
            form class="filters" method="get" action="/console/orders" {
                label { "Store"
                    select name="store" {
                        option value="" { "All" }
                        @for s in stores.iter().filter(|s| viewer.sees(&s.code)) {
                            option value=(s.code) selected[s.code == query.store] { (s.code) }
                        }
                    }
                }
                label { "Status"
                    select name="status" {
                        option value="" { "Any" }
                        @for status in STATUSES {
                            option value=(status.as_str()) selected[status.as_str() == query.status] { (status_name(status)) }
                        }
                    }
                }
                button type="submit" { "Show" }
            }
            table id="orders" {
                caption class="muted" {
                    (matching.len()) " orders, newest first"
                    @if matching.len() == SHOWN { " (the newest " (SHOWN) ")" }
                    @if status.is_some() { " among each store's newest " (crate::orders::ORDER_WINDOW) }
                }
                thead { tr {
                    th scope="col" { "Order" } th scope="col" { "Store" } th scope="col" { "Customer" }
                    th scope="col" class="num" { "Total" } th scope="col" class="num" { "Paid online" }
                    th scope="col" { "Pick up by" } th scope="col" { "Status" } th scope="col" class="num" { "Handed over" }
                    @if may_change { th scope="col" { "" } }
                } }
                tbody { @for order in matching.iter().take(SHOWN) {
                    @let digits = digits.get(&order.store).copied().unwrap_or(2);
                    tr data-order=(order.order_no) {
                        td { (order.order_no) } td { (order.store) } td { (order.customer_name) }
                        td class="num" { (format_amount(order.total, digits)) }
                        td class="num" { (format_amount(order.paid_online, digits)) }
                        td { (order.pickup_by.get(..16).unwrap_or(&order.pickup_by).replace('T', " ")) " UTC" }
                        td data-status=(order.status.as_str()) { (status_name(order.status)) }
                        td class="num" { (order.picked_up) " of " (order.ordered) }
                        @if may_change {
                            td { @if order.status.is_waiting() {
                                form class="inline" method="post" action="/console/orders/pickup-code" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="order" value=(order.order_no);
                                    button type="submit" class="secondary" aria-label={"New pickup code for " (order.order_no)} { "New pickup code" }
                                }
                                form class="resolve" method="post" action="/console/orders/cancel" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="order" value=(order.order_no);
                                    label { span class="visually-hidden" { "Why cancel " (order.order_no) }
                                        input type="text" name="note" maxlength="500" placeholder="Why"; }
                                    button type="submit" class="secondary" { "Cancel" }
                                }
                            } }
                        }
                    }
                } }
            }
            @if admin {
                form class="inline" method="post" action="/console/orders/expire" {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Expire every order past its pickup date" }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}

#[derive(Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn cancel(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<CancelForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return message_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "An analyst reads; a store manager or an admin cancels orders.",
        );
    }
    let note: String = form.note.trim().chars().take(500).collect();
    let viewer = Viewer::from(&signed_in.user);
    let outcome = state
        .hq
        .cancel_order_for(&viewer, &form.order, Some(note))
        .await;
    let action = format!(
        "cancel order {}",
        form.order.chars().take(40).collect::<String>()
    );
    logged_redirect(
        &state,
        &signed_in,
        &action,
        outcome,
        "/console/orders".into(),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn expire(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if signed_in.user.role != ConsoleRole::Admin {
        return message_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Only a head office admin expires orders across the chain.",
        );
    }
    let outcome = state.hq.expire_orders().await;
    let said = match &outcome {
        Ok(expired) => format!("ok, {} expired", expired.len()),
        Err(e) => format!("{} {}", e.status(), e.code()),
    };
    log_change(&state, &signed_in, "expire overdue orders", &said).await;
    match outcome {
        Ok(_) => see_other("/console/orders?status=expired"),
        Err(e) => error_page(&e),
    }
}

/// Gives a waiting order a new pickup code, shown once (the customer is told it; only its hash is
/// kept). Tills take it at their next sync and refuse the old one.
pub(super) async fn pickup_code(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<CancelForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return message_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "An analyst reads; a store manager or an admin gives an order a new pickup code.",
        );
    }
    let viewer = Viewer::from(&signed_in.user);
    let outcome = state.hq.reset_pickup_code_for(&viewer, &form.order).await;
    let action = format!(
        "new pickup code for order {}",
        form.order.chars().take(40).collect::<String>()
    );
    // The code itself never reaches the log.
    log_change(&state, &signed_in, &action, &outcome_text(&outcome)).await;
    match outcome {
        Ok(new) => {
            let markup = page(
                "New pickup code",
                Some(&signed_in),
                html! {
                    p { "Order " (new.order_no) " at " (new.store) " now has this pickup code. It is shown only now: give it to the customer. The store's tills take it at their next sync and refuse the old one." }
                    p class="code" id="pickup-code" { (new.code) }
                    p { a href="/console/orders" { "Back to the orders" } }
                },
            );
            Html(markup.into_string()).into_response()
        }
        Err(e) => error_page(&e),
    }
}
