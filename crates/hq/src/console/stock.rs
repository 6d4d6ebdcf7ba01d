//! Stock: a SKU across the stores the user sees, each figure with the time head office last heard
//! from that store ("as of"); goods received and counts at a store; transfers between stores
//! (sent by one, received by the other with what was counted on arrival, flagged when the counts
//! differ). Admins do this for every store, store managers for theirs (`crate::transfers`,
//! `Hq::record_stock_for`); analysts read. Changes land in the admin log with the user's name.

use super::change_log::logged_redirect;
use super::layout::{error_page, message_page, page};
use super::{forged_form, ConsoleState, SignedIn};
use crate::stock::MovementKind;
use crate::storage::TransferRow;
use crate::transfers::NewTransfer;
use crate::viewer::Viewer;
use crate::HqError;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use kassa_protocol::StockLine;
use maud::{html, Markup};
use serde::Deserialize;

/// How many transfers the page lists.
const TRANSFERS_SHOWN: usize = 100;

#[derive(Deserialize)]
pub(super) struct StockQuery {
    #[serde(default)]
    sku: String,
}

fn transfer_state(t: &TransferRow) -> Markup {
    match t.difference() {
        None => html! { span data-state="in-transit" { "in transit" } },
        Some(0) => html! { span data-state="received" { "received" } },
        Some(d) if d < 0 => {
            html! { strong class="refusal" data-state="flagged" { "flagged: " (-d) " short" } }
        }
        Some(d) => {
            html! { strong class="refusal" data-state="flagged" { "flagged: " (d) " over" } }
        }
    }
}

pub(super) async fn page_handler(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(query): Query<StockQuery>,
) -> Response {
    let viewer = Viewer::from(&signed_in.user);
    let sku = query.sku.trim();
    let (stores, transfers) = match tokio::try_join!(
        state.hq.stores(),
        state.hq.transfers_for(&viewer, TRANSFERS_SHOWN)
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&e),
    };
    let (product, availability) = if sku.is_empty() {
        (None, None)
    } else {
        match tokio::try_join!(
            state.hq.storage().product(sku),
            state.hq.stock_availability_for(&viewer, sku)
        ) {
            Ok((product, availability)) => (product, Some(availability)),
            Err(e) => return error_page(&e),
        }
    };
    let availability = availability.filter(|_| product.is_some());
    let mine: Vec<&str> = stores
        .iter()
        .map(|s| s.code.as_str())
        .filter(|code| viewer.sees(code))
        .collect();
    let may_change = signed_in.user.may_change();
    let csrf = &signed_in.session.csrf_token;
    let store_select = |name: &str, codes: &[&str]| {
        html! { select name=(name) required { @for code in codes { option value=(code) { (code) } } } }
    };
    let all: Vec<&str> = stores.iter().map(|s| s.code.as_str()).collect();
    let markup = page(
        "Stock",
        Some(&signed_in),
        html! {
            form class="filters" method="get" action="/console/stock" role="search" {
                label { "SKU" input type="text" name="sku" value=(sku) maxlength="64" required; }
                button type="submit" { "Show" }
            }
            @if !sku.is_empty() {
                @match (&product, &availability) {
                    (Some(product), Some(availability)) => {
                        h2 { (product.sku) " " span class="muted" { (product.name) } }
                        table id="availability" {
                            thead { tr { th scope="col" { "Store" } th scope="col" class="num" { "On hand" } th scope="col" { "As of (UTC)" } } }
                            tbody { @for at in &availability.stores {
                                tr data-store=(at.store) {
                                    th scope="row" { (at.store) }
                                    td class="num" data-figure="on-hand" { (at.on_hand) }
                                    td { (at.as_of.as_deref().map_or("no till has synced".to_string(), |t| t.get(..16).unwrap_or(t).replace('T', " "))) }
                                }
                            } }
                        }
                    }
                    _ => { p class="refusal" { "No product " (sku) "." } }
                }
            }
            @if may_change && !mine.is_empty() {
                h2 { "Goods received or counted" }
                form class="inline" method="post" action="/console/stock/movement" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Store" (store_select("store", &mine)) }
                    label { "What"
                        select name="kind" { option value="receipt" { "goods received" } option value="count" { "a count (what is on the shelf)" } }
                    }
                    label { "SKU" input type="text" name="sku" value=(sku) required maxlength="64"; }
                    label { "Quantity" input type="number" name="quantity" required min="0" max="10000000"; }
                    label { "Note" input type="text" name="note" maxlength="500"; }
                    button type="submit" { "Record" }
                }
                h2 { "Send a transfer" }
                form class="inline" method="post" action="/console/stock/transfer" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "From" (store_select("from", &mine)) }
                    label { "To" (store_select("to", &all)) }
                    label { "SKU" input type="text" name="sku" value=(sku) required maxlength="64"; }
                    label { "Quantity" input type="number" name="quantity" required min="1" max="10000000"; }
                    label { "Note" input type="text" name="note" maxlength="500"; }
                    button type="submit" { "Send" }
                }
            }
            h2 { "Transfers" }
            @if transfers.is_empty() { p { "No transfer yet." } } @else {
                table id="transfers" {
                    thead { tr {
                        th scope="col" { "Sent (UTC)" } th scope="col" { "From" } th scope="col" { "To" } th scope="col" { "SKU" }
                        th scope="col" class="num" { "Sent" } th scope="col" class="num" { "Received" } th scope="col" { "State" } th scope="col" { "" }
                    } }
                    tbody { @for t in &transfers {
                        tr data-transfer=(t.id) {
                            td { (t.sent_at.format("%Y-%m-%d %H:%M")) " " span class="muted" { (t.sent_by) } }
                            td { (t.from_store) } td { (t.to_store) } td { (t.sku) }
                            td class="num" { (t.sent) }
                            td class="num" { @if let Some(r) = t.received { (r) " " span class="muted" { (t.received_by.as_deref().unwrap_or("")) } } }
                            td { (transfer_state(t)) }
                            td { @if t.received.is_none() && may_change && viewer.sees(&t.to_store) {
                                form class="resolve" method="post" action="/console/stock/receive" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="id" value=(t.id);
                                    label { span class="visually-hidden" { "Counted on arrival at " (t.to_store) }
                                        input type="number" name="counted" value=(t.sent) required min="0" max="10000000"; }
                                    button type="submit" { "Receive" }
                                }
                            } }
                        }
                    } }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}

