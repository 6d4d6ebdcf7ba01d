//! The console's page shell: head, navigation, who is signed in, sign-out; and its stylesheet,
//! served by head office itself (nothing comes from elsewhere).

use super::SignedIn;
use crate::HqError;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

const STYLESHEET: &str = include_str!("console.css");

pub(super) async fn stylesheet() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET).into_response()
}

/// The sections of the console, in the order the navigation lists them.
const SECTIONS: &[(&str, &str)] = &[
    ("Overview", "/console"),
    ("Stores", "/console/stores"),
    ("Catalogue", "/console/catalogue"),
    ("Stock", "/console/stock"),
    ("Orders", "/console/orders"),
    ("Exceptions", "/console/exceptions"),
    ("Staff", "/console/staff"),
    ("Reports", "/console/reports"),
];

/// A whole page around `content`.
pub(super) fn page(title: &str, signed_in: Option<&SignedIn>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Kassa head office" }
                link rel="stylesheet" href="/console/console.css";
            }
            body {
                header class="bar" {
                    span class="brand" { "Kassa head office" }
                    @if let Some(signed_in) = signed_in {
                        nav aria-label="Sections" {
                            ul {
                                @for (name, href) in SECTIONS {
                                    li { a href=(href) aria-current=[(*name == title).then_some("page")] { (name) } }
                                }
                            }
                        }
                        form class="sign-out" method="post" action="/console/sign-out" {
                            input type="hidden" name="csrf" value=(signed_in.session.csrf_token);
                            span class="who" { (signed_in.user.name) " (" (role_name(signed_in)) ")" }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main { h1 { (title) } (content) }
            }
        }
    }
}

fn role_name(signed_in: &SignedIn) -> &'static str {
    match signed_in.user.role {
        crate::console_users::ConsoleRole::Admin => "admin",
        crate::console_users::ConsoleRole::StoreManager => "store manager",
        crate::console_users::ConsoleRole::Analyst => "analyst",
    }
}

/// A page that only says something (an error, a refusal), with its status.
pub(super) fn message_page(status: StatusCode, title: &str, text: &str) -> Response {
    let markup = page(title, None, html! { p { (text) } });
    (status, Html(markup.into_string())).into_response()
}

/// Head office could not answer: the status says whose fault, the page says no more than the
/// API would (no database text).
pub(super) fn error_page(error: &HqError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = if status.is_server_error() {
        "Head office could not answer. Try again; if it goes on, tell whoever runs head office."
            .to_string()
    } else {
        error.to_string()
    };
    message_page(status, "Something went wrong", &text)
}
