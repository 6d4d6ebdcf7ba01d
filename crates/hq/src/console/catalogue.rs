//! The catalogue: search; an admin imports a file (Kassa's CSV, a Shopify product export or a
//! Square item library export) through a preview that lists every bad row and maps the export's
//! tax fields to store tax classes before anything is applied; and schedules a price for a later
//! instant, which tills receive ahead and switch to on their own clock. Changes land in the admin
//! log with the user's name.

use super::change_log::{log_change, logged_redirect, outcome_text};
use super::layout::{error_page, message_page, page};
use super::{forged_form, ConsoleState, SignedIn};
use crate::catalogue_import::{ImportPreview, MAX_IMPORT_BYTES};
use crate::console_users::ConsoleRole;
use crate::HqError;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use chrono::{DateTime, NaiveDateTime, Utc};
use kassa_domain::{format_amount, parse_amount, suggested_tax_class, CatalogueFormat, Product};
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;

/// How many products a search shows, and how many rows a preview lists.
const SHOWN: usize = 100;
const PREVIEWED: usize = 200;

#[derive(Deserialize)]
pub(super) struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub(super) async fn list(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(query): Query<SearchQuery>,
) -> Response {
    let (products, minor_digits) = match tokio::try_join!(
        state.hq.search_catalogue(&query.q, SHOWN),
        state.hq.catalogue_minor_digits()
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&e),
    };
    let admin = signed_in.user.role == ConsoleRole::Admin;
    let csrf = &signed_in.session.csrf_token;
    let markup = page(
        "Catalogue",
        Some(&signed_in),
        html! {
            form class="filters" method="get" action="/console/catalogue" role="search" {
                label { "SKU or name" input type="text" name="q" value=(query.q) maxlength="100"; }
                button type="submit" { "Search" }
            }
            @if products.is_empty() {
                p { "No product matches." }
            } @else {
                table class="products" {
                    caption class="muted" { (products.len()) " shown" @if products.len() == SHOWN { " (the first " (SHOWN) "; narrow the search)" } }
                    thead { tr {
                        th scope="col" { "SKU" } th scope="col" { "Name" } th scope="col" class="num" { "Price" }
                        th scope="col" { "Tax class" } th scope="col" { "Category" } th scope="col" { "State" }
                        th scope="col" { "Scheduled prices" }
                    } }
                    tbody {
                        @for product in &products {
                            tr data-sku=(product.sku) {
                                td { (product.sku) } td { (product.name) }
                                td class="num" { (format_amount(product.price, minor_digits)) }
                                td { (product.tax_class) } td { (product.category.as_deref().unwrap_or("")) }
                                td { @if product.active { "active" } @else { "inactive" } }
                                td { (scheduled(product, minor_digits)) }
                            }
                        }
                    }
                }
            }
            @if admin {
                h2 { "Schedule a price" }
                p class="muted" { "Tills receive it at their next sync and switch at that instant on their own clock, online or not." }
                form class="inline" method="post" action="/console/catalogue/price" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "SKU" input type="text" name="sku" required maxlength="64"; }
                    label { "New price" input type="text" name="price" required maxlength="20" inputmode="decimal"; }
                    label { "From (UTC)" input type="datetime-local" name="from" required; }
                    button type="submit" { "Schedule" }
                }
                h2 { "Import a catalogue file" }
                p class="muted" { "Nothing changes until you have seen the preview and confirmed it." }
                form class="inline" method="post" action="/console/catalogue/import" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Layout"
                        select name="format" {
                            @for format in [CatalogueFormat::Kassa, CatalogueFormat::Shopify, CatalogueFormat::Square] {
                                option value=(format.as_str()) { (format.label()) }
                            }
                        }
                    }
                    label { "File" input type="file" name="file" accept=".csv,text/csv" required; }
                    button type="submit" { "Preview" }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}

