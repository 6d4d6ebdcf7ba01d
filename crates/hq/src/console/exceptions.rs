//! The exceptions inbox: every store's exceptions the user sees, filtered by store, kind and
//! state, with who did what on which till; a store manager or an admin resolves one with a
//! note, under their name, and the resolution goes to the tills at their next sync like one made
//! at a till. Resolutions made here are in head office's admin log with the user's name.

use super::change_log::logged_redirect;
use super::layout::{error_page, message_page, page};
use super::{forged_form, ConsoleState, SignedIn};
use crate::viewer::Viewer;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use kassa_protocol::ResolveRequest;
use maud::html;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct Filter {
    #[serde(default)]
    store: String,
    #[serde(default)]
    kind: String,
    /// `open` (the default), `resolved` or `all`.
    #[serde(default)]
    state: String,
}

pub(super) async fn list(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(filter): Query<Filter>,
) -> Response {
    let viewer = Viewer::from(&signed_in.user);
    let all = match state.hq.exceptions_for(&viewer).await {
        Ok(all) => all,
        Err(e) => return error_page(&e),
    };
    let wanted_state = match filter.state.as_str() {
        "" | "open" => "open",
        "resolved" => "resolved",
        _ => "all",
    };
    let mut stores: Vec<&str> = all.iter().map(|e| e.store.as_str()).collect();
    stores.sort_unstable();
    stores.dedup();
    let mut kinds: Vec<String> = all.iter().map(|e| kind_name(&e.kind)).collect();
    kinds.sort();
    kinds.dedup();
    let shown: Vec<_> = all
        .iter()
        .filter(|e| filter.store.is_empty() || e.store == filter.store)
        .filter(|e| filter.kind.is_empty() || kind_name(&e.kind) == filter.kind)
        .filter(|e| match wanted_state {
            "open" => e.resolution.is_none(),
            "resolved" => e.resolution.is_some(),
            _ => true,
        })
        .collect();
    let may_resolve = signed_in.user.may_change();
    let markup = page(
        "Exceptions",
        Some(&signed_in),
        html! {
            form class="filters" method="get" action="/console/exceptions" {
                label { "Store" select name="store" {
                    option value="" { "every store" }
                    @for store in &stores { option value=(store) selected[*store == filter.store] { (store) } }
                } }
                label { "Kind" select name="kind" {
                    option value="" { "every kind" }
                    @for kind in &kinds { option value=(kind) selected[*kind == filter.kind] { (kind) } }
                } }
                label { "State" select name="state" {
                    @for (value, name) in [("open", "open"), ("resolved", "resolved"), ("all", "all")] {
                        option value=(value) selected[value == wanted_state] { (name) }
                    }
                } }
                button type="submit" { "Show" }
            }
            p { (shown.len()) " of " (all.len()) " exceptions." }
            @if !shown.is_empty() {
                table id="exceptions" {
                    thead { tr {
                        th scope="col" { "Store" } th scope="col" { "Kind" } th scope="col" { "What happened" }
                        th scope="col" { "Tills" } th scope="col" { "State" }
                    } }
                    tbody {
                        @for exception in &shown {
                            tr data-exception=(exception.id) {
                                td { (exception.store) }
                                td { (kind_name(&exception.kind)) }
                                td { (exception.message) }
                                td { (exception.tills.join(", ")) }
                                td {
                                    @if let Some(resolution) = &exception.resolution {
                                        "Resolved by " (resolution.resolved_by.as_deref().unwrap_or(&resolution.written_by))
                                        ": " (resolution.note)
                                    } @else if may_resolve {
                                        form class="resolve" method="post" action="/console/exceptions/resolve" {
                                            input type="hidden" name="csrf" value=(signed_in.session.csrf_token);
                                            input type="hidden" name="id" value=(exception.id);
                                            label { "Note" input type="text" name="note" required maxlength="1000"; }
                                            button type="submit" { "Resolve" }
                                        }
                                    } @else {
                                        "Open"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}

fn kind_name(kind: &kassa_replica::ExceptionKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub(super) struct ResolveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn resolve(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Form(form): Form<ResolveForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if !signed_in.user.may_change() {
        return message_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "An analyst reads; a store manager or an admin resolves exceptions.",
        );
    }
    let request = ResolveRequest {
        id: form.id.clone(),
        note: form.note,
        resolved_by: Some(signed_in.user.name.clone()),
    };
    let viewer = Viewer::from(&signed_in.user);
    let outcome = state.hq.resolve_exception_for(&viewer, &request).await;
    let action = format!(
        "resolve exception {}",
        form.id.chars().take(120).collect::<String>()
    );
    logged_redirect(
        &state,
        &signed_in,
        &action,
        outcome,
        "/console/exceptions".into(),
    )
    .await
}
