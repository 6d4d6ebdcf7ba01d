//! The overview: where the stores the user sees stand. Each store's sales today and over the last
//! 30 days with a chart per day, and when it last synced. The figures come from head office's
//! daily sales (kept as sales arrive), never from a scan of every sale. `?until=YYYY-MM-DD`
//! looks at the 30 days up to another day.

use super::layout::{error_page, message_page, page};
use super::sales_chart::sales_chart;
use super::{ConsoleState, SignedIn};
use crate::viewer::Viewer;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Days, NaiveDate, Utc};
use kassa_domain::money::format_in;
use kassa_domain::{Currency, Money};
use maud::html;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Days the overview covers, the last one included.
const DAYS: u64 = 30;

#[derive(Deserialize)]
pub(super) struct OverviewQuery {
    until: Option<String>,
}

/// One store's figures over the period.
struct StoreFigures {
    code: String,
    name: String,
    currency: Currency,
    last_sync: Option<chrono::DateTime<Utc>>,
    /// Sales and total per day, oldest first.
    per_day: Vec<(i64, i64)>,
}

pub(super) async fn page_handler(
    State(state): State<ConsoleState>,
    signed_in: SignedIn,
    Query(query): Query<OverviewQuery>,
) -> Response {
    let until = match query
        .until
        .as_deref()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
    {
        None => Utc::now().date_naive(),
        Some(Ok(day)) => day,
        Some(Err(_)) => {
            return message_page(
                StatusCode::BAD_REQUEST,
                "Not a day",
                "Give the day as YYYY-MM-DD.",
            )
        }
    };
    let Some(from) = until.checked_sub_days(Days::new(DAYS - 1)) else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "Not a day",
            "That day is too early.",
        );
    };
    // The same rule the API's read services apply (crate::viewer).
    let viewer = Viewer::from(&signed_in.user);
    let day_key = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let (first, last) = (day_key(from), day_key(until));
    let (stores, daily) = match tokio::try_join!(
        state.hq.storage().stores(),
        state.hq.storage().daily_sales(&first, &last)
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&e),
    };
    let index: BTreeMap<String, usize> = (0..DAYS)
        .filter_map(|n| from.checked_add_days(Days::new(n)))
        .enumerate()
        .map(|(i, d)| (day_key(d), i))
        .collect();
    let mut figures: Vec<StoreFigures> = stores
        .into_iter()
        .filter(|row| viewer.sees(&row.info.code))
        .map(|row| StoreFigures {
            currency: Currency::from_iso(&row.info.currency).unwrap_or(Currency {
                code: row.info.currency.clone(),
                minor_digits: 2,
            }),
            code: row.info.code,
            name: row.info.name,
            last_sync: row.last_sync_at,
            per_day: vec![(0, 0); index.len()],
        })
        .collect();
    for day in daily {
        let (Some(store), Some(i)) = (
            figures.iter_mut().find(|f| f.code == day.store),
            index.get(&day.business_day),
        ) else {
            continue;
        };
        store.per_day[*i].0 += day.sales;
        store.per_day[*i].1 += day.total;
    }
    let money = |f: &StoreFigures, minor: i64| format_in(Money::from_minor(minor), &f.currency);
    let markup = page(
        "Overview",
        Some(&signed_in),
        html! {
            p { "Sales of the " (DAYS) " days from " (day_key(from)) " to " (day_key(until)) ", by business day." }
            @if figures.is_empty() {
                p { "No stores yet." }
            } @else {
                table id="store-sales" {
                    thead { tr {
                        th scope="col" { "Store" }
                        th scope="col" class="num" { "Sales on " (day_key(until)) }
                        th scope="col" class="num" { "Total on " (day_key(until)) }
                        th scope="col" class="num" { "Sales, " (DAYS) " days" }
                        th scope="col" class="num" { "Total, " (DAYS) " days" }
                        th scope="col" { "Per day" }
                        th scope="col" { "Last sync (UTC)" }
                    } }
                    tbody {
                        @for store in &figures {
                            @let (today_sales, today_total) = store.per_day.last().copied().unwrap_or((0, 0));
                            @let sales: i64 = store.per_day.iter().map(|d| d.0).sum();
                            @let total: i64 = store.per_day.iter().map(|d| d.1).sum();
                            @let totals: Vec<i64> = store.per_day.iter().map(|d| d.1).collect();
                            tr data-store=(store.code) {
                                th scope="row" { (store.code) " " span class="muted" { (store.name) } }
                                td class="num" data-figure="today-sales" { (today_sales) }
                                td class="num" data-figure="today-total" data-minor=(today_total) { (money(store, today_total)) }
                                td class="num" data-figure="period-sales" { (sales) }
                                td class="num" data-figure="period-total" data-minor=(total) { (money(store, total)) }
                                td { (sales_chart(&format!("{}: sales per day, {} in {} days", store.code, money(store, total), DAYS), &totals)) }
                                td { @match store.last_sync {
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