/// A product's scheduled prices, as the table shows them.
fn scheduled(product: &Product, minor_digits: u8) -> String {
    product
        .scheduled_prices
        .iter()
        .map(|change| {
            let from = DateTime::<Utc>::from_timestamp(change.from, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default();
            format!("{} from {from}", format_amount(change.price, minor_digits))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn admins_only() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Not allowed",
        "Only a head office admin changes the catalogue.",
    )
}

/// The upload: its fields read whole (the route's body limit bounds them), the CSRF token checked
/// before anything is kept.
pub(super) async fn upload(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    mut multipart: Multipart,
) -> Response {
    let (mut csrf, mut format, mut file) = (String::new(), String::new(), Vec::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return message_page(StatusCode::BAD_REQUEST, "The upload failed", &e.body_text())
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => {
                return message_page(StatusCode::BAD_REQUEST, "The upload failed", &e.body_text())
            }
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "format" => format = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes.to_vec(),
            _ => {}
        }
    }
    if !signed_in.form_is_ours(&csrf) {
        return forged_form();
    }
    if signed_in.user.role != ConsoleRole::Admin {
        return admins_only();
    }
    let Some(format) = CatalogueFormat::parse(&format) else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "Unknown layout",
            "Choose the file's layout.",
        );
    };
    let outcome = state
        .hq
        .upload_catalogue_import(&signed_in.user.name, format, file)
        .await;
    let action = format!("upload catalogue file ({})", format.label());
    log_change(&state, &signed_in, &action, &outcome_text(&outcome)).await;
    match outcome {
        Ok(id) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("/console/catalogue/import/{id}"))],
        )
            .into_response(),
        Err(e) => error_page(&e),
    }
}

