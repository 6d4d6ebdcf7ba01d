//! Stores and tills: every store the user sees with its tills (live or revoked, whether each has
//! sent its signing key) and when it last synced. An admin adds a store, makes a one-time
//! enrollment code for a till (shown once, with its QR code for the till to scan; it carries head
//! office's authority fingerprint when head office has its own), and revokes a till. Changes are
//! in head office's admin log with the user's name.

use super::change_log::{log_change, outcome_text};
use super::layout::{error_page, message_page, page};
use super::{forged_form, see_other, ConsoleState, SignedIn};
use crate::admin::{parse_tax_class, DEFAULT_TAX_CLASSES};
use crate::console_users::ConsoleRole;
use crate::viewer::Viewer;
use crate::HqError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use kassa_protocol::{EnrollmentCode, StoreInfo};
use maud::{html, PreEscaped};
use serde::Deserialize;

pub(super) async fn list(State(state): State<ConsoleState>, signed_in: SignedIn) -> Response {
    let viewer = Viewer::from(&signed_in.user);
    let stores = match state.hq.storage().stores().await {
        Ok(stores) => stores,
        Err(e) => return error_page(&e),
    };
    let mut rows = Vec::new();
    for store in stores.into_iter().filter(|s| viewer.sees(&s.info.code)) {
        match state.hq.storage().store_devices(&store.info.code).await {
            Ok(devices) => rows.push((store, devices)),
            Err(e) => return error_page(&e),
        }
    }
    let contacts: std::collections::HashMap<i64, crate::storage::TillContactRow> =
        match state.hq.storage().till_contacts().await {
            Ok(all) => all.into_iter().map(|c| (c.device_id, c)).collect(),
            Err(e) => return error_page(&e),
        };
    let now = chrono::Utc::now();
    let admin = signed_in.user.role == ConsoleRole::Admin;
    let csrf = &signed_in.session.csrf_token;
    let markup = page(
        "Stores",
        Some(&signed_in),
        html! {
            @if rows.is_empty() { p { "No stores yet." } }
            @for (store, devices) in &rows {
                section class="store" data-store=(store.info.code) {
                    h2 { (store.info.code) " " span class="muted" { (store.info.name) } }
                    p { (store.info.currency) ", prices " (store.info.tax_mode) " of tax. Last sync: "
                        @match store.last_sync_at { Some(at) => (at.format("%Y-%m-%d %H:%M UTC")), None => "never" } }
                    @if devices.is_empty() {
                        p { "No till enrolled." }
                    } @else {
                        table {
                            thead { tr {
                                th scope="col" { "Till" } th scope="col" { "State" } th scope="col" { "Signing key" }
                                th scope="col" { "Version" } th scope="col" { "Last sync (UTC)" } th scope="col" { "Waiting at the till then" }
                                @if admin { th scope="col" { "" } }
                            } }
                            tbody {
                                @for device in devices {
                                    tr data-till=(device.till_no) {
                                        td { (device.till_no) }
                                        td { @if device.revoked { "revoked" } @else { "live" } }
                                        td { @if device.public_key.is_some() { "sent" } @else { "not yet" } }
                                        @let contact = contacts.get(&device.id);
                                        @let report = contact.and_then(|c| c.report.as_ref());
                                        td data-field="version" { (report.map_or("", |r| r.version.as_str())) }
                                        td data-field="last-sync" { @match contact {
                                            Some(c) => {
                                                (c.last_seen_at.format("%Y-%m-%d %H:%M")) " "
                                                @if super::is_online(c.last_seen_at, now) { span class="online" { "online" } } @else { span class="muted" { "offline" } }
                                            }
                                            None => "never",
                                        } }
                                        td data-field="waiting" { @match report {
                                            Some(r) => { (r.pending_sales) " sales (" (kassa_domain::format_amount(kassa_domain::Money::from_minor(r.pending_amount), 2)) "), " (r.pending_other) " other" }
                                            None => "",
                                        } }
                                        @if admin {
                                            td { @if !device.revoked {
                                                form class="inline" method="post" action="/console/stores/rotate" {
                                                    input type="hidden" name="csrf" value=(csrf);
                                                    input type="hidden" name="store" value=(store.info.code);
                                                    input type="hidden" name="till" value=(device.till_no);
                                                    button type="submit" class="secondary" aria-label={"Replace credentials of till " (device.till_no) " of " (store.info.code)} { "Replace credentials" }
                                                }
                                                form class="inline" method="post" action="/console/stores/revoke" {
                                                    input type="hidden" name="csrf" value=(csrf);
                                                    input type="hidden" name="store" value=(store.info.code);
                                                    input type="hidden" name="till" value=(device.till_no);
                                                    button type="submit" aria-label={"Revoke till " (device.till_no) " of " (store.info.code)} { "Revoke" }
                                                }
                                            } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if admin {
                        form class="inline" method="post" action="/console/stores/enroll-code" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="store" value=(store.info.code);
                            label { "Till number" input type="number" name="till" min="1" max="999" required; }
                            button type="submit" { "Make an enrollment code" }
                        }
                    }
                }
            }
            @if admin {
                h2 { "Add a store" }
                form class="card" method="post" action="/console/stores" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Code (capitals and digits)" input type="text" name="code" required maxlength="16"; }
                    label { "Name" input type="text" name="name" maxlength="80"; }
                    label { "Currency (ISO 4217)" input type="text" name="currency" required maxlength="3" value="EUR"; }
                    label { "Prices" select name="tax_mode" {
                        option value="inclusive" { "include tax" }
                        option value="exclusive" { "exclude tax" }
                    } }
                    label { "Cash rounding step (minor units)" input type="number" name="cash_increment" min="1" value="1"; }
                    label { "Tax classes (CODE=RATE%, comma-separated)" input type="text" name="tax_classes" value=(DEFAULT_TAX_CLASSES.join(", ")); }
                    button type="submit" { "Add the store" }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}

/// Only an admin changes stores and tills.
fn admin_only(signed_in: &SignedIn, csrf: &str) -> Option<Response> {
    if !signed_in.form_is_ours(csrf) {
        return Some(forged_form());
    }
    (signed_in.user.role != ConsoleRole::Admin).then(|| {
        message_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Only a head office admin adds stores and enrolls or revokes tills.",
        )
    })
}

#[derive(Deserialize)]
pub(super) struct NewStoreForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    tax_mode: String,
    #[serde(default)]
    cash_increment: String,
    #[serde(default)]
    tax_classes: String,
}

pub(super) async fn add(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<NewStoreForm>,
) -> Response {
    if let Some(refused) = admin_only(&signed_in, &form.csrf) {
        return refused;
    }
    let code = form.code.trim().to_string();
    let outcome = async {
        let tax_classes = form
            .tax_classes
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(parse_tax_class)
            .collect::<Result<Vec<_>, _>>()?;
        let cash_increment = match form.cash_increment.trim() {
            "" => 1,
            text => text.parse::<i64>().map_err(|_| {
                HqError::BadRequest("the cash rounding step is a whole number".into())
            })?,
        };
        let info = StoreInfo {
            name: match form.name.trim() {
                "" => code.clone(),
                name => name.to_string(),
            },
            code: code.clone(),
            currency: form.currency.trim().to_ascii_uppercase(),
            tax_mode: form.tax_mode.trim().to_string(),
            cash_increment,
            tax_classes,
        };
        state.hq.create_store(&info).await.map(|_| ())
    }
    .await;
    let action = format!("add store {}", code.chars().take(16).collect::<String>());
    log_change(&state, &signed_in, &action, &outcome_text(&outcome)).await;
    match outcome {
        Ok(()) => see_other("/console/stores"),
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize)]
pub(super) struct TillForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    store: String,
    #[serde(default)]
    till: String,
}

impl TillForm {
    fn till_no(&self) -> Result<u16, HqError> {
        self.till
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|n| (1..=999).contains(n))
            .ok_or_else(|| HqError::BadRequest("a till number is 1 to 999".into()))
    }

    /// What was done, for the admin log (bounded: the fields are what the browser sent).
    fn action(&self, verb: &str) -> String {
        format!(
            "{verb} {} {}",
            self.store.chars().take(16).collect::<String>(),
            self.till.chars().take(4).collect::<String>()
        )
    }
}

pub(super) async fn enroll_code(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<TillForm>,
) -> Response {
    if let Some(refused) = admin_only(&signed_in, &form.csrf) {
        return refused;
    }
    let made = match form.till_no() {
        Ok(till) => state.hq.create_enroll_code(form.store.trim(), till).await,
        Err(e) => Err(e),
    };
    let action = form.action("enroll code");
    log_change(&state, &signed_in, &action, &outcome_text(&made)).await;
    match made {
        Ok(made) => code_page(&state, &signed_in, &made, false),
        Err(e) => error_page(&e),
    }
}

/// The page that shows a one-time enrollment code and its QR code (once).
fn code_page(
    state: &ConsoleState,
    signed_in: &SignedIn,
    made: &kassa_protocol::EnrollCode,
    replaced: bool,
) -> Response {
    let code = EnrollmentCode {
        secret: made.code.clone(),
        pin: state.hq.enrollment_pin(),
    }
    .to_string();
    let qr = match qrcode::QrCode::new(code.as_bytes()) {
        Ok(qr) => qr
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .build(),
        Err(e) => return error_page(&HqError::BadRequest(format!("no QR code: {e}"))),
    };
    // The SVG's XML declaration is not wanted inside HTML.
    let qr = qr
        .split_once("?>")
        .map_or(qr.as_str(), |(_, svg)| svg)
        .to_string();
    let markup = page(
        "Enrollment code",
        Some(signed_in),
        html! {
            @if replaced { p { "Till " (made.till_no) " of " (made.store) " was revoked: its token no longer works. Enroll it again with this code." } }
            p { "For till " (made.till_no) " of " (made.store) ". It works once, for 24 hours, and is shown only now." }
            p class="code" id="enrollment-code" { (code) }
            figure class="qr" role="img" aria-label={"QR code of the enrollment code for till " (made.till_no) " of " (made.store)} {
                (PreEscaped(qr))
            }
            p { a href="/console/stores" { "Back to the stores" } }
        },
    );
    Html(markup.into_string()).into_response()
}

pub(super) async fn revoke(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<TillForm>,
) -> Response {
    if let Some(refused) = admin_only(&signed_in, &form.csrf) {
        return refused;
    }
    let outcome = match form.till_no() {
        Ok(till) => state
            .hq
            .revoke_till(form.store.trim(), till)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    let action = form.action("revoke till");
    log_change(&state, &signed_in, &action, &outcome_text(&outcome)).await;
    match outcome {
        Ok(()) => see_other("/console/stores"),
        Err(e) => error_page(&e),
    }
}

/// Replaces a till's credentials (a till reinstalled, or one whose token may have leaked): its
/// device is revoked at once and a one-time enrollment code for the same till number is shown,
/// which the till enrolls with again.
pub(super) async fn rotate(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<TillForm>,
) -> Response {
    if let Some(refused) = admin_only(&signed_in, &form.csrf) {
        return refused;
    }
    let made = match form.till_no() {
        Ok(till) => match state.hq.revoke_till(form.store.trim(), till).await {
            Ok(0) => Err(HqError::NotFound(format!(
                "till {till} of {} has no enrolled device",
                form.store.trim().chars().take(16).collect::<String>()
            ))),
            Ok(_) => state.hq.create_enroll_code(form.store.trim(), till).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let action = form.action("replace till credentials");
    log_change(&state, &signed_in, &action, &outcome_text(&made)).await;
    match made {
        Ok(made) => code_page(&state, &signed_in, &made, true),
        Err(e) => error_page(&e),
    }
}
