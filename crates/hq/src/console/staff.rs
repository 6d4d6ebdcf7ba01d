//! Staff: the people who work in the stores the user sees, by store. An admin, or a store
//! manager for people of their own stores only (`crate::staff_scope`), adds someone, sets a new
//! PIN, and deactivates a leaver (or brings them back); tills receive the change at their next
//! sync. PINs are typed into password fields and never shown or logged.

use super::change_log::logged_redirect;
use super::layout::{error_page, message_page, page};
use super::{forged_form, ConsoleState, SignedIn};
use crate::viewer::Viewer;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use kassa_domain::staff::{MAX_PIN_DIGITS, MIN_APPROVER_PIN_DIGITS, MIN_PIN_DIGITS};
use kassa_domain::Role;
use kassa_protocol::NewStaff;
use maud::html;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct StaffQuery {
    #[serde(default)]
    store: String,
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Cashier => "cashier",
        Role::Supervisor => "supervisor",
        Role::Manager => "manager",
    }
}

pub(super) async fn list(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(query): Query<StaffQuery>,
) -> Response {
    let viewer = Viewer::from(&signed_in.user);
    let (staff, stores) = match tokio::try_join!(state.hq.staff_for(&viewer), state.hq.stores()) {
        Ok(found) => found,
        Err(e) => return error_page(&e),
    };
    let stores: Vec<String> = stores
        .into_iter()
        .map(|s| s.code)
        .filter(|code| viewer.sees(code))
        .collect();
    let shown: Vec<_> = staff
        .iter()
        .filter(|s| query.store.is_empty() || s.stores.contains(&query.store))
        .collect();
    let may_change = signed_in.user.may_change();
    let csrf = &signed_in.session.csrf_token;
    let markup = page(
        "Staff",
        Some(&signed_in),
        html! {
            form class="filters" method="get" action="/console/staff" {
                label { "Store"
                    select name="store" {
                        option value="" { "All my stores" }
                        @for code in &stores { option value=(code) selected[*code == query.store] { (code) } }
                    }
                }
                button type="submit" { "Show" }
            }
            table id="staff" {
                caption class="muted" { (shown.len()) " people" }
                thead { tr {
                    th scope="col" { "Name" } th scope="col" { "Role" } th scope="col" { "Stores" } th scope="col" { "State" }
                    @if may_change { th scope="col" { "New PIN" } th scope="col" { "" } }
                } }
                tbody { @for person in &shown {
                    tr data-staff=(person.name) {
                        td { (person.name) } td { (role_name(person.role)) } td { (person.stores.join(", ")) }
                        td { @if person.active { "active" } @else { "deactivated" } }
                        @if may_change {
                            td {
                                form class="resolve" method="post" action="/console/staff/pin" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="id" value=(person.id);
                                    label { span class="visually-hidden" { "New PIN for " (person.name) }
                                        input type="password" name="pin" required minlength=(MIN_PIN_DIGITS) maxlength=(MAX_PIN_DIGITS) inputmode="numeric" autocomplete="new-password"; }
                                    button type="submit" { "Set PIN" }
                                }
                            }
                            td {
                                form method="post" action="/console/staff/active" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="id" value=(person.id);
                                    input type="hidden" name="active" value=(if person.active { "false" } else { "true" });
                                    button type="submit" class="secondary" { @if person.active { "Deactivate" } @else { "Reactivate" } }
                                }
                            }
                        }
                    }
                } }
            }
            @if may_change && !stores.is_empty() {
                h2 { "Add someone" }
                form class="card" method="post" action="/console/staff" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Name" input type="text" name="name" required maxlength="60"; }
                    label { "Role"
                        select name="role" {
                            @for role in [Role::Cashier, Role::Supervisor, Role::Manager] { option value=(role_name(role)) { (role_name(role)) } }
                        }
                    }
                    label { (format!("PIN ({MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits; {MIN_APPROVER_PIN_DIGITS} or more for a supervisor or manager)")) input type="password" name="pin" required minlength=(MIN_PIN_DIGITS) maxlength=(MAX_PIN_DIGITS) inputmode="numeric" autocomplete="new-password"; }
                    fieldset {
                        legend { "Works in" }
                        @for code in &stores {
                            label class="check" { input type="checkbox" name="store" value=(code) checked[*code == query.store || stores.len() == 1]; (code) }
                        }
                    }
                    button type="submit" { "Add" }
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
        "An analyst reads; a store manager or an admin changes staff.",
    )
}

/// Add form: name, role, pin, and one `store` per ticked box (hence pairs, not a struct).
pub(super) async fn add(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    };
    if !signed_in.form_is_ours(field("csrf")) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return readers_only();
    }
    let role = match Role::parse(field("role")) {
        Ok(role) => role,
        Err(e) => return message_page(StatusCode::BAD_REQUEST, "Unknown role", &e.to_string()),
    };
    let new = NewStaff {
        name: field("name").to_string(),
        role,
        pin: field("pin").to_string(),
        stores: fields
            .iter()
            .filter(|(key, _)| key == "store")
            .map(|(_, code)| code.clone())
            .collect(),
    };
    let viewer = Viewer::from(&signed_in.user);
    let outcome = state.hq.add_staff_for(&viewer, &new).await;
    let action = format!(
        "add staff {} ({}) to {}",
        new.name.chars().take(60).collect::<String>(),
        role_name(role),
        new.stores.join(",").chars().take(200).collect::<String>()
    );
    logged_redirect(
        &state,
        &signed_in,
        &action,
        outcome,
        "/console/staff".into(),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct PinForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    pin: String,
}

pub(super) async fn set_pin(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<PinForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return readers_only();
    }
    let viewer = Viewer::from(&signed_in.user);
    let outcome = state
        .hq
        .set_staff_pin_for(&viewer, &form.id, &form.pin)
        .await;
    let action = format!(
        "set staff PIN of {}",
        match &outcome {
            Ok(person) => person.name.clone(),
            Err(_) => form.id.chars().take(64).collect(),
        }
    );
    logged_redirect(
        &state,
        &signed_in,
        &action,
        outcome,
        "/console/staff".into(),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    active: String,
}

pub(super) async fn set_active(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<ActiveForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return readers_only();
    }
    let active = form.active == "true";
    let viewer = Viewer::from(&signed_in.user);
    let outcome = state
        .hq
        .set_staff_active_for(&viewer, &form.id, active)
        .await;
    let action = format!(
        "{} staff {}",
        if active { "reactivate" } else { "deactivate" },
        match &outcome {
            Ok(person) => person.name.clone(),
            Err(_) => form.id.chars().take(64).collect(),
        }
    );
    logged_redirect(
        &state,
        &signed_in,
        &action,
        outcome,
        "/console/staff".into(),
    )
    .await
}