fn readers_only() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Not allowed",
        "An analyst reads; a store manager or an admin records stock.",
    )
}

fn quantity(text: &str) -> Result<i64, HqError> {
    text.trim()
        .parse()
        .map_err(|_| HqError::BadRequest("a quantity is a whole number".into()))
}

/// The stock page again, for a SKU (letters, digits and `-._` kept; the rest dropped).
fn back_to(sku: &str) -> String {
    let sku: String = sku
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-._".contains(*c))
        .take(64)
        .collect();
    format!("/console/stock?sku={sku}")
}

#[derive(Deserialize)]
pub(super) struct MovementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    store: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn movement(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<MovementForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return readers_only();
    }
    let viewer = Viewer::from(&signed_in.user);
    let kind = match form.kind.as_str() {
        "receipt" => MovementKind::Receipt,
        "count" => MovementKind::Count,
        _ => {
            return message_page(
                StatusCode::BAD_REQUEST,
                "Unknown movement",
                "Choose goods received or a count.",
            )
        }
    };
    let note =
        Some(form.note.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let outcome = match quantity(&form.quantity) {
        Ok(quantity) => {
            let lines = [StockLine {
                sku: form.sku.trim().to_string(),
                quantity,
            }];
            state
                .hq
                .record_stock_for(&viewer, form.store.trim(), kind, &lines, note)
                .await
        }
        Err(e) => Err(e),
    };
    let action = format!(
        "stock {} at {}: {} x {}",
        form.kind.chars().take(8).collect::<String>(),
        form.store.chars().take(16).collect::<String>(),
        form.quantity.chars().take(12).collect::<String>(),
        form.sku.chars().take(64).collect::<String>()
    );
    logged_redirect(&state, &signed_in, &action, outcome, back_to(&form.sku)).await
}

#[derive(Deserialize)]
pub(super) struct TransferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn send(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<TransferForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return readers_only();
    }
    let viewer = Viewer::from(&signed_in.user);
    let outcome = match quantity(&form.quantity) {
        Ok(quantity) => {
            let new = NewTransfer {
                from_store: form.from.clone(),
                to_store: form.to.clone(),
                sku: form.sku.clone(),
                quantity,
                note: Some(form.note.clone()),
                by: signed_in.user.name.clone(),
            };
            state.hq.send_transfer_for(&viewer, &new).await
        }
        Err(e) => Err(e),
    };
    let action = format!(
        "send transfer {} to {}: {} x {}",
        form.from.chars().take(16).collect::<String>(),
        form.to.chars().take(16).collect::<String>(),
        form.quantity.chars().take(12).collect::<String>(),
        form.sku.chars().take(64).collect::<String>()
    );
    logged_redirect(&state, &signed_in, &action, outcome, back_to(&form.sku)).await
}

#[derive(Deserialize)]
pub(super) struct ReceiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    counted: String,
}

pub(super) async fn receive(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<ReceiveForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return readers_only();
    }
    let viewer = Viewer::from(&signed_in.user);
    let outcome = match quantity(&form.counted) {
        Ok(counted) => {
            state
                .hq
                .receive_transfer_for(&viewer, &form.id, counted, &signed_in.user.name)
                .await
        }
        Err(e) => Err(e),
    };
    let back = outcome
        .as_ref()
        .map_or_else(|_| "/console/stock".to_string(), |t| back_to(&t.sku));
    let action = format!(
        "receive transfer {}: {} counted",
        form.id.chars().take(40).collect::<String>(),
        form.counted.chars().take(12).collect::<String>()
    );
    logged_redirect(&state, &signed_in, &action, outcome, back).await
}
