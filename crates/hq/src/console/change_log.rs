//! Every change made through the console lands in head office's admin log with the user's name
//! (`console:NAME`), what was done, and how it ended; then the page answers: a redirect to where
//! the change shows, or the error page.

use super::layout::error_page;
use super::{ConsoleState, SignedIn};
use crate::HqError;
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What an outcome says in the log: `ok`, or the refusal's status and code.
pub(super) fn outcome_text<T>(outcome: &Result<T, HqError>) -> String {
    match outcome {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("{} {}", e.status(), e.code()),
    }
}

/// Writes the log line. A log that cannot be written is said on stderr; the change stands.
pub(super) async fn log_change(
    state: &ConsoleState,
    signed_in: &SignedIn,
    action: &str,
    said: &str,
) {
    let actor = format!("console:{}", signed_in.user.name);
    if let Err(e) = state.hq.log_admin_action(&actor, action, said).await {
        eprintln!("kassa-hq: the admin log could not be written ({actor} {action}): {e}");
    }
}

/// Logs the change, then sends the browser to `to` when it went through (303, so that reloading
/// does not post it again), or shows why not.
pub(super) async fn logged_redirect<T>(
    state: &ConsoleState,
    signed_in: &SignedIn,
    action: &str,
    outcome: Result<T, HqError>,
    to: String,
) -> Response {
    log_change(state, signed_in, action, &outcome_text(&outcome)).await;
    match outcome {
        Ok(_) => (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response(),
        Err(e) => error_page(&e),
    }
}
