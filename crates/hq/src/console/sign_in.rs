//! Signing in and out. The sign-in form carries its own CSRF token, matched against a short-lived
//! cookie of the same value (there is no session yet to hold it); a signed-in form carries the
//! session's. Sign-ins, refused or not, go to head office's admin log with the name tried.

use super::layout::{error_page, page};
use super::{cookie, forged_form, see_other, set_cookie, ConsoleState, SignedIn, SESSION_COOKIE};
use crate::console_users::{same_secret, SignInRefused, MAX_PASSWORD_CHARS, SESSION_HOURS};
use crate::tokens::random_secret;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use maud::html;
use serde::Deserialize;

/// The cookie that carries the sign-in form's token.
const SIGN_IN_COOKIE: &str = "kassa_sign_in";
/// How long a sign-in form may wait before it is posted.
const SIGN_IN_FORM_SECONDS: i64 = 3600;
/// Longest name the form takes (longer cannot be anyone's).
const MAX_NAME_CHARS: usize = 64;

/// The sign-in page, with `refusal` said above the form when there is one.
fn sign_in_page(state: &ConsoleState, status: StatusCode, refusal: Option<&str>) -> Response {
    let token = random_secret(32);
    let markup = page(
        "Sign in",
        None,
        html! {
            @if let Some(refusal) = refusal {
                p class="refusal" role="alert" { (refusal) }
            }
            form class="card" method="post" action="/console/sign-in" {
                input type="hidden" name="csrf" value=(token);
                label { "Name" input type="text" name="name" autocomplete="username" required maxlength=(MAX_NAME_CHARS); }
                label { "Password" input type="password" name="password" autocomplete="current-password" required maxlength=(MAX_PASSWORD_CHARS); }
                button type="submit" { "Sign in" }
            }
        },
    );
    let cookie = set_cookie(
        state,
        SIGN_IN_COOKIE,
        &token,
        "/console/sign-in",
        SIGN_IN_FORM_SECONDS,
    );
    (status, [(SET_COOKIE, cookie)], Html(markup.into_string())).into_response()
}

pub(super) async fn form(State(state): State<ConsoleState>) -> Response {
    sign_in_page(&state, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn submit(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or("");
    if expected.is_empty() || !same_secret(&form.csrf, expected) {
        return forged_form();
    }
    let name: String = form.name.trim().chars().take(MAX_NAME_CHARS + 1).collect();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return sign_in_page(
            &state,
            StatusCode::UNAUTHORIZED,
            Some("Wrong name or password."),
        );
    }
    let now = Utc::now();
    let outcome = match state.hq.console_sign_in(&name, &form.password, now).await {
        Ok(outcome) => outcome,
        Err(e) => return error_page(&e),
    };
    let said = match &outcome {
        Ok(_) => "ok".to_string(),
        Err(SignInRefused::WrongNameOrPassword) => "401 wrong name or password".to_string(),
        Err(SignInRefused::Locked { .. }) => "423 locked".to_string(),
    };
    if let Err(e) = state
        .hq
        .log_admin_action(&format!("console:{name}"), "console sign in", &said)
        .await
    {
        eprintln!("kassa-hq: the admin log could not be written (console sign in): {e}");
    }
    let user = match outcome {
        Ok(user) => user,
        Err(SignInRefused::WrongNameOrPassword) => {
            return sign_in_page(
                &state,
                StatusCode::UNAUTHORIZED,
                Some("Wrong name or password."),
            )
        }
        Err(SignInRefused::Locked { until }) => {
            let text = format!(
                "Too many wrong passwords: this name is locked until {} UTC.",
                until.format("%H:%M")
            );
            return sign_in_page(&state, StatusCode::FORBIDDEN, Some(&text));
        }
    };
    let (token, _) = match state.hq.start_console_session(&user, now).await {
        Ok(started) => started,
        Err(e) => return error_page(&e),
    };
    let mut response = see_other("/console");
    let headers = response.headers_mut();
    headers.append(
        SET_COOKIE,
        set_cookie(
            &state,
            SESSION_COOKIE,
            &token,
            "/console",
            SESSION_HOURS * 3600,
        ),
    );
    headers.append(
        SET_COOKIE,
        set_cookie(&state, SIGN_IN_COOKIE, "", "/console/sign-in", 0),
    );
    response
}

#[derive(Deserialize)]
pub(super) struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn sign_out(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Response {
    if !signed_in.form_is_ours(&form.csrf) {
        return forged_form();
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Err(e) = state.hq.end_console_session(token).await {
            return error_page(&e);
        }
    }
    let mut response = see_other("/console/sign-in");
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", "/console", 0),
    );
    response
}
