//! The overview: where the stores stand. For now the stores the user sees with when each last
//! synced; today's and the last 30 days' sales, tills online and open exceptions come next.

use super::layout::{error_page, page};
use super::{ConsoleState, SignedIn};
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use maud::html;

pub(super) async fn page_handler(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
) -> Response {
    let stores = match state.hq.storage().stores().await {
        Ok(stores) => stores,
        Err(e) => return error_page(&e),
    };
    let seen: Vec<_> = stores
        .iter()
        .filter(|row| signed_in.user.sees_store(&row.info.code))
        .collect();
    let markup = page(
        "Overview",
        Some(&signed_in),
        html! {
            h2 { "Stores" }
            @if seen.is_empty() {
                p { "No stores yet." }
            } @else {
                table {
                    thead { tr { th scope="col" { "Store" } th scope="col" { "Name" } th scope="col" { "Last sync (UTC)" } } }
                    tbody {
                        @for row in &seen {
                            tr {
                                td { (row.info.code) }
                                td { (row.info.name) }
                                td { @match row.last_sync_at {
                                    Some(at) => (at.format("%Y-%m-%d %H:%M")),
                                    None => "never",
                                } }
                            }
                        }
                    }
                }
            }
        },
    );
    Html(markup.into_string()).into_response()
}