pub(super) async fn preview(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Response {
    if signed_in.user.role != ConsoleRole::Admin {
        return admins_only();
    }
    match state
        .hq
        .preview_catalogue_import(&signed_in.user.name, &id)
        .await
    {
        Ok(preview) => {
            let markup = page(
                "Catalogue",
                Some(&signed_in),
                preview_markup(&preview, &signed_in.session.csrf_token),
            );
            Html(markup.into_string()).into_response()
        }
        Err(e) => error_page(&e),
    }
}

fn preview_markup(preview: &ImportPreview, csrf: &str) -> Markup {
    let parsed = &preview.parsed;
    let labels: HashMap<&str, &str> = parsed
        .tax_fields
        .iter()
        .map(|f| (f.key.as_str(), f.label.as_str()))
        .collect();
    let action = format!("/console/catalogue/import/{}", preview.id);
    html! {
        h2 { "Preview: " (preview.format.label()) }
        p class="summary" {
            strong { (count(parsed.products.len(), "product")) } " to import: "
            span data-count="new" { (preview.new) } " new, "
            span data-count="changed" { (preview.changed) } " changed, "
            span data-count="unchanged" { (preview.unchanged) } " unchanged. "
            @if parsed.errors.is_empty() { "No bad row." } @else {
                strong class="refusal" { (count(parsed.errors.len(), "bad row")) } " will be left out (listed below)."
            }
            " Nothing has changed yet."
        }
        @if !parsed.errors.is_empty() {
            table class="bad-rows" {
                caption { "Rows left out" }
                thead { tr { th scope="col" class="num" { "Line" } th scope="col" { "Problem" } } }
                tbody { @for error in &parsed.errors {
                    tr { td class="num" { (error.line) } td { (error.message) } }
                } }
            }
        }
        form class="card wide" method="post" action=(format!("{action}/confirm")) {
            input type="hidden" name="csrf" value=(csrf);
            @if !parsed.tax_fields.is_empty() {
                fieldset {
                    legend { "Tax classes for the file's tax fields" }
                    @for field in &parsed.tax_fields {
                        @let suggested = suggested_tax_class(field, &preview.classes);
                        label {
                            (field.label) " " span class="muted" { "(" (count(field.rows, "row")) ")" }
                            select name=(format!("tax:{}", field.key)) required {
                                option value="" selected[suggested.is_none()] { "Choose…" }
                                @for (code, rate) in &preview.classes {
                                    option value=(code) selected[suggested == Some(code.as_str())] { (code) " (" (percent(*rate)) ")" }
                                }
                            }
                        }
                    }
                }
            }
            @if parsed.products.is_empty() {
                p class="refusal" { "The file has no good row to import." }
            } @else {
                button type="submit" { "Import " (count(parsed.products.len(), "product")) }
            }
        }
        form class="inline" method="post" action=(format!("{action}/discard")) {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" class="secondary" { "Discard this file" }
        }
        @if !parsed.products.is_empty() {
            table class="products" {
                caption class="muted" { "The file's products" @if parsed.products.len() > PREVIEWED { " (the first " (PREVIEWED) ")" } }
                thead { tr {
                    th scope="col" class="num" { "Line" } th scope="col" { "SKU" } th scope="col" { "Name" }
                    th scope="col" class="num" { "Price" } th scope="col" { "Tax" } th scope="col" { "Category" }
                    th scope="col" { "State" } th scope="col" { "Change" }
                } }
                tbody { @for row in parsed.products.iter().take(PREVIEWED) {
                    @let product = &row.product;
                    tr data-sku=(product.sku) {
                        td class="num" { (row.line) } td { (product.sku) } td { (product.name) }
                        td class="num" { (format_amount(product.price, preview.minor_digits)) }
                        td { (labels.get(product.tax_class.as_str()).copied().unwrap_or(&product.tax_class)) }
                        td { (product.category.as_deref().unwrap_or("")) }
                        td { @if product.active { "active" } @else { "inactive" } }
                        td { @if preview.changes.contains(&product.sku) { "new or changed" } @else { "unchanged" } }
                    }
                } }
            }
        }
    }
}

/// "1 product", "2 products".
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A rate in basis points as people write it: 21%, 5.5%.
fn percent(rate_bp: u32) -> String {
    let (whole, fraction) = (rate_bp / 100, rate_bp % 100);
    if fraction == 0 {
        format!("{whole}%")
    } else {
        format!(
            "{whole}.{}%",
            format!("{fraction:02}").trim_end_matches('0')
        )
    }
}

pub(super) async fn confirm(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let csrf = fields
        .iter()
        .find(|(name, _)| name == "csrf")
        .map_or("", |(_, value)| value.as_str());
    if !signed_in.form_is_ours(csrf) {
        return forged_form();
    }
    if signed_in.user.role != ConsoleRole::Admin {
        return admins_only();
    }
    let mapping: HashMap<String, String> = fields
        .into_iter()
        .filter_map(|(name, class)| Some((name.strip_prefix("tax:")?.to_string(), class)))
        .collect();
    let outcome = state
        .hq
        .confirm_catalogue_import(&signed_in.user.name, &id, &mapping)
        .await;
    let action = match &outcome {
        Ok(applied) => format!(
            "import catalogue file: {} products as version {}, {} rows left out",
            applied.products,
            applied.version,
            applied.skipped.len()
        ),
        Err(_) => "import catalogue file".to_string(),
    };
    log_change(&state, &signed_in, &action, &outcome_text(&outcome)).await;
    match outcome {
        Ok(applied) => {
            let markup = page(
                "Catalogue",
                Some(&signed_in),
                html! {
                    p class="done" role="status" {
                        "Imported " (count(applied.products, "product")) " as catalogue version " (applied.version)
                        "; " (count(applied.skipped.len(), "bad row")) " left out. Tills receive them at their next sync."
                    }
                    p { a href="/console/catalogue" { "Back to the catalogue" } }
                },
            );
            Html(markup.into_string()).into_response()
        }
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn discard(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if signed_in.user.role != ConsoleRole::Admin {
        return admins_only();
    }
    match state
        .hq
        .discard_catalogue_import(&signed_in.user.name, &id)
        .await
    {
        Ok(()) => super::see_other("/console/catalogue"),
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize)]
pub(super) struct PriceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    price: String,
    /// `YYYY-MM-DDTHH:MM` (what a datetime-local field sends), in UTC.
    #[serde(default)]
    from: String,
}

pub(super) async fn schedule_price(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<PriceForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if signed_in.user.role != ConsoleRole::Admin {
        return admins_only();
    }
    let Ok(from) = NaiveDateTime::parse_from_str(form.from.trim(), "%Y-%m-%dT%H:%M") else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "Not a time",
            "Give the time the price takes effect as YYYY-MM-DDTHH:MM (UTC).",
        );
    };
    let outcome = async {
        let digits = state.hq.catalogue_minor_digits().await?;
        let price = parse_amount(form.price.trim(), digits)
            .map_err(|e| HqError::BadRequest(format!("price: {e}")))?;
        state
            .hq
            .schedule_price(form.sku.trim(), price, from.and_utc())
            .await
    }
    .await;
    let sku: String = form.sku.trim().chars().take(64).collect();
    let action = format!(
        "schedule price of {sku}: {} from {} UTC",
        form.price.trim().chars().take(20).collect::<String>(),
        from.format("%Y-%m-%d %H:%M")
    );
    let to = format!("/console/catalogue?q={}", query_text(&sku));
    logged_redirect(&state, &signed_in, &action, outcome, to).await
}

/// Text for a query string: letters and digits as they are, everything else percent-encoded.
fn query_text(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The upload route's body limit: the largest file and its form fields.
pub(super) const UPLOAD_LIMIT: usize = MAX_IMPORT_BYTES + 64 * 1024;

#[cfg(test)]
mod tests {
    use super::{percent, query_text};

    #[test]
    fn rates_and_query_text_are_written_as_people_read_them() {
        assert_eq!(percent(2100), "21%");
        assert_eq!(percent(550), "5.5%");
        assert_eq!(percent(6), "0.06%");
        assert_eq!(query_text("TEE-ORG S/1"), "TEE-ORG%20S%2F1");
    }
}
